"""Relevance metrics over graded judgments: nDCG@10, P@10, recall@100.

Same definitions as ../shared/eval/evaluate_relevance.py: gain = grade,
log2 discount, unjudged documents count 0, ideal DCG from all judged grades.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict

from indexer.french import STOP_WORDS, fold


def read_qrels(lines) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in lines:
        if line.strip():
            qid, doc, grade = line.strip().split("\t")
            qrels[qid][doc] = int(grade)
    return qrels


def _dcg(gains: list[int]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def score_query(judged: dict[str, int], ranked: list[str]) -> dict[str, float] | None:
    """Metrics of one query; None when it has no relevant document."""
    relevant = sum(1 for g in judged.values() if g >= 1)
    if not relevant:
        return None
    gains = [judged.get(d, 0) for d in ranked[:10]]
    ideal = _dcg(sorted(judged.values(), reverse=True)[:10])
    return {
        "ndcg10": _dcg(gains) / ideal if ideal else 0.0,
        "p10": sum(1 for g in gains if g >= 1) / 10,
        "recall100": sum(1 for d in ranked[:100] if judged.get(d, 0) >= 1) / relevant,
    }


def mean(rows: list[dict[str, float]]) -> dict[str, float]:
    keys = ("ndcg10", "p10", "recall100")
    return {k: sum(r[k] for r in rows) / len(rows) if rows else 0.0 for k in keys}


# -- the same queries typed differently -------------------------------------
# The judged queries of one kind are other queries than those of another, so
# kind averages mix the effect of accents, inflection and typos with how hard
# each query is. Retyping every judged query in each manner and scoring it
# against the same judgments measures the effect alone.

_WORD = re.compile(r"\w+", re.UNICODE)


def without_accents(text: str) -> str:
    """The query typed on a keyboard without accents: `défense` → `defense`."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def inflected(text: str) -> str:
    """Lower-case words of 4+ letters in the other number: `frappes aériennes` ↔ `frappe aérienne`."""
    def flip(m: re.Match) -> str:
        word = m.group()
        if len(word) < 4 or not word.islower() or fold(word) in STOP_WORDS:
            return word
        return word[:-1] if word[-1] in "sx" else word + "s"

    return _WORD.sub(flip, text)


def with_typos(text: str) -> str:
    """One slip in each word of 5+ letters, in turn two inner letters swapped,
    one letter dropped, one letter doubled (`missiles` → `missles`)."""
    count = 0

    def slip(m: re.Match) -> str:
        nonlocal count
        word = m.group()
        if len(word) < 5:
            return word
        i, kind = len(word) // 2, count % 3
        count += 1
        if kind == 0 and word[i] != word[i - 1]:
            return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
        if kind == 2:
            return word[:i] + word[i] + word[i:]
        return word[:i] + word[i + 1 :]

    return _WORD.sub(slip, text)


RETYPINGS = {"noaccent": without_accents, "inflection": inflected, "typo": with_typos}
