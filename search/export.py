"""The whole result set of a search, in result order, as CSV or JSON Lines rows.

Rows are produced one at a time (stored fields read per row), so a 36k-row
export never sits in memory: only the ranked document numbers do. The order is
the pages' order: the first RESCORE_DEPTH hits as the first pages rank them
(proximity re-ranking included), then the rest.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import replace

from search.budget import Budget
from search.engine import RESCORE_DEPTH, Engine
from search.params import SearchRequest

FIELDS = ("id", "title", "date", "sources", "persons", "url", "score")
LIST_SEP = "; "  # between the sources (persons) of one CSV cell
ROWS_PER_CHUNK = 200
UNBOUNDED = float("inf")  # the export ranks as the pages do, never approximately
# A spreadsheet runs a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def ranked(engine: Engine, req: SearchRequest) -> tuple[object, list[tuple[int, float | None]]]:
    """(generation, every matching (docnum, score) in result order)."""
    gen = engine.generation()
    sel = engine.selection(gen, req)
    final = sel.final
    view = gen.collapse.views[req.collapse]  # copies collapsed as on the pages
    total = view.total(final)
    if not total:
        return gen, []

    def first(n: int) -> list:
        whole = replace(req, page=1, per_page=n)
        return engine._page(gen, sel.parsed, whole, final, sel.matched, 0, sel.tiered, Budget(UNBOUNDED), view)

    if sel.parsed.query is None or req.sort != "relevance" or total <= RESCORE_DEPTH:
        return gen, first(total)
    head = first(RESCORE_DEPTH)
    seen = {d for d, _ in head}
    return gen, head + [(d, s) for d, s in first(total) if d not in seen]


def rows(engine: Engine, req: SearchRequest) -> Iterator[dict]:
    """One dict per matching document, in result order."""
    gen, order = ranked(engine, req)
    for docnum, score in order:
        stored = gen.searcher.stored_fields(docnum)
        yield {
            "id": stored["id"],
            "title": stored.get("title", ""),
            "date": stored.get("date"),
            "sources": stored.get("sources") or [],
            "persons": stored.get("persons") or [],
            "url": stored.get("url"),
            "score": None if score is None else round(float(score), 4),
        }


def _cell(value) -> str:
    if value is None:
        return ""
    text = LIST_SEP.join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_chunks(records: Iterable[dict]) -> Iterator[str]:
    """CSV text (header first), a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    for n, record in enumerate(records, 1):
        writer.writerow([_cell(record[f]) for f in FIELDS])
        if n % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_chunks(records: Iterable[dict]) -> Iterator[str]:
    """One JSON object per line, a few hundred lines per chunk."""
    lines = []
    for record in records:
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        if len(lines) == ROWS_PER_CHUNK:
            yield "".join(lines)
            lines = []
    yield "".join(lines)
