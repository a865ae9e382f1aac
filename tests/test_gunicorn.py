"""End to end: the real app served by real gunicorn over a real index."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from indexer.writer import reindex
from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.fixture
def served(seeds_copy, tmp_path):
    index_dir = tmp_path / "ix"
    reindex([seeds_copy], index_dir)
    port = free_port()
    env = dict(os.environ, VIGIE_INDEX=str(index_dir))
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "web:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if get(base + "/api/search?q=otan")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("gunicorn did not start: " + proc.stderr.read().decode())
    yield base, seeds_copy, index_dir
    proc.terminate()
    proc.wait(timeout=10)


def test_search_api_and_page_served_by_gunicorn(served):
    base, _, _ = served
    status, body = get(base + "/api/search?q=Stoltenberg")
    data = json.loads(body)
    assert status == 200 and data["total"] == 2
    status, body = get(base + "/?q=d%C3%A9fense")
    assert status == 200 and "<mark>" in body and "résultat" in body
    status, body = get(base + "/api/search?per_page=500")
    assert status == 400 and "per_page" in json.loads(body)["error"]
    status, body = get(base + "/?page=0")
    assert status == 400 and "Paramètre invalide" in body


def test_reindex_while_serving_is_picked_up(served):
    base, seeds, index_dir = served
    (seeds / "breve.txt").write_text("Sous-marin nucléaire\n\nLe Suffren plonge en Atlantique.", encoding="utf-8")
    reindex([seeds], index_dir)
    reindex([seeds], index_dir, full=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        data = json.loads(get(base + "/api/search?q=Suffren")[1])
        if data["total"] == 1:
            break
        time.sleep(0.3)
    assert data["total"] == 1 and data["results"][0]["id"] == "breve"
