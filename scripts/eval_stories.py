"""Same-story grouping measured on the hand-checked pairs of tests/data/stories-gold.tsv.

    python scripts/eval_stories.py --index DIR [--gold tests/data/stories-gold.tsv] [--sweep]

DIR is an index of ../shared/corpus/orangesum-full.jsonl.gz (scripts/reindex.py).
Prints pair precision and recall of "same story" (two documents are predicted
to be one story when the index gave them the same story), and the share of the
corpus in groups of copies and in stories of several articles, on all pairs and
on each half of a fixed split (halves A and B: the method was chosen on one and
checked on the other, scripts/story_experiment.py), and on each sample (sample 2 was
drawn and labelled after the method was chosen on sample 1). `--sweep` re-assigns stories
from the signatures kept in the index (no text re-read) for several similarity
thresholds and windows, with and without the shared-sentence rule.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import sys
from pathlib import Path

from whoosh import index as whoosh_index

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer import store, stories  # noqa: E402

GOLD = ROOT / "tests" / "data" / "stories-gold.tsv"
Gold = list[tuple[str, str, bool]]  # (id, id, same story)


def read_gold(path: Path, sample: int | None = None) -> Gold:
    """The labelled pairs, all of them or those of one sample (the fourth column)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            a, b, label, drawn = line.split("\t")
            if sample is None or int(drawn) == sample:
                rows.append((a, b, label == "1"))
    return rows


def halves(gold: list[tuple[str, str, bool]]) -> list[int]:
    """The half (0: A, 1: B) of each pair; pairs sharing a document, directly or through
    other pairs, are in the same half, named by a hash of its smallest id."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b, _ in gold:
        parent[root(a)] = root(b)
    smallest: dict[str, str] = {}
    for x in parent:
        r = root(x)
        smallest[r] = min(smallest.get(r, x), x)
    return [hashlib.blake2b(smallest[root(a)].encode(), digest_size=1).digest()[0] % 2 for a, _, _ in gold]


def members(index_dir: Path) -> list[stories.Member]:
    ix = whoosh_index.open_dir(str(store.current_dir(index_dir)))
    with ix.reader() as reader:
        cols = {n: reader.column_reader(n) for n in ("id", "text_key", "story_signature", "date_key", "story")}
        return [stories.Member(cols["id"][d], cols["text_key"][d], cols["story_signature"][d], cols["date_key"][d],
                               cols["story"][d].decode()) for d in reader.all_doc_ids()]


def scores(gold, story_of: dict[str, str]) -> tuple[float, float]:
    tp = sum(1 for a, b, same in gold if same and story_of[a] == story_of[b])
    fp = sum(1 for a, b, same in gold if not same and story_of[a] == story_of[b])
    fn = sum(1 for a, b, same in gold if same and story_of[a] != story_of[b])
    return tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)


def report(gold, story_of: dict[str, str]) -> str:
    """Precision and recall on all pairs and on each half."""
    side = halves(gold)
    parts = [f"precision {p:.3f} recall {r:.3f}" for p, r in [scores(gold, story_of)] +
             [scores([g for g, k in zip(gold, side) if k == h], story_of) for h in (0, 1)]]
    return f"{parts[0]} (half A: {parts[1]}; half B: {parts[2]})"


def shares(docs: list[stories.Member]) -> tuple[float, float]:
    copies = collections.Counter(m.text_key for m in docs)
    by_story = collections.Counter(m.story for m in docs)
    n = len(docs)
    return (sum(1 for m in docs if copies[m.text_key] > 1) / n, sum(1 for m in docs if by_story[m.story] > 1) / n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--sweep", action="store_true")
    args = parser.parse_args()
    gold = read_gold(args.gold)
    docs = members(args.index)
    story_of = {m.id: m.story for m in docs}
    missing = {i for a, b, _ in gold for i in (a, b)} - story_of.keys()
    if missing:
        sys.exit(f"{len(missing)} gold documents are not in the index (is it the 36k corpus?)")
    in_copies, in_stories = shares(docs)
    samples = {n: read_gold(args.gold, n) for n in (1, 2)}
    print(f"{len(gold)} pairs ({sum(s for *_, s in gold)} same story): {report(gold, story_of)}")
    for n, part in samples.items():
        print(f"  sample {n}, {len(part)} pairs: {report(part, story_of)}")
    print(f"{len(docs)} documents: {in_copies:.1%} in groups of copies, {in_stories:.1%} in stories of 2+ articles, "
          f"{len(set(story_of.values()))} stories")
    if args.sweep:
        sweep(docs, gold, samples)


def sweep(docs: list[stories.Member], gold: Gold, samples: dict[int, Gold]) -> None:
    """Stories re-assigned from the kept signatures for each similarity threshold, window and
    sentence rule (a third of the sentences shared, or never), about 80 s of CPU each at 36k."""
    default = (stories.SAME_STORY, stories.WINDOW_DAYS, stories.SAME_SENTENCES)
    try:
        _sweep(docs, gold, samples, default[2])
    finally:
        stories.SAME_STORY, stories.WINDOW_DAYS, stories.SAME_SENTENCES = default


def _sweep(docs: list[stories.Member], gold: Gold, samples: dict[int, Gold], rule: float) -> None:
    for sentences in (rule, float("inf")):
        for threshold in (0.8, 0.85, 0.9, 0.95):
            for window in (1, 2):
                stories.SAME_STORY, stories.WINDOW_DAYS, stories.SAME_SENTENCES = threshold, window, sentences
                fresh = [stories.Member(m.id, m.text_key, m.signature, m.date_key) for m in docs]
                stories.assign_all([], fresh)
                swept = {m.id: m.story for m in fresh}
                each = "; ".join(f"sample {n}: %.3f / %.3f" % scores(part, swept) for n, part in samples.items())
                label = f"or {sentences:.2f} of sentences" if sentences <= 1 else "alone"
                print(f"  same_story {threshold:.2f} {label}, window {window} d: {report(gold, swept)}; {each}; "
                      f"share {shares(fresh)[1]:.1%}", flush=True)


if __name__ == "__main__":
    main()
