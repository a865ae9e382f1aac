"""Metadata extracted from raw pasted articles: title, byline, date, sources.

Only what the text states is kept: a date is looked for in the byline area
(the lines right under the title), never in the body, and unknown stays None.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.french import fold

# Agencies credited in bylines or "selon X" mentions; folded name -> display.
AGENCIES = {
    "afp": "AFP",
    "agence france-presse": "AFP",
    "reuters": "Reuters",
    "ap": "AP",
    "associated press": "AP",
    "tass": "TASS",
    "itar-tass": "TASS",
    "ria novosti": "RIA Novosti",
    "interfax": "Interfax",
    "xinhua": "Xinhua",
    "ansa": "ANSA",
    "efe": "EFE",
    "dpa": "DPA",
    "belga": "Belga",
    "ukrinform": "Ukrinform",
    "unian": "UNIAN",
    "anadolu": "Anadolu",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "irna": "IRNA",
    "kcna": "KCNA",
    "bloomberg": "Bloomberg",
    "sputnik": "Sputnik",
}
_AGENCY_ALT = "|".join(sorted((re.escape(a) for a in AGENCIES), key=len, reverse=True))
# "selon Reuters", "selon l'agence Reuters", "d'après l'AFP", "(AFP)"
AGENCY_RE = re.compile(
    r"(?:\bselon|\bd'apres|\bsource\s*:)\s+(?:l'agence\s+|les?\s+|l'|l )?(%s)\b|\((%s)\)"
    % (_AGENCY_ALT, _AGENCY_ALT),
    re.IGNORECASE,
)
# "(Baonghean.vn) - ..." or "(Reuters) -" at the start of a paragraph.
OUTLET_RE = re.compile(r"^\(([A-Za-z0-9][\w.-]*\.[a-z]{2,6}|[A-Z][\w .-]{1,30})\)\s*[-–—:]\s*")

_DATE_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "DATE_ORDER": "DMY",
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_TIME_RE = re.compile(r"\d{1,2}\s*[:h]\s*\d{2}")
_YEAR_RE = re.compile(r"\d{4}")

# Lines that are page furniture, not article text.
NOISE_RES = [
    re.compile(r"^[a-z]{2}-\d{1,3}$", re.I),  # trailing labels: fr-02
    re.compile(r"^[\w -]{0,40}\.(?:jpe?g|png|gif|webp)$", re.I),  # "anh 1.jpg"
    re.compile(r"^\[.*\]$"),  # bracketed related-article links
    re.compile(r"^(?:suivez|abonnez-vous|partager|lire aussi|voir aussi|a lire aussi)\b.{0,60}$", re.I),
]
BYLINE_AREA = 4  # non-empty lines under the title that may hold a byline
_BYLINE_WORDS = re.compile(
    r"^(?:par|by)\s+|[\s,|-]*\b(?:publi[ée]e?|mis à jour|updated|published)?(?:\s+(?:le|on))?"
    r"(?:\s+(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday))?\s*$",
    re.I,
)
# What may follow the publication date on a dateline: nothing, or an update stamp.
_UPDATE_RE = re.compile(
    r"[\s.,;|–—-]*(?:(?:mis à jour|modifi[ée]|actualis[ée]|updated)\b.*)?", re.I
)
# "Bruxelles, 13 oct. 2023 (AFP) - …", "Kyiv (AFP) - …": place, optional date, agency, dash.
DATELINE_RE = re.compile(
    rf"^[A-ZÀ-Ý][\w'’.-]+(?:[ -][A-ZÀ-Ý][\w'’.-]+){{0,3}},?(?P<when>[^()]{{0,40}}?)\s*\((?:{_AGENCY_ALT})\)\s*[-–—]",
    re.I,
)
NAME_RE = re.compile(r"^(?:par\s+)?([A-ZÀ-Ý][\w'’.-]+(?:\s+[A-ZÀ-Ý][\w'’.-]+){1,3})$")


@dataclass
class RawMetadata:
    title: str
    text: str
    sources: list[str] = field(default_factory=list)
    date: str | None = None
    author: str | None = None


def find_date(line: str) -> tuple[str, int, int] | None:
    """ISO date (with time when the line gives one) in `line`, and its span.

    A date is kept only with its year's four digits, so a line without four digits in a row
    has none: dateparser (0.2 s to import, slow per line) is not asked.
    """
    if not _YEAR_RE.search(line):
        return None
    # "13 oct. 2023": abbreviation dots become spaces (same length, so spans hold).
    from dateparser.search import search_dates

    plain = re.sub(r"(?<=[^\W\d_]{3})\.", " ", line)
    found = search_dates(plain, languages=["fr", "en"], settings=_DATE_SETTINGS)
    for text, when in found or ():
        if not _YEAR_RE.search(text):
            continue
        # dateparser returns the date with its white space collapsed: locate it again.
        span = re.search(r"\s+".join(map(re.escape, text.split())), plain)
        if span is None:
            continue
        iso = when.strftime("%Y-%m-%dT%H:%M" if _TIME_RE.search(text) else "%Y-%m-%d")
        return iso, span.start(), span.end()
    return None


def date_key(iso: str | None) -> int:
    """Integer YYYYMMDDhhmm of an ISO date (local time as written); 0 if unknown."""
    if not iso:
        return 0
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?", iso)
    if not m:
        return 0
    y, mo, d, h, mi = (int(g) if g else 0 for g in m.groups())
    return (((y * 100 + mo) * 100 + d) * 100 + h) * 100 + mi


def agencies_in(text: str) -> list[str]:
    """Agencies the text credits ("selon Reuters", "(AFP)"), in order of appearance."""
    found: list[str] = []
    for m in AGENCY_RE.finditer(fold(text)):
        name = AGENCIES[(m.group(1) or m.group(2)).lower()]
        if name not in found:
            found.append(name)
    return found


def _alnum(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(s))


def _is_title_echo(line: str, title: str) -> bool:
    """A line repeating (a prefix of) the title without accents or apostrophes."""
    a, t = _alnum(line), _alnum(title)
    return len(a) >= 12 and t.startswith(a) and line != title or (a == t and line != title)


def _parse_byline(line: str) -> tuple[str | None, list[str], str | None] | None:
    """(author, agencies, date) of a byline or dateline.

    `Lan Ha (selon TASS) October 13, 2023 09:32`, `Par Jean Dupont | Publié le
    13/10/2023 à 09h32`, `Marie Curie avec AFP, le 13 octobre 2023`,
    `Reuters 2023-10-13`, `Bruxelles, 13 oct. 2023 (AFP) - Les ministres…`.
    """
    opening = DATELINE_RE.match(line)
    if opening:  # "Ville, date (AFP) - text": the dateline opens the first paragraph
        found = find_date(opening.group("when")) if opening.group("when").strip() else None
        return None, agencies_in(opening.group(0)), found[0] if found else None
    if len(line) > 120:
        return None
    found = find_date(line)
    date = found[0] if found else None
    if found and not _UPDATE_RE.fullmatch(line[found[2] :]):
        return None  # a sentence that mentions a date, not a dateline
    rest = line[: found[1]] if found else line
    agencies = agencies_in(rest)
    rest = re.sub(r"\([^)]*\)", " ", rest).strip(" ,-–—|")
    rest = _BYLINE_WORDS.sub("", rest).strip(" ,-–—|")
    with_agency = re.match(rf"^(.*?)[\s,]*\b(?:avec|with|pour|for|/)?\s*({_AGENCY_ALT})$", rest, re.I)
    if with_agency:  # "Marie Curie avec AFP", "Reuters"
        name = AGENCIES[fold(with_agency.group(2))]
        agencies += [name] if name not in agencies else []
        rest = with_agency.group(1).strip(" ,-–—|")
    author = None
    m = NAME_RE.match(rest)
    if m and not any(ch.isdigit() for ch in rest):
        author = m.group(1)
    elif rest:
        return None  # text before the date that is not a name: not a byline
    if not (date or agencies) or (author is None and not date):
        return None
    return author, agencies, date


def parse_raw_text(raw: str) -> RawMetadata:
    """Title, cleaned text and metadata of a raw pasted article."""
    lines = [l.strip() for l in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    non_empty = [i for i, l in enumerate(lines) if l]
    if not non_empty:
        return RawMetadata(title="", text="")
    title = lines[non_empty[0]]
    author, date, sources = None, None, []
    byline = None
    for i in non_empty[1 : 1 + BYLINE_AREA]:
        parsed = _parse_byline(lines[i])
        if parsed:
            author, sources, date = parsed
            # A standalone byline is metadata; a dateline opening a paragraph stays in the text.
            byline = None if DATELINE_RE.match(lines[i]) else lines[i]
            break
    kept: list[str] = []
    for i, line in enumerate(lines[non_empty[0] + 1 :]):
        if not line:
            kept.append("")
            continue
        if _is_title_echo(line, title) or any(r.match(line) for r in NOISE_RES):
            continue
        if byline and (line == byline or (author and _is_byline_echo(line, author))):
            continue
        m = OUTLET_RE.match(line)
        if m:
            outlet = m.group(1).strip()
            agency = AGENCIES.get(fold(outlet))
            name = agency or outlet
            if name not in sources:
                sources.append(name)
        kept.append(line)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    for agency in agencies_in(text):
        if agency not in sources:
            sources.append(agency)
    return RawMetadata(title=title, text=text, sources=sources, date=date, author=author)


def _is_byline_echo(line: str, author: str) -> bool:
    """The byline repeated as a signature at the end: `Lan Ha (selon TASS)`."""
    return re.sub(r"\([^)]*\)", "", line).strip() == author
