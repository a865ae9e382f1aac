"""HTML pages, each the twin of a JSON endpoint: search, document, help."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, jsonify, render_template, request

from search.engine import IndexUnavailable
from search.params import InvalidParameter, parse_request, text_window
from web.api import engine
from web.security import safe_url

pages = Blueprint("pages", __name__)

SORT_LABELS = {"relevance": "Pertinence", "-date": "Plus récents", "date": "Plus anciens"}
# What each parameter expects, for the page's error message (the API's is in English).
PARAMETER_HELP = {
    "page": "le numéro de page est un nombre entier à partir de 1",
    "per_page": "le nombre de résultats par page va de 1 à 100",
    "from": "une date s'écrit AAAA, AAAA-MM ou AAAA-MM-JJ, et « du » ne peut suivre « au »",
    "to": "une date s'écrit AAAA, AAAA-MM ou AAAA-MM-JJ",
    "sort": "le tri est « relevance », « -date » (plus récents) ou « date » (plus anciens)",
    "source": "50 sources au plus",
    "person": "50 personnes au plus",
    "collapse": "le regroupement est « copies » (par défaut), « story » (par histoire) ou « none » (toutes les copies)",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


@pages.app_errorhandler(404)
def not_found(exc):
    if _wants_json():
        return jsonify(error="not found"), 404
    return render_template("error.html", title="Page introuvable",
                           message="Cette page n'existe pas."), 404


@pages.app_errorhandler(500)
def server_error(exc):
    if _wants_json():
        return jsonify(error="internal error"), 500
    return render_template("error.html", title="Erreur",
                           message="Une erreur inattendue est survenue."), 500


@pages.app_errorhandler(IndexUnavailable)
def no_index(exc):
    if _wants_json():
        return jsonify(error=str(exc)), 503
    return render_template("error.html", title="Index absent",
                           message="Aucun index utilisable n'est disponible : lancez scripts/reindex.py."), 503


def url_with(args, **changes) -> str:
    """The current search URL with some parameters replaced (None removes)."""
    items = [(k, v) for k, v in args.items(multi=True) if k not in changes and k != "page"]
    for key, value in changes.items():
        if value is None:
            continue
        for v in value if isinstance(value, list) else [value]:
            items.append((key, v))
    return "?" + urlencode(items)


@pages.get("/")
def search_page():
    try:
        req = parse_request(request.args)
    except InvalidParameter as exc:
        hint = PARAMETER_HELP.get(exc.name, exc.message)
        return render_template("search.html", error=f"Paramètre invalide « {exc.name} » : {hint}.",
                               args=request.args, q=request.args.get("q", ""), data=None,
                               sort_labels=SORT_LABELS, url_with=url_with), 400
    data = engine().search(req)
    return render_template("search.html", error=None, args=request.args, q=req.q, req=req, data=data,
                           sort_labels=SORT_LABELS, url_with=url_with)


@pages.get("/documents/<docid:doc_id>")
def document_page(doc_id: str):
    try:
        window = text_window(request.args)
    except InvalidParameter as exc:
        return render_template("error.html", title="Paramètre invalide",
                               message=f"Paramètre invalide « {exc.name} » : {exc.message}."), 400
    doc = engine().document(doc_id, *window)
    if doc is None:
        return render_template("error.html", title="Document introuvable",
                               message=f"Aucun document n'a l'identifiant « {doc_id} »."), 404
    return render_template("document.html", doc=doc, link=safe_url(doc["url"]))


@pages.get("/aide")
def help_page():
    return render_template("help.html")
