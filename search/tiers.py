"""Matching beyond "all the words": documents missing one word rank after those with all.

An analyst's 3–4-word query often has relevant articles that use another verb
or a near-synonym for one of its words; requiring every word hides them. As
Lucene's `minimum_should_match` and Meilisearch's `matchingStrategy`, a plain
query of MIN_WORDS content words or more also matches documents that miss one
of them, ranked after every document that has all of them; while fewer than
THIN results match, one more word may be missing, tier after tier (`heurts
frontaliers sino-indiens`: no article has the three words, nine have two; most
of the Sino-Indian border clashes say only `frontalier`). Queries with
structure (phrases, OR, NOT, fields, prefixes) keep their exact meaning. A
2-word query does so too, unless its words name a person of the index
(`Florence Parly`, `Netanyahu Gantz`: meant whole) and many documents have both.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh import query

MIN_WORDS = 3  # content words a query needs before one may be missing
THIN = 10  # fewer documents than this: one more word may be missing (of a person's name: one)
# Quotes, parentheses, prefixes, fields and operators give a query an exact meaning.
_STRUCTURE = re.compile(r'["()*:]|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b')


@dataclass(frozen=True)
class Tiers:
    """How many of the query's words each document misses."""

    clauses: tuple[query.Query, ...]  # one per content word
    missing: np.ndarray  # per document: words missing (0: all the words)
    allowed: int  # documents missing up to this many words match

    @property
    def matched(self) -> np.ndarray:
        return self.missing <= self.allowed

    @property
    def all_words(self) -> np.ndarray:
        return self.missing == 0


def word_clauses(q: query.Query | None, text: str, with_all: int, names_person: bool = False
                 ) -> list[query.Query] | None:
    """The clauses (one per content word, with its fields and spellings) of a
    plain words query that may match with one word missing; None otherwise.

    `with_all`: how many documents have all the words; `names_person`: the
    words name a person value of the index. Two words naming a person match
    with one missing only when fewer than THIN documents have both (a name is
    meant whole: every Florence is not Florence Parly); two other words always
    may (`affaire d'espionnage`: half the espionage cases say no `affaire`).
    """
    if q is None or _STRUCTURE.search(text):
        return None
    core = q.a if isinstance(q, query.AndMaybe) else q  # optional typo spellings stay optional
    if not isinstance(core, query.And):
        return None
    n = len(core.subqueries)
    if n >= MIN_WORDS or (n == 2 and (not names_person or with_all < THIN)):
        return list(core.subqueries)
    return None


def tiers(clauses: list[query.Query], mask: Callable[[query.Query], np.ndarray], live: np.ndarray,
          count: Callable[[np.ndarray], int] = np.count_nonzero) -> Tiers:
    """Tiers of the documents, from each word clause's mask of matching documents; `count`:
    how many results a mask of documents makes (the page's: copies of one text are one)."""
    present = np.zeros(len(live), dtype=np.int16)
    for clause in clauses:
        present += mask(clause)
    missing = np.where(live, len(clauses) - present, len(clauses))
    return Tiers(clauses=tuple(clauses), missing=missing, allowed=_allowed(missing, live, len(clauses), count))


def _allowed(missing: np.ndarray, live: np.ndarray, words: int, count: Callable[[np.ndarray], int]) -> int:
    """Words a document may miss: one, and one more while fewer than THIN results match
    (Meilisearch's `last` strategy drops words until there are results); one word always stays.
    Counted over the whole index, before filters: a facet's count stays what clicking it gives."""
    allowed = 1
    while allowed < words - 1 and count(live & (missing <= allowed)) < THIN:
        allowed += 1
    return allowed


def ranking_query(t: Tiers) -> query.Query:
    """What scores documents of every tier: the sum of the words they have."""
    return query.Or(list(t.clauses))
