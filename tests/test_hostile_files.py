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


# -- file names and symbolic links: seeds/ is a boundary ------------------------------------

def _names_seeds(root):
    """Odd names and links beside a good file (bytes paths: the names are not all UTF-8)."""
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "bon.txt").write_text(GOOD, encoding="utf-8")
    outside = root / "dehors"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret hors du dossier\n\nroot:x:0:0:root:/root:/bin/bash", encoding="utf-8")
    (outside / "sous").mkdir()
    (outside / "sous" / "cache.txt").write_text("Caché\n\nDans un dossier lié.", encoding="utf-8")
    (seeds / "passwd.txt").symlink_to(outside / "secret.txt")
    (seeds / "lien-dossier").symlink_to(outside / "sous", target_is_directory=True)
    (seeds / "interne.txt").symlink_to("bon.txt")
    (seeds / "casse.txt").symlink_to(seeds / "absent.txt")
    import os
    with open(os.path.join(os.fsencode(seeds), b"bad\xff\xfename.txt"), "wb") as f:
        f.write("Nom invalide\n\nUn fichier au nom qui n'est pas de l'UTF-8.".encode())
    (seeds / "ligne\nsuivante.txt").write_text("Nom à deux lignes\n\nUn saut de ligne dans le nom.", encoding="utf-8")
    return seeds


@pytest.fixture(scope="module")
def names(tmp_path_factory):
    root = tmp_path_factory.mktemp("names")
    seeds = _names_seeds(root)
    summary = reindex([seeds], root / "ix")
    client = create_app({"VIGIE_INDEX": str(root / "ix"), "VIGIE_WARM_UP": False}).test_client()
    return summary, client, Engine(root / "ix", reload_check=0), seeds, root


def test_file_symlinks_out_of_seeds_are_not_followed_and_are_reported(names):
    summary, client, engine, _, _ = names
    assert engine.document("passwd") is None
    assert client.get("/api/search?q=root").get_json()["total"] == 0
    assert any(w.startswith("skipped passwd.txt: symbolic link out of seeds/") for w in summary.warnings)
    assert any(w.startswith("skipped casse.txt: broken symbolic link") for w in summary.warnings)
    assert engine.document("interne")["title"] == "Un article sain"  # a link inside seeds/ is read


def test_directory_symlinks_are_reported_not_silently_skipped(names):
    summary, _, engine, _, _ = names
    assert engine.document("lien-dossier/cache") is None
    assert any(w.startswith("skipped lien-dossier: directory symlink") for w in summary.warnings)


def test_a_file_name_that_is_not_utf8_is_indexed_under_an_escaped_id(names):
    summary, client, engine, seeds, root = names
    assert engine.document("bad\\xff\\xfename")["title"] == "Nom invalide"
    assert any("bad\\xff\\xfename.txt" in w and "UTF-8" in w for w in summary.warnings)
    assert client.get("/documents/bad%5Cxff%5Cxfename").status_code == 200
    # Stable across runs: the next reindex finds it unchanged.
    again = reindex([seeds], root / "ix")
    assert (again.added, again.updated, again.deleted) == (0, 0, 0) and again.unchanged == 4


def test_a_file_name_with_a_newline_links_to_its_document(names):
    _, client, engine, _, _ = names
    html = client.get("/?q=saut").get_data(as_text=True)
    import re
    from html import unescape
    (link,) = [unescape(h) for h in re.findall(r'href="(/documents/[^"]*)"', html)]
    assert "Nom à deux lignes" in client.get(link).get_data(as_text=True)
    assert engine.document("ligne\nsuivante")["title"] == "Nom à deux lignes"


def test_cli_with_a_non_utf8_name_exits_0(names, tmp_path):
    _, _, _, seeds, _ = names
    proc = _cli("--seeds", seeds, "--index", tmp_path / "ix")
    assert proc.returncode == 0, proc.stderr
    assert "added 4 /" in proc.stdout
