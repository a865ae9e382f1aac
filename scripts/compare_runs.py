"""Runs a change moves up and down, from files written by `eval_relevance.py --runs`.

    python scripts/compare_runs.py BEFORE.tsv AFTER.tsv [BEFORE.tsv AFTER.tsv ...]

Pairs of files (one pair per number of feedback documents, say) are pooled. Prints
the runs up and down and the mean change, for all of them and for each group of queries
by the first letter of their id (the dev set's two halves, judged from different pools).
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path


def read(path: Path) -> dict[tuple[str, str], float]:
    rows = (line.split("\t") for line in path.read_text().splitlines() if line)
    return {(qid, typing): float(v) for qid, typing, v in rows}


def main(argv: list[str]) -> int:
    if not argv or len(argv) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    changes: dict[str, list[float]] = defaultdict(list)
    for before_path, after_path in zip(argv[::2], argv[1::2]):
        before, after = read(Path(before_path)), read(Path(after_path))
        for key in before.keys() & after.keys():
            delta = after[key] - before[key]
            changes["all"].append(delta)
            changes[f"{key[0][0]}*"].append(delta)
    for group, deltas in sorted(changes.items()):
        up = sum(d > 1e-9 for d in deltas)
        down = sum(d < -1e-9 for d in deltas)
        print(f"{group:<4} runs {len(deltas)}: {up} up, {down} down, mean {sum(deltas) / len(deltas):+.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
