"""The first k of an order without sorting everything: a broad query matches most of the corpus."""
from __future__ import annotations

import numpy as np


def best_k(key: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k smallest keys and of every key tied with the k-th, unsorted: the
    prefix a sort by `key` would start with, ties at its end included (so a tie-break after
    `key` still chooses among them)."""
    if k <= 0:
        return np.arange(0)
    if k >= len(key):
        return np.arange(len(key))
    return np.flatnonzero(key <= np.partition(key, k - 1)[k - 1])
