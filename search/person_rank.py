"""Persons in ranking: a query naming a person of the index ranks that person's articles higher.

The index knows each article's persons (indexer/persons.py). When the query's
words name a person value — all its words (`Florence Parly`), or the surname
of the person who clearly dominates that surname (`Netanyahu Gantz`, `Bolton`)
— articles where that person was found get a bonus, so articles about the
persons rise above articles that merely contain the words.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from indexer.french import fold

WEIGHT = 0.3  # share of the best score added for having every named person
MIN_DOCS = 3  # a person value in fewer articles is not worth recognising
DOMINANT = 0.8  # a surname alone names the value holding this share of its articles


def _words(value: str) -> list[str]:
    return fold(value).replace("-", " ").split()


@dataclass
class PersonNames:
    """The person values of one index generation, by surname."""

    by_surname: dict[str, list[tuple[int, tuple[str, ...], int]]]  # surname -> (ordinal, words, count)

    @classmethod
    def build(cls, values: list[str], counts: np.ndarray) -> "PersonNames":
        by_surname: dict[str, list] = {}
        for ordinal, value in enumerate(values):
            words = _words(value)
            if len(words) >= 2 and counts[ordinal] >= MIN_DOCS:
                by_surname.setdefault(words[-1], []).append((ordinal, tuple(words), int(counts[ordinal])))
        return cls(by_surname)

    def named(self, query_words: list[str]) -> list[int]:
        """Ordinals of the person values the query's folded words name."""
        typed = set(query_words)
        found = []
        for word in query_words:
            holders = self.by_surname.get(word, [])
            whole = [o for o, words, _ in holders if set(words) <= typed]
            if whole:
                found.extend(whole)
                continue
            total = sum(c for _, _, c in holders)
            found.extend(o for o, _, c in holders if c >= DOMINANT * total)
        return list(dict.fromkeys(found))


def bonus(named: list[int], has_value: Callable[[int], np.ndarray], docnums: np.ndarray,
          scores: np.ndarray) -> np.ndarray | float:
    """Per document: WEIGHT × best score × the share of the named persons it has.

    `has_value(ordinal)` is the mask of the documents holding a person value.
    """
    if not named or not len(scores):
        return 0.0
    share = sum(has_value(o)[docnums].astype(np.float64) for o in named) / len(named)
    return WEIGHT * scores.max() * share
