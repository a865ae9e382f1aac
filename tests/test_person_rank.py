"""Persons in ranking: articles with the person the query names rank higher."""
import numpy as np
import pytest

from indexer.writer import reindex
from search import feedback, person_rank
from search.person_rank import PersonNames, bonus
from tests.conftest import write_jsonl
from web import create_app

VALUES = ["Benjamin Netanyahu", "Sara Netanyahu", "Benny Gantz", "Donald Trump", "Ivanka Trump", "Bolton"]
COUNTS = np.array([50, 3, 20, 100, 30, 9])


def test_a_surname_names_the_person_who_dominates_it_and_a_full_name_its_person():
    names = PersonNames.build(VALUES, COUNTS)
    assert names.named(["netanyahu", "gantz"]) == [0, 2]
    assert names.named(["trump"]) == []  # Donald holds 77 % of the Trumps: not clear enough
    assert names.named(["ivanka", "trump"]) == [4]
    assert names.named(["bolton", "defense"]) == []  # a one-word value is not a person's name


def test_the_bonus_is_a_share_of_the_best_score_per_named_person():
    docnums, scores = np.array([0, 1, 2]), np.array([4.0, 2.0, 1.0])
    has = {0: np.array([False, True, True]), 2: np.array([False, False, True])}
    assert bonus([0, 2], has.__getitem__, docnums, scores).tolist() == pytest.approx([0.0, 0.6, 1.2])
    assert bonus([], has.__getitem__, docnums, scores) == 0.0


def test_articles_about_the_named_person_rank_above_those_that_merely_have_the_word(tmp_path, monkeypatch):
    town = {"id": "town", "title": "Une ville du Lancashire",
            "text": "Bolton est une ville anglaise. Le club de Bolton joue ce soir devant ses supporters."}
    people = [{"id": f"jb{i}", "title": f"Conseiller limogé, épisode {i}",
               "text": f"Le conseiller John Bolton a quitté la Maison Blanche, épisode {i}."} for i in range(3)]
    write_jsonl(tmp_path / "c.jsonl", [town] + people)
    reindex([tmp_path / "c.jsonl"], tmp_path / "ix")
    # Without feedback: the three articles on John Bolton would lift each other by their words.
    monkeypatch.setattr(feedback, "WEIGHT", 0.0)

    def first():  # a new app each time: answers are remembered per app (search/results_cache.py)
        client = create_app({"VIGIE_INDEX": str(tmp_path / "ix"), "VIGIE_WARM_UP": False}).test_client()
        return client.get("/api/search", query_string={"q": "Bolton"}).get_json()["results"][0]["id"]

    assert first().startswith("jb")
    monkeypatch.setattr(person_rank, "WEIGHT", 0.0)
    assert first() == "town"  # without the persons, the word alone decides
