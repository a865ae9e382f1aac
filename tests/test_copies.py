"""Copies of one article shown once, versions of one story grouped (a 36k-shaped corpus:
the same AFP copy under /france/, /societe/ and /politique/, a wire story updated)."""
import pytest
from whoosh import index as whoosh_index

from indexer import store
from indexer.writer import reindex
from tests.conftest import write_jsonl
from web import create_app

SEGUR = ("Le Ségur de la santé joue les prolongations : les syndicats de soignants font monter les enchères "
         "face au gouvernement, qui a mis sur la table une enveloppe de six milliards d'euros pour les salaires. "
         "Les négociations reprendront lundi au ministère, où Olivier Véran doit recevoir les organisations "
         "représentatives du personnel hospitalier. Les infirmières réclament une revalorisation plus forte.")
QUAKE = ("Un puissant séisme a frappé la province de Van, dans l'est de la Turquie, faisant au moins {n} morts "
         "selon un bilan provisoire des autorités. Des équipes de secours fouillent les décombres des immeubles "
         "effondrés dans la ville d'Ercis, la plus touchée, où des centaines de bâtiments se sont écroulés. "
         "Le Croissant-Rouge a envoyé des tentes et des couvertures aux sinistrés qui ont passé la nuit dehors. "
         "Le Premier ministre s'est rendu sur place et a promis une aide rapide aux familles des victimes.{extra}")
UPDATE = (" Les sauveteurs ont extrait vivant un bébé de deux semaines des ruines d'un immeuble. "
          "Plusieurs pays ont proposé leur aide, dont Israël et l'Arménie.")
URL = "https://actu.orange.fr/{section}/le-segur-joue-les-prolongations-CNT{n}.html"

RECORDS = [
    {"id": "s1", "title": "Le Ségur joue les prolongations", "source": "AFP", "date": "2020-07-02T22:50:00+02:00",
     "url": URL.format(section="france", n=1), "text": SEGUR},
    {"id": "s2", "title": "Ségur : les syndicats font monter les enchères", "source": "AFP",
     "date": "2020-07-02T22:51:00+02:00", "url": URL.format(section="societe/sante", n=2), "text": SEGUR},
    {"id": "s3", "title": "Le Ségur joue les prolongations", "source": "Orange avec AFP",
     "date": "2020-07-02T22:52:00+02:00", "url": URL.format(section="politique", n=3),
     "text": SEGUR.upper().replace(" : ", ", ")},  # case and punctuation aside, the same text
    {"id": "s4", "title": "Ségur : un autre article", "source": "AFP", "date": "2020-07-03",
     "text": "Le Ségur de la santé est aussi le nom d'une avenue de Paris, sans rapport avec les prolongations."},
    {"id": "q1", "title": "Séisme en Turquie : au moins 23 morts", "source": "AFP", "date": "2011-10-23T14:00",
     "text": QUAKE.format(n=23, extra="")},
]
LATER = [
    {"id": "q2", "title": "Séisme en Turquie : le bilan s'alourdit, au moins 30 morts", "source": "AFP",
     "date": "2011-10-23T20:00", "text": QUAKE.format(n=30, extra=UPDATE)},
    {"id": "q3", "title": "Séisme en Turquie : un an après", "source": "AFP", "date": "2012-10-23T20:00",
     "text": QUAKE.format(n=600, extra=UPDATE)},  # same wording a year later: another story
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("copies")
    write_jsonl(root / "a.jsonl", RECORDS)
    reindex([root], root.parent / (root.name + "-ix"))
    write_jsonl(root / "b.jsonl", LATER)  # the update arrives in a later, incremental run
    summary = reindex([root], root.parent / (root.name + "-ix"))
    assert summary.added == 2 and not summary.full
    index_dir = root.parent / (root.name + "-ix")
    return root, index_dir, create_app({"VIGIE_INDEX": str(index_dir), "VIGIE_WARM_UP": False}).test_client()


def search(client, **params):
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code == 200, resp.json
    return resp.json


def test_copies_are_one_result_with_their_locations(corpus):
    _, _, client = corpus
    data = search(client, q="Ségur prolongations")
    ids = [r["id"] for r in data["results"]]
    assert len([i for i in ids if i in ("s1", "s2", "s3")]) == 1 and "s4" in ids
    assert data["total"] == 2
    hit = next(r for r in data["results"] if r["id"] in ("s1", "s2", "s3"))
    others = {d["id"]: d for d in hit["duplicates"]}
    assert set(others) | {hit["id"]} == {"s1", "s2", "s3"}
    sections = {d["section"] for d in hit["duplicates"]} | {hit["section"]}
    assert sections == {"france", "societe", "politique"}
    assert all(d["url"].startswith("https://actu.orange.fr/") for d in hit["duplicates"])
    # Facets count the article once per value, whichever copy carries it.
    counts = {f["value"]: f["count"] for f in data["facets"]["source"]}
    assert counts == {"AFP": 2, "Orange avec AFP": 1}


def test_collapse_none_shows_and_counts_every_copy(corpus):
    _, _, client = corpus
    data = search(client, q="Ségur prolongations", collapse="none")
    assert data["total"] == 4 and len(data["results"]) == 4
    assert {f["value"]: f["count"] for f in data["facets"]["source"]} == {"AFP": 3, "Orange avec AFP": 1}


def test_page_says_where_else_the_article_was_published(corpus):
    _, _, client = corpus
    html = client.get("/", query_string={"q": "Ségur prolongations", "sort": "date"}).get_data(as_text=True)
    assert "Aussi publié" in html
    first = html.index("Aussi publié")
    line = html[first:html.index("</p>", first)]
    assert sum(label in line for label in ("France", "Société", "Politique")) == 2


def test_collapse_story_groups_the_updated_versions(corpus):
    _, _, client = corpus
    plain = search(client, q="séisme Turquie")
    assert plain["total"] == 3
    data = search(client, q="séisme Turquie", collapse="story")
    assert data["total"] == 2
    hit = next(r for r in data["results"] if r["id"] in ("q1", "q2"))
    assert [v["id"] for v in hit["versions"]] == [{"q1": "q2", "q2": "q1"}[hit["id"]]]
    assert hit["newest_date"] == "2011-10-23T20:00"
    html = client.get("/", query_string={"q": "séisme Turquie", "collapse": "story"}).get_data(as_text=True)
    assert "1 autre version" in html and "la plus récente du 2011-10-23" in html


def test_document_page_lists_the_other_versions_with_dates(corpus):
    _, _, client = corpus
    doc = client.get("/api/documents/q1").json
    assert [(v["id"], v["date"]) for v in doc["versions"]] == [("q2", "2011-10-23T20:00")]
    html = client.get("/documents/q1").get_data(as_text=True)
    assert "Autres versions de cette histoire" in html and "2011-10-23 20:00" in html


def test_bad_collapse_is_a_400(corpus):
    _, _, client = corpus
    resp = client.get("/api/search", query_string={"collapse": "all"})
    assert resp.status_code == 400 and resp.json["parameter"] == "collapse"


def columns(index_dir, name):
    ix = whoosh_index.open_dir(str(store.current_dir(index_dir)))
    with ix.reader() as reader:
        col = reader.column_reader(name)
        ids = reader.column_reader("id")
        return {ids[n]: col[n] for n in reader.all_doc_ids()}


def test_first_indexed_is_kept_across_updates_and_full_rebuilds(corpus, tmp_path):
    root, index_dir, _ = corpus
    first = columns(index_dir, "first_indexed")
    assert first["q2"] > first["q1"] > 0 and first["s1"] == first["q1"]
    work = tmp_path / "ix"
    write_jsonl(tmp_path / "a.jsonl", RECORDS)
    reindex([tmp_path / "a.jsonl"], work)
    before = columns(work, "first_indexed")
    changed = [dict(r, text=r["text"] + " Mise à jour.") if r["id"] == "s4" else r for r in RECORDS]
    write_jsonl(tmp_path / "a.jsonl", changed + [{"id": "n1", "text": "Un article nouveau."}])
    assert reindex([tmp_path / "a.jsonl"], work).updated == 5
    reindex([tmp_path / "a.jsonl"], work, full=True)
    after = columns(work, "first_indexed")
    assert {k: after[k] for k in before} == before and after["n1"] > before["s4"]


def test_a_later_file_joins_the_story_of_an_indexed_one(corpus):
    _, index_dir, _ = corpus
    story = columns(index_dir, "story")
    assert story["q2"] == story["q1"] == b"q1"
    assert story["q3"] == b"q3"  # a year later: outside the story's window
    assert story["s1"] == story["s2"] == story["s3"] != story["s4"]


@pytest.mark.parametrize("q", ['"séisme en Turquie" alourdit', "séisme alourd*"])
def test_phrase_and_prefix_queries_show_the_best_ranked_version(corpus, q):
    # Whoosh ranks these (phrase, prefix): the story shows its best-ranked version,
    # which here is the later-indexed update, not the first version indexed.
    _, _, client = corpus
    every = [r["id"] for r in search(client, q=q, collapse="none")["results"]]
    best = next(i for i in every if i in ("q1", "q2"))
    assert best == "q2"
    shown = [r["id"] for r in search(client, q=q, collapse="story")["results"]]
    assert [i for i in shown if i in ("q1", "q2")] == [best]
