"""What an analyst drops into seeds/: every format, every encoding, broken files."""
import gzip
import json

from indexer.sources import SeedFile, discover, file_hash, load, read_bytes
from indexer.writer import reindex
from tests.conftest import write_jsonl

HTML = """<html><head><title>Essai</title>
<meta property="og:title" content="Le Rafale au salon du Bourget">
<meta property="article:published_time" content="2021-06-21T10:00:00+02:00">
<meta property="publisher" content="AFP">
<meta property="article:author" content="Jeanne Martin">
<meta property="og:url" content="https://example.org/rafale">
</head><body><nav>Menu Accueil Contact</nav><article><h1>Le Rafale au salon du Bourget</h1>
<p>Le constructeur a présenté le Rafale à des délégations étrangères venues nombreuses au salon.</p>
<p>Les ministres de la Défense de plusieurs pays ont assisté à la démonstration en vol.</p>
<p>Une commande de douze appareils est attendue avant la fin de l'année selon les industriels.</p>
</article><footer>Mentions légales</footer></body></html>"""


def docs_of(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    seed = SeedFile(path, name)
    return load(seed, read_bytes(seed), file_hash(data))


def test_html_page_gives_text_and_structured_metadata(tmp_path):
    (doc,), _ = docs_of(tmp_path, "page.html", HTML.encode())
    assert doc.id == "page"
    assert doc.title == "Le Rafale au salon du Bourget"
    assert doc.date.startswith("2021-06-21")
    assert doc.sources == ["AFP"]
    assert doc.author == "Jeanne Martin"
    assert doc.url == "https://example.org/rafale"
    assert "douze appareils" in doc.text and "Mentions légales" not in doc.text


def test_json_record_list_and_jsonl_with_missing_fields(tmp_path):
    records = [{"id": "a1", "title": "T1", "text": "Texte un.", "source": "AFP", "date": "2020-01-02T03:04:05+01:00"},
               {"text": "Texte deux sans titre.\nSuite."}]
    docs, problems = docs_of(tmp_path, "lot.json", json.dumps(records).encode())
    assert [d.id for d in docs] == ["a1", "lot#2"]
    assert docs[0].sources == ["AFP"] and docs[0].date == "2020-01-02T03:04:05+01:00"
    assert docs[1].title == "Texte deux sans titre." and docs[1].date is None and docs[1].sources == []
    (single,), _ = docs_of(tmp_path, "one.json", json.dumps({"text": "Seul."}).encode())
    assert single.id == "one"


def test_jsonl_gz_is_read_directly_and_bad_lines_are_reported(tmp_path):
    lines = [json.dumps({"id": "g1", "text": "Un."}), "{not json", json.dumps({"id": "g3", "title": "x"})]
    docs, problems = docs_of(tmp_path, "lot.jsonl.gz", gzip.compress("\n".join(lines).encode()))
    assert [d.id for d in docs] == ["g1"]
    assert any("lot.jsonl.gz:2" in p and "invalid JSON" in p for p in problems)
    assert any("lot.jsonl.gz:3" in p and "no text" in p for p in problems)


def test_bom_and_legacy_encodings_are_decoded(tmp_path):
    (bom,), _ = docs_of(tmp_path, "bom.txt", "\ufeffArmée de l'air\n\nTexte.".encode("utf-8"))
    assert bom.title == "Armée de l'air"
    (legacy,), _ = docs_of(tmp_path, "cp.txt", "Défense européenne\n\nL’armée œuvre.".encode("cp1252"))
    assert legacy.title == "Défense européenne" and "L’armée œuvre" in legacy.text


def test_broken_files_are_named_and_skipped_the_rest_is_indexed(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "bon.txt").write_text("Un bon article\n\nSur l'OTAN.", encoding="utf-8")
    (seeds / "binaire.txt").write_bytes(b"\x00\x01\x02garbage")
    (seeds / "casse.json").write_text("{ pas du json", encoding="utf-8")
    (seeds / "image.png").write_bytes(b"\x89PNG")
    summary = reindex([seeds], tmp_path / "index")
    assert summary.added == 1
    assert any(f.startswith("binaire.txt:") for f in summary.failed)
    assert any(f.startswith("casse.json:") and "invalid JSON" in f for f in summary.failed)
    assert any("image.png" in w and "unsupported" in w for w in summary.warnings)


def test_discover_recurses_and_ids_are_relative_paths(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "note.txt").write_text("Titre\n\nTexte.", encoding="utf-8")
    write_jsonl(tmp_path / "lot.jsonl", [{"id": "x", "text": "t"}])
    found, skipped = discover([tmp_path])
    assert sorted(s.stem for s in found) == ["a/b/note", "lot"]
    assert skipped == []


def test_jsonl_lines_split_on_newlines_only(tmp_path):
    record = {"id": "u1", "text": "Avant\u2028après, un séparateur de ligne Unicode dans le texte."}
    docs, problems = docs_of(tmp_path, "u.jsonl", (json.dumps(record, ensure_ascii=False) + "\n").encode())
    assert [d.id for d in docs] == ["u1"] and problems == []
