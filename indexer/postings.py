"""Postings of frequent terms as flat numpy arrays beside each Whoosh segment.

Whoosh's W3 codec keeps postings in pickled, zlib-compressed blocks that are
decoded in Python at every read: at 36k documents a third of a search's time
went there (a common body word holds ~20k postings). A segment never changes
once written (its deletions are kept apart), so after each commit the indexer
copies the postings of every term found in at least MIN_DF documents of each
new segment into two arrays, `postings/<segment id>/`, that searches map and
slice. Rarer terms fit in one block and are still read through Whoosh.

This module is the one place that decodes Whoosh's posting blocks (the W3
matcher's `_read_ids`/`_read_weights`/`_next_block`, `segment._terms`);
tests/test_parity.py proves the arrays equal Whoosh's public API and fails
when an upgrade changes those internals.
"""
from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

MIN_DF = 16  # below this a term's postings are one block: reading them through Whoosh is cheap
FIELDS = ("title", "lead", "body", "person", "source", "author")
DIRNAME = "postings"
TERMS_FILE = "terms.json"  # written last: a directory without it is incomplete


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


class SegmentPostings:
    """The frequent terms' postings of one segment: (field, term) -> (ids, weights) slices."""

    def __init__(self, terms: dict[str, dict[str, list[int]]], ids: np.ndarray, weights: np.ndarray):
        self.terms = terms
        self.ids = ids
        self.weights = weights

    @classmethod
    def load(cls, generation: Path, segment_id: str) -> "SegmentPostings | None":
        """The arrays written for `segment_id`, memory-mapped; None when there are none (yet)."""
        folder = generation / DIRNAME / segment_id
        try:
            terms = json.loads((folder / TERMS_FILE).read_text(encoding="utf-8"))
            return cls(terms, np.load(folder / "ids.npy", mmap_mode="r"), np.load(folder / "weights.npy", mmap_mode="r"))
        except (OSError, ValueError):
            return None

    def get(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Segment-local ids and weights of a frequent term; None for a term not copied."""
        span = self.terms.get(fieldname, {}).get(text)
        if span is None:
            return None
        start, end = span
        return self.ids[start:end], self.weights[start:end]


def _extract(segment) -> SegmentPostings | None:
    """Every frequent term's postings of a segment, in term order."""
    terms: dict[str, dict[str, list[int]]] = {}
    id_parts, weight_parts, at = [], [], 0
    for fieldname in FIELDS:
        if fieldname not in segment.schema:
            continue
        spans = terms[fieldname] = {}
        for term, info in segment.iter_field(fieldname):
            if info.doc_frequency() < MIN_DF:
                continue
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            found = blocks(segment, fieldname, text)
            if found is None:
                return None
            n = sum(len(ids) for ids, _ in found)
            spans[text] = [at, at + n]
            at += n
            id_parts.extend(ids.astype(np.int32) for ids, _ in found)
            weight_parts.extend(weights.astype(np.float32) for _, weights in found)
    empty = [np.empty(0, np.int32)], [np.empty(0, np.float32)]
    return SegmentPostings(terms, np.concatenate(id_parts or empty[0]), np.concatenate(weight_parts or empty[1]))


def _write_segment(generation: Path, segment_id: str) -> bool:
    """Extract and save one segment's arrays (in a child process on a rebuild)."""
    from whoosh.filedb.filestore import FileStorage

    ix = FileStorage(str(generation), readonly=True).open_index()  # mmap: the whole segment is read once
    with ix.reader() as reader:
        segment = next((s for s, _ in reader.leaf_readers() if s.segment().segment_id() == segment_id), None)
        found = _extract(segment) if segment is not None else None
    if found is None:
        return False
    folder = generation / DIRNAME / segment_id
    partial = folder.with_name(segment_id + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    np.save(partial / "ids.npy", found.ids)
    np.save(partial / "weights.npy", found.weights)
    (partial / TERMS_FILE).write_text(json.dumps(found.terms, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, folder)
    return True


def write_missing(generation: Path, ix, workers: int = 1) -> int:
    """Write the arrays of the index's segments that lack them (one process per
    segment, up to `workers`) and drop those of segments merged away; returns
    how many were written."""
    segment_ids = [s.segment_id() for s in ix._segments()]
    root = generation / DIRNAME
    missing = [sid for sid in segment_ids if not (root / sid / TERMS_FILE).exists()]
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
