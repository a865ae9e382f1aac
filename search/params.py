"""Search parameters, validated: a bad value is an InvalidParameter naming it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

SORTS = ("relevance", "date", "-date")
# `match`: "most" also finds documents missing one word of a plain query of 3+ words
# (after all those with every word); "all" requires every word.
MATCHES = ("most", "all")
COLLAPSES = ("copies", "story", "none")  # search.collapse: one article per text, per story, or every copy
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_FILTER_VALUES = 50
TEXT_PAGE_CHARS = 100_000  # a document's text is served in pages of this many characters
MAX_TEXT_OFFSET = 10**10
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class InvalidParameter(ValueError):
    """A request parameter with a value the engine cannot use."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


@dataclass
class SearchRequest:
    q: str = ""
    sources: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    date_from: int | None = None  # date keys (YYYYMMDDhhmm), inclusive
    date_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    match: str = "most"  # one of MATCHES
    collapse: str = "copies"  # copies of one text shown once; "story": one per story; "none": every copy
    indexed_after: int | None = None  # only documents first indexed after this (ms): saved searches' "new"


def whole_number(name: str, raw: str | None, default: int, lo: int, hi: int) -> int:
    """`raw` as an int in [lo, hi] (`default` when absent): the parse is the check, so
    digits `int()` refuses (superscripts) are a 400, never a 500."""
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameter(name, f"must be a whole number, got {raw!r}") from None
    if not lo <= value <= hi:
        raise InvalidParameter(name, f"must be between {lo} and {hi}, got {value}")
    return value


def date_bound(name: str, raw: str | None, end: bool) -> int | None:
    """Date key of the start (or end) of `YYYY`, `YYYY-MM` or `YYYY-MM-DD`."""
    if raw is None or raw.strip() == "":
        return None
    m = _DATE_RE.match(raw.strip())
    if not m:
        raise InvalidParameter(name, f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {raw!r}")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            lo, hi = date(year, 1, 1), date(year, 12, 31)
        elif day is None:
            lo = date(year, int(month), 1)
            hi = date(year + (lo.month == 12), lo.month % 12 + 1, 1).toordinal() - 1
            hi = date.fromordinal(hi)
        else:
            lo = hi = date(year, int(month), int(day))
    except ValueError:
        raise InvalidParameter(name, f"{raw!r} is not a valid date") from None
    d = hi if end else lo
    return ((d.year * 100 + d.month) * 100 + d.day) * 10**4 + (2359 if end else 0)


def parse_request(args) -> SearchRequest:
    """A SearchRequest from a mapping with `get` and `getlist` (Flask's request.args)."""
    sort = args.get("sort") or ("relevance")
    if sort not in SORTS:
        raise InvalidParameter("sort", f"must be one of {', '.join(SORTS)}, got {sort!r}")
    match = args.get("match") or "most"
    if match not in MATCHES:
        raise InvalidParameter("match", f"must be one of {', '.join(MATCHES)}, got {match!r}")
    collapse = args.get("collapse") or "copies"
    if collapse not in COLLAPSES:
        raise InvalidParameter("collapse", f"must be one of {', '.join(COLLAPSES)}, got {collapse!r}")
    sources = [v for v in args.getlist("source") if v.strip()]
    persons = [v for v in args.getlist("person") if v.strip()]
    for name, values in (("source", sources), ("person", persons)):
        if len(values) > MAX_FILTER_VALUES:
            raise InvalidParameter(name, f"at most {MAX_FILTER_VALUES} values")
    date_from = date_bound("from", args.get("from"), end=False)
    date_to = date_bound("to", args.get("to"), end=True)
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InvalidParameter("from", "must not be after 'to'")
    return SearchRequest(
        q=args.get("q") or "",
        sources=sources,
        persons=persons,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=whole_number("page", args.get("page"), 1, 1, MAX_PAGE),
        per_page=whole_number("per_page", args.get("per_page"), DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        match=match,
        collapse=collapse,
    )


def text_window(args) -> tuple[int, int]:
    """(offset, length) of the part of a document's text to serve: `offset`
    from 0, `length` 1–TEXT_PAGE_CHARS (default: a whole page)."""
    return (whole_number("offset", args.get("offset"), 0, 0, MAX_TEXT_OFFSET),
            whole_number("length", args.get("length"), TEXT_PAGE_CHARS, 1, TEXT_PAGE_CHARS))
