"""Relevance on the judged dev queries, through the real search API.

Indexes ../shared/corpus/orangesum-defence-5k.jsonl (or brings --index up to date), runs
each query of queries-dev.jsonl through GET /api/search and prints nDCG@10,
P@10 and recall@100, overall and by query kind; then every query retyped
without accents, in the other grammatical number and with typos, scored
against the same judgments (the effect of the typing alone, whatever the
query's difficulty).

    python scripts/eval_relevance.py [--index DIR] [--shared ../shared] [--per-query]
        [--feedback-docs N] [--runs FILE]

`--runs FILE` writes each query's nDCG@10 as typed and retyped (qid, typing, nDCG@10; the
120 runs), for `scripts/compare_runs.py` to count the runs a change moves up and down;
`--feedback-docs N` reads N feedback documents instead of 10 (feedback is sensitive to it:
a change should hold with 8, 10 and 12).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from indexer.writer import reindex
from search import feedback as prf
from search.evaluation import RETYPINGS, mean, read_qrels, score_query
from web import create_app

DEPTH = 100


def api_client(index_dir: Path):
    app = create_app({"VIGIE_INDEX": str(index_dir), "VIGIE_WARM_UP": False})
    app.extensions["vigie_engine"].warm_up()  # what a server does at start-up, before timing
    return app.test_client()


def run_queries(client, queries: list[dict]) -> tuple[dict[str, list[str]], list[float]]:
    """qid -> ranked document ids (top 100) from the JSON API, and the took_ms of
    each query as a user sees it (first page of 10, facets and snippets)."""
    ranked, took = {}, []
    for q in queries:
        # The first page first, as a user asks for it: its postings are not cached yet.
        took.append(client.get("/api/search", query_string={"q": q["query"]}).get_json()["took_ms"])
        resp = client.get("/api/search", query_string={"q": q["query"], "per_page": DEPTH})
        ranked[q["qid"]] = [r["id"] for r in resp.get_json()["results"]]
    return ranked, took


def evaluate(index_dir: Path, shared: Path) -> dict:
    queries = [json.loads(l) for l in (shared / "eval/queries-dev.jsonl").read_text().splitlines() if l.strip()]
    qrels = read_qrels((shared / "eval/qrels-dev.tsv").read_text().splitlines())
    client = api_client(index_dir)
    ranked, took = run_queries(client, queries)
    per_query, by_kind = {}, defaultdict(list)
    for q in queries:
        scores = score_query(qrels.get(q["qid"], {}), ranked[q["qid"]])
        if scores is not None:
            per_query[q["qid"]] = scores | {"query": q["query"], "kind": q["kind"]}
            by_kind[q["kind"]].append(scores)
    retyped = {}
    runs_by_qid = {(qid, "typed"): s["ndcg10"] for qid, s in per_query.items()}
    for manner, retype in RETYPINGS.items():
        variants = [q | {"query": retype(q["query"])} for q in queries]
        runs, _ = run_queries(client, variants)
        rows = [score_query(qrels.get(q["qid"], {}), runs[q["qid"]]) for q in variants]
        retyped[manner] = mean([r for r in rows if r is not None])
        runs_by_qid.update({(q["qid"], manner): r["ndcg10"] for q, r in zip(variants, rows) if r is not None})
    return {
        "overall": mean(list(per_query.values())),
        "by_kind": {k: mean(v) for k, v in sorted(by_kind.items())},
        "retyped": retyped,
        "per_query": per_query,
        "runs": runs_by_qid,  # (qid, typing) -> nDCG@10
        "took_ms": {"median": statistics.median(took), "p95": sorted(took)[round(0.95 * (len(took) - 1))]},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="reuse (updated first) or build the 5k index here")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1] / "../shared")
    parser.add_argument("--per-query", action="store_true")
    parser.add_argument("--feedback-docs", type=int, default=prf.FEEDBACK_DOCS)
    parser.add_argument("--runs", type=Path, help="write every run's nDCG@10 here (TSV)")
    args = parser.parse_args(argv)
    prf.FEEDBACK_DOCS = args.feedback_docs
    corpus = args.shared / "corpus/orangesum-defence-5k.jsonl"
    if not corpus.exists():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    index_dir = args.index or Path(tempfile.mkdtemp(prefix="vigie-eval-"))
    # A reused index is brought up to date first (nothing to change: ~4 s at 5k), so that
    # its figures are a fresh build's: one written by an older Vigie lacks the postings
    # arrays, and its feedback then reads the first 8,000 characters of each article only.
    print(reindex([corpus], index_dir).line(), file=sys.stderr)
    report = evaluate(index_dir, args.shared)
    if args.runs:
        args.runs.write_text("".join(f"{qid}\t{typing}\t{v:.6f}\n" for (qid, typing), v in sorted(report["runs"].items())))
    if args.per_query:
        for qid, s in report["per_query"].items():
            print(f"{qid} {s['kind']:<10} ndcg10 {s['ndcg10']:.3f} p10 {s['p10']:.2f} r100 {s['recall100']:.2f}  {s['query']}")
    for kind, s in report["by_kind"].items():
        print(f"{kind:<10} ndcg10 {s['ndcg10']:.3f} p10 {s['p10']:.3f} recall100 {s['recall100']:.3f}")
    o = report["overall"]
    print(f"overall    ndcg10 {o['ndcg10']:.3f} p10 {o['p10']:.3f} recall100 {o['recall100']:.3f}")
    print("every query retyped (same judgments):")
    for manner, s in report["retyped"].items():
        print(f"  {manner:<10} ndcg10 {s['ndcg10']:.3f} ({s['ndcg10'] - o['ndcg10']:+.3f}) p10 {s['p10']:.3f} recall100 {s['recall100']:.3f}")
    t = report["took_ms"]
    print(f"took_ms (first page, facets, snippets) median {t['median']:.1f} p95 {t['p95']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
