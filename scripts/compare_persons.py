"""What a change of the person rules does over a whole corpus, article by article.

    python scripts/compare_persons.py --root CHECKOUT --out BEFORE.json
    python scripts/compare_persons.py --out AFTER.json --against BEFORE.json

Extracts the persons of every record of the corpus (default: the 36k corpus) with the
indexer of CHECKOUT (default: this one) and writes them (id -> names); with --against,
prints the (article, person) pairs added and removed since that file, and every distinct
name added or removed with its number of articles, to be read one by one.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "orangesum-full.jsonl.gz")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--against", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    from indexer.persons import extract
    from scripts.corpus import records

    found = {r["id"]: extract(r["title"], r["text"], None) for r in records(args.corpus)}
    args.out.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    if args.against is None:
        return
    before = json.loads(args.against.read_text(encoding="utf-8"))
    added, removed = Counter(), Counter()
    for doc_id, names in found.items():
        old = set(before.get(doc_id, []))
        added.update(set(names) - old)
        removed.update(old - set(names))
    print(f"{len(found)} articles: {sum(added.values())} (article, person) pairs added "
          f"({len(added)} distinct names), {sum(removed.values())} removed ({len(removed)} distinct names)")
    for label, counts in (("added", added), ("removed", removed)):
        print(f"{label}: " + "; ".join(f"{name} {n}" for name, n in counts.most_common()))


if __name__ == "__main__":
    main()
