"""The document every source format is turned into before indexing."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Document:
    """One article, with metadata extracted from it (None/empty when unknown)."""

    id: str
    title: str
    text: str
    path: str  # relative to its seeds root, with extension
    file_hash: str = ""
    sources: list[str] = field(default_factory=list)  # canonical, corpus-wide values once indexed
    sources_raw: list[str] = field(default_factory=list)  # as this article credits them
    date: str | None = None  # ISO 8601, as precise as the article says
    author: str | None = None
    url: str | None = None
    persons: list[str] = field(default_factory=list)  # canonical, corpus-wide values
    persons_raw: list[str] = field(default_factory=list)  # as this article names them
    section: str | None = None  # the site section of its URL (indexer.stories.section)
    text_key: bytes = b""  # equal for copies of one text (indexer.stories)
    signature: bytes = b""  # story signature (indexer.stories.signature)
    story: str = ""  # id of the story's first version
    first_indexed: int = 0  # milliseconds since the epoch of the reindex run that first saw this id

    def to_dict(self) -> dict:
        return asdict(self)
