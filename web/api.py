"""JSON API: /api/search, /api/documents/<id>, /api/facets/person."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

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
