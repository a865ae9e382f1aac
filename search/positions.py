"""Phrase and proximity checks on chosen documents, from decoded positions.

Whoosh's span matchers cost about half a millisecond per document in Python
objects; a phrase's candidates (the documents with all its words) number in
the thousands. Here the positions of each word are decoded only for the
candidate documents, straight from the W3 codec's posting blocks (blocks
without a candidate are skipped unread), and the span rule of Whoosh's
`SpanNear2` (`_get_spans`) is applied to plain integers. Part of the
boundary around Whoosh internals (see search/matching.py; parity tested).
"""
from __future__ import annotations

from bisect import bisect_left

import numpy as np


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


def _consecutive(positions: list[list[int]]) -> bool:
    """An exact phrase (SpanNear2 with slop 1, ordered, mindist 1): each word
    right after the one before, somewhere."""
    ends = set(positions[0])
    for word in positions[1:]:
        ends = {p for p in word if p - 1 in ends}
        if not ends:
            return False
    return True


def _near(positions: list[list[int]], slop: int, ordered: bool, mindist: int) -> bool:
    """Whoosh's SpanNear2 rule on the positions of each word: spans grow word
    by word, each next word within `slop` of the span so far."""
    if slop == 1 and ordered and mindist == 1:
        return _consecutive(positions)
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


def near_docs(reader, fieldname: str, words: list[str], docnums: np.ndarray, slop: int, ordered: bool,
              mindist: int = 1) -> np.ndarray:
    """The documents among sorted `docnums` (each holding every word) where the
    words stand as SpanNear2(slop, ordered, mindist) requires.

    Raises AttributeError for a codec without W3 posting blocks."""
    out: list[int] = []
    for segment, offset in reader.leaf_readers():
        local = [int(d) - offset for d in docnums if offset <= d < offset + segment.doc_count_all()]
        if not local:
            continue
        if any((fieldname, w) not in segment for w in words):
            continue
        per_word = [_segment_positions(segment, fieldname, w, local) for w in words]
        for d in local:
            lists = [p.get(d) for p in per_word]
            if all(lists) and _near(lists, slop, ordered, mindist):
                out.append(d + offset)
    return np.asarray(out, dtype=np.int64)
