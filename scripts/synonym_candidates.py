"""Candidate spelling variants and acronyms for search/data/synonyms.toml, mined from a corpus.

Prints two lists for an analyst to check (nothing is written):
- spelling variants: names (words of 4+ letters written capitalised: Kyiv; and
  two capitalised words in a row, one under 5 letters: Abou Dhabi) and
  dj/j words, each in several documents, that differ only by what
  transliteration changes (a vowel: ou/u, y/i; an h: dh/d; a doubled letter,
  dj/j, k/q/c, sh/ch/sch, w/ou, a final e: Droukdel/Droukdal, Idlib/Idleb,
  jihadiste/djihadiste, Hezbollah/Hezbolah, Abou Dhabi/Abu Dhabi), at most
  two edits apart, seldom in
  the same article (an article keeps to one spelling) and whose articles speak
  of the same things (cosine of their rarer words, idf-weighted), other
  inflections excluded;
- acronyms defined in parentheses (`Organisation du traité de l'Atlantique nord (Otan)`).

    python scripts/synonym_candidates.py CORPUS.jsonl[.gz] [--min-docs 3] [--min-context 0.3]
    python scripts/synonym_candidates.py CORPUS.jsonl[.gz] --check search/data/synonyms.toml

`--check` prints instead how many articles have each form of each group (as
the index sees them: folded, stemmed), to check that every form occurs.
"""
from __future__ import annotations

import argparse
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from indexer.french import STOP_WORDS, analyze, fold, stem
from scripts.corpus import records
from search.synonyms import Synonyms

_WORD = re.compile(r"[^\W\d_]{4,}")
_DEFINED = re.compile(r"((?:[\w'’-]+\s+){1,8}?)\((\w{2,8})\)")
_VOWELS = re.compile(r"[aeiouy]+")
# Two capitalised words in a row (a space or a hyphen between): a name whose
# variant may lie in a word too short to be mined alone (Abou/Abu Dhabi).
_NAME_PAIR = re.compile(r"\b([^\W\d_]+)(?=[ -]([^\W\d_]+)\b)")  # overlapping pairs
NAME_SHARE = 0.8  # a word written capitalised this often is a name
MAX_TOGETHER = 0.2  # share of the rarer spelling's articles that also have the other


def skeleton(word: str) -> str:
    """What stays of a folded word once transliteration choices are erased."""
    w = re.sub(r"\bdj", "j", word)
    w = re.sub(r"e\b", "", w)
    w = w.replace("w", "ou").replace("sch", "ch").replace("sh", "ch").replace("kh", "k").replace("h", "")
    w = re.sub(r"[qc]", "k", w)
    w = re.sub(r"(.)\1", r"\1", w)
    return _VOWELS.sub("a", w)


def name_pairs(text: str) -> set[str]:
    """Folded runs of two capitalised words, one of them under 5 letters and
    neither a stop word (`abou dhabi`, not `le monde`): names the single words miss."""
    pairs = set()
    for m in _NAME_PAIR.finditer(text):
        a, b = m.group(1), m.group(2)
        if a[0].isupper() and b[0].isupper() and min(len(a), len(b)) < 5:
            fa, fb = fold(a), fold(b)
            if len(fa) > 1 and len(fb) > 1 and fa not in STOP_WORDS and fb not in STOP_WORDS:
                pairs.add(f"{fa} {fb}")
    return pairs


def stems(form: str) -> str:
    """The stem of each word of a form: forms of one stem already match each other."""
    return " ".join(stem(w) for w in form.split())


def initials_match(words: list[str], acronym: str) -> bool:
    """Whether the content words' initials spell the acronym (Otan, EI, AQMI)."""
    folded = [re.sub(r"^\w+'", "", fold(w)) for w in words]
    letters = "".join(w[0] for w in folded if w and w not in STOP_WORDS)
    return letters == fold(acronym)


def cosine(a: Counter, b: Counter) -> float:
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def check(corpus: Path, synonyms: Path) -> None:
    """Articles of the corpus with each form of each group."""
    groups = Synonyms.read(synonyms)
    keys = {f: " ".join(analyze(f)) for g in groups for f in g}
    counts: Counter = Counter()
    for rec in records(corpus):
        text = " " + " ".join(analyze(f"{rec.get('title', '')}\n{rec.get('text', '')}")) + " "
        counts.update(f for f, k in keys.items() if f" {k} " in text)
    for g in groups:
        print(" / ".join(f"{f} ({counts[f]})" for f in g))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--min-docs", type=int, default=3)
    parser.add_argument("--min-context", type=float, default=0.3)
    parser.add_argument("--check", type=Path, help="a synonyms file: count the articles with each form")
    args = parser.parse_args(argv)
    if args.check:
        check(args.corpus, args.check)
        return 0
    docs: list[set[str]] = []
    defined: Counter = Counter()
    occurrences: Counter = Counter()
    capitalised: Counter = Counter()
    for rec in records(args.corpus):
        text = f"{rec.get('title', '')}\n{rec.get('text', '')}"
        found = _WORD.findall(text)
        pairs = name_pairs(text)
        docs.append(({fold(w) for w in found} - STOP_WORDS) | pairs)
        occurrences.update(pairs)
        capitalised.update(pairs)
        for w in found:
            occurrences[fold(w)] += 1
            capitalised[fold(w)] += w[0].isupper()
        for before, acronym in _DEFINED.findall(text):
            words = re.findall(r"[\w'’-]+", before)
            for start in range(len(words)):
                if initials_match(words[start:], acronym):
                    defined[(" ".join(words[start:]), acronym)] += 1
                    break
    df = Counter(w for d in docs for w in d)
    groups = defaultdict(list)
    for w, n in df.items():
        if n >= args.min_docs and (capitalised[w] >= NAME_SHARE * occurrences[w] or w.startswith(("dj", "j"))):
            groups[skeleton(w)].append(w)
    candidates = {w for ws in groups.values() if len({stems(x) for x in ws}) > 1 for w in ws}
    idf = {w: math.log(len(docs) / n) for w, n in df.items()}
    context: dict[str, Counter] = defaultdict(Counter)
    together: Counter = Counter()
    for d in docs:
        here = d & candidates
        for w in here:
            context[w].update({c: idf[c] for c in d})
        for a in here:
            for b in here:
                together[(a, b)] += 1
    print("# spelling variants: word (docs) / word (docs) context cosine, articles with both")
    for ws in groups.values():
        ws = sorted(ws, key=lambda w: -df[w])
        for i, a in enumerate(ws):
            for b in ws[i + 1:]:
                if stems(a) == stems(b) or Levenshtein.distance(a, b) > 2:
                    continue
                if together[(a, b)] > MAX_TOGETHER * min(df[a], df[b]):
                    continue
                ca, cb = context[a].copy(), context[b].copy()
                for c in (ca, cb):
                    for w in (a, b):
                        c.pop(w, None)
                sim = cosine(ca, cb)
                if sim >= args.min_context:
                    print(f"{a} ({df[a]}) / {b} ({df[b]}) {sim:.2f} {together[(a, b)]}")
    print("# acronyms defined in parentheses: acronym = words (times)")
    for (full, acronym), n in defined.most_common():
        if n >= args.min_docs:
            print(f"{acronym} = {full} ({n})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
