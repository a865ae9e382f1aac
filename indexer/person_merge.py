"""Corpus-wide person values: variants merged, the analysts' alias file applied.

Each article's extraction gives the fullest form *that article* uses. Across
the corpus, case/accent/hyphen variants are one value (its most frequent
spelling), and a surname-only value is merged into the full name that clearly
dominates among the full names with that surname — measured on the corpus:
at least DOMINANCE of their documents and MIN_DOCS documents.

The alias file (`persons.toml` at the top of a seeds directory) has the last
word:

    block = ["Photo"]            # never a person

    [aliases]                    # "variant" = "canonical": merges and renames
    "Poutine" = "Vladimir Poutine"
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from indexer.french import fold

ALIAS_FILE = "persons.toml"
DOMINANCE = 0.8
MIN_DOCS = 2
_SPACES_RE = re.compile(r"[\s\-‐-–]+")


class AliasFileError(ValueError):
    """The alias file cannot be used; the message says why."""


@lru_cache(maxsize=1 << 18)  # bounded: names come from documents; a corpus repeats them
def key(name: str) -> str:
    """Comparison key of a person value: folded, hyphens and spaces collapsed."""
    return _SPACES_RE.sub(" ", fold(name)).strip()


def read_toml(path: Path | None) -> dict | None:
    """An analysts' TOML file (persons.toml, sources.toml), None when absent."""
    if path is None or not path.exists():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AliasFileError(f"{path.name}: invalid TOML: {exc}") from exc


@dataclass
class Aliases:
    merge: dict[str, str] = field(default_factory=dict)  # key of variant -> canonical display
    block: set[str] = field(default_factory=set)  # keys

    @classmethod
    def load(cls, path: Path | None) -> "Aliases":
        data = read_toml(path)
        if data is None:
            return cls()
        block = data.get("block", [])
        aliases = data.get("aliases", {})
        if not isinstance(block, list) or not all(isinstance(b, str) for b in block):
            raise AliasFileError(f"{path.name}: 'block' must be a list of names")
        if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
            raise AliasFileError(f"{path.name}: [aliases] must map names to names")
        return cls(merge={key(k): v.strip() for k, v in aliases.items()}, block={key(b) for b in block})


def find_alias_file(roots: Iterable[Path], name: str = ALIAS_FILE) -> Path | None:
    """The first `name` (persons.toml, sources.toml) at the top of a seeds directory."""
    for root in roots:
        candidate = root / name if root.is_dir() else root.parent / name
        if root.is_dir() and candidate.exists():
            return candidate
    return None


def build_mapping(per_doc: Iterable[list[str]], aliases: Aliases) -> dict[str, str | None]:
    """Raw value key -> canonical display (None: blocked), over the whole corpus."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    doc_counts: Counter = Counter()
    for names in per_doc:
        for k in {key(n) for n in names}:
            doc_counts[k] += 1
        for n in names:
            spellings[key(n)][n] += 1

    # Every tie is broken by the values themselves, never by the order documents come in
    # (a set's order changes with the hash seed): the same corpus gives the same values.
    def display(k: str) -> str:
        return max(spellings[k].items(), key=lambda sc: (sc[1], len(sc[0]), sc[0]))[0]

    by_surname: dict[str, list[str]] = defaultdict(list)
    for k in spellings:
        if " " in k:
            by_surname[k.rsplit(" ", 1)[1]].append(k)

    mapping: dict[str, str | None] = {}
    for k in spellings:
        target = k
        if " " not in k and by_surname.get(k):
            fulls = sorted(by_surname[k], key=lambda f: (-doc_counts[f], f))
            top = fulls[0]
            total = sum(doc_counts[f] for f in fulls)
            if doc_counts[top] >= MIN_DOCS and doc_counts[top] >= DOMINANCE * total:
                target = top
        mapping[k] = display(target)
    for k, canonical in list(mapping.items()):
        final = aliases.merge.get(k) or aliases.merge.get(key(canonical)) or canonical
        mapping[k] = None if key(final) in aliases.block or k in aliases.block else final
    return mapping


def canonical(names: list[str], mapping: dict[str, str | None]) -> list[str]:
    """An article's person values after corpus merging, in order, without duplicates."""
    out: list[str] = []
    for n in names:
        value = mapping.get(key(n), n)
        if value and value not in out:
            out.append(value)
    return out
