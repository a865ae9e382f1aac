"""Hostile document fields and parameters: headers, link schemes, odd ids, number parsing."""
import re
from html import unescape

import pytest

from indexer.writer import reindex
from tests.conftest import write_jsonl
from web import create_app

HOSTILE_URLS = ["javascript:alert(document.domain)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
                "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x"]
ODD_IDS = ["ligne\nsuivante", "100%", "quoi?oui", "titre#ancre", "/racine", "a//b", "a/../b", "espace é", "fin/"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    records = [{"id": f"u{i}", "title": f"Lien piégé {i}", "url": url, "text": "Article au lien piégé."}
               for i, url in enumerate(HOSTILE_URLS)]
    records += [{"id": "ok", "title": "Lien sain", "url": "https://example.org/a?b=1", "text": "Article sain."}]
    # Texts differ: copies of one text would link to each other ("aussi publié").
    records += [{"id": doc_id, "title": f"Identifiant bizarre {n}", "text": f"Identifiant bizarre numéro {n}."}
                for n, doc_id in enumerate(ODD_IDS)]
    write_jsonl(root / "c.jsonl", records)
    reindex([root / "c.jsonl"], root / "ix")
    return create_app({"VIGIE_INDEX": str(root / "ix"), "VIGIE_WARM_UP": False}).test_client()


@pytest.mark.parametrize("path", ["/", "/?q=lien", "/aide", "/documents/ok", "/api/search?q=lien",
                                  "/api/documents/ok", "/static/vigie.css", "/nulle-part", "/?page=0"])
def test_security_headers_on_every_response(hostile, path):
    resp = hostile.get(path)
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"]


@pytest.mark.parametrize("n", range(len(HOSTILE_URLS)))
def test_a_document_url_that_is_not_http_is_shown_as_text(hostile, n):
    html = hostile.get(f"/documents/u{n}").get_data(as_text=True)
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]
    assert not [h for h in hrefs if "alert" in h or "evil" in h or h.strip().lower().startswith(("java", "data", "vb"))]
    assert "adresse" in html  # still shown, as text


def test_an_http_document_url_is_a_link(hostile):
    html = hostile.get("/documents/ok").get_data(as_text=True)
    assert 'href="https://example.org/a?b=1"' in html.replace("&amp;", "&")


def test_pages_have_no_inline_script_or_style(hostile):
    for path in ["/", "/?q=lien", "/documents/ok", "/aide"]:
        html = hostile.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+=|\sstyle=|<style", html), path


@pytest.mark.parametrize("limit", ["⁰⁴⁵", "₀₁₂", "½", "1e3", "-1", "0", "51", "x", "9" * 400])
def test_person_limit_is_checked_by_parsing_it(hostile, limit):
    resp = hostile.get("/api/facets/person", query_string={"limit": limit})
    assert resp.status_code == 400 and resp.get_json()["parameter"] == "limit"


def test_person_limit_accepts_a_number(hostile):
    assert hostile.get("/api/facets/person?limit=3").status_code == 200


@pytest.mark.parametrize("doc_id", ODD_IDS)
def test_ids_that_are_not_url_safe_link_to_their_document(hostile, doc_id):
    n = ODD_IDS.index(doc_id)
    html = hostile.get("/", query_string={"q": f'title:"bizarre {n}"'}).get_data(as_text=True)
    links = [unescape(h) for h in re.findall(r'href="(/documents/[^"]*)"', html)]
    assert len(links) == 1, links
    page = hostile.get(links[0].split("?")[0])
    assert page.status_code == 200 and f"Identifiant bizarre {n}" in page.get_data(as_text=True)
    api = hostile.get("/api/documents/" + links[0].split("?")[0].removeprefix("/documents/"))
    assert api.status_code == 200 and api.get_json()["id"] == doc_id
