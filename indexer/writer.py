"""Reindexing: files in seeds/ → Documents → the Whoosh index, incrementally.

Each document records its file's relative path and content hash, so a later
run re-reads only added and changed files and deletes the documents of files
that are gone. One reindex runs at a time (a lock file in the index directory).
"""
from __future__ import annotations

import gc
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from filelock import FileLock, Timeout
from whoosh import index as whoosh_index

from indexer import children, filestate, postings, source_merge, store, stories
from indexer.document import Document
from indexer.filestate import FileStat
from indexer.metadata import date_key
from indexer.person_merge import AliasFileError, Aliases, build_mapping, canonical, find_alias_file
from indexer.person_merge import key as person_key
from indexer.persons import rules_digest as persons_rules_digest
from indexer.segments import MergeReport, merge_policy
from indexer.schema import LEAD_CHARS, SCHEMA, VALUE_SEP, compatible
from indexer.sources import (JSONL_EXTS, SeedFile, SourceError, discover, extension, file_hash, jsonl_parts, load,
                             load_part, no_records_error, read_bytes)

log = logging.getLogger(__name__)

WRITER_MEMORY_MB = 512
PARALLEL_MIN_FILES = 64  # below this, a process pool costs more than it saves
PARALLEL_MIN_BYTES = 4_000_000  # below this, so do Whoosh's writer processes (and a file is parsed whole)
PART_LINES = 500  # records per task when one big JSON Lines file is parsed by several processes


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
    relabelled: int = 0  # unchanged documents whose person values changed
    seconds: float = 0.0
    index_bytes: int = 0
    full: bool = False
    merge: MergeReport = field(default_factory=MergeReport)

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    @property
    def docs_per_second(self) -> float:
        return self.indexed / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"added {self.added} / updated {self.updated} / deleted {self.deleted} / "
            f"unchanged {self.unchanged} / failed {len(self.failed)}"
            + (f" / relabelled {self.relabelled}" if self.relabelled else "")
            + " — "
            f"{self.docs_per_second:.0f} docs/s, {self.seconds:.1f} s, "
            f"index {self.index_bytes / 1e6:.1f} MB"
            + (f", {self.merge.segments} segments" if self.merge.segments else "")
            + (f" ({self.merge.merged} merged, {self.merge.purged} deleted documents purged)"
               if self.merge.merged else "")
        )


Progress = Callable[[int], None]  # called with the number of files read, then of documents written


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
        "person_value": ",".join(person_key(p) for p in doc.persons),
        "author": doc.author or "",
        "url": doc.url,
        "date": doc.date,
        "sources": list(doc.sources),
        "persons": list(doc.persons),
        "section": doc.section,
        "file_hash": doc.file_hash.encode(),
        "facet_source": VALUE_SEP.join(doc.sources).encode(),
        "facet_person": VALUE_SEP.join(doc.persons).encode(),
        "person_raw": VALUE_SEP.join(doc.persons_raw).encode(),
        "source_raw": VALUE_SEP.join(doc.sources_raw).encode(),
        "date_key": date_key(doc.date),
        "text_key": doc.text_key,
        "story": doc.story.encode(),
        "story_signature": doc.signature,
        "first_indexed": doc.first_indexed,
    }


def _split(raw: bytes) -> list[str]:
    return raw.decode("utf-8").split(VALUE_SEP) if raw else []


@dataclass
class Indexed:
    """What the live index knows of one document, read from columns only."""

    docnum: int
    path: str
    file_hash: str
    persons_raw: list[str]
    persons: list[str]
    story: stories.Member  # copies and story: carried to the next version of the index
    first_indexed: int
    sources_raw: list[str]
    sources: list[str]


def _read_state(generation: Path, ix) -> dict[str, Indexed]:
    """Every live document's columns (read whole, not one lookup per document)."""
    names = ("id", "path", "file_hash", "person_raw", "facet_person", "text_key", "story_signature", "date_key", "story",
             "first_indexed", "source_raw", "facet_source")
    with _kept_from_the_collector():
        docnums, columns = store.read_columns(generation, ix, names)
        return {
            doc_id: Indexed(n, path, digest.decode(), _split(raw), _split(persons),
                            stories.Member(doc_id, text_key, signature, date, story.decode()), first_indexed,
                            _split(sources_raw), _split(sources))
            for n, doc_id, path, digest, raw, persons, text_key, signature, date, story, first_indexed, sources_raw,
            sources in zip(docnums, *(columns[name] for name in names))
        }


@contextmanager
def _kept_from_the_collector() -> Iterator[None]:
    """Python's cycle collector paused while the block builds the state of every document
    (half a million objects at 36k, none in a cycle, kept until the run ends), then all
    that is alive frozen out of its later passes (gc.freeze), of which the parsers' imports
    make many: each would go through all of them again (0.6 s CPU of a one-file add at 36k).
    `reindex` unfreezes them when the run ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _files(state: dict[str, Indexed]) -> dict[str, tuple[str, list[str]]]:
    """path -> (content hash, ids) of the indexed files."""
    files: dict[str, tuple[str, list[str]]] = {}
    for doc_id, doc in state.items():
        files.setdefault(doc.path, (doc.file_hash, []))[1].append(doc_id)
    return files


def _read_and_parse(seed: SeedFile, persons: bool = True) -> tuple[SeedFile, list[Document], list[str], str | None]:
    """Worker: a file's documents, per-record problems, or the file's error."""
    return _parsed(seed, lambda: _read_and_load(seed, persons))


def _read_and_load(seed: SeedFile, persons: bool) -> tuple[list[Document], list[str]]:
    data = read_bytes(seed)
    return load(seed, data, file_hash(data), persons)


def _parse_part(task: tuple[SeedFile, str, tuple[int, str]], persons: bool = True) -> tuple:
    """Worker: one run of lines of a big JSON Lines file (see sources.jsonl_parts)."""
    seed, digest, part = task
    return _parsed(seed, lambda: load_part(seed, part, digest, persons))


def _parsed(seed: SeedFile, parse: Callable[[], tuple[list[Document], list[str]]]) -> tuple:
    try:
        docs, problems = parse()
        for doc in docs:
            stories.fingerprint(doc)
            doc.sources_raw = list(doc.sources)
        return seed, docs, problems, None
    except SourceError as exc:
        return seed, [], [], exc.reason
    except Exception as exc:  # a parser bug must not stop the whole reindex
        return seed, [], [], f"{type(exc).__name__}: {exc}"


def _parse_all(seeds: list[SeedFile], workers: int, persons: bool) -> Iterable:
    """Each file's parse, in the order of `seeds`: in a process pool when there are many
    files, or a big JSON Lines file (the 36k corpus is one), cut into runs of lines."""
    parse = partial(_read_and_parse, persons=persons)
    big = {s.rel for s in seeds if workers > 1 and extension(s.path) in JSONL_EXTS and _size(s) >= PARALLEL_MIN_BYTES}
    if not big and (workers <= 1 or len(seeds) < PARALLEL_MIN_FILES):
        yield from map(parse, seeds)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: list[SeedFile] = []
        for seed in seeds:
            if seed.rel not in big:
                pending.append(seed)
                continue
            yield from _parse_files(pool, parse, pending)
            pending = []
            yield _parse_in_parts(pool, seed, persons)
        yield from _parse_files(pool, parse, pending)


def _parse_files(pool: ProcessPoolExecutor, parse: Callable, seeds: list[SeedFile]) -> Iterable:
    """Small files: in the pool when there are enough of them to pay for it."""
    return pool.map(parse, seeds, chunksize=16) if len(seeds) >= PARALLEL_MIN_FILES else map(parse, seeds)


def _parse_in_parts(pool: ProcessPoolExecutor, seed: SeedFile, persons: bool) -> tuple:
    """One big JSON Lines file parsed by the pool, as `_read_and_parse` would parse it."""
    try:
        data = read_bytes(seed)
        digest, parts = file_hash(data), jsonl_parts(seed, data, PART_LINES)
    except SourceError as exc:
        return seed, [], [], exc.reason
    docs: list[Document] = []
    problems: list[str] = []
    for _, part_docs, part_problems, error in pool.map(partial(_parse_part, persons=persons),
                                                       [(seed, digest, part) for part in parts]):
        if error:
            return seed, [], [], error
        docs.extend(part_docs)
        problems.extend(part_problems)
    if not docs and problems:
        return seed, [], [], no_records_error(seed, problems).reason
    return seed, docs, problems, None


def _size(seed: SeedFile) -> int:
    try:
        return seed.path.stat().st_size
    except OSError:
        return 0


def _changed_files(seeds: list[SeedFile], files: dict, recorded: filestate.FileState | None,
                   stats: dict[str, FileStat | None]) -> tuple[list[SeedFile], int]:
    """Files whose content hash differs from the index's, and docs left unchanged.

    A file whose size, mtime and inode are those recorded at the last run is not read.
    """
    changed, unchanged = [], 0
    for seed in seeds:
        known = files.get(seed.rel)
        if known is not None:
            seen = recorded.unchanged(seed.rel, stats.get(seed.rel)) if recorded else None
            if seen is not None and seen[0] == known[0]:
                unchanged += len(known[1])
                continue
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


def _from_stored(stored: dict, indexed: Indexed) -> Document:
    """A document rebuilt from the index itself, to relabel it without reading its file."""
    return Document(
        id=stored["id"], title=stored.get("title", ""), text=stored.get("body", ""), path=indexed.path,
        file_hash=indexed.file_hash, sources_raw=indexed.sources_raw, date=stored.get("date"),
        author=stored.get("author") or None, url=stored.get("url"), persons_raw=indexed.persons_raw,
        section=stored.get("section"), text_key=indexed.story.text_key, signature=indexed.story.signature,
        story=indexed.story.story, first_indexed=indexed.first_indexed,
    )


@dataclass
class Mappings:
    """Corpus-wide canonical values: raw person and source keys -> facet values."""

    persons: dict
    sources: dict
    sources_of: dict[tuple[str, ...], list[str]] = field(default_factory=dict)  # see _sources

    def apply(self, doc: Document) -> Document:
        doc.persons = canonical(doc.persons_raw, self.persons)
        doc.sources = source_merge.canonical(doc.sources_raw, self.sources)
        return doc

    def stale(self, indexed: Indexed) -> bool:
        """Whether an indexed document's values differ from what the mappings give now."""
        return (canonical(indexed.persons_raw, self.persons) != indexed.persons
                or self._sources(indexed.sources_raw) != indexed.sources)

    def _sources(self, raw: list[str]) -> list[str]:
        """The values of a document's raw sources, worked out once per distinct list: a corpus
        repeats them (36k documents have 579 lists)."""
        seen = tuple(raw)
        if seen not in self.sources_of:
            self.sources_of[seen] = source_merge.canonical(raw, self.sources)
        return self.sources_of[seen]


def reindex(
    roots: list[Path],
    index_dir: Path,
    full: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    on_total: Callable[[int, str], None] | None = None,
    persons: bool = True,
) -> Summary:
    """Bring the index in `index_dir` in line with the files under `roots`.

    `persons=False` skips person extraction (benchmarks measure its cost).
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    children.die_with_parent()
    lock = FileLock(str(index_dir / ".reindex.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise ReindexBusy(f"another reindex is already running on {index_dir}") from None
    try:
        return _reindex_locked(roots, index_dir, full, workers or os.cpu_count() or 1, progress, on_total, persons)
    finally:
        gc.unfreeze()  # see _kept_from_the_collector
        lock.release()


def _load_aliases(roots: list[Path], summary: Summary) -> tuple[Aliases, source_merge.SourceAliases, str]:
    """The persons and sources alias files' rules and a hash of their bytes (a change of either
    must relabel); a broken file is reported and ignored."""
    persons_path = find_alias_file(roots)
    sources_path = find_alias_file(roots, source_merge.SOURCE_FILE)
    digest = "/".join(_file_digest(p) for p in (persons_path, sources_path))
    try:
        persons = Aliases.load(persons_path)
    except AliasFileError as exc:
        summary.failed.append(f"{exc} (alias file ignored)")
        persons = Aliases()
    try:
        sources = source_merge.SourceAliases.load(sources_path)
    except AliasFileError as exc:
        summary.failed.append(f"{exc} (alias file ignored)")
        sources = source_merge.SourceAliases()
    return persons, sources, digest


def _file_digest(path: Path | None) -> str:
    try:
        return file_hash(path.read_bytes()) if path else ""
    except OSError:
        return ""


# A file modified this close to the run's start may change again within the same mtime tick:
# its stat is not recorded, so the next run hashes it (git's "racily clean" rule).
RACY_NS = 2_000_000_000


def _reindex_locked(roots, index_dir, full, workers, progress, on_total, persons) -> Summary:
    started = time.perf_counter()
    started_ns = time.time_ns()
    summary = Summary()
    store.prune(index_dir)  # partial generations of killed rebuilds
    seeds, notes = discover(roots)
    summary.warnings.extend(notes)
    aliases, source_aliases, aliases_hash = _load_aliases(roots, summary)
    stats = {s.rel: FileStat.of(s.path) for s in seeds}
    live = store.current_dir(index_dir)
    live_ix = store.open_generation(live) if live else None
    if live_ix is not None and not compatible(live_ix.schema):
        summary.warnings.append("the index was built by another version of Vigie: rebuilt in full")
        live, live_ix = None, None
    summary.full = full or live is None
    recorded = None if summary.full else filestate.load(live, live_ix.latest_generation())
    rules = persons_rules_digest() if persons else ""
    if recorded is not None and recorded.persons_rules != rules:
        summary.warnings.append("the person rules changed since the last reindex: rebuilt in full")
        summary.full, recorded = True, None
    if recorded is not None and _nothing_changed(recorded, stats, aliases_hash):
        summary.unchanged = sum(count for _, _, count in recorded.files.values())
        # An index written before the postings arrays existed gets them now (a few stats when it has them).
        postings.write_missing(live, live_ix, workers)
        return _finish(summary, started, live)

    previous = _read_state(live, live_ix) if live_ix else {}
    state = {} if summary.full else previous
    files = _files(state)

    changed, summary.unchanged = _changed_files(seeds, files, recorded, stats)
    if on_total:
        on_total(len(changed), "file")
    present = {s.rel for s in seeds}
    changed_rels = {s.rel for s in changed}
    kept = {i for rel, (_, ids) in files.items() if rel in present and rel not in changed_rels for i in ids}
    new_docs: dict[str, Document] = {}
    readable: set[str] = set()
    unreadable: set[str] = set()
    for seed, docs, problems, error in _parse_all(changed, workers, persons):
        if progress:
            progress(1)
        if error:
            summary.failed.append(f"{seed.rel}: {error}")
            unreadable.add(seed.rel)
            # The last good version of an unreadable file stays searchable.
            kept.update(files.get(seed.rel, ("", []))[1])
            continue
        readable.add(seed.rel)
        summary.failed.extend(problems)
        for doc in docs:
            if doc.id in new_docs:
                summary.warnings.append(f"{seed.rel}: duplicate id {doc.id!r}, the later record is kept")
            new_docs[doc.id] = doc
    kept -= new_docs.keys()
    kept_ids = sorted(kept)  # one order whatever the hash seed
    _first_indexed(new_docs, previous)
    _assign_stories(new_docs, [state[i].story for i in kept_ids])

    mapping = Mappings(
        build_mapping([state[i].persons_raw for i in kept_ids] + [d.persons_raw for d in new_docs.values()], aliases),
        source_merge.build_mapping(
            [state[i].sources_raw for i in kept_ids] + [d.sources_raw for d in new_docs.values()], source_aliases
        ),
    )
    stale = [i for i in kept_ids if mapping.stale(state[i])]
    gone = [rel for rel in files if rel not in present or rel in readable]
    if summary.full:
        target = store.new_generation(index_dir)
        ix = whoosh_index.create_in(str(target), SCHEMA)
    else:
        target, ix = live, live_ix
    if summary.full or gone or new_docs or stale:
        _write(ix, summary, changed, workers, progress, on_total, gone, new_docs, state, stale, mapping, target)
    postings.write_missing(target, ix, workers)
    old_ids = set(previous)
    summary.added = len(new_docs.keys() - old_ids)
    summary.updated = len(new_docs.keys() & old_ids)
    summary.deleted = len(old_ids - new_docs.keys() - kept)
    _record_files(target, ix, aliases_hash, rules, stats, started_ns, unreadable,
                  {rel: known for rel, known in files.items() if rel in present and rel not in readable}, new_docs)
    if summary.full:
        store.swap_in(index_dir, target)
    return _finish(summary, started, target)


def _record_files(target: Path, ix, aliases_hash: str, rules: str, stats: dict, started_ns: int, unreadable: set[str],
                  kept_files: dict[str, tuple[str, list[str]]], new_docs: dict[str, Document]) -> None:
    """Save what this run saw of each file it indexed (see indexer.filestate)."""
    file_docs = {rel: (digest, len(ids)) for rel, (digest, ids) in kept_files.items()}
    for doc in new_docs.values():
        file_docs[doc.path] = (doc.file_hash, file_docs.get(doc.path, ("", 0))[1] + 1)
    filestate.save(target, filestate.FileState(ix.latest_generation(), aliases_hash, {
        rel: (stats[rel], digest, count) for rel, (digest, count) in file_docs.items()
        if rel not in unreadable and stats.get(rel) is not None and stats[rel].mtime_ns < started_ns - RACY_NS
    }, persons_rules=rules))


def _nothing_changed(recorded: filestate.FileState, stats: dict, aliases_hash: str) -> bool:
    """Same files with the same stats, same alias file: the index is already what they give."""
    return (recorded.aliases_hash == aliases_hash and recorded.files.keys() == stats.keys()
            and all(recorded.unchanged(rel, stat) is not None for rel, stat in stats.items()))


def _finish(summary: Summary, started: float, generation: Path) -> Summary:
    summary.seconds = time.perf_counter() - started
    summary.index_bytes = store.size_bytes(generation)
    return summary


def _write(ix, summary, changed, workers, progress, on_total, gone, new_docs, state, stale, mapping, target) -> None:
    """Delete, add and relabel in one commit; a failed rebuild leaves no generation behind."""
    writer = _writer(ix, summary.full, changed, workers)
    if on_total:
        on_total(len(new_docs), "doc")
    try:
        for rel in gone:
            writer.delete_by_term("path", rel)
        for doc in new_docs.values():
            (writer.add_document if summary.full else writer.update_document)(**index_fields(mapping.apply(doc)))
            if progress:
                progress(1)
        summary.relabelled = _relabel(writer, ix, state, stale, mapping)
        if summary.full:
            writer.commit()
        else:
            writer.commit(mergetype=merge_policy(summary.merge))
            if not (new_docs or summary.relabelled or summary.merge.merged):  # deletions only: no new segment
                summary.merge.segments -= 1
    except BaseException:
        writer.cancel()
        if summary.full:
            shutil.rmtree(target, ignore_errors=True)
        raise


def _first_indexed(new_docs: dict[str, Document], previous: dict[str, Indexed]) -> None:
    """When each document was first indexed: this run for new ids; kept across updates,
    relabels and full rebuilds. One stamp per run, so "new since" is exact."""
    stamp = int(time.time() * 1000)
    for doc_id, doc in new_docs.items():
        known = previous.get(doc_id)
        doc.first_indexed = known.first_indexed if known is not None and known.first_indexed else stamp


def _assign_stories(new_docs: dict[str, Document], kept: list[stories.Member]) -> None:
    members = [stories.Member(d.id, d.text_key, d.signature, date_key(d.date)) for d in new_docs.values()]
    stories.assign_all(kept, members)
    for member in members:
        new_docs[member.id].story = member.story


def _relabel(writer, ix, state: dict[str, Indexed], stale: list[str], mapping: Mappings) -> int:
    """Rewrite the stale documents from the index itself, without reading their files."""
    if not stale:
        return 0
    with ix.searcher() as searcher:
        for doc_id in stale:
            doc = _from_stored(searcher.stored_fields(state[doc_id].docnum), state[doc_id])
            writer.update_document(**index_fields(mapping.apply(doc)))
    return len(stale)
