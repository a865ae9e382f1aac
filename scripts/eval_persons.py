"""Person extraction against a hand-checked gold set (../shared/eval/persons-dev.jsonl).

Scores the persons Vigie extracts for each gold article (93 corpus articles and
the two seeds) as ../shared/eval/score_persons.py does: micro precision,
recall and F1, a predicted name matching a gold name or alias once.

    python scripts/eval_persons.py [--shared ../shared] [-v] [--index DIR] [--gold FILE]

With --index, the values the index serves for the gold articles it holds are
scored instead: what the API and the person facet show, after corpus merging.
--gold scores another gold file of the same format, its articles read from the 5k
corpus or else the 36k one (tests/data/persons-heldout.jsonl: 30 articles of the
36k corpus annotated blind after the rules were written, never used to write them).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

from indexer.persons import extract
from indexer.sources import discover, file_hash, load, read_bytes
from scripts.corpus import records
from search.engine import Engine

ROOT = Path(__file__).resolve().parents[1]


def norm(name: str) -> str:
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c)).lower().replace("\u2019", "'")
    return re.sub(r"[\s\-\u2010-\u2013]+", " ", name).strip()


def matched(predicted: list[str], gold: list[dict]) -> int:
    """Maximum bipartite matching of predicted names to gold persons."""
    keys = [{norm(p["name"])} | {norm(a) for a in p.get("aliases", [])} for p in gold]
    adj = [[j for j, k in enumerate(keys) if n in k] for n in predicted]
    owner = [-1] * len(gold)

    def augment(i: int, seen: set) -> bool:
        for j in adj[i]:
            if j not in seen:
                seen.add(j)
                if owner[j] == -1 or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(predicted)))


def gold_documents(shared: Path, gold_ids: set[str]) -> dict[str, tuple[str, str, str | None]]:
    """id -> (title, text, byline author) for the gold articles: from the 5k corpus, else the 36k."""
    docs = {}
    for corpus in ("orangesum-defence-5k.jsonl", "orangesum-full.jsonl.gz"):
        if gold_ids <= docs.keys():
            break
        for record in records(shared / "corpus" / corpus):
            if record["id"] in gold_ids:
                docs[record["id"]] = (record["title"], record["text"], None)
    seeds, _ = discover([shared / "seeds"])
    for seed in seeds:
        data = read_bytes(seed)
        for doc in load(seed, data, file_hash(data))[0]:
            docs[doc.id] = (doc.title, doc.text, doc.author)
    return docs


def evaluate(shared: Path, verbose: bool = False, index: Path | None = None, gold_file: Path | None = None
             ) -> dict[str, float]:
    """Micro precision/recall/F1 of the extractor on each gold article or, with
    `index`, of the corpus-merged values the index serves for the gold
    articles it holds (others are skipped)."""
    gold_file = gold_file or shared / "eval/persons-dev.jsonl"
    gold = [json.loads(l) for l in gold_file.read_text(encoding="utf-8").splitlines() if l.strip()]
    if index is None:
        docs = gold_documents(shared, {entry["id"] for entry in gold})

        def predict(doc_id: str) -> list[str] | None:
            return extract(*docs[doc_id])
    else:
        engine = Engine(index)

        def predict(doc_id: str) -> list[str] | None:
            doc = engine.document(doc_id)
            return None if doc is None else doc["persons"]

    tp = fp = fn = articles = 0
    for entry in gold:
        names = predict(entry["id"])
        if names is None:
            continue
        articles += 1
        predicted = list(dict.fromkeys(norm(n) for n in names))
        m = matched(predicted, entry["persons"])
        tp, fp, fn = tp + m, fp + len(predicted) - m, fn + len(entry["persons"]) - m
        if verbose and (len(predicted) != m or len(entry["persons"]) != m):
            keys = {norm(p["name"]) for p in entry["persons"]} | {norm(a) for p in entry["persons"] for a in p["aliases"]}
            print(entry["id"], "FP:", [p for p in predicted if p not in keys],
                  "FN:", [p["name"] for p in entry["persons"]
                          if not ({norm(p["name"])} | {norm(a) for a in p["aliases"]}) & set(predicted)])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn, "articles": articles}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--index", type=Path, help="score the values this index serves (corpus-merged) instead")
    parser.add_argument("--gold", type=Path, help="another gold file (default: the shared persons-dev.jsonl)")
    args = parser.parse_args(argv)
    if not (args.shared / "eval/persons-dev.jsonl").exists():
        print(f"no gold set under {args.shared}", file=sys.stderr)
        return 2
    s = evaluate(args.shared, args.verbose, args.index, args.gold)
    print(f"{s['articles']} articles: precision {s['precision']:.4f} recall {s['recall']:.4f} f1 {s['f1']:.4f} "
          f"(tp {s['tp']} fp {s['fp']} fn {s['fn']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
