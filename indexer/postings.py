"""Postings of frequent terms as flat numpy arrays beside each Whoosh segment.

Whoosh's W3 codec keeps postings in pickled, zlib-compressed blocks that are
decoded in Python at every read: at 36k documents a third of a search's time
went there (a common body word holds ~20k postings). A segment never changes
once written (its deletions are kept apart), so after each commit the indexer
copies the postings of every term found in at least MIN_DF documents of each
new segment into two arrays, `postings/<segment id>/`, that searches map and
slice. Rarer terms fit in one block and are still read through Whoosh. The
positions of those terms are copied too (one flat array, a posting's
positions as many as its term frequency), so that phrases are checked
without unpickling a list per document (search/positions.py). The body's
postings are also kept turned around, by document: the terms of each
document, which pseudo-relevance feedback reads for the best hits.

This module is the one place that decodes Whoosh's posting blocks (the W3
matcher's `_read_ids`/`_read_weights`/`_read_values`/`_next_block`, `segment._terms`);
tests/test_parity.py proves the arrays equal Whoosh's public API and fails
when an upgrade changes those internals.
"""
from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

MIN_DF = 16  # below this a term's postings are one block: reading them through Whoosh is cheap
FIELDS = ("title", "lead", "body", "person", "source", "author")
DIRNAME = "postings"
TERMS_FILE = "terms.json"
ARRAYS = ("ids", "weights", "positions", "body_df", "fwd_starts", "fwd_terms", "fwd_counts")


def blocks(segment, fieldname: str, text: str) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """(segment-local ids, weights) blocks of a term in a W3 segment, or None for another codec."""
    try:
        btext = segment._text_to_bytes(fieldname, text)
        matcher = segment._terms.matcher(fieldname, btext, segment.schema[fieldname].format)
        found = []
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            found.append((np.asarray(matcher._ids, dtype=np.int64), np.asarray(matcher._weights, dtype=np.float64)))
            matcher._next_block()
        return found
    except AttributeError:
        return None


@dataclass
class Forward:
    """The body's terms of each document of a segment (a forward index): what
    pseudo-relevance feedback reads instead of re-analysing the best hits' text."""

    terms: list[str]  # every body term of the segment, in term order
    df: np.ndarray  # each term's document frequency in the segment (deleted documents included)
    starts: np.ndarray  # document d's entries are [starts[d], starts[d + 1])
    term_ids: np.ndarray
    counts: np.ndarray

    def of(self, docnum: int) -> tuple[np.ndarray, np.ndarray]:
        """(term ids, counts) of a segment-local document."""
        lo, hi = self.starts[docnum], self.starts[docnum + 1]
        return self.term_ids[lo:hi], self.counts[lo:hi]


class SegmentPostings:
    """One segment's arrays: frequent terms' postings as (ids, weights) slices,
    their positions, and the body's forward index.

    `terms` maps a field's term to [start, end] in `ids`/`weights`, and for a
    field with positions to [start, end, first]: its postings' positions are
    `positions[first:]`, term frequency after term frequency."""

    def __init__(self, terms: dict[str, dict[str, list[int]]], ids: np.ndarray, weights: np.ndarray,
                 positions: np.ndarray, forward: Forward):
        self.terms = terms
        self.ids = ids
        self.weights = weights
        self.positions = positions
        self.forward = forward

    @classmethod
    def load(cls, generation: Path, segment_id: str) -> "SegmentPostings | None":
        """The arrays written for `segment_id`, memory-mapped; None when there are none (yet)."""
        folder = generation / DIRNAME / segment_id
        try:
            index = json.loads((folder / TERMS_FILE).read_text(encoding="utf-8"))
            arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in ARRAYS if name != "positions"}
        except (OSError, ValueError):
            return None
        # Arrays written before the positions were copied are still searched (none of
        # their spans holds positions) until the next reindex writes them again.
        positions = folder / "positions.npy"
        arrays["positions"] = np.load(positions, mmap_mode="r") if positions.exists() else np.empty(0, np.uint16)
        forward = Forward(index["body_terms"], arrays["body_df"], arrays["fwd_starts"], arrays["fwd_terms"],
                          arrays["fwd_counts"])
        return cls(index["postings"], arrays["ids"], arrays["weights"], arrays["positions"], forward)

    def get(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Segment-local ids and weights of a frequent term; None for a term not copied."""
        span = self.terms.get(fieldname, {}).get(text)
        if span is None:
            return None
        return self.ids[span[0] : span[1]], self.weights[span[0] : span[1]]

    def term_positions(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(segment-local ids, bounds, positions) of a frequent term: posting k's
        positions are positions[bounds[k]:bounds[k + 1]]. None when not copied."""
        span = self.terms.get(fieldname, {}).get(text)
        if span is None or len(span) < 3:
            return None
        start, end, first = span
        bounds = np.zeros(end - start + 1, dtype=np.int64)
        np.cumsum(self.weights[start:end].astype(np.int64), out=bounds[1:])
        return self.ids[start:end], bounds, self.positions[first : first + bounds[-1]]

    def save(self, folder: Path) -> None:
        """Write the arrays, the term index last (os.replace of the folder makes it whole at once)."""
        fwd = self.forward
        for name, array in (("ids", self.ids), ("weights", self.weights), ("positions", self.positions),
                            ("body_df", fwd.df),
                            ("fwd_starts", fwd.starts), ("fwd_terms", fwd.term_ids), ("fwd_counts", fwd.counts)):
            np.save(folder / f"{name}.npy", array)
        index = {"postings": self.terms, "body_terms": fwd.terms}
        (folder / TERMS_FILE).write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")


def _read_term(segment, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    found = blocks(segment, fieldname, text)
    if found is None:
        raise Unreadable(f"{fieldname}:{text}")
    if not found:
        return np.empty(0, np.int32), np.empty(0, np.float32)
    return (np.concatenate([ids for ids, _ in found]).astype(np.int32),
            np.concatenate([weights for _, weights in found]).astype(np.float32))


def _read_positions(segment, fieldname: str, text: str) -> list[list[int]]:
    """Each posting's positions of a term, in posting order, decoded by the field's format."""
    fmt = segment.schema[fieldname].format
    matcher = segment._terms.matcher(fieldname, segment._text_to_bytes(fieldname, text), fmt)
    found = []
    while matcher.is_active():
        matcher._read_values()
        found.extend(fmt.decode_positions(value) for value in matcher._values)
        matcher._next_block()
    return found


def _flat_positions(segment, fieldname: str, text: str, weights: np.ndarray) -> np.ndarray | None:
    """A term's positions end to end, None when a posting's count differs from its
    term frequency (a boosted field: the search could not find each posting's share)."""
    found = _read_positions(segment, fieldname, text)
    counts = np.fromiter(map(len, found), np.int64, len(found))
    if not np.array_equal(counts, weights):
        return None
    return np.fromiter(chain.from_iterable(found), np.int64, int(counts.sum()))


class Unreadable(Exception):
    """The segment is not in the W3 codec: nothing is copied, Whoosh is read as before."""


def _forward(doc_count: int, terms: list[str], df: list[int], parts: list[tuple[np.ndarray, np.ndarray]]) -> Forward:
    """The body's postings turned around, by document."""
    ids = np.concatenate([i for i, _ in parts]) if parts else np.empty(0, np.int32)
    counts = np.concatenate([w for _, w in parts]) if parts else np.empty(0, np.float32)
    term_ids = np.repeat(np.arange(len(parts), dtype=np.int32), [len(i) for i, _ in parts])
    order = np.argsort(ids, kind="stable")
    starts = np.searchsorted(ids[order], np.arange(doc_count + 1)).astype(np.int64)
    return Forward(terms, np.asarray(df, dtype=np.int32), starts, term_ids[order], counts[order])


def _extract(segment) -> SegmentPostings | None:
    """Every frequent term's postings (and positions) of a segment, in term order, and the body's forward index."""
    spans: dict[str, dict[str, list[int]]] = {}
    id_parts, weight_parts, at = [], [], 0
    position_parts, first = [], 0
    body_terms, body_df, body_parts = [], [], []
    try:
        for fieldname in FIELDS:
            if fieldname not in segment.schema:
                continue
            with_positions = segment.schema[fieldname].format.supports("positions")
            field_spans = spans[fieldname] = {}
            for term, info in segment.iter_field(fieldname):
                df = info.doc_frequency()
                if df < MIN_DF and fieldname != "body":
                    continue
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                ids, weights = _read_term(segment, fieldname, text)
                if fieldname == "body":
                    body_terms.append(text)
                    body_df.append(df)
                    body_parts.append((ids, weights))
                if df < MIN_DF:
                    continue
                field_spans[text] = [at, at + len(ids)]
                at += len(ids)
                id_parts.append(ids)
                weight_parts.append(weights)
                flat = _flat_positions(segment, fieldname, text, weights) if with_positions else None
                if flat is not None:
                    field_spans[text].append(first)
                    first += len(flat)
                    position_parts.append(flat)
    except Unreadable:
        return None
    forward = _forward(segment.doc_count_all(), body_terms, body_df, body_parts)
    return SegmentPostings(spans, np.concatenate(id_parts or [np.empty(0, np.int32)]),
                           np.concatenate(weight_parts or [np.empty(0, np.float32)]),
                           _narrowest(position_parts), forward)


def _narrowest(parts: list[np.ndarray]) -> np.ndarray:
    """The positions in one array, two bytes each when they fit (articles under 65,536 words)."""
    flat = np.concatenate(parts) if parts else np.empty(0, np.int64)
    return flat.astype(np.uint16 if not len(flat) or flat.max() < 2**16 else np.uint32)


def _write_segment(generation: Path, segment_id: str) -> bool:
    """Extract and save one segment's arrays (in a child process on a rebuild)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    # Only this segment is opened, through mmap (read once, whole): Whoosh copies
    # each mapped file into memory, so opening the index's other segments would
    # copy them all (a one-file add at 36k peaked at 629 MB instead of 265).
    storage = FileStorage(str(generation), readonly=True)
    ix = storage.open_index()
    segment = next((s for s in ix._segments() if s.segment_id() == segment_id), None)
    if segment is None:
        return False
    reader = SegmentReader(storage, ix.schema, segment)
    try:
        found = _extract(reader)
    finally:
        reader.close()
    if found is None:
        return False
    folder = generation / DIRNAME / segment_id
    partial = folder.with_name(segment_id + ".partial")
    for stale in (partial, folder):
        shutil.rmtree(stale, ignore_errors=True)
    partial.mkdir(parents=True)
    found.save(partial)
    os.replace(partial, folder)
    return True


def write_missing(generation: Path, ix, workers: int = 1) -> int:
    """Write the arrays of the index's segments that lack them (one process per
    segment, up to `workers`) and drop those of segments merged away; returns
    how many were written."""
    segment_ids = [s.segment_id() for s in ix._segments()]
    root = generation / DIRNAME
    # A folder without one of the arrays was written by an older version: written again.
    missing = [sid for sid in segment_ids
               if not all((root / sid / name).exists() for name in (TERMS_FILE, *(f"{a}.npy" for a in ARRAYS)))]
    if len(missing) > 1 and workers > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(missing))) as pool:
            written = sum(pool.map(_write_segment, [generation] * len(missing), missing))
    else:
        written = sum(_write_segment(generation, sid) for sid in missing)
    if root.is_dir():
        for folder in root.iterdir():
            if folder.name not in segment_ids:
                shutil.rmtree(folder, ignore_errors=True)
    return written
