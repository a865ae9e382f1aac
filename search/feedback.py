"""Pseudo-relevance feedback: re-rank with the vocabulary of the best hits.

The words that characterise the top documents of a query (what `frappe
aérienne` articles also say: raid, bombardement, aviation…) are scored as an
optional extra over the documents that already match, so documents about the
topic rise above those that merely contain the words. Matching is unchanged.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from indexer.french import term_counts
from indexer.postings import SegmentPostings
from search.matching import SegmentArrays, doc_frequencies
from search.topk import best_k

FEEDBACK_DOCS = 10  # top documents read
EXPANSION_TERMS = 10  # words added
# The expansion can add as much as the best score (RM3's even mix of the typed words and the
# feedback words: Anserini's default original-query weight 0.5); 0.7 weighed it less.
WEIGHT = 1.0
# Where an expansion word counts: an article whose title says `Charles-de-Gaulle` is about
# it more than one whose body mentions it (the typed words count in title, lead and body).
EXPANSION_FIELDS = ("title", "body")
MIN_FEEDBACK_DOCS = 3
DOC_CACHE_SIZE = 5_000
MAX_TEXT_CHARS = 8_000  # without a forward index, the opening of a long article is what is analysed


class Feedback:
    """Expansion terms of a set of documents, from the body's forward index the
    indexer writes beside each segment (indexer/postings.py), with numpy over
    one vocabulary for the generation; a generation with a segment without one
    has its documents' stored text analysed (cached per generation)."""

    def __init__(self, searcher, stored: Callable[[int], dict], arrays: SegmentArrays):
        self.stored = stored
        self.reader = searcher.reader()
        self.doc_count = self.reader.doc_count_all()
        self._docs: dict[int, tuple[Counter, int]] = {}
        self._segments = [(offset, arrays.of(segment)) for segment, offset in self.reader.leaf_readers()]
        self.vocabulary = _Vocabulary.build([a for _, a in self._segments]) \
            if all(a is not None for _, a in self._segments) else None
        self.df = self.vocabulary.df_of() if self.vocabulary else doc_frequencies(self.reader, "body")

    def _counts(self, docnum: int) -> Counter:
        """A document's body terms and their counts."""
        if self.vocabulary is None:
            return self._analysed(docnum)[0]
        ids, counts = self._forward(docnum)
        return Counter({self.vocabulary.words[t]: int(c) for t, c in zip(ids.tolist(), counts.tolist())})

    def _forward(self, docnum: int) -> tuple[np.ndarray, np.ndarray]:
        """(generation term ids, counts) of a document's body."""
        for (offset, arrays), to_global in zip(reversed(self._segments), reversed(self.vocabulary.maps)):
            if docnum >= offset:
                term_ids, counts = arrays.forward.of(docnum - offset)
                return to_global[term_ids], counts
        raise IndexError(docnum)

    def _analysed(self, docnum: int) -> tuple[Counter, int]:
        """Terms and length of a document's stored text."""
        cached = self._docs.get(docnum)
        if cached is None:
            counts = term_counts(self.stored(docnum).get("body", "")[:MAX_TEXT_CHARS])
            cached = (counts, sum(counts.values()) or 1)
            if len(self._docs) >= DOC_CACHE_SIZE:
                self._docs.clear()
            self._docs[docnum] = cached
        return cached

    def expansion(self, docnums: list[int], exclude: set[str]) -> list[str]:
        """Words frequent in `docnums` (in at least two of them) and rare elsewhere."""
        if self.vocabulary is None:
            weight, seen_in = _weights_of([self._analysed(d) for d in docnums])
            scored = [(w * math.log(self.doc_count / self.df[t]), t) for t, w in weight.items()
                      if seen_in[t] >= 2 and t not in exclude and _eligible(t) and self.df.get(t, 0)]
        else:
            scored = self.vocabulary.scored([self._forward(d) for d in docnums], exclude, self.doc_count)
        scored.sort(reverse=True)
        return [term for _, term in scored[:EXPANSION_TERMS]]


def _eligible(term: str) -> bool:
    """Words an expansion may add: not numbers, not two letters."""
    return len(term) >= 3 and not term.isdigit()


def _weights_of(docs: list[tuple[Counter, int]]) -> tuple[Counter, Counter]:
    """Each word's summed share of its documents' lengths, and how many documents hold it."""
    weight: Counter = Counter()
    seen_in: Counter = Counter()
    for counts, length in docs:
        for term, count in counts.items():
            weight[term] += count / length
            seen_in[term] += 1
    return weight, seen_in


@dataclass
class _Vocabulary:
    """The body terms of all segments of a generation, numbered once."""

    words: list[str]
    df: np.ndarray  # summed over the segments
    eligible: np.ndarray
    maps: list[np.ndarray]  # per segment: its term ids -> generation term ids
    ids: dict[str, int]

    @classmethod
    def build(cls, segments: list[SegmentPostings]) -> "_Vocabulary":
        ids: dict[str, int] = {}
        maps = [np.fromiter((ids.setdefault(t, len(ids)) for t in a.forward.terms), np.int64, len(a.forward.terms))
                for a in segments]
        df = np.zeros(len(ids), dtype=np.int64)
        for a, to_global in zip(segments, maps):
            np.add.at(df, to_global, a.forward.df)
        words = list(ids)
        eligible = np.fromiter((_eligible(w) for w in words), bool, len(words))
        return cls(words, df, eligible, maps, ids)

    def df_of(self) -> dict[str, int]:
        return dict(zip(self.words, self.df.tolist()))

    def scored(self, docs: list[tuple[np.ndarray, np.ndarray]], exclude: set[str], doc_count: int) -> list:
        """(score, word) of the words that may expand the query, as `_weights_of` and the
        filters of `Feedback.expansion` give them, in numpy."""
        if not docs:
            return []
        ids = np.concatenate([t for t, _ in docs])
        shares = np.concatenate([c.astype(np.float64) / max(float(c.sum()), 1.0) for _, c in docs])
        unique, inverse = np.unique(ids, return_inverse=True)
        weight = np.bincount(inverse, weights=shares)
        keep = (np.bincount(inverse) >= 2) & self.eligible[unique] & (self.df[unique] > 0)
        excluded = [self.ids[w] for w in exclude if w in self.ids]
        if excluded:
            keep &= ~np.isin(unique, excluded)
        unique, weight = unique[keep], weight[keep]
        scores = weight * np.log(doc_count / self.df[unique])
        best = best_k(-scores, EXPANSION_TERMS)  # ties at the boundary included
        unique, scores = unique[best], scores[best]
        return [(score, self.words[t]) for score, t in zip(scores.tolist(), unique.tolist())]
