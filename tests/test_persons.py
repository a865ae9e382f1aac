"""The person facet: real persons, one value per person, analysts' aliases applied."""
import pytest

from indexer.person_merge import Aliases, build_mapping, canonical
from indexer.persons import extract
from indexer.writer import reindex
from tests.conftest import ROOT, SHARED, needs_shared, write_jsonl
from web import create_app


def test_seeds_give_exactly_their_persons(seed_client):
    persons = {r["id"]: r["persons"] for r in seed_client.get("/api/search?q=").get_json()["results"]}
    assert sorted(persons["000_bc95917e9b30098b"]) == ["Jens Stoltenberg", "Lloyd Austin"]
    assert sorted(persons["002_ad6fdf2ba060e34e"]) == ["Jens Stoltenberg", "Lan Ha", "Lloyd Austin"]


def test_fullest_form_titles_stripped_and_no_false_persons():
    text = ("Le secrétaire général de l’OTAN, Jens Stoltenberg, est arrivé. Photo : AP. "
            "Malgré tout, M. Stoltenberg a salué la ministre des Armées Florence Parly. "
            "Suivez les sujets qui vous intéressent. Le président Macron n’a rien dit jusqu’à lundi. "
            "La Défense Lloyd Austin.")
    assert extract("Stoltenberg à Paris", text) == ["Jens Stoltenberg", "Florence Parly", "Macron", "Lloyd Austin"]


def test_places_and_things_named_after_people_are_not_persons():
    text = ("Le porte-avions Charles-de-Gaulle a quitté Toulon. Il fait escale à Nancy puis au lycée Jean Moulin, "
            "rue Victor Hugo, en Caroline du Nord et dans le Pas-de-Calais. Les États-Unis protestent.")
    assert extract("Escales", text) == []


def test_names_after_elisions_and_after_a_role_in_apposition():
    text = ("Ségolène Royal a lancé qu'Emmanuel Macron était responsable, selon le porte-parole d'Angela Merkel. "
            "N'Golo Kanté est blessé, a réagi le ministre jordanien des Affaires étrangères, Aymen al-Safadi.")
    assert extract("Réactions", text) == ["Ségolène Royal", "Emmanuel Macron", "Angela Merkel", "N'Golo Kanté",
                                          "Aymen al-Safadi"]


# Gates just under what extraction achieves on all 95 dev articles (P 0.980, R 0.936,
# F1 0.958; as the 5k index serves them P 0.982, R 0.935, F1 0.958): they guard against
# regressions.
PERSONS_MIN_PRECISION = 0.975
PERSONS_MIN_RECALL = 0.93
PERSONS_MIN_F1 = 0.955


@needs_shared
def test_dev_gold_set_scores_stay_above_the_gates(corpus_index):
    from scripts.eval_persons import evaluate

    for label, scores in [("extracted", evaluate(SHARED)), ("indexed", evaluate(SHARED, index=corpus_index))]:
        print(f"\npersons dev set, {label} ({scores['articles']} articles): precision {scores['precision']:.3f} "
              f"recall {scores['recall']:.3f} f1 {scores['f1']:.3f}")
        assert scores["precision"] >= PERSONS_MIN_PRECISION and scores["recall"] >= PERSONS_MIN_RECALL
        assert scores["f1"] >= PERSONS_MIN_F1


def test_corpus_merges_variants_and_dominated_surnames():
    docs = [["Jens Stoltenberg"], ["Jens Stoltenberg"], ["jens stoltenberg"], ["Stoltenberg"],
            ["Jean-Yves Le Drian"], ["Jean Yves Le Drian"], ["Trump"], ["Donald Trump"], ["Melania Trump"]]
    mapping = build_mapping(docs, Aliases())
    assert canonical(["Stoltenberg"], mapping) == ["Jens Stoltenberg"]
    assert canonical(["jens stoltenberg"], mapping) == ["Jens Stoltenberg"]
    assert canonical(["Jean Yves Le Drian"], mapping) == canonical(["Jean-Yves Le Drian"], mapping)
    # Two full names share the surname without one dominating: the surname stays.
    assert canonical(["Trump"], mapping) == ["Trump"]


def test_alias_file_merges_renames_and_blocks():
    aliases = Aliases(merge={"poutine": "Vladimir Poutine", "lan ha": "Ha Lan"}, block={"photo"})
    mapping = build_mapping([["Poutine"], ["Vladimir Poutine"], ["Lan Ha"], ["Photo"]], aliases)
    assert canonical(["Poutine", "Vladimir Poutine"], mapping) == ["Vladimir Poutine"]
    assert canonical(["Lan Ha"], mapping) == ["Ha Lan"]
    assert canonical(["Photo"], mapping) == []


RECORDS = [
    {"id": "p1", "title": "Visite", "source": "AFP", "date": "2020-01-01",
     "text": "Le président russe Vladimir Poutine a reçu le ministre Sergueï Lavrov."},
    {"id": "p2", "title": "Réunion", "source": "Reuters", "date": "2020-02-01",
     "text": "Vladimir Poutine et Alexandre Loukachenko se sont parlé. M. Loukachenko a souri."},
    {"id": "p3", "title": "Déclaration", "source": "AFP", "date": "2020-03-01",
     "text": "Selon le Kremlin, M. Poutine n'ira pas à Minsk. Sergueï Lavrov confirme."},
]


@pytest.fixture
def person_corpus(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_jsonl(seeds / "russie.jsonl", RECORDS)
    reindex([seeds], tmp_path / "ix")
    return seeds, tmp_path / "ix", create_app({"VIGIE_INDEX": str(tmp_path / "ix")}).test_client()


def persons_of(client):
    return {r["id"]: r["persons"] for r in client.get("/api/search?q=&per_page=100").get_json()["results"]}


def test_person_facet_counts_filters_and_query_field(person_corpus):
    _, _, client = person_corpus
    assert persons_of(client)["p3"] == ["Vladimir Poutine", "Sergueï Lavrov"]  # "M. Poutine" merged
    data = client.get("/api/search?q=").get_json()
    facet = {f["value"]: f["count"] for f in data["facets"]["person"]}
    assert facet == {"Vladimir Poutine": 3, "Sergueï Lavrov": 2, "Alexandre Loukachenko": 1}
    assert data["facets"]["person_total"] == 3
    both = client.get("/api/search", query_string={"person": ["Alexandre Loukachenko", "Sergueï Lavrov"]}).get_json()
    assert sorted(r["id"] for r in both["results"]) == ["p1", "p2", "p3"]
    across = client.get("/api/search", query_string={"person": "Sergueï Lavrov", "source": "Reuters"}).get_json()
    assert across["total"] == 0
    found = client.get("/api/search", query_string={"q": 'person:"Sergueï Lavrov"'}).get_json()
    assert sorted(r["id"] for r in found["results"]) == ["p1", "p3"]
    assert client.get("/api/search", query_string={"q": "person:loukachenko"}).get_json()["total"] == 1


def test_person_autocomplete(person_corpus):
    _, _, client = person_corpus
    values = client.get("/api/facets/person?prefix=lou").get_json()["values"]
    assert values == [{"value": "Alexandre Loukachenko", "count": 1}]
    everyone = client.get("/api/facets/person?prefix=").get_json()["values"]
    assert [v["value"] for v in everyone][:1] == ["Vladimir Poutine"]
    assert client.get("/api/facets/person?limit=0").status_code == 400


def test_alias_file_change_is_applied_without_rereading_files(person_corpus):
    seeds, index_dir, client = person_corpus
    (seeds / "persons.toml").write_text('block = ["Sergueï Lavrov"]\n\n[aliases]\n"Vladimir Poutine" = "V. Poutine"\n',
                                        encoding="utf-8")
    summary = reindex([seeds], index_dir)
    assert (summary.added, summary.updated, summary.unchanged, summary.relabelled) == (0, 0, 3, 3)
    client = create_app({"VIGIE_INDEX": str(index_dir)}).test_client()
    assert persons_of(client) == {"p1": ["V. Poutine"], "p2": ["V. Poutine", "Alexandre Loukachenko"],
                                  "p3": ["V. Poutine"]}


def test_broken_alias_file_is_reported_and_ignored(person_corpus):
    seeds, index_dir, _ = person_corpus
    (seeds / "persons.toml").write_text("block = [", encoding="utf-8")
    summary = reindex([seeds], index_dir)
    assert any("persons.toml" in f and "invalid TOML" in f for f in summary.failed)


# The 30 articles of the 36k corpus annotated blind this stop (tests/data/persons-heldout.jsonl):
# extracted 0.959 / 0.910 (0.959 / 0.897 before the rule for first names that are words).
HELDOUT_MIN_PRECISION = 0.95
HELDOUT_MIN_RECALL = 0.90


@needs_shared
def test_held_out_articles_stay_above_their_gates():
    from scripts.eval_persons import evaluate

    scores = evaluate(SHARED, gold_file=ROOT / "tests/data/persons-heldout.jsonl")
    print(f"\npersons held out ({scores['articles']} articles): precision {scores['precision']:.3f} "
          f"recall {scores['recall']:.3f}")
    assert scores["articles"] == 30
    assert scores["precision"] >= HELDOUT_MIN_PRECISION and scores["recall"] >= HELDOUT_MIN_RECALL


def test_first_names_that_are_words_open_a_name_unless_the_word_is_meant():
    text = ("Marine Le Pen a critiqué Fleur Pellerin. Les marins de la Marine Royale et la Marine Nationale "
            "saluent la Victoire de Donald Trump.")
    assert extract("Retraites : Marine Le Pen dénonce", text) == ["Marine Le Pen", "Fleur Pellerin", "Donald Trump"]


def test_names_with_particles():
    text = "La présidente de la Commission, Ursula von der Leyen, a cité Charles de Gaulle devant Jean-Yves Le Drian."
    assert extract("Bruxelles", text) == ["Ursula von der Leyen", "Charles de Gaulle", "Jean-Yves Le Drian"]


def test_capitalised_honorifics_are_cues_not_names():
    text = "Selon Me Cloé Fonteix, avocate de la famille, Mme Callebaut a porté plainte."
    assert extract("Procès", text) == ["Cloé Fonteix", "Callebaut"]


def test_vox_pop_first_names_but_not_places_of_the_article():
    text = ("« Les gens n'en peuvent plus », lâche Haitham, manifestant à Beyrouth. Nabil, 64 ans et à la retraite, "
            "attend. Les troupes restent au Mali. « C'est dur », explique Mali, une habitante.")
    assert extract("Beyrouth", text) == ["Haitham", "Nabil"]


def test_siblings_lists_initials_and_regnal_numbers():
    text = ("Les frères Saïd et Chérif Kouachi, puis les frères Igor et Grichka Bogdanoff. "
            "Les têtes de George Floyd, Michael Brown, Trayvon Martin. Le procureur a inculpé John A. Gotti. "
            "Elisabeth II a reçu Michelle McNamara.")
    assert extract("Procès", text) == ["Saïd Kouachi", "Chérif Kouachi", "Igor Bogdanoff", "Grichka Bogdanoff",
                                       "George Floyd", "Michael Brown", "Trayvon Martin", "John A. Gotti",
                                       "Elisabeth II", "Michelle McNamara"]


def test_organisations_titles_and_verbs_are_not_persons():
    text = ('Mohammed Alshamaa, de l\'ONG Save The Children, et le journaliste du Washington Post Jason Rezaian. '
            'L\'usine Nissan Zona Franca ferme. "Lily Paname" fut un succès. Trump juge Pékin responsable.')
    assert extract("Yémen", text) == ["Mohammed Alshamaa", "Jason Rezaian"]


def test_names_the_gazetteer_misses_confirmed_by_their_context():
    text = ("Selon le ministre des Migrations Notis Mitarachi, rien ne change. La gardienne, Rosa King, est morte. "
            "Le maire de Los Angeles Eric Garcetti a parlé. Il succédera à Israel Katz, pas à Nancy. "
            "Le sénateur républicain Mitt Romney a vu le porte-avions Kundun de Martin Scorsese.")
    assert extract("Grèce", text) == ["Notis Mitarachi", "Rosa King", "Eric Garcetti", "Israel Katz", "Mitt Romney",
                                      "Martin Scorsese"]
