"""Saved searches: a search (query, filters, sort) kept under a name, with what is new.

Kept in SQLite (VIGIE_SAVED_SEARCHES, by default a file beside the index
generations, so it survives reindexes and restarts; created on first use). A
saved search remembers the index's watermark — when its newest document was
first indexed — at the moment it was last opened: the documents first indexed
after it are "new". Opening it moves the watermark.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from search import recent
from search.params import InvalidParameter, parse_request
from web.api import engine

saved = Blueprint("saved", __name__)

MAX_NAME = 100
MAX_SAVED = 1_000
MAX_ID = 2**63
# Parameters a saved search keeps: what it finds and how it is sorted, not the page shown.
KEPT_PARAMETERS = ("q", "source", "person", "from", "to", "sort", "match", "collapse")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_search (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    query TEXT NOT NULL,          -- the search's URL parameters, url-encoded
    created REAL NOT NULL,        -- seconds since the epoch
    opened REAL NOT NULL,         -- last opened
    watermark INTEGER NOT NULL    -- the index's newest first-indexed time (ms) when last opened
)
"""


class SavedSearchError(ValueError):
    """A saved search that cannot be made as asked (message in French, for the page)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class SavedSearch:
    id: int
    name: str
    query: str
    created: float
    opened: float
    watermark: int

    def args(self) -> MultiDict:
        return MultiDict(parse_qsl(self.query, keep_blank_values=False))


def canonical_query(raw: str) -> str:
    """The kept parameters of a search's query string, validated (InvalidParameter otherwise)."""
    pairs = [(k, v) for k, v in parse_qsl(raw.lstrip("?"), keep_blank_values=False) if k in KEPT_PARAMETERS]
    parse_request(MultiDict(pairs))
    return urlencode(pairs)


class Store:
    """The saved searches of one app, in one SQLite file."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10)
        conn.row_factory = sqlite3.Row
        conn.execute(_SCHEMA)
        return conn

    def all(self) -> list[SavedSearch]:
        with closing(self._connect()) as conn:
            return [SavedSearch(**row) for row in conn.execute("SELECT * FROM saved_search ORDER BY name")]

    def get(self, saved_id: int) -> SavedSearch | None:
        if not 0 < saved_id < MAX_ID:  # SQLite integers are 64-bit: a longer id names nothing
            return None
        with closing(self._connect()) as conn:
            row = conn.execute("SELECT * FROM saved_search WHERE id = ?", (saved_id,)).fetchone()
            return SavedSearch(**row) if row else None

    def add(self, name: str, query: str, watermark: int) -> SavedSearch:
        name = " ".join(name.split())
        if not name:
            raise SavedSearchError("donnez un nom à la recherche")
        if len(name) > MAX_NAME:
            raise SavedSearchError(f"le nom a au plus {MAX_NAME} caractères")
        now = time.time()
        with closing(self._connect()) as conn, conn:
            if conn.execute("SELECT count(*) FROM saved_search").fetchone()[0] >= MAX_SAVED:
                raise SavedSearchError(f"au plus {MAX_SAVED} recherches enregistrées")
            try:
                cur = conn.execute(
                    "INSERT INTO saved_search (name, query, created, opened, watermark) VALUES (?, ?, ?, ?, ?)",
                    (name, query, now, now, watermark))
            except sqlite3.IntegrityError:
                raise SavedSearchError(f"une recherche s'appelle déjà « {name} »", 409) from None
            return SavedSearch(cur.lastrowid, name, query, now, now, watermark)

    def opened(self, saved_id: int, watermark: int) -> None:
        with closing(self._connect()) as conn, conn:
            conn.execute("UPDATE saved_search SET opened = ?, watermark = ? WHERE id = ?",
                         (time.time(), watermark, saved_id))

    def delete(self, saved_id: int) -> bool:
        if not 0 < saved_id < MAX_ID:
            return False
        with closing(self._connect()) as conn, conn:
            return conn.execute("DELETE FROM saved_search WHERE id = ?", (saved_id,)).rowcount > 0


def store() -> Store:
    return current_app.extensions["vigie_saved"]


def same_origin() -> bool:
    """Whether a state-changing request comes from this site (CSRF protection).

    Browsers send Origin with a form POST (Referer when they do not); a request
    with neither is accepted only as JSON, which a foreign page cannot send
    without a CORS preflight this app never answers."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if origin:
        parts = urlsplit(origin)
        return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")
    return request.is_json


def _check_origin() -> None:
    if not same_origin():
        abort(403, description="cross-origin request refused")


def new_count(item: SavedSearch) -> int:
    """Articles matching the saved search first indexed after it was last opened."""
    req = parse_request(item.args())
    req.indexed_after, req.page, req.per_page = item.watermark, 1, 1
    return engine().search(req)["total"]


def record(item: SavedSearch) -> dict:
    """A saved search as the API shows it."""
    return {"id": item.id, "name": item.name, "query": item.query,
            "url": url_for("pages.search_page") + "?" + item.query,
            "feed": url_for("feeds.saved_feed", saved_id=item.id),
            "created": recent.iso(item.created), "opened": recent.iso(item.opened), "new": new_count(item)}


def _found(saved_id: int) -> SavedSearch:
    item = store().get(saved_id)
    if item is None:
        abort(404)
    return item


def _open(item: SavedSearch) -> None:
    store().opened(item.id, recent.watermark(engine()))


# -- pages ------------------------------------------------------------------
@saved.get("/recherches")
def list_page():
    return render_template("saved.html", items=[record(i) for i in store().all()], error=None)


@saved.post("/recherches")
def save_page():
    _check_origin()
    try:
        item = store().add(request.form.get("name", ""), canonical_query(request.form.get("query", "")),
                           recent.watermark(engine()))
    except (SavedSearchError, InvalidParameter) as exc:
        status = getattr(exc, "status", 400)
        return render_template("saved.html", items=[record(i) for i in store().all()],
                               error=f"Recherche non enregistrée : {exc.message}."), status
    return redirect(url_for("saved.list_page", saved=item.id), code=303)


@saved.get("/recherches/<int:saved_id>")
def open_page(saved_id: int):
    """Open a saved search: its results, and nothing is new any more."""
    item = _found(saved_id)
    _open(item)
    return redirect(url_for("pages.search_page") + "?" + item.query, code=303)


@saved.post("/recherches/<int:saved_id>/supprimer")
def delete_page(saved_id: int):
    _check_origin()
    store().delete(saved_id)
    return redirect(url_for("saved.list_page"), code=303)


# -- JSON twins ---------------------------------------------------------------
@saved.get("/api/saved")
def list_api():
    return jsonify(saved=[record(i) for i in store().all()])


@saved.post("/api/saved")
def save_api():
    _check_origin()
    body = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    if not isinstance(body, dict):
        return jsonify(error="expected a JSON object {name, query}"), 400
    try:
        item = store().add(str(body.get("name", "")), canonical_query(str(body.get("query", ""))),
                           recent.watermark(engine()))
    except SavedSearchError as exc:
        return jsonify(error=exc.message), exc.status
    except InvalidParameter as exc:
        return jsonify(error=f"invalid parameter '{exc.name}' in query: {exc.message}", parameter=exc.name), 400
    return jsonify(record(item)), 201


@saved.get("/api/saved/<int:saved_id>")
def get_api(saved_id: int):
    return jsonify(record(_found(saved_id)))


@saved.post("/api/saved/<int:saved_id>/open")
def open_api(saved_id: int):
    _check_origin()
    item = _found(saved_id)
    _open(item)
    return jsonify(record(store().get(saved_id)))


@saved.delete("/api/saved/<int:saved_id>")
def delete_api(saved_id: int):
    _check_origin()
    if not store().delete(saved_id):
        abort(404)
    return "", 204
