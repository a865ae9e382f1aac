"""The corpora the scripts read (../shared/corpus): JSON Lines, gzipped or not."""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path


def records(path: Path) -> Iterator[dict]:
    """Each record of a `.jsonl` or `.jsonl.gz` file, blank lines skipped."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
