"""End to end: the real app served by real gunicorn over a real index."""
import json
import time

import pytest

from indexer.writer import reindex
from tests.conftest import gunicorn, http_get


@pytest.fixture
def served(seeds_copy, tmp_path):
    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    with gunicorn(index_dir) as base:
        yield base, seeds_copy, index_dir


def test_search_api_and_page_served_by_gunicorn(served):
    base, _, _ = served
    status, body = http_get(base + "/api/search?q=Stoltenberg")
    data = json.loads(body)
    assert status == 200 and data["total"] == 2
    status, body = http_get(base + "/?q=d%C3%A9fense")
    assert status == 200 and "<mark>" in body and "résultat" in body
    status, body = http_get(base + "/api/search?per_page=500")
    assert status == 400 and "per_page" in json.loads(body)["error"]
    status, body = http_get(base + "/?page=0")
    assert status == 400 and "Paramètre invalide" in body


def test_reindex_while_serving_is_picked_up(served):
    base, seeds, index_dir = served
    (seeds / "breve.txt").write_text("Sous-marin nucléaire\n\nLe Suffren plonge en Atlantique.", encoding="utf-8")
    reindex([seeds], index_dir)
    reindex([seeds], index_dir, full=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        data = json.loads(http_get(base + "/api/search?q=Suffren")[1])
        if data["total"] == 1:
            break
        time.sleep(0.3)
    assert data["total"] == 1 and data["results"][0]["id"] == "breve"
