"""Reindexing: files in seeds/ → Documents → the Whoosh index, incrementally.

Each document records its file's relative path and content hash, so a later
run re-reads only added and changed files and deletes the documents of files
that are gone. One reindex runs at a time (a lock file in the index directory).
"""
from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from whoosh import index as whoosh_index

from indexer import store
from indexer.document import Document
from indexer.metadata import date_key
from indexer.schema import LEAD_CHARS, SCHEMA, VALUE_SEP
from indexer.sources import SeedFile, SourceError, discover, file_hash, load, read_bytes

log = logging.getLogger(__name__)

WRITER_MEMORY_MB = 512
PARALLEL_MIN_FILES = 64  # below this, a process pool costs more than it saves
PARALLEL_MIN_BYTES = 4_000_000  # below this, so do Whoosh's writer processes


class ReindexBusy(Exception):
    """Another reindex holds the lock on this index directory."""


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    index_bytes: int = 0
    full: bool = False

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    @property
    def docs_per_second(self) -> float:
        return self.indexed / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"added {self.added} / updated {self.updated} / deleted {self.deleted} / "
            f"unchanged {self.unchanged} / failed {len(self.failed)} — "
            f"{self.docs_per_second:.0f} docs/s, {self.seconds:.1f} s, "
            f"index {self.index_bytes / 1e6:.1f} MB"
        )


Progress = Callable[[int], None]


def index_fields(doc: Document) -> dict:
    """The Whoosh fields of one document (the schema's only producer)."""
    return {
        "id": doc.id,
        "path": doc.path,
        "title": doc.title,
        "lead": doc.text[:LEAD_CHARS],
        "body": doc.text,
        "exact": f"{doc.title}\n{doc.text}",
        "source": "\n".join(doc.sources),
        "person": "\n".join(doc.persons),
        "author": doc.author or "",
        "url": doc.url,
        "date": doc.date,
        "sources": list(doc.sources),
        "persons": list(doc.persons),
        "file_hash": doc.file_hash.encode(),
        "facet_source": VALUE_SEP.join(doc.sources).encode(),
        "facet_person": VALUE_SEP.join(doc.persons).encode(),
        "date_key": date_key(doc.date),
    }


def _indexed_state(ix) -> dict[str, tuple[str, list[str]]]:
    """path -> (file hash, ids) of the live documents, read from columns only."""
    state: dict[str, tuple[str, list[str]]] = {}
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        paths = reader.column_reader("path")
        hashes = reader.column_reader("file_hash")
        for docnum in reader.all_doc_ids():
            path = paths[docnum]
            entry = state.setdefault(path, (hashes[docnum].decode(), []))
            entry[1].append(ids[docnum])
    return state


def _read_and_parse(seed: SeedFile) -> tuple[SeedFile, list[Document], list[str], str | None]:
    """Worker: a file's documents, per-record problems, or the file's error."""
    try:
        data = read_bytes(seed)
        docs, problems = load(seed, data, file_hash(data))
        return seed, docs, problems, None
    except SourceError as exc:
        return seed, [], [], exc.reason
    except Exception as exc:  # a parser bug must not stop the whole reindex
        return seed, [], [], f"{type(exc).__name__}: {exc}"


def _parse_all(seeds: list[SeedFile], workers: int) -> Iterable:
    if workers > 1 and len(seeds) >= PARALLEL_MIN_FILES:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(_read_and_parse, seeds, chunksize=16)
    else:
        yield from map(_read_and_parse, seeds)


def _changed_files(seeds: list[SeedFile], state: dict) -> tuple[list[SeedFile], int]:
    """Files whose content hash differs from the index's, and docs left unchanged."""
    changed, unchanged = [], 0
    for seed in seeds:
        known = state.get(seed.rel)
        if known is not None:
            try:
                if file_hash(read_bytes(seed)) == known[0]:
                    unchanged += len(known[1])
                    continue
            except SourceError:
                pass  # reported when the file is parsed
        changed.append(seed)
    return changed, unchanged


def _writer(ix, full: bool, changed: list[SeedFile], workers: int):
    """Whoosh's multi-process writer for large rebuilds (one segment per process)."""
    volume = sum(s.path.stat().st_size for s in changed if s.path.exists())
    if full and workers > 1 and volume >= PARALLEL_MIN_BYTES:
        return ix.writer(procs=workers, multisegment=True, limitmb=WRITER_MEMORY_MB // workers)
    return ix.writer(limitmb=WRITER_MEMORY_MB)


def _write(writer, changed, state, present, summary, workers, progress) -> tuple[set[str], set[str]]:
    """Delete gone files' documents, write changed files' ones.

    Returns the ids written and the ids kept as they were (unchanged files, and
    files that became unreadable: their last good version stays searchable).
    """
    changed_rels = {s.rel for s in changed}
    kept = {i for rel, (_, ids) in state.items() if rel in present and rel not in changed_rels for i in ids}
    for rel in state:
        if rel not in present:
            writer.delete_by_term("path", rel)
    written: set[str] = set()
    for seed, docs, problems, error in _parse_all(changed, workers):
        if progress:
            progress(1)
        if error:
            summary.failed.append(f"{seed.rel}: {error}")
            kept.update(state.get(seed.rel, ("", []))[1])
            continue
        summary.failed.extend(problems)
        if seed.rel in state:
            writer.delete_by_term("path", seed.rel)
        for doc in docs:
            if doc.id in written:
                summary.warnings.append(f"{seed.rel}: duplicate id {doc.id!r}, the later record is kept")
            if summary.full and doc.id not in written:
                writer.add_document(**index_fields(doc))
            else:
                writer.update_document(**index_fields(doc))
            written.add(doc.id)
    return written, kept - written


def reindex(
    roots: list[Path],
    index_dir: Path,
    full: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Summary:
    """Bring the index in `index_dir` in line with the files under `roots`."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / ".reindex.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise ReindexBusy(f"another reindex is already running on {index_dir}") from None
    try:
        return _reindex_locked(roots, index_dir, full, workers or os.cpu_count() or 1, progress, on_total)
    finally:
        lock.release()


def _reindex_locked(roots, index_dir, full, workers, progress, on_total) -> Summary:
    started = time.perf_counter()
    summary = Summary()
    seeds, skipped = discover(roots)
    summary.warnings.extend(f"skipped {s}" for s in skipped)
    live = store.current_dir(index_dir)
    summary.full = full or live is None
    previous = _indexed_state(whoosh_index.open_dir(str(live))) if live else {}
    if summary.full:
        target = store.new_generation(index_dir)
        ix = whoosh_index.create_in(str(target), SCHEMA)
        state: dict = {}
    else:
        target = live
        ix = whoosh_index.open_dir(str(target))
        state = previous

    changed, summary.unchanged = _changed_files(seeds, state)
    if on_total:
        on_total(len(changed))
    present = {s.rel for s in seeds}
    writer = _writer(ix, summary.full, changed, workers)
    try:
        written, kept = _write(writer, changed, state, present, summary, workers, progress)
        writer.commit()
    except BaseException:
        writer.cancel()
        if summary.full:
            shutil.rmtree(target, ignore_errors=True)
        raise
    old_ids = {i for _, ids in previous.values() for i in ids}
    summary.added = len(written - old_ids)
    summary.updated = len(written & old_ids)
    summary.deleted = len(old_ids - written - kept)
    if summary.full:
        store.swap_in(index_dir, target)
    summary.seconds = time.perf_counter() - started
    summary.index_bytes = store.size_bytes(target)
    return summary
