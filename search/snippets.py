"""Snippets: the best passages of a hit, matches wrapped in <mark>, all else escaped."""
from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from unidecode import unidecode
from whoosh import highlight

from indexer.french import french_analyzer, normalise

SNIPPET_CHARS = 250
FRAGMENTS = 2
WINDOW_CHARS = 600  # the part of a long text handed to Whoosh's highlighter: two fragments and their context
MAX_TEXT_CHARS = 200_000  # a longer article is snippeted from its opening this long
_ANALYZER = french_analyzer()


class MarkFormatter(highlight.HtmlFormatter):
    """Whoosh's HTML formatter (which escapes text) with bare <mark> tags."""

    template = "<%(tag)s>%(t)s</%(tag)s>"

    def __init__(self) -> None:
        super().__init__(tagname="mark", between=" … ")


def _one_to_one_folding() -> dict[str, str]:
    """Accented Latin letters → their base letter, one character for one, so
    offsets in the folded text are offsets in the original."""
    table = {}
    for code in range(0xC0, 0x250):
        folded = unidecode(chr(code)).lower()
        if len(folded) == 1 and folded.isalpha():
            table[chr(code)] = folded
    return table


_FOLD = _one_to_one_folding()
_FOLDED = re.compile("[%s]" % "".join(map(re.escape, _FOLD)))


def fold_in_place(text: str) -> str:
    """`text` lower-cased and unaccented, each character at its offset.

    A substitution of the accented letters only: `str.translate` looks every
    character up in its table, twice as slow on French text."""
    return _FOLDED.sub(lambda m: _FOLD[m.group()], text.lower())


@lru_cache(maxsize=1024)
def _word_starts(terms: frozenset[str]) -> re.Pattern:
    """Words that may stem to one of `terms`: stems are mostly prefixes of their
    words, but Snowball rewrites some endings (`généraux` → general,
    `violemment` → violent), so two letters are spared. Compiled once per query,
    not per document."""
    prefixes = sorted({t[: max(3, len(t) - 2)] for t in terms}, key=len, reverse=True)
    return re.compile(r"\b(?:%s)\w*" % "|".join(re.escape(p) for p in prefixes))


def densest_window(text: str, terms: frozenset[str], size: int = WINDOW_CHARS) -> tuple[int, int] | None:
    """The `size`-character span of `text` holding the most distinct query terms,
    None when no word of `text` is one of them.

    Whoosh's highlighter re-analyses all the text it is given; handing it only
    this span keeps snippets of long articles cheap. Only words starting like
    a query term (in the lower-cased, unaccented text) are analysed, and an
    article without any is not handed to the highlighter at all.
    """
    if not terms:
        return None
    folded = fold_in_place(text)
    hits = []
    for m in _word_starts(terms).finditer(folded):
        term = normalise(text[m.start() : m.end()], True, True)
        if term in terms:
            hits.append((m.start(), term))
    if not hits:
        return None
    if len(text) <= size:
        return 0, len(text)
    best, best_start, lo = (-1, -1), 0, 0
    for hi in range(len(hits)):
        while hits[hi][0] - hits[lo][0] > size - 100:
            lo += 1
        window = hits[lo : hi + 1]
        quality = (len({t for _, t in window}), len(window))
        if quality > best:
            best, best_start = quality, hits[lo][0]
    start = max(0, best_start - 100)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + size)
    return start, end


def snippet(text: str, terms: frozenset[str]) -> str:
    """Up to two best passages (~250 characters in all) of `text` around `terms`.

    `terms` are index terms (folded, stemmed), so `frappes aériennes` marks
    `frappe aérienne` too. Without a match, the opening of the text is shown.
    """
    text = " ".join(text[:MAX_TEXT_CHARS].split())  # paragraphs joined: a snippet is one line
    window = densest_window(text, terms)
    if window:
        start, end = window
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS // FRAGMENTS + 10, surround=40)
        marked = highlight.highlight(
            text[start:end], terms, _ANALYZER, fragmenter, MarkFormatter(), top=FRAGMENTS,
            order=highlight.FIRST,
        )
        if marked:
            return marked
    return opening(text)


def opening(text: str) -> str:
    """The escaped opening of `text`: the snippet without a match, or when time is short."""
    text = " ".join(text[: SNIPPET_CHARS * 2].split())
    return escape(_cut(text), quote=False)


def _cut(text: str) -> str:
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return cut + " …"
