"""What is new: when documents were first indexed, for saved searches and feeds."""
from __future__ import annotations

from datetime import datetime, timezone


def iso(seconds: float) -> str:
    """A time (seconds since the epoch) as ISO 8601 in UTC, to the second."""
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds")


def iso_ms(ms: int) -> str | None:
    """A first-indexed time (ms since the epoch) as ISO 8601 in UTC; None when unknown (0)."""
    return iso(ms / 1000) if ms else None


def watermark(engine) -> int:
    """When the newest document of the live index was first indexed (ms): what a saved
    search opened now has seen. Later reindex runs stamp their documents after it."""
    return engine.generation().collapse.watermark
