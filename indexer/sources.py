"""Files in seeds/ turned into Documents: raw text, saved HTML pages, JSON records.

Reading never raises for one bad file: `SourceError` names the file and the
reason, and the caller reports it and carries on with the rest.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from indexer.document import Document
from indexer.metadata import find_date, parse_raw_text
from indexer.persons import extract
from indexer.sanitize import escape_name, is_clean_name, sanitised

log = logging.getLogger(__name__)

TEXT_EXTS = (".txt",)
HTML_EXTS = (".html", ".htm")
JSON_EXTS = (".json",)
JSONL_EXTS = (".jsonl", ".jsonl.gz")
SUPPORTED = TEXT_EXTS + HTML_EXTS + JSON_EXTS + JSONL_EXTS
# Files the indexer reads for other purposes and never reports as skipped.
IGNORED_NAMES = {"persons.toml", "sources.toml", "README", "README.md"}


class SourceError(Exception):
    """A file (or a record in it) that cannot be turned into documents."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class SeedFile:
    """A file to index and the name it is known by (relative to its seeds root, escaped)."""

    path: Path
    rel: str
    follow: bool = False  # a symbolic link checked to stay inside seeds/ (else never followed)

    @property
    def stem(self) -> str:
        """The relative path without extension: the default document id."""
        rel = self.rel
        for ext in sorted(SUPPORTED, key=len, reverse=True):
            if rel.lower().endswith(ext):
                return rel[: -len(ext)]
        return rel


def extension(path: Path | str) -> str:
    name = str(path).lower()
    return ".jsonl.gz" if name.endswith(".jsonl.gz") else Path(name).suffix


def discover(roots: list[Path]) -> tuple[list[SeedFile], list[str]]:
    """Supported files under `roots` (directories or files), and notes on what was skipped or renamed.

    A seeds directory is a boundary: a symbolic link is read only when its target is a file
    inside it; directory links are never followed. Each of those is reported by name.
    """
    found: dict[str, SeedFile] = {}
    notes: list[str] = []
    for root in roots:
        if root.is_file():  # named on the command line: read, link or not
            candidates = [(root, escape_name(root.name), True, None)]
        elif root.is_dir():
            candidates = list(_walk(root))
        else:
            notes.append(f"skipped {escape_name(str(root))}: no such file or directory")
            continue
        for path, rel, follow, problem in candidates:
            if problem:
                notes.append(f"skipped {rel}: {problem}")
                continue
            if path.name in IGNORED_NAMES:
                continue
            if extension(path) not in SUPPORTED:
                notes.append(f"skipped {rel}: unsupported file type")
                continue
            if not is_clean_name(str(path)):
                notes.append(f"{rel}: the file name is not valid UTF-8 text; its bytes are escaped in its id")
            found.setdefault(rel, SeedFile(path, rel, follow))
    return list(found.values()), notes


def _walk(root: Path) -> Iterator[tuple[Path, str, bool, str | None]]:
    """(path, escaped relative name, is a link to follow, why it is skipped) under `root`, sorted."""
    inside = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in list(dirnames):
            if (here / name).is_symlink():
                dirnames.remove(name)
                yield here / name, _rel(here / name, root), False, "directory symlink, not followed"
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = here / name
            if not path.is_symlink():
                yield path, _rel(path, root), False, None
                continue
            target = path.resolve()
            if not target.is_relative_to(inside):
                yield path, _rel(path, root), False, f"symbolic link out of seeds/ (to {escape_name(str(target))}), not followed"
            elif not target.is_file():
                yield path, _rel(path, root), False, "broken symbolic link"
            else:
                yield path, _rel(path, root), True, None


def _rel(path: Path, root: Path) -> str:
    return escape_name(path.relative_to(root).as_posix())


def file_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# A text has next to no control characters; bytes that are not text, decoded as
# latin-1 (which decodes anything), are about a quarter C0/C1 controls.
BINARY_SAMPLE_CHARS = 65_536
BINARY_CONTROL_SHARE = 0.05
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def decode(data: bytes, rel: str) -> str:
    """Text of a file: UTF-8 (with or without BOM), else cp1252, else latin-1.

    A file is binary, not text, when it has NUL bytes or when more than
    BINARY_CONTROL_SHARE of its decoded characters are control characters
    (tab and line breaks aside) or U+FFFD.
    """
    if b"\x00" in data[:8192]:
        raise SourceError(rel, "binary file (NUL bytes), not text")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:BINARY_SAMPLE_CHARS]
    controls = len(_CONTROL_RE.findall(sample))
    if sample and controls > BINARY_CONTROL_SHARE * len(sample):
        raise SourceError(rel, f"binary file ({controls / len(sample):.0%} control characters), not text")
    return text


def read_bytes(seed: SeedFile) -> bytes:
    """The file's bytes (decompressed); a file turned into a symbolic link since `discover` is refused."""
    try:
        fd = os.open(seed.path, os.O_RDONLY | (0 if seed.follow else os.O_NOFOLLOW))
        with open(fd, "rb") as f:
            data = f.read()
        if extension(seed.path) == ".jsonl.gz":
            data = gzip.decompress(data)
        return data
    except OSError as exc:
        raise SourceError(seed.rel, exc.strerror or str(exc)) from exc
    except (gzip.BadGzipFile, EOFError) as exc:
        raise SourceError(seed.rel, f"corrupt gzip: {exc}") from exc


def load(seed: SeedFile, data: bytes, digest: str, persons: bool = True) -> tuple[list[Document], list[str]]:
    """Documents of one file, their text fields sanitised, and the per-record problems found in it.

    With `persons`, each document's persons are extracted (`persons_raw`).
    """
    docs, problems = _load(seed, data, digest)
    return _finish(seed, docs, persons), problems


def _finish(seed: SeedFile, docs: list[Document], persons: bool) -> list[Document]:
    docs = [sanitised(doc) for doc in docs]
    if persons:
        author_is_byline = extension(seed.path) in TEXT_EXTS
        for doc in docs:
            doc.persons_raw = extract(doc.title, doc.text, doc.author if author_is_byline else None)
    return docs


def jsonl_parts(seed: SeedFile, data: bytes, lines: int) -> list[tuple[int, str]] | None:
    """A JSON Lines file's text in runs of `lines` whole lines, each with the number of its
    first line, so that the records of one big file are parsed by several processes;
    None for other kinds of file."""
    if extension(seed.path) not in JSONL_EXTS:
        return None
    text = decode(data, seed.rel).split("\n")  # not splitlines: U+2028 may sit in a string
    return [(start + 1, "\n".join(text[start:start + lines])) for start in range(0, len(text), lines)]


def load_part(seed: SeedFile, part: tuple[int, str], digest: str, persons: bool = True
              ) -> tuple[list[Document], list[str]]:
    """`load` for one run of lines of a JSON Lines file (see `jsonl_parts`); the caller
    decides whether the file as a whole failed (`no_records_error`)."""
    first_line, text = part
    docs, problems = _from_records(seed, _jsonl_records(text, first_line), digest, many=True, whole_file=False)
    return _finish(seed, docs, persons), problems


def no_records_error(seed: SeedFile, problems: list[str]) -> SourceError:
    """A file of which no record could be read fails as a whole."""
    return SourceError(seed.rel, "; ".join(problems[:3]))


def _load(seed: SeedFile, data: bytes, digest: str) -> tuple[list[Document], list[str]]:
    ext = extension(seed.path)
    text = decode(data, seed.rel)
    if ext in TEXT_EXTS:
        return [_from_raw_text(seed, text, digest)], []
    if ext in HTML_EXTS:
        return [_from_html(seed, text, digest)], []
    if ext in JSON_EXTS:
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(seed.rel, f"invalid JSON: {exc}") from exc
        records = payload if isinstance(payload, list) else [payload]
        return _from_records(seed, enumerate(records, 1), digest, many=len(records) > 1)
    return _from_records(seed, _jsonl_records(text), digest, many=True)


def _jsonl_records(text: str, first_line: int = 1) -> Iterator[tuple[int, object]]:
    for lineno, line in enumerate(text.split("\n"), first_line):  # not splitlines: U+2028 may sit in a string
        if line.strip():
            try:
                yield lineno, json.loads(line)
            except json.JSONDecodeError as exc:
                yield lineno, exc


def _from_records(seed: SeedFile, records, digest: str, many: bool, whole_file: bool = True
                  ) -> tuple[list[Document], list[str]]:
    docs, problems = [], []
    for n, record in records:
        where = f"{seed.rel}:{n}" if many else seed.rel
        if isinstance(record, Exception):
            problems.append(f"{where}: invalid JSON: {record}")
            continue
        try:
            docs.append(_from_record(seed, record, n if many else None, digest))
        except SourceError as exc:
            problems.append(f"{where}: {exc.reason}")
        except Exception as exc:  # a bug on one record must not fail the file's other records
            problems.append(f"{where}: {type(exc).__name__}: {exc}")
    if whole_file and not docs and problems:
        raise no_records_error(seed, problems)
    return docs, problems


def _as_list(value) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def _field(record: dict, name: str, rel: str, kinds: tuple[type, ...] = (str,)) -> str | None:
    """A record's field as text, None when absent; SourceError when it is of another type."""
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise SourceError(rel, f"field {name!r} must be text")
    return str(value)


def _sources_field(record: dict, rel: str) -> list[str]:
    value = record.get("source")
    values = value if isinstance(value, list) else [value]
    if not all(v is None or isinstance(v, str) for v in values):
        raise SourceError(rel, "field 'source' must be text or a list of texts")
    return _as_list(value)


def _iso_or_none(value) -> str | None:
    """The record's date if it is a date: ISO kept as written, else parsed."""
    if value in (None, ""):
        return None
    value = str(value).strip()
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return value
    except ValueError:
        found = find_date(value)
        return found[0] if found else None


def _from_record(seed: SeedFile, record, n: int | None, digest: str) -> Document:
    if not isinstance(record, dict):
        raise SourceError(seed.rel, "record is not a JSON object")
    text = _field(record, "text", seed.rel)
    if text is None or not text.strip():
        raise SourceError(seed.rel, "record has no text")
    doc_id = _field(record, "id", seed.rel, (str, int))
    if doc_id in (None, ""):
        doc_id = seed.stem if n is None else f"{seed.stem}#{n}"
    title = (_field(record, "title", seed.rel) or "").strip() or _first_line(text)
    author = _field(record, "author", seed.rel)
    url = _field(record, "url", seed.rel)
    return Document(
        id=doc_id,
        title=title,
        text=text.strip(),
        path=seed.rel,
        file_hash=digest,
        sources=_sources_field(record, seed.rel),
        date=_iso_or_none(_field(record, "date", seed.rel)),
        author=author.strip() if author else None,
        url=url or None,
    )


def _first_line(text: str) -> str:
    return next((l.strip() for l in text.splitlines() if l.strip()), "")[:200]


def _from_raw_text(seed: SeedFile, raw: str, digest: str) -> Document:
    meta = parse_raw_text(raw)
    if not meta.title:
        raise SourceError(seed.rel, "empty file")
    return Document(
        id=seed.stem,
        title=meta.title,
        text=meta.text,
        path=seed.rel,
        file_hash=digest,
        sources=meta.sources,
        date=meta.date,
        author=meta.author,  # the byline is in the pasted text: a person it names
    )


def _from_html(seed: SeedFile, html: str, digest: str) -> Document:
    import trafilatura  # heavy import, only paid when HTML is indexed

    extracted = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True,
                                "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
    )
    if extracted is None or not (extracted.text or "").strip():
        raise SourceError(seed.rel, "no article text found in the HTML page")
    meta = _html_meta(html)
    authors = [a.strip() for a in (extracted.author or "").split(";") if a.strip()]
    publisher = meta.get("publisher")
    sources = _as_list(publisher) or _as_list(extracted.sitename)
    author = meta.get("article:author") or next((a for a in authors if a not in sources), None)
    date = meta.get("article:published_time") or _iso_or_none(extracted.date)
    title = (extracted.title or "").strip() or _first_line(extracted.text)
    text = extracted.text.strip()
    return Document(
        id=seed.stem,
        title=title,
        text=text,
        path=seed.rel,
        file_hash=digest,
        sources=sources,
        date=_iso_or_none(date),
        author=author,
        url=extracted.url or meta.get("og:url"),
    )


def _html_meta(html: str) -> dict[str, str]:
    """The page's <meta property|name=… content=…> values (first of each)."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return {}
    meta: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name")
        content = (el.get("content") or "").strip()
        if key and content:
            meta.setdefault(key, content)
    return meta
