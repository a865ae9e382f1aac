"""Index the files of seeds/ into the Whoosh index (incremental; --full rebuilds).

    python scripts/reindex.py [--full] [--seeds PATH ...] [--index DIR]
"""
from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path

from indexer.store import default_index_dir
from indexer.writer import ReindexBusy, reindex

# 2 is argparse's usage error.
EXIT_FAILED_FILES = 1  # the index is up to date with every readable file: serve it
EXIT_BUSY = 3
EXIT_CRASH = 4  # reindex itself failed: the index was left as it was, do not go on


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", nargs="+", type=Path, default=[Path("seeds")],
                        help="directories or files to index (default: seeds/)")
    parser.add_argument("--index", type=Path, default=None,
                        help="index directory (default: $VIGIE_INDEX, else ./index)")
    parser.add_argument("--full", action="store_true", help="rebuild from scratch and swap in atomically")
    parser.add_argument("--workers", type=int, default=None, help="parser processes (default: CPU count)")
    parser.add_argument("--no-persons", action="store_true", help="skip person extraction (to measure its cost)")
    return parser.parse_args(argv)


class _Progress:
    """A tqdm bar per phase (files read, documents written) on a terminal; a log line
    every 10% otherwise."""

    def __init__(self) -> None:
        self.bar = None
        self.total = self.done = self.next_report = 0
        self.unit = ""

    def start(self, total: int, unit: str) -> None:
        self.close()
        self.total, self.done, self.unit = total, 0, unit
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=unit, file=sys.stderr)
        self.next_report = max(1, total // 10)

    def step(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.done >= self.next_report:
            logging.info("%d/%d %ss", self.done, self.total, self.unit)
            self.next_report += max(1, self.total // 10)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    index_dir = args.index or default_index_dir()
    progress = _Progress()
    try:
        summary = reindex(args.seeds, index_dir, full=args.full, workers=args.workers,
                          progress=progress.step, on_total=progress.start, persons=not args.no_persons)
    except ReindexBusy as exc:
        print(f"reindex: {exc}; try again when it has finished", file=sys.stderr)
        return EXIT_BUSY
    except Exception as exc:  # not a file's fault: its own exit status, so `make run` stops
        traceback.print_exc()
        print(f"reindex: crashed ({type(exc).__name__}: {exc}); the index was left as it was", file=sys.stderr)
        return EXIT_CRASH
    finally:
        progress.close()
    for warning in summary.warnings:
        logging.warning("warning: %s", warning)
    for failure in summary.failed:
        logging.error("failed: %s", failure)
    print(("full rebuild: " if summary.full else "incremental: ") + summary.line())
    return EXIT_FAILED_FILES if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
