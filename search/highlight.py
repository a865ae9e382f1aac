"""The query's matches in a whole document, for the document page reached from a search.

Same rule as the snippets (a word is marked when its index term is one of the
query's), over every paragraph: the reader sees each match, stemmed and folded
forms included, and can jump to the first one.
"""
from __future__ import annotations

from html import escape

from indexer.french import normalise
from search.snippets import _word_starts, fold_in_place


def mark_paragraphs(text: str, terms: frozenset[str], first_id: str = "") -> tuple[list[str], int]:
    """HTML of each paragraph of `text` (escaped, matches in <mark>), and the number of matches.

    The first <mark> gets the id `first_id` (a link jumps to it)."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if not terms:
        return [escape(p, quote=False) for p in paragraphs], 0
    pattern = _word_starts(terms)
    out, count = [], 0
    for para in paragraphs:
        folded = fold_in_place(para)
        parts, last = [], 0
        for m in pattern.finditer(folded):
            if normalise(para[m.start() : m.end()], True, True) not in terms:
                continue
            parts.append(escape(para[last : m.start()], quote=False))
            anchor = f' id="{escape(first_id)}"' if first_id and not count else ""
            parts.append(f"<mark{anchor}>{escape(para[m.start() : m.end()], quote=False)}</mark>")
            last = m.end()
            count += 1
        parts.append(escape(para[last:], quote=False))
        out.append("".join(parts))
    return out, count
