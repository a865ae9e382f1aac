"""Benchmark queries generated from an index's own vocabulary (seeded).

Every kind an analyst types, in proportions that keep each kind's percentiles
meaningful: words, a fifth of them with a person or source filter, date
ranges, `-date` sort, page 3, two-word phrases, prefixes of common stems,
swapped-letter typos, compounds (`États-Unis`), field queries. Each query is
distinct, so that each is timed the first time it is seen.
"""
from __future__ import annotations

import random
import re

from whoosh import index as whoosh_index

from indexer import store
from indexer.french import STOP_WORDS, stem
from search.matching import doc_frequencies

KINDS = ("words", "filtered", "dates", "newest", "page3", "phrase", "prefix", "typo", "compound", "field", "wildcard")
# Issue 9's denial-of-service wildcards (seconds each, before they needed a literal prefix).
HOSTILE = ("**", "?*", "😍*", "?????", "e*", "** ?* *?", "** ?* *? ??*", "inte*", "préc*", "a?t*", "con*", "pr*s")
_COMPOUND_RE = re.compile(r"\b([A-ZÉ][a-zéèêàç]{2,})-([A-ZÉ][a-zéèêàç]{2,})\b")
_BIGRAM_RE = re.compile(r"\b([a-zéèêàçôî]{4,}) ([a-zéèêàçôî]{4,})\b")


def _sample_texts(searcher, rng: random.Random, n: int) -> list[str]:
    docnums = list(searcher.reader().all_doc_ids())
    return [searcher.stored_fields(d).get("body", "")[:5000] for d in rng.sample(docnums, min(n, len(docnums)))]


def _swap(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)  # the first letter stays, as typos mostly do
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def generate(index_dir, count: int = 320, seed: int = 7) -> list[dict]:
    """`count` distinct query parameter sets, of every kind, from the index at `index_dir`."""
    rng = random.Random(seed)
    ix = whoosh_index.open_dir(str(store.current_dir(index_dir)))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        n = reader.doc_count()
        df = doc_frequencies(reader, "exact")
        common = sorted(w for w, f in df.items() if w.isalpha() and len(w) >= 4 and w not in STOP_WORDS
                        and 20 <= f <= n // 4)
        stems = sorted({stem(w) for w in common if df[w] >= 200 and len(stem(w)) >= 4})
        sources = _top_values(reader, "facet_source", 30)
        persons = _top_values(reader, "facet_person", 60)
        texts = _sample_texts(searcher, rng, 400)
    bigrams = sorted({f"{a} {b}" for t in texts for a, b in _BIGRAM_RE.findall(t)
                      if a not in STOP_WORDS and b not in STOP_WORDS})
    compounds = sorted({f"{a}-{b}" for t in texts for a, b in _COMPOUND_RE.findall(t)})

    def words(k: int | None = None) -> str:
        return " ".join(rng.sample(common, k or rng.choice((1, 2, 2, 3))))

    def year_range() -> dict:
        year = rng.randrange(2010, 2022)
        return {"from": str(year), "to": f"{year + rng.choice((0, 1))}-{rng.randrange(1, 13):02d}"}

    makers = {
        "words": lambda: {"q": words()},
        "filtered": lambda: {"q": words(), **({"source": rng.choice(sources)} if rng.random() < 0.5 and sources
                                              else {"person": rng.choice(persons)})},
        "dates": lambda: {"q": words(), **year_range()},
        "newest": lambda: {"q": words(), "sort": "-date"},
        "page3": lambda: {"q": words(1), "page": "3"},
        "phrase": lambda: {"q": f'"{rng.choice(bigrams)}"'},
        "prefix": lambda: {"q": rng.choice(stems)[: rng.choice((4, 5))] + "*"},
        "typo": lambda: {"q": _swap(rng.choice([w for w in common if len(w) >= 6]), rng)},
        "compound": lambda: {"q": rng.choice(compounds) + (" " + words(1) if rng.random() < 0.5 else "")},
        "field": lambda: {"q": (f'person:"{rng.choice(persons)}" ' if rng.random() < 0.5
                                else f"source:{rng.choice(sources).split()[0]} ") + words(1)},
    }
    # Words and filtered queries are the commonest; every other kind has at least 20 queries.
    weights = {"words": 4, "filtered": 3, "dates": 2, "newest": 2, "page3": 2, "phrase": 2, "prefix": 2,
               "typo": 2, "compound": 2, "field": 2}
    plan = [kind for kind, w in weights.items() for _ in range(w)]
    queries, seen = [], set()
    while len(queries) < count:
        kind = plan[len(queries) % len(plan)]
        params = makers[kind]()
        key = tuple(sorted(params.items()))
        if key not in seen:
            seen.add(key)
            queries.append({"kind": kind, "params": params})
    queries += [{"kind": "wildcard", "params": {"q": q}} for q in HOSTILE]
    rng.shuffle(queries)
    return queries


def _top_values(reader, column: str, limit: int) -> list[str]:
    from collections import Counter

    counts: Counter = Counter()
    col = reader.column_reader(column)
    for docnum in range(reader.doc_count_all()):
        raw = col[docnum]
        if raw:
            counts.update(raw.decode("utf-8").split("\x1f"))
    return [v for v, _ in counts.most_common(limit)]
