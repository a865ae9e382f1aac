"""JSON API: /api/search, /api/documents/<id>, /api/facets/person."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context

from search import export
from search.engine import Engine
from search.params import InvalidParameter, parse_request, text_window, whole_number

api = Blueprint("api", __name__, url_prefix="/api")

MAX_AUTOCOMPLETE = 50


def engine() -> Engine:
    return current_app.extensions["vigie_engine"]


@api.errorhandler(InvalidParameter)
def invalid_parameter(exc: InvalidParameter):
    return jsonify(error=f"invalid parameter '{exc.name}': {exc.message}", parameter=exc.name), 400


@api.get("/search")
def search():
    return jsonify(engine().search(parse_request(request.args)))


EXPORTS = {"csv": ("text/csv; charset=utf-8", export.csv_chunks),
           "jsonl": ("application/x-ndjson; charset=utf-8", export.jsonl_chunks)}


@api.get("/search.<any(csv, jsonl):fmt>")
def search_export(fmt: str):
    """The whole result set (every page) of the search, streamed."""
    req = parse_request(request.args)
    mimetype, chunks = EXPORTS[fmt]
    body = chunks(export.rows(engine(), req))
    first = next(body)  # the query runs (and may fail) before the response starts
    headers = {"Content-Disposition": f'attachment; filename="vigie-resultats.{fmt}"'}

    def stream():
        yield first
        yield from body

    return Response(stream_with_context(stream()), content_type=mimetype, headers=headers)


@api.get("/documents/<docid:doc_id>")
def document(doc_id: str):
    doc = engine().document(doc_id, *text_window(request.args))
    if doc is None:
        return jsonify(error=f"no document with id {doc_id!r}"), 404
    return jsonify(doc)


@api.get("/facets/person")
def person_values():
    limit = whole_number("limit", request.args.get("limit"), 20, 1, MAX_AUTOCOMPLETE)
    prefix = request.args.get("prefix", "")
    return jsonify(prefix=prefix, values=engine().person_values(prefix, limit))
