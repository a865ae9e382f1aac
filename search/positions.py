"""Phrase and proximity checks on chosen documents, from their words' positions.

Whoosh's span matchers cost about half a millisecond per document in Python
objects; a phrase's candidates (the documents with all its words) number in
the thousands. Here the positions of a frequent word come from the arrays
the indexer copies beside each segment (indexer/postings.py), those of a
rarer word are decoded only for the candidate documents, straight from the
W3 codec's posting blocks (blocks without a candidate are skipped unread).
An exact phrase is then a few array operations; other spans apply the rule
of Whoosh's `SpanNear2` (`_get_spans`) to plain integers. Part of the
boundary around Whoosh internals (see search/matching.py; parity tested).
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import chain

import numpy as np

from indexer.postings import SegmentPostings


def _segment_positions(segment, fieldname: str, text: str, wanted: list[int]) -> dict[int, list[int]]:
    """Positions of a term in the documents `wanted` (sorted, segment-local)."""
    fmt = segment.schema[fieldname].format
    btext = segment._text_to_bytes(fieldname, text)
    matcher = segment._terms.matcher(fieldname, btext, fmt)
    found: dict[int, list[int]] = {}
    i = 0
    while matcher.is_active() and i < len(wanted):
        if matcher.block_max_id() < wanted[i]:
            matcher._next_block()
            continue
        matcher._read_ids()
        ids = matcher._ids
        values = None
        for j, docid in enumerate(ids):
            while i < len(wanted) and wanted[i] < docid:
                i += 1
            if i == len(wanted):
                break
            if wanted[i] == docid:
                if values is None:
                    matcher._read_values()
                    values = matcher._values
                found[docid] = fmt.decode_positions(values[j])
        matcher._next_block()
    return found


def _copied_positions(arrays: SegmentPostings, fieldname: str, text: str,
                      wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(document, position) pairs of a copied term in the documents `wanted`
    (sorted, segment-local); None for a term without copied positions."""
    found = arrays.term_positions(fieldname, text)
    if found is None:
        return None
    ids, bounds, positions = found
    at = np.searchsorted(ids, wanted)
    inside = at < len(ids)
    at = at[inside][ids[at[inside]] == wanted[inside]]  # the wanted documents having the term
    lengths = bounds[at + 1] - bounds[at]
    # The indices of each chosen posting's positions, run after run.
    starts = np.repeat(bounds[at] - np.cumsum(lengths) + lengths, lengths)
    picked = starts + np.arange(len(starts))
    return np.repeat(ids[at].astype(np.int64), lengths), positions[picked].astype(np.int64)


def _word_positions(segment, arrays: SegmentPostings | None, fieldname: str, text: str,
                    wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(document, position) pairs of a term in the documents `wanted`, documents ascending."""
    found = _copied_positions(arrays, fieldname, text, wanted) if arrays is not None else None
    if found is not None:
        return found
    by_doc = _segment_positions(segment, fieldname, text, wanted.tolist())
    docs = np.repeat(np.fromiter(by_doc, np.int64, len(by_doc)), [len(p) for p in by_doc.values()])
    return docs, np.fromiter(chain.from_iterable(by_doc.values()), np.int64, len(docs))


def _phrase_docs(pairs: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Documents where each word stands right after the one before (an exact
    phrase: SpanNear2 with slop 1, ordered, mindist 1), on (document, position)
    pairs encoded as one integer each."""
    ends = (pairs[0][0] << 32) + pairs[0][1]
    for docs, positions in pairs[1:]:
        ends = np.intersect1d(ends + 1, (docs << 32) + positions)
    return np.unique(ends >> 32)


def _by_doc(docs: np.ndarray, positions: np.ndarray) -> dict[int, list[int]]:
    """(document, position) pairs grouped by document."""
    cuts = np.flatnonzero(np.diff(docs)) + 1
    return {int(d[0]): p.tolist() for d, p in zip(np.split(docs, cuts), np.split(positions, cuts)) if len(d)}


def _near(positions: list[list[int]], slop: int, ordered: bool, mindist: int) -> bool:
    """Whoosh's SpanNear2 rule on the positions of each word: spans grow word
    by word, each next word within `slop` of the span so far."""
    aspans = sorted({(p, p) for p in positions[0]})
    for word in positions[1:]:
        if not aspans:
            return False
        bspans = sorted({(p, p) for p in word})
        starts = [s for s, _ in bspans]
        spans = set()
        for astart, aend in aspans:
            j = bisect_left(starts, astart if ordered else max(0, astart - slop))
            while j < len(bspans):
                bstart, bend = bspans[j]
                j += 1
                if bend < astart - slop or (ordered and astart > bstart):
                    continue
                if bstart > aend + slop:
                    break
                if aend < bstart:
                    dist = bstart - aend
                elif bend < astart:
                    dist = astart - bend
                else:
                    dist = 0
                if mindist <= dist <= slop:
                    spans.add((min(astart, bstart), max(aend, bend)))
        aspans = sorted(spans)
    return bool(aspans)


def near_docs(reader, arrays, fieldname: str, words: list[str], docnums: np.ndarray, slop: int, ordered: bool,
              mindist: int = 1) -> np.ndarray:
    """The documents among sorted `docnums` where the words stand as
    SpanNear2(slop, ordered, mindist) requires; `arrays`: the generation's
    SegmentArrays (search/matching.py).

    Raises AttributeError for a codec without W3 posting blocks."""
    docnums = np.asarray(docnums, dtype=np.int64)
    out: list[np.ndarray] = []
    for segment, offset in reader.leaf_readers():
        local = docnums[(docnums >= offset) & (docnums < offset + segment.doc_count_all())] - offset
        if not len(local) or any((fieldname, w) not in segment for w in words):
            continue
        copied = arrays.of(segment)
        pairs = [_word_positions(segment, copied, fieldname, w, local) for w in words]
        if slop == 1 and ordered and mindist == 1:
            out.append(_phrase_docs(pairs) + offset)
            continue
        per_word = [_by_doc(docs, positions) for docs, positions in pairs]
        found = [d for d in local.tolist() if all(d in p for p in per_word)
                 and _near([p[d] for p in per_word], slop, ordered, mindist)]
        out.append(np.asarray(found, dtype=np.int64) + offset)
    return np.concatenate(out) if out else np.empty(0, np.int64)
