"""Shared fixtures: real indexes on disk, built by the real reindex."""
from __future__ import annotations

import json
import shutil
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
