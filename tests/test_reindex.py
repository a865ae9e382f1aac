"""scripts/reindex.py: incremental by content hash, atomic rebuilds, one at a time."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from filelock import FileLock
from whoosh import fields
from whoosh import index as whoosh_index

from indexer import store, writer
from indexer.sources import discover
from indexer.writer import ReindexBusy, reindex
from search.engine import Engine
from search.params import SearchRequest
from tests.conftest import CORPUS_5K, ROOT, needs_shared, write_jsonl
from web import create_app


def ids(index_dir, q=""):
    engine = Engine(index_dir, reload_check=0)
    result = engine.search(SearchRequest(q=q, per_page=100))
    return sorted(r["id"] for r in result["results"])


def test_second_run_without_change_indexes_nothing(seeds_copy, tmp_path):
    first = reindex([seeds_copy], tmp_path / "ix")
    assert (first.added, first.updated, first.failed) == (2, 0, [])
    second = reindex([seeds_copy], tmp_path / "ix")
    assert (second.added, second.updated, second.deleted, second.unchanged) == (0, 0, 0, 2)


def test_edit_add_and_delete_are_reflected(seeds_copy, tmp_path):
    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    edited = seeds_copy / "000_bc95917e9b30098b.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\nLe porte-avions Clemenceau appareille.", encoding="utf-8")
    (seeds_copy / "nouveau.txt").write_text("Exercice naval en Baltique\n\nLes frégates manoeuvrent.", encoding="utf-8")
    (seeds_copy / "002_ad6fdf2ba060e34e.txt").unlink()
    summary = reindex([seeds_copy], index_dir)
    assert (summary.added, summary.updated, summary.deleted, summary.unchanged) == (1, 1, 1, 0)
    assert ids(index_dir) == ["000_bc95917e9b30098b", "nouveau"]
    assert ids(index_dir, "Clemenceau") == ["000_bc95917e9b30098b"]
    assert ids(index_dir, "frégate") == ["nouveau"]


def test_a_running_engine_answers_from_the_new_generation_not_its_remembered_answers(seeds_copy, tmp_path):
    """Answers are remembered per generation (search/results_cache.py): the same
    request after a reindex is answered again, from the new documents."""
    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    engine = Engine(index_dir, reload_check=0)
    request = SearchRequest(q="frégate")
    first = engine.search(request)
    assert first["total"] == 0
    assert engine.search(request) | {"took_ms": 0} == first | {"took_ms": 0}  # remembered, equal
    (seeds_copy / "nouveau.txt").write_text("Exercice naval en Baltique\n\nLes frégates manoeuvrent.", encoding="utf-8")
    reindex([seeds_copy], index_dir)
    deadline = time.monotonic() + 30  # the new generation opens in the background
    while engine.search(request)["total"] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [r["id"] for r in engine.search(request)["results"]] == ["nouveau"]


def test_full_rebuild_swaps_a_new_generation_in(seeds_copy, tmp_path):
    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    before = store.current_dir(index_dir)
    summary = reindex([seeds_copy], index_dir, full=True)
    after = store.current_dir(index_dir)
    assert after != before and summary.updated == 2 and summary.added == 0
    assert ids(index_dir) == ["000_bc95917e9b30098b", "002_ad6fdf2ba060e34e"]


def test_a_second_reindex_is_refused_while_one_runs(seeds_copy, tmp_path):
    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    with FileLock(str(index_dir / ".reindex.lock")):
        with pytest.raises(ReindexBusy, match="already running"):
            reindex([seeds_copy], index_dir)
        proc = subprocess.run(
            [sys.executable, str(ROOT / "scripts/reindex.py"), "--seeds", str(seeds_copy), "--index", str(index_dir)],
            capture_output=True, text=True,
        )
    assert proc.returncode == 3 and "already running" in proc.stderr


def test_failing_rebuild_leaves_the_served_index_intact(seeds_copy, tmp_path, monkeypatch):
    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    live = store.current_dir(index_dir)

    def explode(doc):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(writer, "index_fields", explode)
    with pytest.raises(RuntimeError):
        reindex([seeds_copy], index_dir, full=True)
    assert store.current_dir(index_dir) == live
    assert [p.name for p in index_dir.iterdir() if p.name.startswith("gen-")] == [live.name]
    assert ids(index_dir, "OTAN") == ["000_bc95917e9b30098b", "002_ad6fdf2ba060e34e"]


def test_killed_rebuild_leaves_the_served_index_intact(seeds_copy, tmp_path):
    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    records = [{"id": f"n{i}", "title": f"Dépêche {i}", "text": "L'armée de l'air patrouille. " * 200} for i in range(4000)]
    write_jsonl(seeds_copy / "gros.jsonl", records)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts/reindex.py"), "--full", "--seeds", str(seeds_copy),
         "--index", str(index_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    time.sleep(2.0)
    assert proc.poll() is None, "the rebuild finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert ids(index_dir, "OTAN") == ["000_bc95917e9b30098b", "002_ad6fdf2ba060e34e"]
    # The lock died with the process: the next run goes ahead and cleans up.
    (seeds_copy / "gros.jsonl").unlink()
    summary = reindex([seeds_copy], index_dir, full=True)
    assert summary.updated == 2
    assert len([p for p in index_dir.iterdir() if p.name.startswith("gen-")]) <= store.KEEP_GENERATIONS


def test_cli_reports_summary_and_fails_on_broken_files(seeds_copy, tmp_path):
    (seeds_copy / "casse.json").write_text("{", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts/reindex.py"), "--seeds", str(seeds_copy), "--index", str(tmp_path / "ix")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 1
    assert "added 2 / updated 0 / deleted 0 / unchanged 0 / failed 1" in proc.stdout
    assert "casse.json" in proc.stderr


def test_index_location_defaults_to_vigie_index(seeds_copy, tmp_path):
    env = dict(os.environ, VIGIE_INDEX=str(tmp_path / "envix"))
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/reindex.py"), "--seeds", str(seeds_copy)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert store.current_dir(tmp_path / "envix") is not None


def test_an_index_from_another_version_is_refused_by_the_server_and_rebuilt_by_reindex(seeds_copy, tmp_path):
    index_dir = tmp_path / "ix"
    old = store.new_generation(index_dir)
    whoosh_index.create_in(str(old), fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(stored=True)))
    store.swap_in(index_dir, old)

    client = create_app({"VIGIE_INDEX": str(index_dir), "VIGIE_WARM_UP": False}).test_client()
    resp = client.get("/api/search?q=otan")
    assert resp.status_code == 503 and "another version" in resp.get_json()["error"]

    summary = reindex([seeds_copy], index_dir)
    assert summary.full and summary.added == 2 and summary.failed == []
    assert any("another version" in w for w in summary.warnings)
    assert ids(index_dir, "Stoltenberg") == ["000_bc95917e9b30098b", "002_ad6fdf2ba060e34e"]


@needs_shared
def test_a_big_jsonl_file_parsed_in_parts_gives_what_one_process_gives(tmp_path):
    """The 36k corpus is one file: its records are parsed by several processes, in runs of
    lines; documents, their order and the problems reported (with line numbers) are the same."""
    lines = CORPUS_5K.read_text(encoding="utf-8").split("\n")
    lines.insert(1234, "{not json")
    lines.insert(2345, '{"id": "no-text"}')
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(lines), encoding="utf-8")
    assert big.stat().st_size >= writer.PARALLEL_MIN_BYTES and len(lines) > 2 * writer.PART_LINES
    seeds, _ = discover([tmp_path])
    (seed, docs, problems, error), = writer._parse_all(seeds, 2, True)
    (_, alone, alone_problems, alone_error), = writer._parse_all(seeds, 1, True)
    assert error is alone_error is None
    assert problems == alone_problems and len(problems) == 2 and "big.jsonl:1235: invalid JSON" in problems[0]
    assert docs == alone and len(docs) == len(lines) - 3


def test_a_no_op_reindex_writes_missing_postings_arrays_and_nothing_else(seeds_copy, tmp_path):
    """An index from before the postings arrays (indexer/postings.py) gets them at its next
    reindex, even when no file changed; with them present a no-op writes nothing."""
    import shutil

    from indexer import postings

    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    arrays = store.current_dir(index_dir) / postings.DIRNAME
    written = {p.relative_to(arrays): p.read_bytes() for p in arrays.rglob("*") if p.is_file()}
    before = ids(index_dir, "OTAN")
    shutil.rmtree(arrays)
    summary = reindex([seeds_copy], index_dir)
    assert (summary.added, summary.updated, summary.relabelled) == (0, 0, 0)
    assert {p.relative_to(arrays): p.read_bytes() for p in arrays.rglob("*") if p.is_file()} == written
    phrase = ids(index_dir, '"plans de défense"')
    for folder in arrays.iterdir():  # arrays written before the positions were copied: still searched
        (folder / "positions.npy").unlink()
        spans = json.loads((folder / postings.TERMS_FILE).read_text(encoding="utf-8"))["postings"]
        spans = {f: {t: span[:2] for t, span in terms.items()} for f, terms in spans.items()}
        index = json.loads((folder / postings.TERMS_FILE).read_text(encoding="utf-8")) | {"postings": spans}
        (folder / postings.TERMS_FILE).write_text(json.dumps(index), encoding="utf-8")
        assert postings.SegmentPostings.load(store.current_dir(index_dir), folder.name) is not None
    assert ids(index_dir, '"plans de défense"') == phrase and phrase
    reindex([seeds_copy], index_dir)
    assert {p.relative_to(arrays): p.read_bytes() for p in arrays.rglob("*") if p.is_file()} == written
    size = store.size_bytes(store.current_dir(index_dir))
    reindex([seeds_copy], index_dir)
    assert store.size_bytes(store.current_dir(index_dir)) == size
    assert ids(index_dir, "OTAN") == before and before
