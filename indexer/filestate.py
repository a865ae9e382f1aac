"""What the last reindex saw of each file, so the next one need not re-read unchanged files.

A JSON file inside the generation directory records, for each file, its size,
modification time and inode beside the content hash the index holds, the
hash of the alias files and a digest of the person rules. It is written after each commit and names the Whoosh
generation it describes: a record that does not match the index (a crash between
the commit and the write, an index written by an older Vigie) is ignored, and
the files are hashed as before. A file is re-read when any of its stat fields
changed, so an edit is never missed (the content hash still decides "changed").
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "vigie-files.json"
VERSION = 1


@dataclass(frozen=True)
class FileStat:
    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> "FileStat | None":
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass
class FileState:
    """rel -> (stat, content hash, document count) for the files of one index generation."""

    generation: int
    aliases_hash: str
    files: dict[str, tuple[FileStat, str, int]]
    persons_rules: str | None = None  # indexer.persons.rules_digest of the run (None: not recorded)

    def unchanged(self, rel: str, stat: FileStat | None) -> tuple[str, int] | None:
        """(hash, document count) of a file whose stat is what it was, else None."""
        known = self.files.get(rel)
        if known is None or stat is None or known[0] != stat:
            return None
        return known[1], known[2]


def load(generation_dir: Path, generation: int) -> FileState | None:
    """The recorded state of `generation_dir`, or None when absent, unreadable or stale."""
    try:
        data = json.loads((generation_dir / STATE_FILE).read_text(encoding="utf-8"))
        if data.get("version") != VERSION or data.get("generation") != generation:
            return None
        files = {rel: (FileStat(*st), digest, count) for rel, (st, digest, count) in data["files"].items()}
        return FileState(generation, data["aliases_hash"], files, data.get("persons_rules"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(generation_dir: Path, state: FileState) -> None:
    """Write atomically (rename), so a reader sees the old record or the new one."""
    data = {
        "version": VERSION,
        "generation": state.generation,
        "aliases_hash": state.aliases_hash,
        "persons_rules": state.persons_rules,
        "files": {rel: [[st.size, st.mtime_ns, st.inode], digest, count]
                  for rel, (st, digest, count) in sorted(state.files.items())},
    }
    tmp = generation_dir / f".{STATE_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, generation_dir / STATE_FILE)
