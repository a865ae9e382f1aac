"""Snippets: the best passages of a hit, matches wrapped in <mark>, all else escaped."""
from __future__ import annotations

from html import escape

from whoosh import highlight

from indexer.french import french_analyzer

SNIPPET_CHARS = 250
FRAGMENTS = 2
_ANALYZER = french_analyzer()


class MarkFormatter(highlight.HtmlFormatter):
    """Whoosh's HTML formatter (which escapes text) with bare <mark> tags."""

    template = "<%(tag)s>%(t)s</%(tag)s>"

    def __init__(self) -> None:
        super().__init__(tagname="mark", between=" … ")


def snippet(text: str, terms: frozenset[str]) -> str:
    """Up to two best passages (~250 characters in all) of `text` around `terms`.

    `terms` are index terms (folded, stemmed), so `frappes aériennes` marks
    `frappe aérienne` too. Without a match, the opening of the text is shown.
    """
    text = " ".join(text.split())  # paragraphs joined: a snippet is one line
    if terms:
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS // FRAGMENTS + 40, surround=50)
        marked = highlight.highlight(
            text, terms, _ANALYZER, fragmenter, MarkFormatter(), top=FRAGMENTS,
            order=highlight.FIRST,
        )
        if marked:
            return marked
    return escape(_opening(text), quote=False)


def _opening(text: str) -> str:
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return cut + " …"
