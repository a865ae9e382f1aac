"""CPU time of the feedback stage per judged dev query, its words scored in the body only
and in the title and body (search/feedback.py EXPANSION_FIELDS), alternating in one process.

    python scripts/bench_feedback.py --index DIR [--shared ../shared] [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search import feedback as prf  # noqa: E402
from search.engine import Engine  # noqa: E402
from search.params import SearchRequest  # noqa: E402

REPEATS = 5


def cases(engine: Engine, queries: list[str]) -> list[tuple]:
    """What the feedback stage is given for each query: parsed query, documents, scores, tiers."""
    gen = engine.generation()
    out = []
    for q in queries:
        sel = engine.selection(gen, SearchRequest(q=q))
        if sel.parsed.query is None:
            continue
        docnums = np.flatnonzero(sel.final)
        tier = sel.tiered.missing[docnums] if sel.tiered is not None else np.zeros(len(docnums), dtype=np.int16)
        out.append((sel.parsed, docnums, gen.evaluator.scores(sel.parsed.query, sel.final)[docnums], tier))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--shared", type=Path, default=ROOT / "../shared")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    lines = (args.shared / "eval/queries-dev.jsonl").read_text().splitlines()
    engine = Engine(args.index)
    engine.warm_up()
    gen = engine.generation()
    todo = cases(engine, [json.loads(line)["query"] for line in lines if line.strip()])
    for rnd in range(args.rounds):
        for fields in (("body",), ("title", "body")):
            prf.EXPANSION_FIELDS = fields
            started = time.process_time()
            for _ in range(REPEATS):
                for parsed, docnums, scores, tier in todo:
                    Engine._feedback_scores(gen, parsed, docnums, scores, tier)
            per_query = (time.process_time() - started) / (REPEATS * len(todo)) * 1000
            print(f"round {rnd + 1} {' + '.join(fields):<12} {per_query:.2f} ms CPU per query")
    return 0


if __name__ == "__main__":
    sys.exit(main())
