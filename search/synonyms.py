"""Synonyms and spelling variants, applied at query time (no reindex).

One thing written several ways (a transliteration, an acronym and its full
name, an old and a new spelling) splits the results: an analyst typing one
form misses the articles written with another. Groups of equivalent forms
come from the list shipped with Vigie (search/data/synonyms.toml, mined from
the corpus by scripts/synonym_candidates.py and checked) and from the
analysts' seeds/synonyms.toml, in the same format:

    groups = [
      ["Droukdel", "Droukdal"],
      ["EI", "État islamique", "Daech", "Daesh"],
    ]

A query word, or run of words, that is a form of a group also matches the
other forms (several words as a phrase); inflection and accents are folded
as everywhere. Quoted phrases and field queries are not expanded.
"""
from __future__ import annotations

import logging
import re
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from whoosh import query

from indexer.french import analyze
from indexer.schema import LEAD_BOOST, TITLE_BOOST

log = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).with_name("data") / "synonyms.toml"
RELOAD_CHECK_SECONDS = 1.0  # the analysts' file is looked at no more often
MAX_FORM_WORDS = 6
_FIELDS = {"title": TITLE_BOOST, "lead": LEAD_BOOST, "body": 1.0}
_QUOTED = re.compile(r'"([^"]*)"')

Key = tuple[str, ...]  # the index terms of a form


class SynonymsError(ValueError):
    """A synonyms file that cannot be used (not TOML, or not a list of groups)."""


@dataclass(frozen=True)
class Expansion:
    word: str  # the form the query used, as the list writes it
    with_: tuple[str, ...]  # the other forms it also matched

    def as_json(self) -> dict:
        return {"word": self.word, "with": list(self.with_)}


class Synonyms:
    """Groups of equivalent forms, indexed by their terms."""

    def __init__(self, groups: list[list[str]]):
        self._forms: dict[Key, tuple[str, list[tuple[Key, str]]]] = {}
        for group in groups:
            forms = [(tuple(analyze(f)), f) for f in group]
            forms = [(k, f) for k, f in forms if 0 < len(k) <= MAX_FORM_WORDS]
            for key, form in forms:
                others = [(k, f) for k, f in forms if k != key]
                if others:
                    known = self._forms.get(key, (form, []))[1]
                    self._forms[key] = (form, known + [o for o in others if o[0] not in {k for k, _ in known}])
        self.longest = max((len(k) for k in self._forms), default=0)

    def __len__(self) -> int:
        return len(self._forms)

    @classmethod
    def read(cls, path: Path) -> list[list[str]]:
        """The groups of a synonyms file; SynonymsError when it is malformed."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SynonymsError(f"{path}: {exc}") from None
        groups = data.get("groups", [])
        if not isinstance(groups, list) or not all(
            isinstance(g, list) and all(isinstance(f, str) for f in g) for g in groups
        ):
            raise SynonymsError(f"{path}: 'groups' must be a list of lists of strings")
        return groups

    def expand(self, q: query.Query | None, text: str) -> tuple[query.Query | None, list[Expansion]]:
        """`q` with each word (run of words) of a group also matching its other forms."""
        if q is None or not self._forms:
            return q, []
        quoted = {tuple(analyze(m)) for m in _QUOTED.findall(text)}
        expansions: list[Expansion] = []

        def rewrite(node):
            if _word(node) is not None:
                return self._expanded([node], quoted, expansions) or node
            if isinstance(node, query.And):
                return query.And(self._runs([rewrite(s) if _word(s) is None else s for s in node.subqueries],
                                            quoted, expansions), boost=node.boost)
            if isinstance(node, query.Or):
                return query.Or([rewrite(s) for s in _regrouped(node.subqueries)], boost=node.boost)
            return node.apply(rewrite) if node.children() else node

        return rewrite(q), expansions

    def _runs(self, clauses: list, quoted: set, expansions: list) -> list:
        """The clauses of a conjunction, each longest run of words naming a form expanded."""
        out, i = [], 0
        while i < len(clauses):
            for length in range(min(self.longest, len(clauses) - i), 0, -1):
                found = self._expanded(clauses[i:i + length], quoted, expansions)
                if found is not None:
                    out.append(found)
                    i += length
                    break
            else:
                out.append(clauses[i])
                i += 1
        return out

    def _expanded(self, clauses: list, quoted: set, expansions: list) -> query.Query | None:
        words = [_word(c) for c in clauses]
        if any(w is None or w in quoted for w in words):
            return None
        key = tuple(t for w in words for t in w)
        found = self._forms.get(key)
        if found is None:
            return None
        form, others = found
        expansions.append(Expansion(form, tuple(f for _, f in others)))
        typed = clauses[0] if len(clauses) == 1 else query.And(clauses)
        return query.Or([typed] + [_clause(k) for k, _ in others])


def _word(node) -> Key | None:
    """The terms of a clause that is one typed word (or hyphen compound) over all text fields."""
    if not isinstance(node, query.Or) or len(node.subqueries) != len(_FIELDS):
        return None
    subs = node.subqueries
    if {getattr(s, "fieldname", None) for s in subs} != set(_FIELDS):
        return None
    if all(isinstance(s, query.Term) for s in subs) and len({s.text for s in subs}) == 1:
        return (subs[0].text,)
    if all(isinstance(s, query.Phrase) for s in subs) and len({tuple(s.words) for s in subs}) == 1:
        return tuple(subs[0].words)
    return None


def _regrouped(subqueries: list) -> list:
    """An OR's operands with each word's field terms gathered back into one clause
    (normalising `a OR b` flattens the words' fields into one OR)."""
    by_word: dict[str, list] = {}
    for sub in subqueries:
        if isinstance(sub, query.Term) and sub.fieldname in _FIELDS:
            by_word.setdefault(sub.text, []).append(sub)
    out, done = [], set()
    for sub in subqueries:
        terms = by_word.get(sub.text) if isinstance(sub, query.Term) else None
        if terms is None or len(terms) != len(_FIELDS) or len({t.fieldname for t in terms}) != len(_FIELDS):
            out.append(sub)
        elif sub.text not in done:
            done.add(sub.text)
            out.append(query.Or(terms))
    return out


def _clause(key: Key) -> query.Query:
    """A form over every text field: a term, or a phrase of several."""
    if len(key) == 1:
        return query.Or([query.Term(f, key[0], boost=b) for f, b in _FIELDS.items()])
    return query.Or([query.Phrase(f, list(key), boost=b) for f, b in _FIELDS.items()])


class SynonymSource:
    """The shipped groups plus the analysts' file, re-read when it changes.

    The file is looked at no more than once a RELOAD_CHECK_SECONDS; a
    malformed file is logged and its previous content (or none) kept.
    """

    def __init__(self, analysts: Path | None, default: Path = DEFAULT_FILE,
                 check_seconds: float = RELOAD_CHECK_SECONDS):
        self.analysts = analysts
        self.check_seconds = check_seconds
        self.default = Synonyms.read(default)
        self.error: str | None = None
        self._stamp: tuple | None = None  # (mtime, size) of the analysts' file read last
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self._current = Synonyms(self.default)

    def get(self) -> Synonyms:
        now = time.monotonic()
        if self.analysts is None or now - self._checked < self.check_seconds:
            return self._current
        with self._lock:
            self._checked = now
            try:
                st = self.analysts.stat()
                stamp = (st.st_mtime_ns, st.st_size)
            except OSError:
                stamp = None
            if stamp != self._stamp:
                self._stamp = stamp
                self._load(stamp is not None)
        return self._current

    def _load(self, exists: bool) -> None:
        try:
            extra = Synonyms.read(self.analysts) if exists else []
        except SynonymsError as exc:
            self.error = str(exc)
            log.warning("synonyms file ignored: %s", exc)
            return
        self.error = None
        self._current = Synonyms(self.default + extra)
