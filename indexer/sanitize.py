"""Untrusted text made safe at ingestion, once, for every field of a document.

A JSON record may hold lone surrogates (`"\\ud800"`), NUL or other control
characters; a file name may hold bytes that are not UTF-8 or a newline. Such a
code point cannot be encoded (every page showing the document would fail with
UnicodeEncodeError), breaks the facet separator of the columns, or makes an id
no URL route matches. They are replaced here so nothing downstream meets them.
"""
from __future__ import annotations

import re
from dataclasses import replace

from indexer.document import Document

REPLACEMENT = "\ufffd"
# C0 controls but tab and newline, DEL, C1 controls, surrogates, noncharacters.
_INVALID = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_INVALID_RE = re.compile(f"[{_INVALID}]")
_VERTICAL_RE = re.compile("\r\n?|[\x0b\x0c\x85]")  # line breaks that become \n in a text
_LINE_BREAK_RE = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")  # what a one-line value cannot hold


def clean_text(text: str) -> str:
    """A body text: line breaks normalised to \\n, invalid code points replaced."""
    return _INVALID_RE.sub(REPLACEMENT, _VERTICAL_RE.sub("\n", text))


def clean_line(value: str) -> str:
    """A one-line value (title, author, URL, source, id): no line break, no control character."""
    return _INVALID_RE.sub(REPLACEMENT, _LINE_BREAK_RE.sub(" ", value)).strip()


def clean_id(value: str) -> str:
    """An id: invalid code points replaced; tab and newline kept (any id has a working link)."""
    return _INVALID_RE.sub(REPLACEMENT, value)


def _optional_line(value: str | None) -> str | None:
    return (clean_line(value) or None) if value is not None else None


def escape_name(name: str) -> str:
    """A file name as ids and paths hold it: bytes that are not UTF-8 (surrogate-escaped
    by the OS layer) become `\\xNN`, control characters `\\xNN`/`\\uNNNN`; reversible enough
    to be unique and stable across reindexes."""

    def escape(match: re.Match) -> str:
        code = ord(match.group())
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape of one byte
            return f"\\x{code - 0xDC00:02x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _INVALID_RE.sub(escape, name)


def is_clean_name(name: str) -> bool:
    return _INVALID_RE.search(name) is None


def sanitised(doc: Document) -> Document:
    """The document with every text field cleaned (its path was escaped by `discover`)."""
    sources: list[str] = []
    for source in doc.sources:
        value = clean_line(source)
        if value and value not in sources:
            sources.append(value)
    return replace(
        doc,
        id=clean_id(doc.id),
        title=clean_line(doc.title),
        text=clean_text(doc.text).strip(),
        sources=sources,
        date=_optional_line(doc.date),
        author=_optional_line(doc.author),
        url=_optional_line(doc.url),
        persons_raw=[clean_line(p) for p in doc.persons_raw],
    )
