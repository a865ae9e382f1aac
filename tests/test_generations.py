"""Generations, writer processes and segments are cleaned up, whatever kills a reindex.

Kills happen at points chosen by the reindex's own progress lines, never by sleeping.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import store
from indexer.segments import PURGE_SHARE
from indexer.writer import reindex
from search.engine import Engine
from search.params import SearchRequest
from tests.conftest import ROOT, write_jsonl

BIG_TEXT = "L'armée de l'air patrouille au-dessus de la Baltique avec ses Rafale. " * 22  # ~1.5 kB


def _all_ids(index_dir) -> set[str]:
    ix = whoosh_index.open_dir(str(store.current_dir(index_dir)))
    with ix.reader() as reader:
        return set(reader.column_reader("id")[n] for n in reader.all_doc_ids())


def start_reindex(seeds, index_dir, *extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "scripts/reindex.py"), "--seeds", str(seeds), "--index", str(index_dir), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def wait_for_progress(proc: subprocess.Popen, unit: str, count: int) -> None:
    """Read the reindex's progress log until its `count`-th line about `unit` (files or docs)."""
    seen = 0
    for line in proc.stderr:
        if line.rstrip().endswith(f" {unit}s") and "/" in line:
            seen += 1
            if seen >= count:
                return
    pytest.fail(f"reindex ended before {count} progress lines about {unit}s (exit {proc.wait()})")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.fixture(scope="module")
def killed_rebuild(tmp_path_factory):
    """A served index, then a --full rebuild with Whoosh's writer processes, SIGKILLed (the
    parent alone) once it has written a third of its documents."""
    root = tmp_path_factory.mktemp("killed")
    seeds = root / "seeds"
    seeds.mkdir()
    write_jsonl(seeds / "base.jsonl", [{"id": f"b{i}", "title": f"Base {i}", "text": "Texte de base."}
                                       for i in range(5)])
    index_dir = root / "ix"
    reindex([seeds], index_dir)
    served = store.current_dir(index_dir)
    before = _all_ids(index_dir)
    write_jsonl(seeds / "gros.jsonl", [{"id": f"n{i}", "title": f"Dépêche {i}", "text": BIG_TEXT}
                                       for i in range(3200)])  # > 4 MB: the multi-process writer
    proc = start_reindex(seeds, index_dir, "--full", "--workers", "2", "--no-persons")
    wait_for_progress(proc, "doc", 3)
    kids = children_of(proc.pid)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 15  # a bound, not a measurement: death signals are immediate
    while any(alive(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [k for k in kids if alive(k)]
    for k in survivors:  # never leave 0.9 GB behind, even when the test fails
        os.kill(k, signal.SIGKILL)
    (seeds / "gros.jsonl").unlink()
    return {"seeds": seeds, "index_dir": index_dir, "served": served, "before": before, "children": kids,
            "survivors": survivors, "gens": {p for p in index_dir.iterdir() if p.name.startswith("gen-")}}


def test_a_killed_full_rebuild_leaves_no_process_behind(killed_rebuild):
    assert killed_rebuild["children"], "the rebuild had no writer processes when it was killed"
    assert killed_rebuild["survivors"] == []


def test_a_killed_rebuild_loses_nothing_served(killed_rebuild):
    k = killed_rebuild
    assert store.current_dir(k["index_dir"]) == k["served"] and _all_ids(k["index_dir"]) == k["before"]
    assert len(k["gens"]) == 2  # the served generation and the partial one


def test_a_partial_generation_is_removed_and_the_served_one_is_kept_for_readers(killed_rebuild):
    k = killed_rebuild
    (partial,) = k["gens"] - {k["served"]}
    summary = reindex([k["seeds"]], k["index_dir"], full=True)
    assert summary.failed == []
    gens = {p for p in k["index_dir"].iterdir() if p.name.startswith("gen-")}
    assert not partial.exists()
    assert gens == {store.current_dir(k["index_dir"]), k["served"]}
    assert (k["index_dir"] / store.PREVIOUS).resolve() == k["served"].resolve()
    assert whoosh_index.open_dir(str(k["served"])).doc_count() == len(k["before"])  # still readable


def test_the_next_incremental_run_removes_a_partial_generation(seeds_copy, tmp_path):
    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    partial = store.new_generation(index_dir)  # what a killed rebuild leaves
    whoosh_index.create_in(str(partial), whoosh_index.open_dir(str(store.current_dir(index_dir))).schema)
    reindex([seeds_copy], index_dir)
    assert not partial.exists() and store.current_dir(index_dir).exists()


@pytest.mark.parametrize("unit,count", [("file", 1), ("file", 6), ("doc", 2), ("doc", 9)])
def test_sigkill_of_an_incremental_run_loses_nothing_served(seeds_copy, tmp_path, unit, count):
    index_dir = tmp_path / "ix"
    write_jsonl(seeds_copy / "lot.jsonl", [{"id": f"l{i}", "title": f"Lot {i}", "text": "Texte du lot."}
                                           for i in range(50)])
    reindex([seeds_copy], index_dir)
    before = _all_ids(index_dir)
    (seeds_copy / "lot.jsonl").write_text("", encoding="utf-8")  # its 50 documents go, in the same commit
    for i in range(120):
        (seeds_copy / f"a{i:03}.txt").write_text(f"Dépêche {i}\n\n{BIG_TEXT}", encoding="utf-8")
    proc = start_reindex(seeds_copy, index_dir, "--workers", "1")
    wait_for_progress(proc, unit, count)
    proc.kill()
    proc.wait()
    assert _all_ids(index_dir) == before  # the commit is all or nothing
    assert Engine(index_dir, reload_check=0).search(SearchRequest(q="Stoltenberg"))["total"] == 2
    summary = reindex([seeds_copy], index_dir)
    assert _all_ids(index_dir) == before - {f"l{i}" for i in range(50)} | {f"a{i:03}" for i in range(120)}
    assert summary.added == 120


def test_churn_does_not_grow_the_index_without_bound(tmp_path):
    """Remove and re-add a third of the documents, four times: deleted documents are purged."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for part in range(3):
        write_jsonl(seeds / f"part{part}.jsonl", [{"id": f"p{part}-{i}", "title": f"Partie {part}",
                                                   "text": f"{BIG_TEXT} {i}"} for i in range(100)])
    index_dir = tmp_path / "ix"
    reindex([seeds], index_dir)
    fresh = store.size_bytes(store.current_dir(index_dir))
    merged = 0
    for round_ in range(4):
        write_jsonl(seeds / "part0.jsonl", [{"id": f"p0-{i}", "title": f"Partie 0 tour {round_}",
                                             "text": f"{BIG_TEXT} {i} {round_}"} for i in range(100)])
        summary = reindex([seeds], index_dir)
        assert summary.updated == 100
        merged += summary.merge.merged
        ix = whoosh_index.open_dir(str(store.current_dir(index_dir)))
        with ix.reader() as reader:
            assert reader.doc_count() == 300
            assert reader.doc_count_all() - reader.doc_count() <= PURGE_SHARE * reader.doc_count_all()
    assert merged > 0 and "merged" in summary.line() and "segments" in summary.line()
    assert store.size_bytes(store.current_dir(index_dir)) < 1.5 * fresh
