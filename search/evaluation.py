"""Relevance metrics over graded judgments: nDCG@10, P@10, recall@100.

Same definitions as ../shared/eval/evaluate_relevance.py: gain = grade,
log2 discount, unjudged documents count 0, ideal DCG from all judged grades.
"""
from __future__ import annotations

import math
from collections import defaultdict


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
