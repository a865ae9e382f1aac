"""Shared fixtures: real indexes on disk, built by the real reindex."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from indexer.writer import reindex
from web import create_app

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
CORPUS_5K = SHARED / "corpus" / "orangesum-defence-5k.jsonl"

# No test may depend on timing: the per-request time budget (search/budget.py) is
# lifted for every app and gunicorn the tests start; tests of the degradation set it to 0.
os.environ.setdefault("VIGIE_TIME_BUDGET_MS", str(10**9))

needs_shared = pytest.mark.skipif(not CORPUS_5K.exists(), reason="../shared corpus not present")


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A private copy of seeds/ that a test may edit."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("seed-index")
    summary = reindex([SEEDS], index_dir)
    assert not summary.failed
    return index_dir


@pytest.fixture(scope="session")
def seed_client(seed_index):
    return create_app({"VIGIE_INDEX": str(seed_index)}).test_client()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """The 5k-article corpus, indexed once for the session."""
    if not CORPUS_5K.exists():
        pytest.skip("../shared corpus not present")
    index_dir = tmp_path_factory.mktemp("corpus-index")
    reindex([CORPUS_5K], index_dir)
    return index_dir


@pytest.fixture(scope="session")
def corpus_client(corpus_index):
    return create_app({"VIGIE_INDEX": str(corpus_index)}).test_client()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@contextmanager
def gunicorn(index_dir: Path, workers: int = 2):
    """The real app served by real gunicorn on a free loopback port; yields its base URL."""
    port = free_port()
    env = dict(os.environ, VIGIE_INDEX=str(index_dir))
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "web:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded 2-core machine starts gunicorn slowly
    try:
        while True:
            try:
                if http_get(base + "/api/search?q=")[0] in (200, 503):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    proc.kill()  # reading a live process's stderr would block for ever
                    raise RuntimeError("gunicorn did not start: " + proc.communicate()[1].decode()) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# A small corpus with sources and dates, for API, fuzz and browser tests.
SAMPLE_RECORDS = [
    {"id": "d1", "title": "Frappes aériennes en Syrie", "source": "AFP", "date": "2019-10-09T21:50:00+02:00",
     "text": "Des frappes aériennes ont visé des positions kurdes. La défense européenne reste muette."},
    {"id": "d2", "title": "La défense européenne en débat", "source": ["Reuters", "AFP"], "date": "2019-11-02",
     "text": "Les ministres discutent de défense européenne et de l'OTAN à Bruxelles."},
    {"id": "d3", "title": "Exercice naval de l'Otan en Baltique", "source": "Reuters", "date": "2020-03-15",
     "text": "Les navires de l'OTAN manoeuvrent en mer Baltique, au large des États-Unis d'Europe."},
    {"id": "d4", "title": "Barkhane : fin de l'opération au Sahel", "source": "Le Monde", "date": "2021-06-10",
     "text": "L'opération Barkhane prend fin. Les soldats de Barkhane rentrent. Barkhane aura duré huit ans."},
    {"id": "d5", "title": "Note sans date", "text": "Une frappe aérienne israélienne sur Gaza. Barkhane n'est pas concerné."},
    {"id": "d6", "title": "Entretien avec un diplomate", "source": "AFP", "date": "2020-03-20",
     "text": "Le diplomate évoque la dissuasion nucléaire française et la dissuasion en général. Nucléaire civil aussi."},
]


@pytest.fixture(scope="session")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("api")
    write_jsonl(root / "corpus.jsonl", SAMPLE_RECORDS)
    reindex([root / "corpus.jsonl"], root / "ix")
    return create_app({"VIGIE_INDEX": str(root / "ix")}).test_client()
