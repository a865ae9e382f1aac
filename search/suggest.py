"""Typo tolerance and "did you mean", from the unstemmed folded vocabulary.

The vocabulary (every folded word of titles and bodies, with its document
frequency) is loaded once per index generation; rapidfuzz scans it in C for
words within the allowed edit distance. Distances are optimal string alignment
(Damerau–Levenshtein without repeated edits of one substring): swapping two
adjacent letters, the commonest typing slip, is one edit, as in Elasticsearch's
fuzzy queries.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from indexer.french import STOP_WORDS, WORD_RE, fold
from search.matching import doc_frequencies

# Stop words are in no index field; a slip on one (`cotnre`) must not become a
# word that no document contains.
_STOP_WORDS = sorted(w for w in STOP_WORDS if w.isalpha())


MIN_TYPO_LENGTH = 5  # shorter words are never corrected
# A correction must be this much more frequent than what was typed.
SUGGEST_RATIO = 5
MAX_CANDIDATES = 3
CACHE_SIZE = 10_000
RARE_DOCS = 3  # a word in this few documents may itself be a misspelling


def max_distance(word: str) -> int:
    """Edits tolerated: 1 for words of 5+ letters, 2 for 8+, none below."""
    if len(word) >= 8:
        return 2
    if len(word) >= MIN_TYPO_LENGTH:
        return 1
    return 0


@dataclass(frozen=True)
class StopSlip:
    word: str  # the stop word
    rival: bool  # a common word of the index is as close


class Vocabulary:
    """Folded words of the index and their document frequencies."""

    def __init__(self, reader, fieldname: str = "exact"):
        df = {word: n for word, n in doc_frequencies(reader, fieldname).items() if word.isalpha()}
        self.words = list(df)
        self.df = df
        # Words by first letter and length: a correction keeps the first letter
        # (as Lucene's spell checkers do by default: typos rarely hit it, and
        # the scan shrinks twentyfold) and is within k letters of the length typed.
        self._by_start: dict[tuple[str, int], list[str]] = {}
        for word in self.words:
            self._by_start.setdefault((word[0], len(word)), []).append(word)
        # A scan of the whole vocabulary per call: remembered per generation.
        self.corrections = lru_cache(maxsize=CACHE_SIZE)(self._corrections)

    def _corrections(self, word: str) -> list[tuple[str, int]]:
        """Known words within the edit distance of `word`, most frequent first."""
        limit = max_distance(word)
        if not limit:
            return []
        near = [w for n in range(len(word) - limit, len(word) + limit + 1) for w in self._by_start.get((word[0], n), ())]
        found = process.extract(word, near, scorer=OSA.distance, score_cutoff=limit, limit=None)
        ranked = sorted(((w, self.df[w]) for w, _, _ in found if w != word), key=lambda wf: (-wf[1], wf[0]))
        return ranked[:MAX_CANDIDATES]

    def stop_word(self, word: str) -> "StopSlip | None":
        """The stop word `word` may be a misspelling of (`cotnre` → contre), if any,
        and whether a word of the index, not rare, is as close (`amres`: après or armes)."""
        limit = max_distance(word)
        if not limit:
            return None
        found = process.extractOne(word, _STOP_WORDS, scorer=OSA.distance, score_cutoff=limit)
        if not found:
            return None
        stop, distance, _ = found
        rival = any(
            freq > RARE_DOCS and OSA.distance(word, cand) <= distance for cand, freq in self.corrections(word)
        )
        return StopSlip(stop, rival)


def surface_forms(texts: list[str], folded: set[str]) -> dict[str, str]:
    """How the documents write each folded word (`europeenne` → européenne):
    the commonest spelling, lower case first on a tie. Suggestions are shown
    as articles spell them, not as the index stores them."""
    seen: dict[str, Counter] = {}
    for text in texts:
        for word, count in Counter(WORD_RE.findall(text)).items():  # each distinct word folded once
            key = fold(word)
            if key in folded:
                seen.setdefault(key, Counter())[word] += count
    return {
        key: max(forms.items(), key=lambda wc: (wc[1], wc[0].islower(), wc[0]))[0]
        for key, forms in seen.items()
    }
