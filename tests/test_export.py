"""Export of a whole result set: /api/search.csv and /api/search.jsonl."""
import csv
import io
import json

import pytest

from indexer.writer import reindex
from tests.conftest import SAMPLE_RECORDS, write_jsonl
from web import create_app


def csv_rows(resp) -> list[dict]:
    return list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))


def jsonl_rows(resp) -> list[dict]:
    return [json.loads(line) for line in resp.get_data(as_text=True).splitlines()]


@pytest.mark.parametrize("query", [{}, {"q": "défense"}, {"source": "AFP"}, {"q": "barkhane", "sort": "date"},
                                   {"from": "2020", "to": "2021"}, {"q": '"dissuasion nucléaire"'}, {"q": "zzzz"}])
def test_export_has_every_result_in_result_order(client, query):
    pages = []
    page = 1
    while True:
        data = client.get("/api/search", query_string=query | {"per_page": 2, "page": page}).get_json()
        pages += [(r["id"], r["score"]) for r in data["results"]]
        if page * 2 >= data["total"]:
            break
        page += 1
    for rows in (jsonl_rows(client.get("/api/search.jsonl", query_string=query)),
                 csv_rows(client.get("/api/search.csv", query_string=query))):
        assert [r["id"] for r in rows] == [i for i, _ in pages]
    assert [r["score"] for r in jsonl_rows(client.get("/api/search.jsonl", query_string=query))] == [s for _, s in pages]


def test_export_columns_and_headers(client):
    resp = client.get("/api/search.csv?q=défense")
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in resp.headers["Content-Disposition"]
    first = resp.get_data(as_text=True).splitlines()[0]
    assert first == "id,title,date,sources,persons,url,score"
    rows = jsonl_rows(client.get("/api/search.jsonl?q=défense"))
    assert set(rows[0]) == {"id", "title", "date", "sources", "persons", "url", "score"}
    d2 = next(r for r in rows if r["id"] == "d2")
    assert d2["sources"] == ["Reuters", "AFP"]
    assert next(r for r in csv_rows(client.get("/api/search.csv?q=défense")) if r["id"] == "d2")["sources"] == "Reuters; AFP"


def test_export_bad_parameter_is_a_400(client):
    resp = client.get("/api/search.csv?sort=popularity")
    assert resp.status_code == 400 and resp.get_json()["parameter"] == "sort"


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(tmp_path):
    write_jsonl(tmp_path / "c.jsonl", [{"id": "f1", "title": "=HYPERLINK(\"http://x\")", "text": "Formule piégée, la première."},
                                       {"id": "f2", "title": "@SUM(A1)", "text": "Formule piégée, la seconde."}])
    reindex([tmp_path / "c.jsonl"], tmp_path / "ix")
    app = create_app({"VIGIE_INDEX": str(tmp_path / "ix"), "VIGIE_WARM_UP": False})
    rows = csv_rows(app.test_client().get("/api/search.csv?q=formule"))
    assert sorted(r["title"] for r in rows) == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]
    jsonl = jsonl_rows(app.test_client().get("/api/search.jsonl?q=formule"))
    assert sorted(r["title"] for r in jsonl) == ["=HYPERLINK(\"http://x\")", "@SUM(A1)"]  # data as it is


def test_export_is_streamed(client):
    resp = client.get("/api/search.jsonl")
    assert resp.is_streamed
    assert len(jsonl_rows(resp)) == len(SAMPLE_RECORDS)
