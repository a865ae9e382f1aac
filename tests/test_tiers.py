"""Matching beyond all the words: documents missing one word of a query of several words come
after those with all (of a person's name only when few documents have it whole)."""
from whoosh.query import And, Term

from indexer.writer import reindex
from search.tiers import THIN, word_clauses
from tests.conftest import write_jsonl
from tests.test_search_api import search
from web import create_app


def ids(data):
    return [r["id"] for r in data["results"]]


def test_documents_missing_one_word_come_after_those_with_all(client):
    data = search(client, q="frappe aérienne israélienne")
    assert ids(data) == ["d5", "d1"]  # d1: frappes aériennes, not israélienne
    assert data["total"] == 2 and data["total_all_words"] == 1
    assert [r["all_words"] for r in data["results"]] == [True, False]


def test_match_all_restores_strict_matching(client):
    data = search(client, q="frappe aérienne israélienne", match="all")
    assert ids(data) == ["d5"] and data["total"] == data["total_all_words"] == 1


def test_sorting_by_date_keeps_documents_with_all_the_words_first(client):
    data = search(client, q="frappe aérienne israélienne", sort="-date")
    assert ids(data) == ["d5", "d1"]  # d5 has no date, d1 has one: the tier decides first


def test_two_words_miss_one_unless_they_name_a_person_many_documents_have_whole(client):
    data = search(client, q="frappe israélienne")  # one document has both
    assert ids(data) == ["d5", "d1"] and data["total_all_words"] == 1
    q = And([Term("body", "frapp"), Term("body", "israel")])
    assert word_clauses(q, "frappe israélienne", with_all=THIN) is not None
    assert word_clauses(q, "frappe israélienne", with_all=THIN - 1, names_person=True) is not None
    assert word_clauses(q, "frappe israélienne", with_all=THIN, names_person=True) is None  # a name meant whole
    assert word_clauses(And([Term("body", "a"), Term("body", "b"), Term("body", "c")]), "a b c", with_all=500)


def test_a_persons_name_is_meant_whole_other_words_are_not(tmp_path):
    minister = [{"id": f"fp{i}", "title": f"La ministre des Armées en visite, étape {i}",
                 "text": f"La ministre des Armées Florence Parly s'est rendue à Toulon, étape {i} de sa tournée."}
                for i in range(THIN)]
    others = [{"id": "town", "title": "Florence", "text": "Florence, en Toscane, accueille les touristes."},
              {"id": "army", "title": "Budget", "text": "Le budget des Armées augmente cette année."}]
    write_jsonl(tmp_path / "c.jsonl", minister + others)
    reindex([tmp_path / "c.jsonl"], tmp_path / "ix")
    client = create_app({"VIGIE_INDEX": str(tmp_path / "ix"), "VIGIE_WARM_UP": False}).test_client()
    person = search(client, q="Florence Parly")
    assert person["total"] == person["total_all_words"] == THIN and "town" not in ids(person)
    words = search(client, q="ministre armées", per_page=20)
    assert words["total_all_words"] == THIN and ids(words)[-1] == "army"  # the budget article after, not hidden


def test_while_few_results_match_one_more_word_may_be_missing(tmp_path):
    def corpus(two_words: int, copies: bool = False) -> object:
        records = [{"id": "both", "title": "Heurts frontaliers", "text": "Des heurts frontaliers ont éclaté."}]
        records += [{"id": f"two{i}", "title": f"Heurts à la frontière, jour {i}",
                     "text": "Nouveaux heurts frontaliers au Ladakh." if copies else
                     f"Nouveaux heurts frontaliers au Ladakh, jour {i}."} for i in range(two_words)]
        records += [{"id": f"one{i}", "title": f"Le Ladakh, jour {i}", "text": f"Un différend frontalier, jour {i}."}
                    for i in range(3)]
        records += [{"id": "none", "title": "Budget", "text": "Le budget des Armées augmente."},
                    {"id": "ties", "title": "Diplomatie", "text": "Les liens sino-indiens se tendent."}]
        folder = tmp_path / f"c{two_words}{copies}"
        folder.mkdir()
        write_jsonl(folder / "c.jsonl", records)
        reindex([folder / "c.jsonl"], folder / "ix")
        return create_app({"VIGIE_INDEX": str(folder / "ix"), "VIGIE_WARM_UP": False}).test_client()

    words = "heurts frontaliers sino-indiens"
    thin_corpus = corpus(two_words=2)
    thin = search(thin_corpus, q=words, per_page=20)
    assert thin["total_all_words"] == 0 and thin["total"] == 7  # 3 with two words, then 4 with one
    assert sorted(ids(thin)[:3]) == ["both", "two0", "two1"]
    assert sorted(ids(thin)[3:]) == ["one0", "one1", "one2", "ties"]
    # Four words: two more may be missing, step by step, while the results stay fewer than THIN.
    assert search(thin_corpus, q=words + " budget", per_page=20)["total"] == 8
    exactly = search(corpus(two_words=THIN - 1), q=words, per_page=20)  # THIN results: no more
    assert exactly["total"] == THIN and {"one0", "ties"}.isdisjoint(ids(exactly))
    # Results are counted as the page shows them: copies of one text are one result.
    copied = corpus(two_words=THIN - 1, copies=True)
    assert search(copied, q=words, per_page=20)["total"] == 2 + 4
    assert search(copied, q=words, per_page=20, collapse="none")["total"] == THIN
    # "none" has two of the words, the three "one" articles `jour`; "both" none of them: one word always stays.
    assert sorted(ids(search(corpus(two_words=0), q="jour armées budget"))) == ["none", "one0", "one1", "one2"]


def test_phrases_or_and_fields_keep_their_exact_meaning(client):
    for q in ['"frappe aérienne israélienne"', "frappe aérienne israélienne -Barkhane",
              "(frappe OR raid) aérienne israélienne", "frappe aérienne title:israélienne"]:
        data = search(client, q=q)
        assert data["total"] == data["total_all_words"]
        assert "d1" not in ids(data), q


def test_a_bad_match_value_is_a_400(client):
    resp = client.get("/api/search", query_string={"q": "otan", "match": "any"})
    assert resp.status_code == 400 and resp.get_json()["parameter"] == "match"


def test_the_page_shows_where_documents_missing_a_word_begin(client):
    html = client.get("/", query_string={"q": "frappe aérienne israélienne"}).get_data(as_text=True)
    assert html.count("Résultats contenant une partie des mots") == 1
    assert html.index("Gaza") < html.index("Résultats contenant une partie des mots") < html.index("positions kurdes")
    strict = client.get("/", query_string={"q": "frappe aérienne israélienne", "match": "all"}).get_data(as_text=True)
    assert "Résultats contenant une partie des mots" not in strict
