"""Saved searches (SQLite, new since last opened), Atom feeds read by feedparser, OpenSearch."""
import xml.etree.ElementTree as ET

import feedparser
import pytest

from indexer.writer import reindex
from tests.conftest import write_jsonl
from web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
ORIGIN = {"Origin": "http://localhost"}


def article(n: int, topic: str, date: str) -> dict:
    return {"id": f"{topic}-{n}", "title": f"{topic.capitalize()} : épisode {n}", "source": "AFP", "date": date,
            "text": f"Récit numéro {n} sur le thème {topic}, avec le ministre Jean Dupont. Détail {n * 7}."}


@pytest.fixture
def site(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_jsonl(seeds / "a.jsonl", [article(1, "sous-marin", "2020-01-01"), article(2, "sous-marin", "2020-01-02"),
                                    article(1, "vaccin", "2020-01-03")])
    index_dir = tmp_path / "ix"
    reindex([seeds], index_dir)

    def app():  # a fresh app: a restart of the server
        return create_app({"VIGIE_INDEX": str(index_dir), "VIGIE_WARM_UP": False}).test_client()

    return seeds, index_dir, app


def new_of(client, saved_id):
    return client.get(f"/api/saved/{saved_id}").json["new"]


def test_saved_search_survives_restart_and_reindex_and_counts_exactly_the_new(site):
    seeds, index_dir, app = site
    resp = app().post("/api/saved", json={"name": "Sous-marins", "query": "q=sous-marin&sort=-date&page=2"})
    assert resp.status_code == 201 and resp.json["new"] == 0 and resp.json["query"] == "q=sous-marin&sort=-date"
    saved_id = resp.json["id"]
    write_jsonl(seeds / "b.jsonl", [article(3, "sous-marin", "2020-02-01"), article(4, "sous-marin", "2020-02-02"),
                                    article(2, "vaccin", "2020-02-03")])
    assert reindex([seeds], index_dir).added == 3
    client = app()
    assert [s["name"] for s in client.get("/api/saved").json["saved"]] == ["Sous-marins"]
    assert new_of(client, saved_id) == 2
    reindex([seeds], index_dir, full=True)  # first-indexed times are carried to the new generation
    assert new_of(app(), saved_id) == 2
    client = app()
    assert client.post(f"/api/saved/{saved_id}/open", headers=ORIGIN).json["new"] == 0
    write_jsonl(seeds / "c.jsonl", [article(5, "sous-marin", "2020-03-01")])
    reindex([seeds], index_dir)
    assert new_of(app(), saved_id) == 1
    # Opening from the list page: redirected to the results, and nothing is new any more.
    client = app()
    resp = client.get(f"/recherches/{saved_id}")
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/?q=sous-marin&sort=-date")
    assert new_of(client, saved_id) == 0


def test_saving_from_the_page_checks_the_origin(site):
    _, _, app = site
    client = app()
    form = {"name": "Vaccins", "query": "q=vaccin"}
    assert client.post("/recherches", data=form, headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post("/recherches", data=form).status_code == 403  # neither Origin nor Referer, not JSON
    resp = client.post("/recherches", data=form, headers=ORIGIN)
    assert resp.status_code == 303
    html = client.get("/recherches").get_data(as_text=True)
    assert "Vaccins" in html and "0 nouveau" in html
    again = client.post("/recherches", data=form, headers=ORIGIN)
    assert again.status_code == 409 and "déjà" in again.get_data(as_text=True)
    bad = client.post("/api/saved", json={"name": "x", "query": "sort=popularity"})
    assert bad.status_code == 400 and bad.json["parameter"] == "sort"
    assert client.post("/api/saved", json={"name": "  ", "query": "q=x"}).status_code == 400
    saved_id = client.get("/api/saved").json["saved"][0]["id"]
    assert client.delete(f"/api/saved/{saved_id}", headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.delete(f"/api/saved/{saved_id}", headers=ORIGIN).status_code == 204
    assert client.get("/api/saved").json["saved"] == []


def check_atom(xml: bytes) -> ET.Element:
    """RFC 4287: the feed and each entry have an id, a title, an updated date, and links."""
    root = ET.fromstring(xml)
    assert root.tag == ATOM + "feed"
    for el in [root] + root.findall(ATOM + "entry"):
        for child in ("id", "title", "updated"):
            assert el.find(ATOM + child) is not None and el.find(ATOM + child).text, (el, child)
        assert el.findall(ATOM + "link")
    assert root.find(ATOM + "author") is not None
    assert {ln.get("rel") for ln in root.findall(ATOM + "link")} == {"self", "alternate"}
    return root


def test_search_feed_parses_as_atom_newest_first(site):
    _, _, app = site
    client = app()
    page = client.get("/", query_string={"q": "récit"}).get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in page and 'href="/feeds/search?q=r%C3%A9cit"' in page
    resp = client.get("/feeds/search", query_string={"q": "récit", "page": "2"})
    assert resp.status_code == 200 and resp.content_type.startswith("application/atom+xml")
    check_atom(resp.data)
    feed = feedparser.parse(resp.data)
    assert not feed.bozo and feed.version == "atom10"
    assert feed.feed.id == "http://localhost/feeds/search?q=r%C3%A9cit"
    assert [e.id.rsplit("/", 1)[1] for e in feed.entries] == ["vaccin-1", "sous-marin-2", "sous-marin-1"]
    entry = feed.entries[0]
    assert entry.link == "http://localhost/documents/vaccin-1" and entry.updated.startswith("2020-01-03")
    assert "Jean Dupont" in [t.term for t in entry.tags]
    assert [c.name for c in entry.contributors] == ["AFP"]
    assert entry.summary.startswith("Récit numéro 1")  # the snippet (feedparser's sanitiser drops <mark>)
    assert b"&lt;mark&gt;R\xc3\xa9cit&lt;/mark&gt;" in resp.data
    assert client.get(entry.link.removeprefix("http://localhost")).status_code == 200
    twin = client.get("/api/feeds/search", query_string={"q": "récit"}).json
    assert [e["id"] for e in twin["entries"]] == ["vaccin-1", "sous-marin-2", "sous-marin-1"]
    assert client.get("/feeds/search", query_string={"sort": "nope"}).status_code == 400


def test_saved_search_feed(site):
    _, _, app = site
    client = app()
    saved_id = client.post("/api/saved", json={"name": "Vaccins", "query": "q=vaccin"}).json["id"]
    resp = client.get(f"/feeds/saved/{saved_id}")
    check_atom(resp.data)
    feed = feedparser.parse(resp.data)
    assert not feed.bozo and feed.feed.title == "Vigie — Vaccins"
    assert [e.id.rsplit("/", 1)[1] for e in feed.entries] == ["vaccin-1"]
    assert client.get("/feeds/saved/999").status_code == 404
    listed = client.get("/recherches").get_data(as_text=True)
    assert f'href="/feeds/saved/{saved_id}"' in listed


def test_opensearch_description_points_at_the_search_page(site):
    _, _, app = site
    client = app()
    resp = client.get("/opensearch.xml")
    assert resp.status_code == 200 and resp.content_type.startswith("application/opensearchdescription+xml")
    root = ET.fromstring(resp.data)
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    assert root.tag == ns + "OpenSearchDescription" and root.find(ns + "ShortName").text == "Vigie"
    urls = {u.get("type"): u.get("template") for u in root.findall(ns + "Url")}
    assert urls["text/html"] == "http://localhost/?q={searchTerms}"
    assert urls["application/atom+xml"] == "http://localhost/feeds/search?q={searchTerms}"
    html = client.get("/aide").get_data(as_text=True)
    assert '<link rel="search" type="application/opensearchdescription+xml" title="Vigie" href="/opensearch.xml">' in html
    search = client.get(urls["text/html"].replace("http://localhost", "").replace("{searchTerms}", "vaccin"))
    assert search.status_code == 200 and "Vaccin : épisode 1" in search.get_data(as_text=True)
