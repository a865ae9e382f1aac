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
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                if http_get(base + "/api/search?q=")[0] in (200, 503):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("gunicorn did not start: " + proc.stderr.read().decode()) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
