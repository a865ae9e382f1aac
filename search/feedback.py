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

from indexer.french import term_counts
from search.matching import SegmentArrays, doc_frequencies

FEEDBACK_DOCS = 10  # top documents read
EXPANSION_TERMS = 10  # words added
WEIGHT = 0.7  # share of the best score the expansion can add at most
MIN_FEEDBACK_DOCS = 3
DOC_CACHE_SIZE = 5_000
MAX_TEXT_CHARS = 8_000  # without a forward index, the opening of a long article is what is analysed


class Feedback:
    """Expansion terms of a set of documents, from the body's forward index the
    indexer writes beside each segment (indexer/postings.py); a segment without
    one has its documents' stored text analysed (cached per generation)."""

    def __init__(self, searcher, stored: Callable[[int], dict], arrays: SegmentArrays):
        self.stored = stored
        self.reader = searcher.reader()
        self.doc_count = self.reader.doc_count_all()
        self._docs: dict[int, tuple[Counter, int]] = {}
        self._segments = [(offset, arrays.of(segment)) for segment, offset in self.reader.leaf_readers()]
        self.df = self._doc_frequencies()  # once per generation

    def _doc_frequencies(self) -> dict[str, int]:
        """Body document frequencies: summed from the forward indexes, or read from Whoosh."""
        if any(arrays is None for _, arrays in self._segments):
            return doc_frequencies(self.reader, "body")
        df: Counter = Counter()
        for _, arrays in self._segments:
            df.update(dict(zip(arrays.forward.terms, arrays.forward.df.tolist())))
        return dict(df)

    def _counts(self, docnum: int) -> Counter:
        """A document's body terms and their counts."""
        for offset, arrays in reversed(self._segments):
            if docnum >= offset:
                if arrays is None:
                    break
                term_ids, counts = arrays.forward.of(docnum - offset)
                words = arrays.forward.terms
                return Counter({words[t]: int(c) for t, c in zip(term_ids.tolist(), counts.tolist())})
        return term_counts(self.stored(docnum).get("body", "")[:MAX_TEXT_CHARS])

    def _terms_of(self, docnum: int) -> tuple[Counter, int]:
        cached = self._docs.get(docnum)
        if cached is None:
            counts = self._counts(docnum)
            cached = (counts, sum(counts.values()) or 1)
            if len(self._docs) >= DOC_CACHE_SIZE:
                self._docs.clear()
            self._docs[docnum] = cached
        return cached

    def expansion(self, docnums: list[int], exclude: set[str]) -> list[str]:
        """Words frequent in `docnums` (in at least two of them) and rare elsewhere."""
        weight: Counter = Counter()
        seen_in: Counter = Counter()
        for docnum in docnums:
            counts, length = self._terms_of(docnum)
            for term, count in counts.items():
                weight[term] += count / length
                seen_in[term] += 1
        scored = []
        for term, w in weight.items():
            if seen_in[term] < 2 or term in exclude or len(term) < 3 or term.isdigit():
                continue
            df = self.df.get(term, 0)
            if df:
                scored.append((w * math.log(self.doc_count / df), term))
        scored.sort(reverse=True)
        return [term for _, term in scored[:EXPANSION_TERMS]]
