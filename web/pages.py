"""HTML pages, each the twin of a JSON endpoint: search, document, help."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from search.engine import IndexUnavailable
from search.highlight import mark_paragraphs
from search.params import InvalidParameter, parse_request, text_window
from web.api import engine
from web import view
from web.security import safe_url

pages = Blueprint("pages", __name__)

PERSON_MATCHES = 30  # persons listed by the filter box
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


def document_url(doc_id: str) -> str:
    return url_for("pages.document_page", doc_id=doc_id)


@pages.get("/")
def search_page():
    try:
        req = parse_request(request.args)
    except InvalidParameter as exc:
        hint = PARAMETER_HELP.get(exc.name, exc.message)
        return render_template("search.html", error=f"Paramètre invalide « {exc.name} » : {hint}.",
                               q=request.args.get("q", ""), view=None), 400
    data = engine().search(req)
    prefix = request.args.get("person_prefix", "").strip()
    matches = engine().person_values(prefix, PERSON_MATCHES) if prefix else None
    page = view.search_page(request.args, req, data, document_url, matches)
    return render_template("search.html", error=None, q=req.q, view=page, args=request.args, req=req)


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
    q = request.args.get("q", "")
    terms = engine().query_terms(q) if q.strip() else frozenset()
    paragraphs, matches = mark_paragraphs(doc["text"], terms, view.FIRST_MATCH_ID)
    title = "".join(mark_paragraphs(doc["title"] or "(sans titre)", terms)[0])
    page = view.document_page(request.args, doc, title, paragraphs, matches, safe_url(doc["url"]), document_url)
    return render_template("document.html", view=page, q=q, doc=doc)


@pages.get("/aide")
def help_page():
    return render_template("help.html")
