"""Facet counts from per-document ordinal arrays, counted with numpy.

Loaded once per index generation from Whoosh columns (no stored fields), so a
request only does array arithmetic over the matching document numbers:
counts cover the whole result set, and each facet is counted with the other
facets' selections applied (disjunctive faceting).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.schema import UNKNOWN_DATE, VALUE_SEP
from search.topk import best_k

UNKNOWN = "unknown"


@dataclass
class MultiValued:
    """A multi-valued facet: value strings and (document, value) pairs."""

    values: list[str]
    index: dict[str, int]
    entry_doc: np.ndarray  # document number of each (doc, value) pair
    entry_value: np.ndarray  # value ordinal of each pair
    name_rank: np.ndarray  # alphabetical rank of each value, to break count ties

    @classmethod
    def from_column(cls, column, doc_count: int) -> "MultiValued":
        index: dict[str, int] = {}
        docs: list[int] = []
        vals: list[int] = []
        for docnum in range(doc_count):
            raw = column[docnum]
            if not raw:
                continue
            for value in raw.decode("utf-8").split(VALUE_SEP):
                docs.append(docnum)
                vals.append(index.setdefault(value, len(index)))
        values = list(index)
        name_rank = np.empty(len(values), dtype=np.int64)
        name_rank[np.argsort(np.asarray(values, dtype=object), kind="stable")] = np.arange(len(values))
        return cls(
            values=values,
            index=index,
            entry_doc=np.asarray(docs, dtype=np.int32),
            entry_value=np.asarray(vals, dtype=np.int32),
            name_rank=name_rank,
        )

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """Number of documents in `mask` holding each value."""
        hit = mask[self.entry_doc]
        return np.bincount(self.entry_value[hit], minlength=len(self.values))

    def docs_with(self, selected: list[str], doc_count: int) -> np.ndarray:
        """Mask of documents holding any of `selected` (OR within the facet)."""
        ords = [self.index[v] for v in selected if v in self.index]
        mask = np.zeros(doc_count, dtype=bool)
        if ords:
            mask[self.entry_doc[np.isin(self.entry_value, ords)]] = True
        return mask

    def top(self, mask: np.ndarray, selected: list[str], limit: int | None) -> tuple[list[dict], int]:
        """Top values by count (ties by name), selected ones always listed; distinct total."""
        counts = self.counts(mask)
        nonzero = np.flatnonzero(counts)
        order = _by_count_then_name(nonzero, counts, self.name_rank, limit)
        chosen = order.tolist()
        listed = {self.values[o] for o in chosen}
        items = [
            {"value": self.values[o], "count": int(counts[o]), "selected": self.values[o] in selected}
            for o in chosen
        ]
        items += [{"value": v, "count": int(counts[self.index[v]]) if v in self.index else 0, "selected": True}
                  for v in selected if v not in listed]
        return items, len(nonzero)


def _by_count_then_name(values: np.ndarray, counts: np.ndarray, name_rank: np.ndarray, limit: int | None) -> np.ndarray:
    """`values` by count (highest first), ties by name; the first `limit` only. A broad query
    counts some 15,000 persons at 36k: only those at or above the limit-th count are sorted."""
    if limit is not None:
        values = values[best_k(-counts[values], limit)]  # ties at the limit kept: the name decides
    order = values[np.lexsort((name_rank[values], -counts[values]))]
    return order if limit is None else order[:limit]


@dataclass
class FacetData:
    """Everything facet counting and date filtering/sorting need, per document number."""

    doc_count: int
    live: np.ndarray  # False for deleted document numbers
    date_key: np.ndarray  # int64 YYYYMMDDhhmm, UNKNOWN_DATE when unknown
    source: MultiValued
    person: MultiValued

    @classmethod
    def load(cls, reader) -> "FacetData":
        n = reader.doc_count_all()
        live = np.zeros(n, dtype=bool)
        live[list(reader.all_doc_ids())] = True
        dates = reader.column_reader("date_key")
        return cls(
            doc_count=n,
            live=live,
            date_key=np.fromiter((dates[i] for i in range(n)), dtype=np.int64, count=n),
            source=MultiValued.from_column(reader.column_reader("facet_source"), n),
            person=MultiValued.from_column(reader.column_reader("facet_person"), n),
        )

    def date_mask(self, lo: int | None, hi: int | None) -> np.ndarray:
        """Documents dated within [lo, hi] (date keys); unknown dates excluded."""
        mask = self.date_key != UNKNOWN_DATE
        if lo is not None:
            mask &= self.date_key >= lo
        if hi is not None:
            mask &= self.date_key <= hi
        return mask

    def date_histogram(self, mask: np.ndarray) -> dict:
        """Counts by year and by month (YYYY-MM), with unknown dates counted."""
        keys = self.date_key[mask]
        known = keys[keys != UNKNOWN_DATE]
        unknown = int(len(keys) - len(known))

        def hist(div: int, fmt) -> list[dict]:
            values, counts = np.unique(known // div, return_counts=True)
            items = [{"value": fmt(int(v)), "count": int(c)} for v, c in zip(values, counts)]
            if unknown:
                items.append({"value": UNKNOWN, "count": unknown})
            return items

        return {
            "year": hist(10**8, lambda v: f"{v:04d}"),
            "month": hist(10**6, lambda v: f"{v // 100:04d}-{v % 100:02d}"),
        }
