"""Which documents match a query, as a numpy mask over document numbers.

Whoosh's matchers walk postings one document at a time in Python; for the
exact totals and whole-result-set facets every request needs, boolean
queries are evaluated here instead, with set operations on cached per-term
document arrays. Phrases, prefixes and other positional queries fall back to
Whoosh's own matching.
"""
from __future__ import annotations

from functools import reduce

import numpy as np
from whoosh import query

TERM_CACHE_SIZE = 20_000


class QueryMatcher:
    """Evaluates queries against one searcher; caches term document arrays."""

    def __init__(self, searcher, live: np.ndarray):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.live = live
        self._terms: dict[tuple[str, str], np.ndarray] = {}

    def mask(self, q: query.Query) -> np.ndarray:
        """Boolean mask of the live documents matching `q`."""
        return self._eval(q) & self.live

    def _empty(self) -> np.ndarray:
        return np.zeros(len(self.live), dtype=bool)

    def _ids_mask(self, ids: np.ndarray) -> np.ndarray:
        mask = self._empty()
        mask[ids] = True
        return mask

    def _term(self, fieldname: str, text) -> np.ndarray:
        text = text.decode("utf-8") if isinstance(text, bytes) else text
        key = (fieldname, text)
        ids = self._terms.get(key)
        if ids is None:
            if (fieldname, text) in self.reader:
                ids = np.fromiter(self.reader.postings(fieldname, text).all_ids(), dtype=np.int64)
            else:
                ids = np.empty(0, dtype=np.int64)
            if len(self._terms) >= TERM_CACHE_SIZE:
                self._terms.clear()
            self._terms[key] = ids
        return self._ids_mask(ids)

    def _eval(self, q: query.Query) -> np.ndarray:
        if isinstance(q, query.Term):
            return self._term(q.fieldname, q.text)
        if isinstance(q, query.Not):
            return ~self._eval(q.query)
        if isinstance(q, query.AndNot):
            return self._eval(q.a) & ~self._eval(q.b)
        if isinstance(q, query.AndMaybe):
            return self._eval(q.a)
        if isinstance(q, query.And):
            return reduce(np.logical_and, (self._eval(sub) for sub in q.subqueries), self.live.copy())
        if isinstance(q, query.Or) and not getattr(q, "minmatch", 0):
            return reduce(np.logical_or, (self._eval(sub) for sub in q.subqueries), self._empty())
        if isinstance(q, query.Every):
            return self.live.copy()
        if q is query.NullQuery:
            return self._empty()
        ids = np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)
        return self._ids_mask(ids)
