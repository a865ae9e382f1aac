"""Synonyms and spelling variants at query time: the shipped list, the analysts' file."""
import pytest

from indexer.writer import reindex
from search.synonyms import DEFAULT_FILE, SynonymSource, Synonyms
from tests.conftest import write_jsonl
from web import create_app

RECORDS = [
    {"id": "s1", "title": "Droukdal tué au Mali", "text": "Le chef d'Aqmi, Abdelmalek Droukdal, a été tué."},
    {"id": "s2", "title": "Qui était Droukdel ?", "text": "Abdelmalek Droukdel dirigeait le groupe depuis 2004."},
    {"id": "s3", "title": "Sommet de l'Alliance atlantique", "text": "Les alliés se réunissent à Londres."},
    {"id": "s4", "title": "L'Otan se réunit", "text": "Les ministres de l'Otan à Bruxelles."},
    {"id": "s5", "title": "Frappes à Idleb", "text": "La province d'Idleb bombardée par le régime syrien."},
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("synonyms")
    write_jsonl(root / "corpus.jsonl", RECORDS)
    reindex([root / "corpus.jsonl"], root / "ix")
    return root / "ix"


@pytest.fixture(scope="module")
def client(index_dir, tmp_path_factory):
    analysts = tmp_path_factory.mktemp("seeds") / "synonyms.toml"
    analysts.write_text('groups = [["Bruxelles", "Londres"]]\n', encoding="utf-8")
    return create_app({"VIGIE_INDEX": str(index_dir), "VIGIE_SYNONYMS": str(analysts)}).test_client()


def search(client, q):
    data = client.get("/api/search", query_string={"q": q}).get_json()
    return sorted(r["id"] for r in data["results"]), data["expanded"]


def test_a_spelling_finds_the_other_spellings_and_says_so(client):
    assert search(client, "Droukdel") == (["s1", "s2"], [{"word": "Droukdel", "with": ["Droukdal"]}])
    assert search(client, "droukdal")[0] == ["s1", "s2"]
    assert search(client, "Idlib")[0] == ["s5"]  # no article writes Idlib here


def test_an_acronym_finds_its_full_name_and_back(client):
    assert search(client, "Otan")[0] == ["s3", "s4"]
    assert search(client, "alliance atlantique")[0] == ["s3", "s4"]
    assert search(client, "Otan OR Mali")[0] == ["s1", "s3", "s4"]


def test_quoted_phrases_and_fields_are_not_expanded(client):
    assert search(client, '"Droukdel"') == (["s2"], [])
    assert search(client, '"alliance atlantique"') == (["s3"], [])
    assert search(client, "title:Otan") == (["s4"], [])


def test_the_analysts_file_is_applied_at_query_time(client):
    assert search(client, "Londres")[0] == ["s3", "s4"]


def test_the_analysts_file_is_reread_when_it_changes_and_a_bad_one_is_reported(tmp_path):
    path = tmp_path / "synonyms.toml"
    source = SynonymSource(path, check_seconds=0)
    shipped = len(source.get())
    assert shipped and source.error is None  # no file: the shipped list alone
    path.write_text('groups = [["Bruxelles", "Londres"]]\n', encoding="utf-8")
    assert len(source.get()) == shipped + 2
    path.write_text('groups = [["Bruxelles", "Londres"\n', encoding="utf-8")  # broken TOML
    assert len(source.get()) == shipped + 2 and "synonyms.toml" in source.error
    path.write_text('groups = "Bruxelles"\n', encoding="utf-8")
    assert len(source.get()) == shipped + 2 and "list of lists" in source.error
    path.unlink()
    assert len(source.get()) == shipped and source.error is None


def test_the_shipped_list_is_well_formed():
    groups = Synonyms.read(DEFAULT_FILE)
    assert len(groups) >= 30 and all(len(g) >= 2 for g in groups)
    forms = [f for g in groups for f in g]
    assert len(Synonyms(groups)) == len(forms)  # every form analyses to words of its own
