"""Hostile files in seeds/: invalid code points, binary junk, bad fields, odd names, symlinks.

Each one is reported or made harmless; none stops the others from being indexed,
and nothing indexed from them makes a page fail.
"""
import json
import random
import subprocess
import sys

import pytest

from indexer.sources import SeedFile, file_hash, load, read_bytes
from indexer.writer import reindex
from search.engine import Engine
from search.params import SearchRequest
from tests.conftest import ROOT, write_jsonl
from web import create_app

GOOD = "Un article sain\n\nLe porte-avions Charles de Gaulle appareille de Toulon pour la Méditerranée."
# Random bytes with no NUL: the old rule (NUL bytes mean binary) let them through.
JUNK = random.Random(9).randbytes(4096).replace(b"\x00", b"\x01")

INVALID_CODE_POINTS = [
    {"id": "surrogate", "title": "Titre \ud800 brisé", "text": "Un texte \udfff avec des demi-paires \ud83d.",
     "author": "Jean \udc00 Dupont", "url": "https://example.org/\ud800", "source": ["AFP\ud800"]},
    {"id": "controls\x00\x07", "title": "Nul\x00 et cloche\x07", "text": "Texte\x00 avec\x1b[31m des\x7f contrôles\x85.",
     "author": "Marie\x1fCurie", "source": "Reuters\x1fAFP", "date": "2020-01-02"},
]
BAD_FIELDS = [
    {"id": "ok-0", "title": "Premier", "text": "Un premier texte correct."},
    {"id": "title-number", "title": 123, "text": "Le titre est un nombre."},
    {"id": "title-list", "title": ["a", "b"], "text": "Le titre est une liste."},
    {"id": "url-object", "url": {"href": "x"}, "text": "L'URL est un objet."},
    {"id": "source-number", "source": [1, 2], "text": "Les sources sont des nombres."},
    {"id": "ok-1", "title": "Exercice naval", "text": "Les frégates manoeuvrent en Baltique."},
    {"id": 42, "title": "Identifiant numérique", "text": "Un identifiant entier est accepté."},
]


def build_hostile_seeds(root):
    """A seeds folder holding every kind of hostile file next to a good one."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "bon.txt").write_text(GOOD, encoding="utf-8")
    (root / "junk.txt").write_bytes(JUNK)
    for name, records in (("invalid.jsonl", INVALID_CODE_POINTS), ("lot.jsonl", BAD_FIELDS)):
        # json.dumps writes \uXXXX escapes: the file is valid UTF-8, the decoded strings are not
        (root / name).write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    seeds = build_hostile_seeds(root / "seeds")
    summary = reindex([seeds], root / "ix")
    client = create_app({"VIGIE_INDEX": str(root / "ix"), "VIGIE_WARM_UP": False}).test_client()
    return summary, client, Engine(root / "ix", reload_check=0)


def test_a_bad_field_fails_its_record_alone(hostile):
    summary, _, _ = hostile
    assert "lot.jsonl:2: field 'title' must be text" in summary.failed
    assert "lot.jsonl:3: field 'title' must be text" in summary.failed
    assert "lot.jsonl:4: field 'url' must be text" in summary.failed
    assert any(f.startswith("lot.jsonl:5: field 'source'") for f in summary.failed)
    engine = hostile[2]
    assert engine.document("ok-1")["title"] == "Exercice naval"
    assert engine.document("42")["title"] == "Identifiant numérique"


def test_binary_junk_without_nul_bytes_is_refused(hostile):
    summary, _, engine = hostile
    assert any(f.startswith("junk.txt: binary file") for f in summary.failed), summary.failed
    assert engine.document("junk") is None


def test_lone_surrogates_are_replaced_and_every_page_shows_the_document(hostile):
    _, client, engine = hostile
    doc = engine.document("surrogate")
    assert doc["title"] == "Titre \ufffd brisé" and doc["author"] == "Jean \ufffd Dupont"
    assert doc["url"] == "https://example.org/\ufffd" and doc["source"] == ["AFP\ufffd"]
    assert "\ufffd" in doc["text"]
    for url in ("/api/documents/surrogate", "/documents/surrogate", "/api/search?q=*&per_page=100", "/?q=*",
                "/api/search?q=brisé", "/?q=demi-paires"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        resp.get_data().decode("utf-8")


def test_control_characters_are_replaced_in_every_field(hostile):
    _, client, engine = hostile
    ids = [r["id"] for r in engine.search(SearchRequest(q="cloche", per_page=10))["results"]]
    assert ids == ["controls\ufffd\ufffd"]
    doc = engine.document(ids[0])
    assert doc["title"] == "Nul\ufffd et cloche\ufffd"
    assert "\x00" not in doc["text"] and "\x1b" not in doc["text"] and "\x7f" not in doc["text"]
    assert doc["text"].endswith("contrôles.") or doc["text"].endswith("contrôles\n.")
    assert doc["author"] == "Marie\ufffdCurie"
    assert client.get("/api/documents/controls%EF%BF%BD%EF%BF%BD").status_code == 200


def test_a_source_holding_the_facet_separator_stays_one_value(hostile):
    _, client, engine = hostile
    data = client.get("/api/search?q=cloche").get_json()
    assert data["results"][0]["source"] == ["Reuters\ufffdAFP"]
    assert [f["value"] for f in data["facets"]["source"]] == ["Reuters\ufffdAFP"]
    selected = client.get("/api/search", query_string={"q": "", "source": "Reuters\ufffdAFP"}).get_json()
    assert [r["id"] for r in selected["results"]] == ["controls\ufffd\ufffd"]


def test_carriage_returns_become_newlines(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("Titre Windows\r\n\r\nPremier paragraphe.\r\nSecond\rparagraphe.".encode())
    seed = SeedFile(path, "crlf.txt")
    (doc,), _ = load(seed, read_bytes(seed), file_hash(path.read_bytes()))
    assert doc.title == "Titre Windows" and "\r" not in doc.text and "Second\nparagraphe." in doc.text


def _cli(*args, **kwargs):
    return subprocess.run([sys.executable, str(ROOT / "scripts/reindex.py"), *map(str, args)],
                          capture_output=True, text=True, **kwargs)


def test_a_crash_of_reindex_has_its_own_exit_status(tmp_path, seeds_copy):
    not_a_dir = tmp_path / "index-is-a-file"
    not_a_dir.write_text("x")
    proc = _cli("--seeds", seeds_copy, "--index", not_a_dir)
    assert proc.returncode == 4, proc.stderr
    assert "crashed" in proc.stderr
    (seeds_copy / "casse.json").write_text("{", encoding="utf-8")
    assert _cli("--seeds", seeds_copy, "--index", tmp_path / "ix").returncode == 1


def test_make_index_serves_despite_failed_files_and_stops_on_a_crash(tmp_path, seeds_copy):
    """`make run` = `make index` then gunicorn: exit 1 goes on, a crash does not."""
    bindir = str(sys.executable).rsplit("/", 1)[0]
    make = ["make", "-s", "-C", str(ROOT), "-o", "install", "index", f"BIN={bindir}", f"SEEDS={seeds_copy}"]
    (seeds_copy / "casse.json").write_text("{", encoding="utf-8")
    assert subprocess.run(make + [f"VIGIE_INDEX={tmp_path / 'ix'}"], capture_output=True).returncode == 0
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    assert subprocess.run(make + [f"VIGIE_INDEX={not_a_dir}"], capture_output=True).returncode != 0


def test_records_of_one_file_fail_alone_in_the_summary_counts(tmp_path):
    write_jsonl(tmp_path / "lot.jsonl", [{"id": f"r{i}", "title": "Titre", "text": "Texte."} for i in range(17)]
                + [{"id": "bad", "title": 123, "text": "Texte."}])
    summary = reindex([tmp_path / "lot.jsonl"], tmp_path / "ix")
    assert summary.added == 17 and summary.failed == ["lot.jsonl:18: field 'title' must be text"]
