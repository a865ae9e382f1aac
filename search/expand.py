"""Prefix and wildcard queries, bounded: a literal prefix, a capped expansion.

`otan*` and `ab?d*` are rewritten into an OR of the index terms they stand
for, before matching, so that they are matched and scored like words (numpy)
instead of by Whoosh's matchers, and so that no input can make them expand to
the whole vocabulary:

- the literal part before the first `*` or `?` must have MIN_PREFIX_CHARS
  characters after folding (Lucene refuses leading wildcards by default); a
  wildcard without one (`**`, `?*`, `e*`, `😍*`, `?????`) is dropped and
  reported in `ignored`;
- of the terms it matches, the MAX_EXPANSIONS with the highest document
  frequency are kept (Lucene's `top_terms_blended_freqs` rewrite), each
  weighted to the idf of the commonest so that a rare form does not outscore
  the common ones.

The sorted terms of each field are read once per index generation.
"""
from __future__ import annotations

import bisect
import fnmatch
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from whoosh import query

from indexer.french import fold
from search.matching import doc_frequencies

MIN_PREFIX_CHARS = 3
MAX_EXPANSIONS = 32
CACHE_SIZE = 4_096  # expansions remembered per generation
WILDCARD_CHARS = "*?"
_TOKEN_RE = re.compile(r"[^\s()\"]*[*?][^\s()\"]*")


def literal_prefix(pattern: str) -> str:
    """The part of a wildcard pattern before its first wildcard character."""
    cut = min((i for i in (pattern.find("*"), pattern.find("?")) if i >= 0), default=len(pattern))
    return pattern[:cut]


def too_broad(pattern: str) -> bool:
    """Whether a (folded) prefix/wildcard pattern lacks the literal prefix it needs."""
    return len(literal_prefix(pattern)) < MIN_PREFIX_CHARS


def broad_tokens(text: str) -> list[str]:
    """The wildcard tokens of a query text that are dropped, as typed."""
    out = []
    for token in _TOKEN_RE.findall(text):
        value = token.split(":", 1)[1] if ":" in token else token
        value = value.lstrip("-+")
        if too_broad(fold(value)) and token not in out:
            out.append(token)
    return out


@dataclass
class FieldTerms:
    """The sorted terms of one field with their document frequencies."""

    terms: list[str]
    df: list[int]

    @classmethod
    def load(cls, reader, fieldname: str, freqs: dict[str, int] | None = None) -> "FieldTerms":
        freqs = doc_frequencies(reader, fieldname) if freqs is None else freqs
        terms = sorted(freqs)
        return cls(terms, [freqs[t] for t in terms])

    def with_prefix(self, prefix: str) -> range:
        lo = bisect.bisect_left(self.terms, prefix)
        hi = bisect.bisect_left(self.terms, prefix + "\U0010ffff")
        return range(lo, hi)


class Expander:
    """Rewrites Prefix and Wildcard nodes of a query for one index generation."""

    def __init__(self, reader, fields: tuple[str, ...], known: dict[str, dict[str, int]] | None = None):
        """`known`: document frequencies of some fields, already read (reading them takes seconds at 36k)."""
        self.doc_count = reader.doc_count_all()
        known = known or {}
        self.fields = {f: FieldTerms.load(reader, f, known.get(f)) for f in fields}
        self.expansions = lru_cache(maxsize=CACHE_SIZE)(self._expansions)

    def _expansions(self, fieldname: str, pattern: str) -> tuple[tuple[str, float], ...]:
        """(term, boost) of the top MAX_EXPANSIONS terms matching `pattern`."""
        terms = self.fields.get(fieldname)
        if terms is None or too_broad(pattern):
            return ()
        prefix = literal_prefix(pattern)
        span = terms.with_prefix(prefix)
        if prefix != pattern and pattern != prefix + "*":
            regex = re.compile(fnmatch.translate(pattern))
            span = [i for i in span if regex.match(terms.terms[i])]
        top = sorted(span, key=lambda i: (-terms.df[i], terms.terms[i]))[:MAX_EXPANSIONS]
        if not top:
            return ()
        common = self._idf(terms.df[top[0]])
        return tuple((terms.terms[i], common / self._idf(terms.df[i])) for i in top)

    def _idf(self, df: int) -> float:
        return math.log(self.doc_count / (df + 1)) + 1

    def rewrite(self, q: query.Query) -> query.Query:
        """`q` with its prefixes and wildcards replaced by ORs of terms; too
        broad ones become NullQuery (the caller reports them)."""

        def visit(node):
            if isinstance(node, (query.Prefix, query.Wildcard)):
                pattern = fold(node.text) + ("*" if isinstance(node, query.Prefix) else "")
                found = self.expansions(node.fieldname, pattern)
                if not found:
                    return query.NullQuery
                terms = [query.Term(node.fieldname, t, boost=node.boost * b) for t, b in found]
                return terms[0] if len(terms) == 1 else query.Or(terms)
            return node

        return q.accept(visit).normalize()


def bounded(parsed, expander: Expander):
    """A ParsedQuery with its prefixes and wildcards expanded; the too broad
    ones reported in `ignored`. A query left with nothing finds nothing."""
    if parsed.query is None:
        return parsed
    parsed.query = expander.rewrite(parsed.query)
    parsed.ignored = parsed.ignored + [t for t in broad_tokens(parsed.text) if t not in parsed.ignored]
    return parsed
