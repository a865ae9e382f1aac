"""A bounded map shared by threads: the least recently used entry leaves first.

For the caches a worker keeps across requests (answers, per-segment tables),
where a plain dict would grow with whatever the requests or segments bring.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class LRU:
    def __init__(self, entries: int):
        self.entries = entries
        self._kept: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        """The value kept for `key` (now the most recent), None when there is none."""
        with self._lock:
            if key not in self._kept:
                return None
            self._kept.move_to_end(key)
            return self._kept[key]

    def put(self, key: Hashable, value) -> None:
        """Keep `value`; past `entries`, the least recently used entries are dropped (0: nothing is kept)."""
        with self._lock:
            self._kept[key] = value
            self._kept.move_to_end(key)
            while len(self._kept) > max(self.entries, 0):
                self._kept.popitem(last=False)
