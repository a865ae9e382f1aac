"""Matching and BM25F scoring of boolean queries with numpy over cached postings.

Whoosh's matchers walk postings one document at a time in Python. Every
request needs the exact set of matching documents (totals, whole-result-set
facets), and ranking word queries needs their BM25F scores: both are computed
here with array operations on per-term (document numbers, term frequencies)
arrays read once per index generation. The formulas are Whoosh's own (BM25F
with per-field B, idf = log(N / (df + 1)) + 1, byte-encoded field lengths), so
scores are the ones Whoosh would give. Phrases are matched in two steps: the
numpy AND of their words gives the candidates (within the documents the
filters leave), then positions are checked on those only (search/positions.py,
Whoosh's SpanNear2 rule); their score is their words' (what Whoosh's span
matcher gives). Prefixes arrive
expanded into words (search/expand.py). Other queries fall back to Whoosh.

Postings come from the arrays the indexer writes beside each segment for
its frequent terms (indexer/postings.py), else from Whoosh's blocks. This
module and indexer/postings.py are the one place that reads Whoosh internals
(`segment._terms`, the W3 matcher's `_read_ids`/`_read_weights`/`_next_block`,
`BM25F._field_B`); tests/test_parity.py proves the scores equal Whoosh's public
API and fails when an upgrade changes those internals.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from functools import reduce

import numpy as np
from whoosh import query
from whoosh.query.spans import SpanNear2

from indexer.postings import SegmentPostings, blocks
from search.lru import LRU
from search.positions import near_docs

# Postings remembered per generation, in bytes (int32 ids + float32 term frequencies:
# 8 bytes a posting; a common body word at 36k holds ~20k postings).
POSTINGS_CACHE_BYTES = 64 * 2**20
PHRASE_CACHE_SIZE = 128  # phrase masks: matching then scoring a request checks each phrase once


class SegmentMemo:
    """Per-segment figures kept across generations (bounded, least recently used
    out): a one-file add leaves the big segments as they were, so the next
    generation opens without reading them again. A segment never changes once
    written; its deletions are applied by the caller."""

    def __init__(self, entries: int):
        self._kept = LRU(entries)

    def get(self, segment, what: str, compute: Callable):
        key = (segment.segment().segment_id(), segment.doc_count_all(), what)
        found = self._kept.get(key)
        if found is None:
            found = compute(segment)
            self._kept.put(key, found)
        return found


# Term tables (1.9 s CPU of 2.9 to open a 36k generation) and field lengths (0.3 s more).
SEGMENT_TABLES = 48
_segment_df = SegmentMemo(SEGMENT_TABLES)
_segment_lengths = SegmentMemo(SEGMENT_TABLES)


def doc_frequencies(reader, fieldname: str) -> dict[str, int]:
    """Document frequency of every term of a field (a new dict).

    Read segment by segment: the multi-segment reader merges term infos term by
    term, about ten times slower at 36k documents.
    """
    df: dict[str, int] = {}
    for segment, _ in reader.leaf_readers():
        for text, n in _segment_df.get(segment, fieldname, lambda s: _segment_frequencies(s, fieldname)).items():
            df[text] = df.get(text, 0) + n
    return df


def _segment_frequencies(segment, fieldname: str) -> dict[str, int]:
    df: dict[str, int] = {}
    for term, info in segment.iter_field(fieldname):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        df[text] = df.get(text, 0) + info.doc_frequency()
    return df


def field_lengths(reader, fieldname: str) -> np.ndarray:
    """Every document's (byte-encoded) length of a field, as Whoosh's BM25F reads it.

    float32: lengths take at most 256 values, exact in 24 bits of mantissa."""
    def of(segment) -> np.ndarray:
        n = segment.doc_count_all()
        return np.fromiter((segment.doc_field_length(d, fieldname, 0) for d in range(n)), dtype=np.float32, count=n)

    parts = [_segment_lengths.get(segment, fieldname, of) for segment, _ in reader.leaf_readers()]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.float32)


class SegmentArrays:
    """The postings arrays of a generation's segments (indexer/postings.py), mapped
    on first use; a segment whose arrays are not written yet is looked for again
    at most once a second (the indexer writes them just after its commit)."""

    RETRY_SECONDS = 1.0

    def __init__(self, generation):
        self.generation = generation
        self._loaded: dict[str, SegmentPostings | float] = {}  # segment id -> arrays, or when last missed

    def of(self, segment) -> SegmentPostings | None:
        """The arrays of a segment (a Whoosh segment reader), None when not written (yet)."""
        if self.generation is None:
            return None
        segment_id = segment.segment().segment_id()
        found = self._loaded.get(segment_id)
        if isinstance(found, SegmentPostings):
            return found
        now = time.monotonic()
        if found is not None and now - found < self.RETRY_SECONDS:
            return None
        found = SegmentPostings.load(self.generation, segment_id)
        self._loaded[segment_id] = now if found is None else found
        return found

    def get(self, segment, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        arrays = self.of(segment)
        return arrays.get(fieldname, text) if arrays is not None else None


class Unsupported(Exception):
    """A query node this module does not score (Whoosh ranks such queries)."""


class QueryEvaluator:
    """Evaluates queries against one searcher (one index generation)."""

    def __init__(self, searcher, live: np.ndarray, scoring, fields: tuple[str, ...], arrays=None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.arrays = arrays or SegmentArrays(None)
        self.live = live
        self.k1 = scoring.K1
        schema = self.reader.schema
        # Every scorable field a query can name (title/lead/body, person:, source:, author:).
        fields = tuple(dict.fromkeys(fields + tuple(
            name for name in ("person", "source", "author") if name in schema and schema[name].scorable)))
        self.unscorable = {name for name, f in schema.items() if f.indexed and not f.scorable}
        self.b = {f: scoring._field_B.get(f, scoring.B) for f in fields}
        self.lengths = {f: field_lengths(self.reader, f) for f in fields}
        self.avg_length = {f: searcher.avg_field_length(f) or 1.0 for f in fields}
        self.doc_count_all = self.reader.doc_count_all()
        self._postings: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._postings_bytes = 0
        self._phrases: dict[query.Phrase, tuple[np.ndarray, np.ndarray]] = {}  # phrase -> (within, mask)

    # -- postings ----------------------------------------------------------
    def postings(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of a term's live documents; cached."""
        ids, weights, _ = self._entry(fieldname, text)
        return ids, weights

    def doc_frequency(self, fieldname: str, text) -> int:
        """Whoosh's document frequency of a term (deleted documents included, as in its idf)."""
        return self._entry(fieldname, text)[2]

    def _entry(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray, int]:
        text = text.decode("utf-8") if isinstance(text, bytes) else text
        key = (fieldname, text)
        cached = self._postings.get(key)
        if cached is None:
            ids, weights, df = self._read_postings(fieldname, text)
            if self._postings_bytes + ids.nbytes + weights.nbytes > POSTINGS_CACHE_BYTES:
                self._postings.clear()
                self._postings_bytes = 0
            cached = self._postings[key] = (ids, weights, df)
            self._postings_bytes += ids.nbytes + weights.nbytes
        return cached

    def _read_postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray, int]:
        """All postings of a term as arrays, and its document frequency: sliced
        from the segment's arrays for frequent terms, else one block at a time.

        Whoosh's public API yields one posting per Python call; its W3 codec
        stores postings in blocks of ids and weights, read here whole. Any
        other codec goes through the public API.
        """
        ids_parts, weight_parts, df = [], [], 0
        for segment, offset in self.reader.leaf_readers():
            found = self.arrays.get(segment, fieldname, text)
            if found is not None:
                found = [found]
            elif (fieldname, text) not in segment:
                continue
            else:
                found = blocks(segment, fieldname, text)
            if found is None:
                pairs = list(segment.postings(fieldname, text).items_as("weight"))
                found = [(np.fromiter((i for i, _ in pairs), np.int64, len(pairs)),
                          np.fromiter((w for _, w in pairs), np.float64, len(pairs)))]
                df += segment.doc_frequency(fieldname, text) - len(pairs)  # the public API skips deleted ones
            for ids, weights in found:
                ids_parts.append(ids + offset)
                weight_parts.append(weights)
                df += len(ids)
        if not ids_parts:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32), 0
        ids, weights = np.concatenate(ids_parts), np.concatenate(weight_parts)
        keep = self.live[ids]  # deleted documents keep their postings until a merge
        # Term frequencies are small integers: exact in float32.
        return ids[keep].astype(np.int32), weights[keep].astype(np.float32), df

    def _empty(self) -> np.ndarray:
        return np.zeros(len(self.live), dtype=bool)

    def _ids_mask(self, ids: np.ndarray) -> np.ndarray:
        mask = self._empty()
        mask[ids] = True
        return mask

    # -- matching ----------------------------------------------------------
    def mask(self, q: query.Query, within: np.ndarray | None = None) -> np.ndarray:
        """Boolean mask of the live documents matching `q`; exact within `within`
        (phrase positions are only checked there)."""
        return self._match(q, self.live if within is None else within & self.live) & self.live

    def _match(self, q: query.Query, within: np.ndarray) -> np.ndarray:
        if isinstance(q, query.Term):
            return self._ids_mask(self.postings(q.fieldname, q.text)[0])
        if isinstance(q, query.Phrase):
            return self._phrase_mask(q, within)
        if isinstance(q, query.Not):
            return ~self._match(q.query, within)
        if isinstance(q, query.AndNot):
            return self._match(q.a, within) & ~self._match(q.b, within)
        if isinstance(q, query.AndMaybe):
            return self._match(q.a, within)
        if isinstance(q, query.And):
            return reduce(np.logical_and, (self._match(sub, within) for sub in q.subqueries), self.live.copy())
        if isinstance(q, query.Or) and not getattr(q, "minmatch", 0):
            return reduce(np.logical_or, (self._match(sub, within) for sub in q.subqueries), self._empty())
        if isinstance(q, query.Every):
            return self.live.copy()
        if q is query.NullQuery:
            return self._empty()
        return self._ids_mask(np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64))

    def _phrase_mask(self, q: query.Phrase, within: np.ndarray) -> np.ndarray:
        """Documents with the phrase (exact within `within`), remembered for the request's scoring."""
        cached = self._phrases.get(q)
        if cached is not None and not (within & ~cached[0]).any():
            return cached[1]
        if len(self._phrases) >= PHRASE_CACHE_SIZE:
            self._phrases.clear()
        found = self._phrases[q] = (within, self._check_phrase(q, within))
        return found[1]

    def _check_phrase(self, q: query.Phrase, within: np.ndarray) -> np.ndarray:
        """Documents with the phrase: its words' AND first, positions checked on those only."""
        candidates = reduce(np.logical_and, (self._match(query.Term(q.fieldname, w), within) for w in q.words),
                            within.copy())
        docnums = np.flatnonzero(candidates)
        try:
            found = near_docs(self.reader, self.arrays, q.fieldname, list(q.words), docnums, q.slop, ordered=True)
        except AttributeError:  # another codec: Whoosh's own matcher, document by document
            found = np.fromiter(matching_docs(self.searcher, q, docnums), np.int64)
        return self._ids_mask(found)

    def near_scores(self, q: query.Query, docnums: list[int]) -> list[tuple[int, float]]:
        """(docnum, score) of a proximity query (SpanNear2 of terms of one field)
        for the sorted `docnums` it matches: the sum of its terms' scores, as
        Whoosh's span matcher gives; other queries are scored by Whoosh."""
        terms = getattr(q, "qs", None)
        if isinstance(q, SpanNear2) and terms and all(isinstance(t, query.Term) for t in terms) \
                and len({t.fieldname for t in terms}) == 1 and terms[0].fieldname in self.lengths:
            try:
                found = near_docs(self.reader, self.arrays, terms[0].fieldname, [t.text for t in terms],
                                  np.asarray(docnums, dtype=np.int64), q.slop, q.ordered, q.mindist)
            except AttributeError:
                found = None
            if found is not None:
                total = sum((self._term_scores(t) for t in terms), np.zeros(len(self.live)))
                return [(int(d), float(total[d])) for d in found]
        return list(scores_of(self.searcher, q, docnums))

    # -- scoring -----------------------------------------------------------
    def scores(self, q: query.Query, within: np.ndarray | None = None) -> np.ndarray:
        """BM25F score of every document for `q`, meaningful where it matches
        within `within` (the documents matching was exact for).

        Raises Unsupported for queries Whoosh must rank.
        """
        within = self.live if within is None else within
        if isinstance(q, query.Term):
            return self._term_scores(q)
        if isinstance(q, query.Phrase):  # Whoosh's span matcher scores a phrase as its words
            words = sum((self._term_scores(query.Term(q.fieldname, w)) for w in q.words), np.zeros(len(self.live)))
            return np.where(self._phrase_mask(q, within), words * q.boost, 0.0)
        if q is query.NullQuery:
            return np.zeros(len(self.live))
        if isinstance(q, (query.And, query.Or)) and not getattr(q, "minmatch", 0):
            return sum((self.scores(sub, within) for sub in q.subqueries), np.zeros(len(self.live)))
        if isinstance(q, query.AndNot):
            return self.scores(q.a, within)
        if isinstance(q, query.AndMaybe):
            return self.scores(q.a, within) + np.where(self._match(q.b, within), self.scores(q.b, within), 0.0)
        if isinstance(q, query.Not):
            return np.zeros(len(self.live))
        raise Unsupported(type(q).__name__)

    def _term_scores(self, q: query.Term) -> np.ndarray:
        if q.fieldname in self.unscorable:  # Whoosh's WeightScorer: the term's weight
            out = np.zeros(len(self.live))
            ids, tf = self.postings(q.fieldname, q.text)
            out[ids] = q.boost * tf.astype(np.float64)
            return out
        if q.fieldname not in self.lengths:
            raise Unsupported(f"field {q.fieldname}")
        return self.term_scores(q.fieldname, q.text, q.boost)

    def term_scores(self, field: str, text, boost: float = 1.0) -> np.ndarray:
        """BM25 score of one term in one text field, for every document."""
        out = np.zeros(len(self.live))
        ids, tf = self.postings(field, text)
        if not len(ids):
            return out
        idf = np.log(self.doc_count_all / (self.doc_frequency(field, text) + 1)) + 1
        b, k1 = self.b[field], self.k1
        norm = (1 - b) + b * self.lengths[field][ids].astype(np.float64) / self.avg_length[field]
        tf = tf.astype(np.float64)
        out[ids] = boost * idf * (tf * (k1 + 1)) / (tf + k1 * norm)
        return out


def matching_docs(searcher, q: query.Query, docnums: np.ndarray):
    """The documents among sorted `docnums` that `q` matches, by skipping
    Whoosh's matcher straight to each of them in every segment."""
    for docnum, _ in scores_of(searcher, q, docnums.tolist()):
        yield docnum


def scores_of(searcher, q: query.Query, docnums: list[int]):
    """(docnum, score) of `q` for the given sorted documents only.

    Skips straight to each document in every segment instead of collecting
    all of the query's matches as `Searcher.search(filter=…)` would.
    """
    for subsearcher, offset in searcher.leaf_searchers():
        local = [d - offset for d in docnums if offset <= d < offset + subsearcher.doc_count_all()]
        if not local:
            continue
        matcher = q.matcher(subsearcher, subsearcher.context())
        for d in local:
            if not matcher.is_active():
                break
            if matcher.id() < d:
                matcher.skip_to(d)
            if matcher.is_active() and matcher.id() == d:
                yield d + offset, matcher.score()
