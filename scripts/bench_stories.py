"""CPU cost of copies and stories at indexing, per document of a corpus.

    python scripts/bench_stories.py [--root CHECKOUT] [--corpus ../shared/corpus/orangesum-full.jsonl.gz]

Times indexer.stories.fingerprint (in the parsing workers) and assign_all (in the
writer) over every record, in CPU time (time.process_time), for the indexer of
CHECKOUT (default: this one), so that two versions can be compared run after run.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "orangesum-full.jsonl.gz")
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    from indexer import stories
    from indexer.metadata import date_key

    with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
        docs = [SimpleNamespace(**json.loads(line)) for line in f]
    stories.fingerprint(docs[0])  # imports datasketch once, outside the timing
    start = time.process_time()
    for doc in docs:
        stories.fingerprint(doc)
    fingerprint = (time.process_time() - start) / len(docs) * 1000
    members = [stories.Member(d.id, d.text_key, d.signature, date_key(d.date)) for d in docs]
    start = time.process_time()
    stories.assign_all([], members)
    assign = (time.process_time() - start) / len(docs) * 1000
    size = sum(len(d.signature) for d in docs) / len(docs)
    print(f"{stories.__file__}: fingerprint {fingerprint:.3f} ms/doc, assign_all {assign:.3f} ms/doc, "
          f"signature {size:.0f} bytes ({len(docs)} documents)")


if __name__ == "__main__":
    main()
