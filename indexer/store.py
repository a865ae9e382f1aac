"""Where index generations live, and how a new one is swapped in atomically.

`VIGIE_INDEX` is a directory holding generation directories (`gen-…`, each a
Whoosh index) and a `current` symlink. A full rebuild writes a new generation
beside the live one and replaces the symlink with one rename(2), so a server
never sees a half-built index and a crash leaves the previous one in place.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index

CURRENT = "current"
GEN_PREFIX = "gen-"
KEEP_GENERATIONS = 2  # the live one and the one before, for readers still on it


def default_index_dir() -> Path:
    return Path(os.environ.get("VIGIE_INDEX", "index"))


def current_dir(index_dir: Path) -> Path | None:
    """The live generation directory, or None when nothing was indexed yet."""
    link = index_dir / CURRENT
    if not link.is_symlink():
        return None
    target = index_dir / os.readlink(link)
    return target if whoosh_index.exists_in(str(target)) else None


def new_generation(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / f"{GEN_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path.mkdir()
    return path


def swap_in(index_dir: Path, generation: Path) -> None:
    """Point `current` at `generation` atomically, then drop old generations."""
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(generation.name, tmp)
    os.replace(tmp, index_dir / CURRENT)
    prune(index_dir)


def prune(index_dir: Path) -> None:
    """Remove generations older than the last KEEP_GENERATIONS (and failed ones)."""
    live = current_dir(index_dir)
    gens = sorted(
        (p for p in index_dir.iterdir() if p.is_dir() and p.name.startswith(GEN_PREFIX)),
        key=lambda p: p.stat().st_mtime,
    )
    keep = {live} if live else set()
    for gen in reversed(gens):
        if len(keep) >= KEEP_GENERATIONS:
            break
        if live is None or gen.stat().st_mtime <= live.stat().st_mtime:
            keep.add(gen)
    for gen in gens:
        if gen not in keep:
            shutil.rmtree(gen, ignore_errors=True)


def size_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
