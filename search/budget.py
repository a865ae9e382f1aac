"""A time budget per request: the optional stages give way when it is spent.

Matching and facet counts are exact and bounded by construction (capped
expansions, capped query length). The stages that only refine the page —
pseudo-relevance feedback, the proximity bonus, highlighted snippets, the
spelling suggestion, phrase verification past the budget — are skipped once
the request has used its budget, and the response says `"approximate": true`:
under load, or for a pathological query, a request degrades to plain BM25F
ranking and plain openings instead of holding a worker for seconds.
"""
from __future__ import annotations

import os
import time

# Well below gunicorn's 30 s worker timeout; a normal request takes 5–50 ms.
DEFAULT_BUDGET_MS = 1_000.0
BUDGET_SETTING = "VIGIE_TIME_BUDGET_MS"  # help: milliseconds a search may spend before optional stages are skipped


def default_budget_ms() -> float:
    raw = os.environ.get(BUDGET_SETTING, "")
    try:
        return float(raw) if raw.strip() else DEFAULT_BUDGET_MS
    except ValueError:
        return DEFAULT_BUDGET_MS


class Budget:
    """The time left to one request; records whether a stage was skipped."""

    def __init__(self, milliseconds: float):
        self.deadline = time.perf_counter() + milliseconds / 1000
        self.approximate = False

    def allows(self) -> bool:
        """Whether an optional stage may still run; a refusal marks the answer approximate."""
        if time.perf_counter() < self.deadline:
            return True
        self.approximate = True
        return False
