"""Candidate stem collisions for indexer/data/stem_splits.txt, mined from a corpus.

Snowball's French stemmer gives some unrelated words one stem (`foyer` and `fois`
both foi, `loyer` and `loi`, `Corée` and `Corse` cor): a search for one finds the
other. Prints, for an analyst to check (nothing is written), pairs of words of one
stem, each in 30 documents or more, whose articles speak of different things
(cosine of how their documents' words differ from the average document's), least
alike first, in three lists: two names (words mostly written capitalised), a name
and a word, other words.

    python scripts/stem_collisions.py CORPUS.jsonl[.gz] [--min-docs 30]
    python scripts/stem_collisions.py CORPUS.jsonl[.gz] --check indexer/data/stem_splits.txt

`--check` prints instead, for each line of a splits file, how many articles have
each of its words, and the words of the corpus that Snowball stems alike and
the line does not take along (the ones to decide on).
"""
from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np

from indexer.french import STOP_WORDS, fold, read_splits, singular
from indexer.french import snowball_stem as _snowball
from scripts.corpus import records

_WORD = re.compile(r"[^\W\d_]{3,}")
NAME_SHARE = 0.8  # a word written capitalised this often is a name
DIMENSIONS = 512  # of the random projection the contexts are compared in
NAMES_APART = 0.5  # two names whose contexts are less alike than this are two names
NAME_WORD_APART = 0.35
WORDS_APART = 0.2  # verb tenses alone differ this much at 30 documents: checked by hand
NOT_PREFIX_APART = 0.4
snowball_stem = lru_cache(maxsize=None)(_snowball)


def vocabulary(corpus: Path) -> tuple[list[set[str]], Counter, Counter]:
    """Each document's singular folded words, and each word's occurrences, capitalised ones."""
    docs: list[set[str]] = []
    occurrences: Counter = Counter()
    capitalised: Counter = Counter()
    for rec in records(corpus):
        found = _WORD.findall(f"{rec.get('title', '')}\n{rec.get('text', '')}")
        words = set()
        for w in found:
            f = singular(fold(w))
            if f in STOP_WORDS:
                continue
            words.add(f)
            occurrences[f] += 1
            capitalised[f] += w[0].isupper()
        docs.append(words)
    return docs, occurrences, capitalised


def contexts(docs: list[set[str]], words: set[str], stems: dict[str, str]) -> dict[str, np.ndarray]:
    """Each word's context: how its documents differ from the average one (their
    idf-weighted stems in a random projection, which keeps cosines; each document
    counts once, whatever its length)."""
    df = Counter(s for d in docs for s in {stems.get(w) or snowball_stem(w) for w in d})
    ids = {s: i for i, s in enumerate(df)}
    idf = np.log(len(docs) / np.array([df[s] for s in ids]))
    rng = np.random.default_rng(0)
    proj = rng.standard_normal((len(ids), DIMENSIONS)).astype(np.float32) * idf[:, None].astype(np.float32)
    wanted = {w: i for i, w in enumerate(sorted(words))}
    ctx = np.zeros((len(wanted), DIMENSIONS), dtype=np.float32)
    count = np.zeros(len(wanted))
    mean = np.zeros(DIMENSIONS, dtype=np.float32)
    for d in docs:
        here = [wanted[w] for w in d if w in wanted]
        if not here:
            continue
        v = proj[sorted({ids[stems.get(w) or snowball_stem(w)] for w in d})].sum(axis=0)
        ctx[here] += v / np.linalg.norm(v)
        count[here] += 1
        mean += v / np.linalg.norm(v)
    mean /= len(docs)
    for w, i in wanted.items():
        ctx[i] -= count[i] * mean
    norms = np.linalg.norm(ctx, axis=1, keepdims=True)
    ctx /= np.where(norms > 0, norms, 1)
    return {w: ctx[i] for w, i in wanted.items()}


def check(corpus: Path, splits: Path) -> None:
    docs, occurrences, _ = vocabulary(corpus)
    df = Counter(w for d in docs for w in d)
    by_snowball = defaultdict(set)
    for w in df:
        by_snowball[snowball_stem(w)].add(w)
    for new, forms in read_splits(splits).items():
        left = set()
        for f in forms:
            left |= by_snowball[snowball_stem(f)]
        left -= set(forms)
        print(f"{new}: " + " ".join(f"{f} ({df[f]})" for f in forms)
              + "  | stays: " + " ".join(f"{w} ({df[w]})" for w in sorted(left, key=lambda w: -df[w])[:12]))


def candidates(docs: list[set[str]], occurrences: Counter, capitalised: Counter, min_docs: int) -> dict[str, list]:
    """Pairs of words of one stem, both in `min_docs` documents or more, whose contexts
    differ, in three lists: two names (cosine < NAMES_APART), a name and a word
    (< NAME_WORD_APART), other words (< WORDS_APART, or < NOT_PREFIX_APART when the
    stem is not a prefix of one of them: Snowball's y → i, `foyer` → foi)."""
    df = Counter(w for d in docs for w in d)
    known = [w for w, n in df.items() if n >= 3]
    stems = {w: snowball_stem(w) for w in known}
    groups = defaultdict(list)
    for w in known:
        groups[stems[w]].append(w)
    groups = {s: ws for s, ws in groups.items() if len(ws) > 1}
    ctx = contexts(docs, {w for ws in groups.values() for w in ws}, stems)
    name = {w: capitalised[w] >= NAME_SHARE * occurrences[w] for w in known}
    found: dict[str, list] = {"two names": [], "a name and a word": [], "other words": []}
    for s, ws in groups.items():
        common = sorted((w for w in ws if df[w] >= min_docs), key=lambda w: -df[w])
        for i, a in enumerate(common):
            for b in common[i + 1:]:
                sim = float(ctx[a] @ ctx[b])
                row = (round(sim, 2), s, f"{a} ({df[a]})", f"{b} ({df[b]})")
                if name[a] and name[b]:
                    kind, limit = "two names", NAMES_APART
                elif name[a] != name[b]:
                    kind, limit = "a name and a word", NAME_WORD_APART
                elif not (a.startswith(s) and b.startswith(s)):
                    kind, limit = "other words", NOT_PREFIX_APART
                else:
                    kind, limit = "other words", WORDS_APART
                if sim < limit:
                    found[kind].append(row)
    return {k: sorted(v) for k, v in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--min-docs", type=int, default=30)
    parser.add_argument("--check", type=Path, help="a splits file: its words' articles and what stays behind")
    args = parser.parse_args(argv)
    if args.check:
        check(args.corpus, args.check)
        return 0
    docs, occurrences, capitalised = vocabulary(args.corpus)
    for kind, rows in candidates(docs, occurrences, capitalised, args.min_docs).items():
        print(f"# {kind} ({len(rows)} pairs): context cosine, stem: word (docs) / word (docs)")
        for sim, s, a, b in rows:
            print(f"{sim:.2f}  {s}: {a} / {b}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
