"""Corpus-wide source values: spelling variants merged, the analysts' source file applied.

Articles credit one outlet many ways: `Source BFMTV`, `source BFMTV`,
`Source : BFMTV`, `BFM TV`; `6Medias`, `6Médias`, `6MEDIAS`. A `Source :` /
`source` prefix is dropped, and values equal but for case, accents,
punctuation and spaces are one value, spelt as most articles spell it (ties:
the first spelling in code-point order, so the result never depends on
reading order). What folding cannot see (`LEXPRESS.fr` is `L'Express`) is said
in `sources.toml` at the top of a seeds directory:

    [aliases]                    # "variant" = "canonical": merges and renames
    "LEXPRESS.fr" = "L'Express"

The raw values stay in the index, so an edit of the file is applied by the
next reindex without re-reading any article file.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.french import fold
from indexer.person_merge import AliasFileError, read_toml

SOURCE_FILE = "sources.toml"
# "Source : BFMTV", "source BFMTV", "Sourcé Téléstar", "Soure L'Opinion", "sourcefranceinfo".
_PREFIX = re.compile(r"^\s*(?:sourc[eé]|soure)s?\b\s*:?\s*|^\s*source(?=\w)", re.IGNORECASE)
MAX_ALIAS_HOPS = 8  # "a" = "b", "b" = "c": followed, a cycle stops


def strip_prefix(value: str) -> str:
    """The outlet a credit names, without its `Source :` prefix."""
    return _PREFIX.sub("", value, count=1).strip()


def key(value: str) -> str:
    """Comparison key of a source: folded, case, punctuation and spaces ignored."""
    return re.sub(r"[\W_]+", "", fold(strip_prefix(value)))


@dataclass
class SourceAliases:
    merge: dict[str, str] = field(default_factory=dict)  # key of variant -> canonical display

    @classmethod
    def load(cls, path: Path | None) -> "SourceAliases":
        data = read_toml(path)
        if data is None:
            return cls()
        aliases = data.get("aliases", {})
        if not isinstance(aliases, dict) or not all(isinstance(v, str) and v.strip() for v in aliases.values()):
            raise AliasFileError(f"{path.name}: [aliases] must map source names to source names")
        return cls(merge={key(k): strip_prefix(v) for k, v in aliases.items() if key(k) and key(v)})

    def resolve(self, k: str) -> str:
        """The key a value's key is merged into, following chained aliases."""
        for _ in range(MAX_ALIAS_HOPS):
            target = self.merge.get(k)
            if target is None or key(target) == k:
                break
            k = key(target)
        return k


def build_mapping(per_doc: Iterable[list[str]], aliases: SourceAliases) -> dict[str, str]:
    """Key of a raw source value -> canonical display, over the whole corpus (each distinct
    list of values read once: 36k documents have 579)."""
    docs: dict[str, Counter] = defaultdict(Counter)  # final key -> spelling -> documents
    keys: set[str] = set()
    for values, count in Counter(map(tuple, per_doc)).items():
        for spelling in {strip_prefix(v) for v in values}:
            k = key(spelling)
            if k:
                keys.add(k)
                docs[aliases.resolve(k)][spelling] += count
    # An alias's target is spelt as the analyst wrote it.
    chosen = {}
    for target in sorted(aliases.merge.values()):
        chosen.setdefault(key(target), target)

    def display(final: str) -> str:
        if final in chosen:
            return chosen[final]
        return min(docs[final].items(), key=lambda sc: (-sc[1], sc[0]))[0]

    return {k: display(aliases.resolve(k)) for k in sorted(keys)}


def canonical(values: list[str], mapping: dict[str, str]) -> list[str]:
    """A document's source values after corpus merging, in order, without duplicates."""
    out: list[str] = []
    for v in values:
        k = key(v)
        value = (mapping.get(k) or strip_prefix(v)) if k else None
        if value and value not in out:
            out.append(value)
    return out
