"""Whole answers remembered per index generation, as Solr's queryResultCache does.

Analysts re-run the same searches all day: the next page and back, a facet
clicked and removed, a saved search reopened, a feed polled. An answer
depends only on the request, the generation and the synonyms in force, so
it is kept (bounded, least recently used first out) in the generation that
computed it and dropped with it. Approximate answers (a stage skipped for
time, search/budget.py) are not kept: the next asking gets the full one.
Answers are kept pickled: a copy for each caller costs a fifth of a deep
copy, and a kept answer is one object for the garbage collector to walk,
not hundreds.
"""
from __future__ import annotations

import os
import pickle
from dataclasses import fields

from search.lru import LRU

DEFAULT_ENTRIES = 512
ENTRIES_SETTING = "VIGIE_RESULT_CACHE"  # help: answers remembered per worker and index generation (0: none)


def default_entries() -> int:
    raw = os.environ.get(ENTRIES_SETTING, "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else DEFAULT_ENTRIES


def request_key(req, *context) -> tuple:
    """A hashable key for a request dataclass (its lists as tuples) and what else the answer depends on."""
    values = tuple(tuple(v) if isinstance(v, list) else v for v in (getattr(req, f.name) for f in fields(req)))
    return values + context


class ResultsCache:
    """A bounded LRU of answers; each caller gets its own copy."""

    def __init__(self, entries: int):
        self._answers = LRU(entries)

    def get(self, key: tuple) -> dict | None:
        found = self._answers.get(key)
        return None if found is None else pickle.loads(found)

    def put(self, key: tuple, answer: dict) -> None:
        if self._answers.entries <= 0 or answer.get("approximate"):
            return
        self._answers.put(key, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
