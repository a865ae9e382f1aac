"""What the search page shows, built in Python so templates only lay it out.

Facet items carry their toggle URL, active filters are chips carrying their
removal URL, timeline bars carry the `from`/`to` URL they set; every URL is
the current search with some parameters changed (`url_with`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import quote_plus, urlencode

from babel.dates import format_date

from search.params import SearchRequest

LOCALE = "fr_FR"
FACET_SHOWN = 8  # values listed before "voir plus"
MAX_MONTH_BARS = 60  # a longer span is drawn per year
BAR_STEPS = 25  # bar heights are CSS classes h0…h25 (the CSP forbids inline styles)
FACET_LABELS = {"source": ("Sources", "Source"), "person": ("Personnes", "Personne")}
# Parameters that describe a search (kept by links to a document and back).
SEARCH_PARAMS = ("q", "source", "person", "from", "to", "sort", "page", "per_page", "collapse", "match")


@lru_cache(maxsize=8192)
def _quoted(text: str) -> str:
    return quote_plus(text)


class EncodedArgs:
    """Request parameters, each pair URL-encoded once: a page builds hundreds of URLs from them."""

    def __init__(self, args):
        self.args = args
        self.pairs = [(k, v, f"{_quoted(k)}={_quoted(v)}") for k, v in args.items(multi=True)]

    def get(self, key: str, default=None):
        return self.args.get(key, default)

    def getlist(self, key: str) -> list[str]:
        return self.args.getlist(key)


def encoded(args) -> EncodedArgs:
    return args if isinstance(args, EncodedArgs) else EncodedArgs(args)


def url_with(args, path: str = "/", **changes) -> str:
    """`path` with the current search's parameters, some replaced (None removes).

    Any change resets `page`: a new filter starts from the first page.
    """
    parts = [e for k, _, e in encoded(args).pairs if k not in changes and k != "page"]
    for key, value in changes.items():
        if value is None:
            continue
        parts.extend(f"{_quoted(key)}={_quoted(str(v))}" for v in (value if isinstance(value, list) else [value]))
    return path + ("?" + "&".join(parts) if parts else "")


def search_query(args) -> str:
    """The query string of the search described by `args` ('' when none)."""
    parts = [e for k, v, e in encoded(args).pairs if k in SEARCH_PARAMS and v != ""]
    return "?" + "&".join(parts) if parts else ""


# -- French dates -------------------------------------------------------------
@lru_cache(maxsize=4096)
def french_day(d: date) -> str:
    """`20 mai 2020`, `1er juin 2020`."""
    text = format_date(d, "d MMMM y", locale=LOCALE)
    return "1er" + text[1:] if d.day == 1 else text


@lru_cache(maxsize=1024)
def french_month(year: int, month: int) -> str:
    return format_date(date(year, month, 1), "MMMM y", locale=LOCALE)


@lru_cache(maxsize=64)
def month_abbr(month: int) -> str:
    return format_date(date(2000, month, 1), "LLL", locale=LOCALE)


def french_date(iso: str | None) -> str:
    """A stored ISO date (`2020-05-20T18:03:01+02:00`) as `20 mai 2020`."""
    if not iso:
        return "date inconnue"
    try:
        return french_day(date.fromisoformat(iso[:10]))
    except ValueError:
        return iso


def period_label(raw: str) -> str:
    """A `from`/`to` value (`2019`, `2019-05`, `2019-05-03`) in French."""
    parts = raw.strip().split("-")
    try:
        if len(parts) == 1:
            return f"{int(parts[0]):04d}"
        if len(parts) == 2:
            return french_month(int(parts[0]), int(parts[1]))
        return french_day(date(int(parts[0]), int(parts[1]), int(parts[2])))
    except ValueError:
        return raw


# -- facets and chips ---------------------------------------------------------
@dataclass
class FacetItem:
    value: str
    count: int
    selected: bool
    url: str  # toggles the value


@dataclass
class Facet:
    name: str
    label: str
    shown: list[FacetItem]
    more: list[FacetItem]  # behind "voir plus"
    distinct: int


@dataclass
class Chip:
    label: str
    value: str
    url: str  # the search without this filter


def toggle_url(args, name: str, selected: list[str], value: str) -> str:
    values = [v for v in selected if v != value] if value in selected else selected + [value]
    return url_with(args, **{name: values})


def add_url(args, name: str, selected: list[str], value: str) -> str | None:
    """The search with `value` added to facet `name`, None when it is already selected."""
    return None if value in selected else url_with(args, **{name: selected + [value]})


def facet(args, name: str, items: list[dict], selected: list[str], distinct: int) -> Facet:
    built = [FacetItem(i["value"], i["count"], i["selected"], toggle_url(args, name, selected, i["value"]))
             for i in items]
    shown = built[:FACET_SHOWN] + [f for f in built[FACET_SHOWN:] if f.selected]
    more = [f for f in built[FACET_SHOWN:] if not f.selected]
    return Facet(name, FACET_LABELS[name][0], shown, more, distinct)


def chips(args, req: SearchRequest) -> list[Chip]:
    out = [Chip(FACET_LABELS["source"][1], v, toggle_url(args, "source", req.sources, v)) for v in req.sources]
    out += [Chip(FACET_LABELS["person"][1], v, toggle_url(args, "person", req.persons, v)) for v in req.persons]
    period = period_text(args.get("from", ""), args.get("to", ""))
    if period:
        out.append(Chip("Période", period, url_with(args, **{"from": None, "to": None})))
    return out


def period_text(raw_from: str, raw_to: str) -> str:
    lo, hi = raw_from.strip(), raw_to.strip()
    if lo and hi:
        return period_label(lo) if lo == hi else f"{period_label(lo)} – {period_label(hi)}"
    if lo:
        return f"depuis {period_label(lo)}"
    if hi:
        return f"jusqu'à {period_label(hi)}"
    return ""


# -- timeline -----------------------------------------------------------------
@dataclass
class Bar:
    label: str  # `mai 2020`, `2019`
    count: int
    url: str  # sets `from`/`to` to the bar's month (year)
    height: int  # 0…BAR_STEPS
    tick: str  # axis label under the bar, '' for none

    @property
    def title(self) -> str:
        return f"{self.label} : {self.count} document{'s' if self.count > 1 else ''}"


@dataclass
class Timeline:
    bars: list[Bar]
    unit: str  # "mois" or "année"
    peak: int
    unknown: int  # matching documents without a date
    first: str = ""
    last: str = ""
    ranged: bool = False
    clear_url: str = ""
    period: str = ""


def _month_index(value: str) -> int:
    year, month = value.split("-")
    return int(year) * 12 + int(month) - 1


def _key_month(key: int) -> int:
    """Month index of a date key (YYYYMMDDhhmm)."""
    return (key // 10**8) * 12 + (key // 10**6) % 100 - 1


def timeline(args, req: SearchRequest, histogram: dict) -> Timeline | None:
    """Bars over the span shown: the selected period if any, else all dated matches.

    The histogram is counted without the date filter (the other filters applied),
    so a bar outside a narrow period still knows its count.
    """
    months = {_month_index(i["value"]): i["count"] for i in histogram["month"] if i["value"] != "unknown"}
    unknown = sum(i["count"] for i in histogram["month"] if i["value"] == "unknown")
    if not months:
        return None
    lo, hi = min(months), max(months)
    if req.date_from is not None:
        lo = max(lo, _key_month(req.date_from)) if req.date_to is None else _key_month(req.date_from)
    if req.date_to is not None:
        hi = min(hi, _key_month(req.date_to)) if req.date_from is None else _key_month(req.date_to)
    hi = max(hi, lo)
    if hi - lo + 1 > MAX_MONTH_BARS:
        bars = _year_bars(args, months, lo // 12, hi // 12)
        unit = "année"
    else:
        bars = _month_bars(args, months, lo, hi)
        unit = "mois"
    peak = max((b.count for b in bars), default=0)
    for b in bars:
        b.height = 0 if not b.count else max(1, round(b.count / peak * BAR_STEPS))
    ranged = req.date_from is not None or req.date_to is not None
    return Timeline(
        bars=bars, unit=unit, peak=peak, unknown=unknown, first=bars[0].label, last=bars[-1].label,
        ranged=ranged, clear_url=url_with(args, **{"from": None, "to": None}) if ranged else "",
        period=period_text(args.get("from", ""), args.get("to", "")),
    )


def _month_bars(args, months: dict[int, int], lo: int, hi: int) -> list[Bar]:
    bars = []
    few = hi - lo < 24  # short spans name their months, and the year at its first tick
    named_year = None
    for m in range(lo, hi + 1):
        year, month = divmod(m, 12)
        value = f"{year:04d}-{month + 1:02d}"
        if few:
            tick = month_abbr(month + 1) if hi - lo < 12 or (m - lo) % 2 == 0 else ""
            if tick and year != named_year:
                tick, named_year = f"{tick} {year}", year
        else:
            tick = str(year) if month == 0 or m == lo else ""
        bars.append(Bar(french_month(year, month + 1), months.get(m, 0),
                        url_with(args, **{"from": value, "to": value}), 0, tick))
    return bars


def _year_bars(args, months: dict[int, int], first: int, last: int) -> list[Bar]:
    years: dict[int, int] = {}
    for m, c in months.items():
        years[m // 12] = years.get(m // 12, 0) + c
    span = last - first + 1
    step = 1 if span <= 15 else 5
    return [Bar(str(y), years.get(y, 0), url_with(args, **{"from": str(y), "to": str(y)}), 0,
                str(y) if (y - first) % step == 0 else "")
            for y in range(first, last + 1)]


# -- hits and the whole page --------------------------------------------------
@dataclass
class Link:
    label: str
    url: str | None  # None: shown as text (already selected, or current)


@dataclass
class Hit:
    id: str
    title: str
    url: str  # its document page, carrying the search (highlight, way back)
    date: str
    sources: list[Link]
    persons: list[Link]
    author: str | None
    snippet: str
    all_words: bool  # False past the boundary of documents missing one of the words
    record: dict  # the API's result, for the parts other templates show (copies, versions)


def hit(args, req: SearchRequest, record: dict, document_url, query: str) -> Hit:
    author = record["author"] if record["author"] and record["author"] not in record["source"] else None
    return Hit(
        id=record["id"],
        title=record["title"] or "(sans titre)",
        url=document_url(record["id"]) + query,
        date=french_date(record["date"]),
        sources=[Link(s, add_url(args, "source", req.sources, s)) for s in record["source"]],
        persons=[Link(p, add_url(args, "person", req.persons, p)) for p in record["persons"]],
        author=author,
        snippet=record["snippet"],
        all_words=record.get("all_words", True),
        record=record,
    )


SORT_LABELS = {"relevance": "Pertinence", "-date": "Plus récents", "date": "Plus anciens"}


@dataclass
class SearchPage:
    q: str
    total: int
    total_text: str  # `1 234 résultats`
    took_ms: float
    sorts: list[Link]
    chips: list[Chip]
    clear_url: str | None  # "tout effacer" (None when no filter is on)
    facets: list[Facet]
    timeline: Timeline | None
    hits: list[Hit]
    previous_url: str | None
    next_url: str | None
    page: int
    last_page: int
    exports: list[Link]
    person_prefix: str
    person_matches: list[FacetItem] | None  # the person filter box's answer (no JavaScript)
    hidden: list[tuple[str, str]]  # the search's parameters, for forms that change one
    suggestion: Link | None
    ignored: list[str]


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def search_page(args, req: SearchRequest, data: dict, document_url, person_matches: list[dict] | None) -> SearchPage:
    args = encoded(args)
    query = search_query(args)
    total = data["total"]
    facets = data["facets"]
    last = max(1, -(-total // data["per_page"]))
    active = chips(args, req)
    prefix = args.get("person_prefix", "")
    return SearchPage(
        q=req.q,
        total=total,
        total_text=f"{thousands(total)} résultat{'s' if total > 1 else ''}",
        took_ms=data["took_ms"],
        sorts=[Link(label, None if req.sort == key else url_with(args, sort=key)) for key, label in SORT_LABELS.items()],
        chips=active,
        clear_url=url_with(args, source=None, person=None, **{"from": None, "to": None}) if active else None,
        facets=[facet(args, "source", facets["source"], req.sources, len(facets["source"])),
                facet(args, "person", facets["person"], req.persons, facets["person_total"])],
        timeline=timeline(args, req, facets["date"]),
        hits=[hit(args, req, r, document_url, query) for r in data["results"]],
        previous_url=url_with(args, page=data["page"] - 1) if data["page"] > 1 else None,
        next_url=url_with(args, page=data["page"] + 1) if data["page"] < last else None,
        page=data["page"],
        last_page=last,
        exports=[Link("CSV", url_with(args, "/api/search.csv", page=None, per_page=None)),
                 Link("JSON Lines", url_with(args, "/api/search.jsonl", page=None, per_page=None))],
        person_prefix=prefix,
        person_matches=None if person_matches is None else [
            FacetItem(m["value"], m["count"], m["value"] in req.persons,
                      toggle_url(args, "person", req.persons, m["value"])) for m in person_matches],
        hidden=[(k, v) for k, v, _ in args.pairs if k in SEARCH_PARAMS and k != "page" and v != ""],
        suggestion=Link(data["suggestion"], url_with(args, q=data["suggestion"])) if data["suggestion"] else None,
        ignored=data["ignored"],
    )


# -- document page ------------------------------------------------------------
FIRST_MATCH_ID = "premiere-occurrence"


@dataclass
class DocumentPage:
    id: str
    title: str
    title_html: str  # escaped, the query's matches in <mark>
    date: str
    sources: list[Link]  # each adds the source to the search the reader came from
    author: str | None
    persons: list[Link]
    link: str | None  # the original article, when its URL is http(s)
    url_text: str | None  # a URL that may not be a link, shown as text
    paragraphs: list[str]  # HTML: escaped, the query's matches in <mark>
    q: str
    matches: int
    first_match: str
    back_url: str | None  # the exact search the reader came from
    similar: list[Link]
    truncated: bool  # only part of a long text is shown
    next_url: str | None  # the rest of the text ("Lire la suite")


def document_page(args, doc: dict, title_html: str, paragraphs: list[str], matches: int, link: str | None,
                  document_url) -> DocumentPage:
    args = encoded(args)
    query = search_query(args)
    persons = args.getlist("person")
    sources = args.getlist("source")
    return DocumentPage(
        id=doc["id"],
        title=doc["title"] or "(sans titre)",
        title_html=title_html,
        date=french_date(doc["date"]),
        sources=[Link(s, add_url(args, "source", sources, s)) for s in doc["source"]],
        author=doc["author"] if doc["author"] and doc["author"] not in doc["source"] else None,
        persons=[Link(p, add_url(args, "person", persons, p)) for p in doc["persons"]],
        link=link,
        url_text=None if link else doc["url"],
        paragraphs=paragraphs,
        q=args.get("q", "").strip(),
        matches=matches,
        first_match=FIRST_MATCH_ID,
        back_url="/" + query if query else None,
        similar=[Link(s["title"] or "(sans titre)", document_url(s["id"]) + query) for s in doc["similar"]],
        truncated=bool(doc.get("text_truncated")),
        next_url=None if doc.get("next_offset") is None else
        document_url(doc["id"]) + (query + "&" if query else "?") + urlencode({"offset": doc["next_offset"]}),
    )
