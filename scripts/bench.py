"""Benchmarks: reindex throughput and search latency, figures for the README.

    python scripts/bench.py --corpus ../shared/corpus/orangesum-defence-5k.jsonl
    python scripts/bench.py --corpus ../shared/corpus/orangesum-full.jsonl.gz --compare-persons
    python scripts/bench.py --index DIR --search-only

Reindex: a full rebuild into a fresh directory (docs/s, seconds, index size);
with --compare-persons, once more without person extraction. Search: a mix of
analysts' queries (words, phrases, typos, prefixes, facet filters, date sort)
through the JSON API (Flask test client) after the start-up warm-up: the first
run (postings read from disk) and the repeated runs (cached), as the median
and 95th percentile of the engine's took_ms and of the whole request.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from web import create_app

ROOT = Path(__file__).resolve().parents[1]

QUERIES = [
    {"q": ""}, {"q": "otan"}, {"q": "Trump"}, {"q": "guerre"}, {"q": "défense européenne"},
    {"q": "defense europeenne"}, {"q": "frappes aériennes"}, {"q": "retrait des troupes américaines"},
    {"q": "sanctions contre la Russie"}, {"q": '"dissuasion nucléaire"'}, {"q": "Stoltemberg"},
    {"q": "Hezbolah"}, {"q": "otan*"}, {"q": "Poutine OR Loukachenko"}, {"q": "Syrie -Turquie"},
    {"q": "person:\"Emmanuel Macron\" armée"}, {"q": "source:AFP Iran"}, {"q": "Macron", "sort": "-date"},
    {"q": "", "source": "AFP"}, {"q": "armée", "person": "Emmanuel Macron"},
    {"q": "missiles", "from": "2019", "to": "2020-06"}, {"q": "Corée du Nord missiles", "page": "3"},
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def bench_reindex(corpus: Path, persons: bool) -> tuple[Path, str]:
    """A full rebuild as users run it: scripts/reindex.py in a fresh process, so
    that no run inherits another's warm analyzer caches or loaded name lists."""
    index_dir = Path(tempfile.mkdtemp(prefix="vigie-bench-"))
    command = [sys.executable, "-m", "scripts.reindex", "--full", "--seeds", str(corpus), "--index", str(index_dir)]
    done = subprocess.run(command + ([] if persons else ["--no-persons"]), capture_output=True, text=True,
                          cwd=ROOT, check=False)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()
    label = "with persons" if persons else "without persons"
    return index_dir, f"reindex {corpus.name} ({label}): {summary}"


def bench_search(index_dir: Path, repeat: int) -> str:
    """Latency of each query the first time (postings not cached yet) and after."""
    app = create_app({"VIGIE_INDEX": str(index_dir), "VIGIE_WARM_UP": False})
    app.extensions["vigie_engine"].warm_up()  # what a server does at start-up
    client = app.test_client()
    runs: list[tuple[list[float], list[float]]] = []
    for _ in range(repeat):
        took, wall = [], []
        for params in QUERIES:
            started = time.perf_counter()
            resp = client.get("/api/search", query_string=params)
            wall.append((time.perf_counter() - started) * 1000)
            assert resp.status_code == 200, (params, resp.get_json())
            took.append(resp.get_json()["took_ms"])
        runs.append((took, wall))
    first_took, _ = runs[0]
    took = [t for run in runs[1:] for t in run[0]] or first_took
    wall = [w for run in runs[1:] for w in run[1]] or runs[0][1]
    return (f"search ({len(QUERIES)} queries, facets + snippets): first run took_ms median "
            f"{statistics.median(first_took):.1f} p95 {percentile(first_took, 95):.1f}; "
            f"repeated ({repeat - 1}x) took_ms median {statistics.median(took):.1f} p95 {percentile(took, 95):.1f}, "
            f"request median {statistics.median(wall):.1f} p95 {percentile(wall, 95):.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="file or directory to index")
    parser.add_argument("--index", type=Path, help="existing index to search (with --search-only)")
    parser.add_argument("--search-only", action="store_true")
    parser.add_argument("--compare-persons", action="store_true", help="also reindex without person extraction")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    if args.search_only:
        if not args.index:
            parser.error("--search-only needs --index")
        index_dir = args.index
    else:
        if not args.corpus or not args.corpus.exists():
            parser.error("--corpus must name an existing file or directory")
        index_dir, line = bench_reindex(args.corpus, persons=True)
        print(line, flush=True)
        if args.compare_persons:
            print(bench_reindex(args.corpus, persons=False)[1], flush=True)
    print(bench_search(index_dir, args.repeat), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
