"""Reindex is idempotent and deterministic: the same files give the same index, whatever the
hash seed, and a run that finds nothing changed writes nothing and reads no file."""
import os
import subprocess
import sys

import pytest
from whoosh import index as whoosh_index

from indexer import filestate, store, writer
from indexer.writer import reindex
from tests.conftest import ROOT, write_jsonl

# Pairs of spellings of one person, each used by exactly as many documents: a tie that was
# broken by set order, so facet values flipped between runs (`Eric Zemmour` ↔ `Éric Zemmour`).
TIES = [("Éric Zemmour", "Eric Zemmour"), ("Hélène Dupré", "Helene Dupre"), ("José Bové", "Jose Bove"),
        ("Jérôme Cahuzac", "Jerome Cahuzac"), ("Ségolène Royal", "Segolene Royal"), ("Noël Mamère", "Noel Mamere"),
        ("Frédéric Mitterrand", "Frederic Mitterrand"), ("Rémi Fraisse", "Remi Fraisse"),
        ("Gérard Larcher", "Gerard Larcher"), ("Benoît Hamon", "Benoit Hamon"), ("Aurélie Filippetti", "Aurelie Filippetti"),
        ("Cécile Duflot", "Cecile Duflot"), ("Hervé Morin", "Herve Morin"), ("Amélie Oudéa", "Amelie Oudea"),
        ("Thérèse Roux", "Therese Roux"), ("Clément Beaune", "Clement Beaune")]


def tie_records() -> list[dict]:
    records = []
    for n, pair in enumerate(TIES):
        for m, name in enumerate(pair):
            records.append({"id": f"t{n}-{m}", "title": f"Déclaration numéro {n}",
                            "text": f"Selon {name}, la défense européenne doit progresser. {name} l'a répété mardi."})
    return records


def run(seeds, index_dir, seed: int, *extra) -> str:
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/reindex.py"), "--seeds", str(seeds), "--index",
                           str(index_dir), *extra], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def dump(index_dir) -> dict:
    """Every document's stored fields and person columns, by id."""
    ix = whoosh_index.open_dir(str(store.current_dir(index_dir)))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        person = reader.column_reader("facet_person")
        raw = reader.column_reader("person_raw")
        return {fields["id"]: (fields, person[n], raw[n])
                for n, fields in ((n, searcher.stored_fields(n)) for n in reader.all_doc_ids())}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("ties")
    seeds = root / "seeds"
    seeds.mkdir()
    write_jsonl(seeds / "ties.jsonl", tie_records())
    return root, seeds


def test_person_values_do_not_depend_on_the_hash_seed(corpus):
    root, seeds = corpus
    reference = None
    for seed in (1, 2, 3):
        run(seeds, root / f"full-{seed}", seed, "--full")
        got = dump(root / f"full-{seed}")
        assert reference is None or got == reference
        reference = got
    persons = {fields["id"]: fields["persons"] for fields, _, _ in reference.values()}
    assert persons["t0-0"] == persons["t0-1"] == ["Éric Zemmour"]  # one value for both spellings


def test_a_no_op_reindex_relabels_nothing_whatever_the_hash_seed(corpus):
    root, seeds = corpus
    index_dir = root / "incremental"
    run(seeds, index_dir, 0)
    before, files = dump(index_dir), whoosh_files(index_dir)
    (seeds / "ties.jsonl").touch()  # stat changed, content not: the slow path, hashing the file
    for seed in (11, 12, 13, 14):
        out = run(seeds, index_dir, seed)
        assert "unchanged 32 / failed 0 —" in out, out  # no "relabelled N"
    assert dump(index_dir) == before and whoosh_files(index_dir) == files  # not one segment more


def whoosh_files(index_dir) -> dict[str, int]:
    """The index's own files and their sizes (Vigie's record of file stats aside)."""
    live = store.current_dir(index_dir)
    return {p.name: p.stat().st_size for p in live.iterdir() if p.name != filestate.STATE_FILE}


def _age(seeds, seconds=3600):
    for path in seeds.rglob("*"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 10**9))


def test_a_no_op_reindex_reads_no_file_and_commits_nothing(seeds_copy, tmp_path, monkeypatch):
    _age(seeds_copy)
    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    live = store.current_dir(index_dir)
    toc = whoosh_index.open_dir(str(live)).latest_generation()
    size = store.size_bytes(live)

    def no_read(seed):
        raise AssertionError(f"{seed.rel} was read")

    monkeypatch.setattr(writer, "read_bytes", no_read)
    summary = reindex([seeds_copy], index_dir)
    assert (summary.added, summary.updated, summary.deleted, summary.unchanged, summary.relabelled) == (0, 0, 0, 2, 0)
    assert whoosh_index.open_dir(str(live)).latest_generation() == toc
    assert store.size_bytes(live) == size


def test_an_edit_that_keeps_the_size_is_seen(seeds_copy, tmp_path):
    _age(seeds_copy)
    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    path = seeds_copy / "000_bc95917e9b30098b.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("OTAN", "UEON", 1), encoding="utf-8")
    _age(seeds_copy, 1800)
    summary = reindex([seeds_copy], index_dir)
    assert (summary.updated, summary.unchanged) == (1, 1)


def test_a_changed_alias_file_relabels_without_reading_articles(corpus, tmp_path):
    root, seeds = corpus
    index_dir = tmp_path / "ix"
    reindex([seeds], index_dir)
    (seeds / "persons.toml").write_text('[aliases]\n"Eric Zemmour" = "É. Zemmour"\n', encoding="utf-8")
    try:
        summary = reindex([seeds], index_dir)
    finally:
        (seeds / "persons.toml").unlink()
    assert summary.relabelled == 2 and summary.unchanged == 32


def test_new_person_rules_rebuild_the_index_in_full(seeds_copy, tmp_path, monkeypatch):
    """Articles indexed under other person rules (an older Vigie) would keep their old persons."""
    _age(seeds_copy)
    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    assert reindex([seeds_copy], index_dir).unchanged == 2  # same rules: nothing to do
    monkeypatch.setattr(writer, "persons_rules_digest", lambda: "other rules")
    summary = reindex([seeds_copy], index_dir)
    assert summary.full and summary.updated == 2 and any("person rules changed" in w for w in summary.warnings)
    assert reindex([seeds_copy], index_dir).unchanged == 2  # recorded: the next run is a no-op again
    # A state written before the rules were recorded (no digest) is another Vigie's too.
    live = store.current_dir(index_dir)
    state = filestate.load(live, whoosh_index.open_dir(str(live)).latest_generation())
    filestate.save(live, filestate.FileState(state.generation, state.aliases_hash, state.files))
    assert reindex([seeds_copy], index_dir).full
