"""Bounded cost whatever the input: wildcards need a literal prefix and expand
to few terms, a spent time budget degrades the answer instead of holding the
worker, and a huge article is snippeted and served in bounded pieces."""
from __future__ import annotations

import pytest
from whoosh import query

from indexer.writer import reindex
from search import expand
from search.expand import Expander
from search.params import TEXT_PAGE_CHARS
from tests.conftest import SAMPLE_RECORDS, write_jsonl
from web import create_app

HUGE_WORDS = 600_000  # about 4 MB of text


@pytest.fixture(scope="module")
def huge_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("huge")
    filler = " ".join(f"mot{i % 5000} paragraphe" for i in range(HUGE_WORDS // 2))
    records = SAMPLE_RECORDS + [{"id": "huge", "title": "Rapport interminable", "source": "AFP",
                                  "date": "2020-01-01", "text": "Barkhane au début. " + filler + " Barkhane à la fin."}]
    write_jsonl(root / "corpus.jsonl", records)
    reindex([root / "corpus.jsonl"], root / "ix")
    return root / "ix"


@pytest.fixture(scope="module")
def huge_client(huge_index):
    return create_app({"VIGIE_INDEX": str(huge_index), "VIGIE_WARM_UP": False}).test_client()


@pytest.mark.parametrize("q", ["**", "?*", "😍*", "?????", "e*", "** ?* *? ??*", "title:a*", "de*"])
def test_wildcards_without_a_literal_prefix_are_dropped_and_reported(client, q):
    data = client.get("/api/search", query_string={"q": q}).get_json()
    assert data["total"] == 0
    assert data["ignored"] and all(token in q for token in data["ignored"])


def test_a_broad_wildcard_beside_words_leaves_the_words(client):
    data = client.get("/api/search", query_string={"q": "Barkhane ?*"}).get_json()
    assert data["ignored"] == ["?*"]
    assert data["total"] == client.get("/api/search", query_string={"q": "Barkhane"}).get_json()["total"] > 0


def test_prefixes_and_wildcards_with_a_literal_prefix_match(client):
    for q in ("barkh*", "bark?an*", "source:reu*", "frap*"):
        assert client.get("/api/search", query_string={"q": q}).get_json()["total"] > 0, q


def test_expansions_are_capped_and_the_commonest_kept(huge_index):
    from whoosh import index as whoosh_index
    from indexer import store

    reader = whoosh_index.open_dir(str(store.current_dir(huge_index))).reader()
    expander = Expander(reader, ("body",))
    rewritten = expander.rewrite(query.Prefix("body", "mot"))
    terms = [t.text for t in rewritten.leaves()]
    assert len(terms) == expand.MAX_EXPANSIONS  # mot0 … mot4999 match
    assert expander.rewrite(query.Prefix("body", "mo")) is query.NullQuery
    assert expander.rewrite(query.Wildcard("body", "?ot1*")) is query.NullQuery
    # A rare form weighs as the commonest: no expansion outscores the others by its rarity.
    assert all(leaf.boost <= 1.0 + 1e-9 for leaf in rewritten.leaves())


def test_a_spent_budget_degrades_to_plain_ranking_and_says_so(tmp_path):
    write_jsonl(tmp_path / "c.jsonl", SAMPLE_RECORDS)
    reindex([tmp_path / "c.jsonl"], tmp_path / "ix")
    normal = create_app({"VIGIE_INDEX": str(tmp_path / "ix"), "VIGIE_WARM_UP": False}).test_client()
    starved = create_app({"VIGIE_INDEX": str(tmp_path / "ix"), "VIGIE_WARM_UP": False,
                          "VIGIE_TIME_BUDGET_MS": 0}).test_client()
    params = {"q": "défense européenne"}
    full, cheap = (c.get("/api/search", query_string=params).get_json() for c in (normal, starved))
    assert full["approximate"] is False and cheap["approximate"] is True
    # Matching and facets are exact either way; only the optional stages are skipped.
    assert cheap["total"] == full["total"] and cheap["facets"] == full["facets"]
    assert {r["id"] for r in cheap["results"]} == {r["id"] for r in full["results"]}
    assert any("<mark>" in r["snippet"] for r in full["results"])
    assert not any("<mark>" in r["snippet"] for r in cheap["results"])


def test_a_huge_article_is_served_in_pages(huge_client):
    first = huge_client.get("/api/documents/huge").get_json()
    assert first["text_truncated"] is True and len(first["text"]) == TEXT_PAGE_CHARS
    assert first["text_length"] > 20 * TEXT_PAGE_CHARS
    text, offset = first["text"], first["next_offset"]
    last = huge_client.get("/api/documents/huge", query_string={"offset": first["text_length"] - 50}).get_json()
    assert last["next_offset"] is None and last["text"].endswith("Barkhane à la fin.")
    seam = huge_client.get("/api/documents/huge", query_string={"offset": offset - 5, "length": 10}).get_json()
    assert seam["text"][:5] == text[-5:] and seam["text_offset"] == offset - 5 and len(seam["text"]) == 10
    small = huge_client.get("/api/documents/d1").get_json()
    assert small["text_truncated"] is False and small["next_offset"] is None
    assert huge_client.get("/api/documents/huge", query_string={"offset": "-1"}).status_code == 400
    assert huge_client.get("/api/documents/huge", query_string={"length": "¹²"}).status_code == 400
    page = huge_client.get("/documents/huge").get_data(as_text=True)
    assert "Lire la suite" in page and f"offset={offset}" in page


def test_a_huge_article_is_snippeted_from_its_opening(huge_client):
    data = huge_client.get("/api/search", query_string={"q": "Barkhane"}).get_json()
    huge = next(r for r in data["results"] if r["id"] == "huge")
    assert "<mark>Barkhane</mark>" in huge["snippet"] and len(huge["snippet"]) < 1000


def test_results_cache_is_bounded_and_hands_out_copies():
    """Remembered answers: least recently used out first, never shared, approximate ones not kept."""
    from search.results_cache import ResultsCache

    cache = ResultsCache(2)
    cache.put(("a",), {"results": [1]})
    cache.put(("b",), {"results": [2]})
    assert cache.get(("a",)) == {"results": [1]}  # a is now the most recent
    cache.put(("c",), {"results": [3]})
    assert cache.get(("b",)) is None and cache.get(("c",)) == {"results": [3]}
    mine = cache.get(("a",))
    mine["results"].append(99)
    assert cache.get(("a",)) == {"results": [1]}
    cache.put(("d",), {"results": [4], "approximate": True})
    assert cache.get(("d",)) is None
    assert ResultsCache(0).get(("a",)) is None


def test_the_analysers_word_caches_are_bounded():
    """Queries bring words the index never saw: the per-word caches stay bounded."""
    from indexer import french

    for cached in (french.fold, french.stem, french.normalise):
        assert cached.cache_info().maxsize == french.WORD_CACHE_SIZE
    before = french.stem.cache_info().currsize
    for i in range(2_000):
        french.normalise(f"motinconnu{i}x", True, True)
    assert french.stem.cache_info().currsize <= min(french.WORD_CACHE_SIZE, before + 2_000)
