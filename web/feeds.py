"""Atom feeds of any search and of every saved search, and the OpenSearch description.

`/feeds/search?…` takes the search page's parameters; `/feeds/saved/<id>` is a
saved search's. Entries are the newest articles first (sort=-date), with their
title, a link to the document page, date, sources, persons as categories and
the snippet as summary. Atom is written by feedgen; `/api/feeds/…` are the JSON
twins (the same entries).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urlencode

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from search.params import InvalidParameter, parse_request
from web.api import engine
from web.saved import KEPT_PARAMETERS, store

feeds = Blueprint("feeds", __name__)

FEED_SIZE = 50
# Characters XML 1.0 cannot hold (a query may bring them): dropped from feed text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ATOM = "application/atom+xml; charset=utf-8"


def _when(iso: str | None) -> datetime | None:
    """An article's date as an aware datetime (UTC when the article gives no offset)."""
    if not iso:
        return None
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _entries(args: MultiDict) -> list[dict]:
    """The newest FEED_SIZE results of a search, as feed entries."""
    req = parse_request(MultiDict([(k, v) for k, v in args.items(multi=True) if k in KEPT_PARAMETERS]))
    req.sort, req.page, req.per_page = "-date", 1, FEED_SIZE
    entries = []
    for hit in engine().search(req)["results"]:
        updated = hit.get("date") or hit.get("indexed")
        entries.append({"id": hit["id"], "title": hit["title"] or hit["id"],
                        "link": url_for("pages.document_page", doc_id=hit["id"], _external=True),
                        "updated": _when(updated).isoformat() if _when(updated) else None,
                        "source": hit["source"], "persons": hit["persons"], "summary": hit["snippet"]})
    return entries


def _feed(title: str, self_url: str, html_url: str, entries: list[dict]) -> dict:
    newest = max((e["updated"] for e in entries if e["updated"]), default=None)
    return {"title": title, "id": self_url, "link": html_url, "updated": newest, "entries": entries}


def _x(text: str) -> str:
    return _NOT_XML.sub("", text)


def atom(feed: dict) -> bytes:
    """The feed as Atom 1.0 (feedgen), ids and links absolute."""
    fg = FeedGenerator()
    fg.id(_x(feed["id"]))
    fg.title(_x(feed["title"]))
    fg.author(name="Vigie")
    fg.link(href=_x(feed["id"]), rel="self", type="application/atom+xml")
    fg.link(href=_x(feed["link"]), rel="alternate", type="text/html")
    fg.language("fr")
    fg.updated(feed["updated"] or datetime.now(timezone.utc))
    for item in reversed(feed["entries"]):  # feedgen prepends: add oldest first so the newest leads
        fe = fg.add_entry()
        fe.id(item["link"])
        fe.title(_x(item["title"]))
        fe.link(href=item["link"], rel="alternate", type="text/html")
        fe.updated(item["updated"] or fg.updated())
        if item["updated"]:
            fe.published(item["updated"])
        for source in item["source"]:
            fe.contributor(name=_x(source))
        for person in item["persons"]:
            fe.category(term=_x(person), label=_x(person))
        fe.summary(_x(item["summary"]), type="html")
    return fg.atom_str(pretty=True)


def _search_feed() -> dict:
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k in KEPT_PARAMETERS])
    title = f"Vigie — {request.args.get('q') or 'tous les articles'}"
    return _feed(title, url_for("feeds.search_feed", _external=True) + ("?" + query if query else ""),
                 url_for("pages.search_page", _external=True) + ("?" + query if query else ""),
                 _entries(request.args))


def _saved_feed(saved_id: int) -> dict:
    item = store().get(saved_id)
    if item is None:
        abort(404)
    return _feed(f"Vigie — {item.name}", url_for("feeds.saved_feed", saved_id=saved_id, _external=True),
                 url_for("pages.search_page", _external=True) + "?" + item.query, _entries(item.args()))


@feeds.get("/feeds/search")
def search_feed():
    try:
        return Response(atom(_search_feed()), content_type=ATOM)
    except InvalidParameter as exc:
        return Response(f"invalid parameter '{exc.name}': {exc.message}\n", status=400, content_type="text/plain")


@feeds.get("/feeds/saved/<int:saved_id>")
def saved_feed(saved_id: int):
    return Response(atom(_saved_feed(saved_id)), content_type=ATOM)


@feeds.get("/api/feeds/search")
def search_feed_api():
    try:
        return jsonify(_search_feed())
    except InvalidParameter as exc:
        return jsonify(error=f"invalid parameter '{exc.name}': {exc.message}", parameter=exc.name), 400


@feeds.get("/api/feeds/saved/<int:saved_id>")
def saved_feed_api(saved_id: int):
    return jsonify(_saved_feed(saved_id))


@feeds.app_template_global()
def search_feed_url(args) -> str:
    """The Atom feed of the search shown (the page links it as alternate)."""
    query = urlencode([(k, v) for k, v in args.items(multi=True) if k in KEPT_PARAMETERS])
    return url_for("feeds.search_feed") + ("?" + query if query else "")


@feeds.get("/opensearch.xml")
def opensearch():
    """OpenSearch description: browsers offer Vigie as a search engine."""
    xml = render_template("opensearch.xml", search=url_for("pages.search_page", _external=True),
                          feed=url_for("feeds.search_feed", _external=True),
                          api=url_for("api.search", _external=True), home=url_for("pages.search_page", _external=True))
    return Response(xml, content_type="application/opensearchdescription+xml; charset=utf-8")
