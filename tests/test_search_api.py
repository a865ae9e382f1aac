"""The search API over a real index: query language, results, facets, errors."""
import pytest

from tests.conftest import SAMPLE_RECORDS
from web import create_app

def search(client, **params):
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def found(client, q, **params):
    return sorted(r["id"] for r in search(client, q=q, per_page=100, **params)["results"])


def test_response_shape(client):
    data = search(client, q="défense")
    assert list(data) == ["query", "total", "total_all_words", "page", "per_page", "took_ms", "approximate",
                          "suggestion", "ignored", "expanded", "results", "facets"]
    hit = data["results"][0]
    assert list(hit) == ["id", "title", "source", "date", "author", "persons", "url", "score", "snippet", "all_words",
                         "section", "indexed", "duplicates"]
    assert isinstance(hit["source"], list) and isinstance(hit["persons"], list)
    assert set(data["facets"]) >= {"source", "person", "date"}
    assert set(data["facets"]["date"]) == {"year", "month"}


def test_all_words_must_match_and_accents_case_inflection_do_not_matter(client):
    assert found(client, "défense européenne") == found(client, "DEFENSE europeenne") == ["d1", "d2"]
    assert found(client, "frappe aérienne") == found(client, "frappes aériennes") == ["d1", "d5"]


def test_title_matches_rank_first(client):
    assert search(client, q="défense européenne")["results"][0]["id"] == "d2"


def test_phrase_or_not_and_parentheses(client):
    assert found(client, '"dissuasion nucléaire"') == ["d6"]
    assert found(client, '"nucléaire dissuasion"') == []
    assert found(client, "Baltique OR Gaza") == ["d3", "d5"]
    assert found(client, "OTAN -Baltique") == ["d2"]
    assert found(client, "OTAN NOT Baltique") == ["d2"]
    assert found(client, "(Baltique OR Sahel) Otan") == ["d3"]


def test_field_filters_and_prefix(client):
    assert found(client, "source:AFP") == ["d1", "d2", "d6"]
    assert found(client, 'source:"Le Monde"') == ["d4"]
    assert found(client, "title:OTAN") == ["d3"]
    assert found(client, "otan*") == ["d2", "d3"]
    assert found(client, "Barkh*") == ["d4", "d5"]


def test_hyphenated_compound_found_whole_and_by_parts(client):
    assert found(client, "États-Unis") == found(client, "etats unis") == ["d3"]


def test_typo_is_tolerated_and_a_spelling_is_suggested(client):
    data = search(client, q="Barkane")
    assert sorted(r["id"] for r in data["results"]) == ["d4", "d5"]
    assert data["suggestion"] == "Barkhane"
    assert search(client, q="Barkhane")["suggestion"] is None


def test_a_misspelt_stop_word_is_dropped_not_required(client):
    data = search(client, q="frappes cotnre Syrie")
    assert [r["id"] for r in data["results"] if r["all_words"]] == ["d1"]  # d5, a frappe elsewhere, after


def test_typos_inside_a_phrase_are_corrected(client):
    data = search(client, q='"défense eruopéenne"')
    assert sorted(r["id"] for r in data["results"]) == ["d1", "d2"]
    assert data["suggestion"] == '"défense européenne"'


def test_a_word_no_document_contains_is_ignored_and_said_so(client):
    data = search(client, q="Barkhane zzzq")
    assert sorted(r["id"] for r in data["results"]) == ["d4", "d5"] and data["ignored"] == ["zzzq"]
    page = client.get("/?q=Barkhane+zzzq").get_data(as_text=True)
    assert "Aucun document ne contient tous les mots : « zzzq » a été ignoré" in page
    alone = search(client, q="zzzq")  # nothing left to search: nothing found, not everything
    assert alone["total"] == 0 and alone["ignored"] == []


def test_when_nothing_has_all_the_words_a_form_no_document_has_is_left_out(client):
    # `soldat` is in no document as typed (d4 says `soldats`) and nothing has it with Gaza.
    assert search(client, q="soldat Barkhane")["ignored"] == []
    data = search(client, q="soldat Gaza")
    assert [r["id"] for r in data["results"]] == ["d5"] and data["ignored"] == ["soldat"]


def test_two_swapped_letters_count_as_one_typo(client):
    data = search(client, q="Syire")  # five letters: one edit tolerated
    assert [r["id"] for r in data["results"]] == ["d1"] and data["suggestion"] == "Syrie"


def test_snippet_marks_stemmed_and_folded_matches_and_escapes_the_rest(client):
    hit = search(client, q="frappe aerienne")["results"]
    snippet = next(h["snippet"] for h in hit if h["id"] == "d1")
    assert "<mark>frappes</mark> <mark>aériennes</mark>" in snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")


def test_snippet_folding_keeps_every_character_at_its_offset():
    """Snippets and document marks find words in a folded copy of the text and
    cut the original at the same offsets: folding never changes a length."""
    from search.snippets import fold_in_place

    every = "".join(map(chr, range(0x10000)))
    assert all(len(fold_in_place(c)) == len(c.lower()) for c in every)
    assert fold_in_place("Défense européenne À Brégançon, Œuvre") == "defense europeenne a bregancon, œuvre"


def test_sort_by_date_both_ways_unknown_last(client):
    newest = [r["id"] for r in search(client, q="", sort="-date", per_page=100)["results"]]
    oldest = [r["id"] for r in search(client, q="", sort="date", per_page=100)["results"]]
    assert newest == ["d4", "d6", "d3", "d2", "d1", "d5"]
    assert oldest == ["d1", "d2", "d3", "d6", "d4", "d5"]


def test_empty_query_lists_everything_newest_first(client):
    data = search(client, q="")
    assert data["total"] == len(SAMPLE_RECORDS)
    assert data["results"][0]["id"] == "d4"


def test_pagination_with_exact_total(client):
    pages = [search(client, q="", per_page=4, page=p) for p in (1, 2)]
    assert pages[0]["total"] == pages[1]["total"] == 6
    assert len(pages[0]["results"]) == 4 and len(pages[1]["results"]) == 2
    assert not {r["id"] for r in pages[0]["results"]} & {r["id"] for r in pages[1]["results"]}


def test_facets_count_the_whole_result_set(client):
    data = search(client, q="", per_page=1)
    sources = {f["value"]: f["count"] for f in data["facets"]["source"]}
    assert sources == {"AFP": 3, "Reuters": 2, "Le Monde": 1}
    years = {f["value"]: f["count"] for f in data["facets"]["date"]["year"]}
    assert years == {"2019": 2, "2020": 2, "2021": 1, "unknown": 1}
    months = {f["value"]: f["count"] for f in data["facets"]["date"]["month"]}
    assert months["2020-03"] == 2 and months["unknown"] == 1


def test_facet_selection_or_within_and_across_with_disjunctive_counts(client):
    data = search(client, q="", source=["Reuters", "Le Monde"])
    assert sorted(r["id"] for r in data["results"]) == ["d2", "d3", "d4"]
    sources = {f["value"]: (f["count"], f["selected"]) for f in data["facets"]["source"]}
    # The source facet ignores its own selection: other values keep their counts.
    assert sources == {"AFP": (3, False), "Reuters": (2, True), "Le Monde": (1, True)}
    years = {f["value"]: f["count"] for f in data["facets"]["date"]["year"]}
    assert years == {"2019": 1, "2020": 1, "2021": 1}


def test_date_range_filter(client):
    assert found(client, "", **{"from": "2020", "to": "2020-12"}) == ["d3", "d6"]
    assert found(client, "", **{"from": "2020-03-16"}) == ["d4", "d6"]
    data = search(client, q="", to="2019")
    assert data["total"] == 2
    sources = {f["value"]: f["count"] for f in data["facets"]["source"]}
    assert sources == {"AFP": 1 + 1, "Reuters": 1}


@pytest.mark.parametrize(
    "params, name",
    [({"page": "0"}, "page"), ({"per_page": "500"}, "per_page"), ({"from": "2023-13"}, "from"),
     ({"sort": "popularity"}, "sort"), ({"page": "deux"}, "page"), ({"to": "hier"}, "to"),
     ({"from": "2021", "to": "2020"}, "from")],
)
def test_bad_parameters_are_400_naming_the_parameter(client, params, name):
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code == 400
    assert name in resp.get_json()["error"]


NASTY = ['"', '"unbalanced', "((", "))", "(a OR", "OR", "AND", "NOT", "-", "*", "**", "?", "a:b:c", ":", "title:",
         "person:", 'person:"', "^2", "~", "[a TO b]", "{}", "\\", "' OR 1=1 --", "<script>alert(1)</script>",
         "x" * 2000, "défense " * 300, "\x00", "%", "otan*~2", "\u200b", "𝔬𝔱𝔞𝔫", "l'", "’’’", "NOT NOT NOT"]


@pytest.mark.parametrize("q", NASTY)
def test_nasty_queries_never_fail(client, q):
    resp = client.get("/api/search", query_string={"q": q})
    assert resp.status_code == 200
    assert isinstance(resp.get_json()["total"], int)


def test_document_endpoint_and_similar(client):
    doc = client.get("/api/documents/d4").get_json()
    assert doc["id"] == "d4" and doc["source"] == ["Le Monde"] and doc["path"] == "corpus.jsonl"
    assert "Barkhane aura duré" in doc["text"]
    assert set(doc) >= {"id", "title", "text", "source", "date", "author", "url", "persons", "path", "similar"}
    assert all(set(s) == {"id", "title"} for s in doc["similar"]) and len(doc["similar"]) <= 5
    missing = client.get("/api/documents/nope")
    assert missing.status_code == 404 and "error" in missing.get_json()


def test_words_found_only_in_the_body_are_marked(client):
    (hit,) = search(client, q="muette")["results"]
    assert "<mark>muette</mark>" in hit["snippet"]
    (hit,) = search(client, q="Baltique manoeuvrent")["results"]
    assert "<mark>manoeuvrent</mark>" in hit["snippet"] and "<mark>Baltique</mark>" in hit["snippet"]


def test_seed_typo_is_suggested_and_its_correction_marked(seed_client):
    data = seed_client.get("/api/search?q=Stoltemberg").get_json()
    assert data["suggestion"] == "Stoltenberg" and data["total"] == 2
    assert all("<mark>Stoltenberg</mark>" in r["snippet"] for r in data["results"])


def test_without_an_index_the_api_and_page_say_so(tmp_path):
    client = create_app({"VIGIE_INDEX": str(tmp_path / "none")}).test_client()
    resp = client.get("/api/search?q=otan")
    assert resp.status_code == 503 and "reindex" in resp.get_json()["error"]
    page = client.get("/?q=otan")
    assert page.status_code == 503 and "Aucun index" in page.get_data(as_text=True)


def test_html_page_shows_friendly_errors_and_unknown_routes(client):
    page = client.get("/?per_page=500")
    assert page.status_code == 400 and "Paramètre invalide" in page.get_data(as_text=True)
    assert client.get("/api/nope").get_json() == {"error": "not found"}
    assert client.get("/documents/nope").status_code == 404
    assert "Syntaxe de recherche" in client.get("/aide").get_data(as_text=True)
