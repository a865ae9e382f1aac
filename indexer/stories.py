"""Copies and versions of one article: exact duplicates and stories.

Two documents with the same normalised text (case, accents, punctuation and
spacing aside) are copies of one article: they share a `text_key`. Versions of
one story (a wire update, a rewrite of the same dispatch) share much of their
wording: each document gets a MinHash signature of its word shingles
(datasketch), and a new document joins the story of the most similar document
already indexed, found through LSH, when their estimated Jaccard similarity is
high and the story began within a few days. Signatures are kept in a column of
the index, so an incremental reindex places new files without recomputing the
corpus; existing documents never change story.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import numpy as np
from unidecode import unidecode

NUM_PERM = 128
SHINGLE_WORDS = 3
LSH_THRESHOLD = 0.2  # candidates from LSH (recall), then verified against SAME_STORY
# Estimated Jaccard of shingles from which two texts are one story, and the days within
# which a story's versions follow its first one (scripts/eval_stories.py --sweep).
SAME_STORY = 0.35
WINDOW_DAYS = 1
_WORD = re.compile(r"\w+")
_SIGNATURE_DTYPE = np.dtype("<u4")
_SCHEME = "affine32"  # datasketch's default: 32-bit hash values


def normalised_words(text: str) -> list[str]:
    """The words of a text, lower-cased and folded: what copies have in common."""
    return _WORD.findall(unidecode(text).lower())


def text_key(words: list[str]) -> bytes:
    """Equal for texts that differ only by case, accents, punctuation or spacing."""
    return hashlib.blake2b(" ".join(words).encode(), digest_size=16).digest()


def signature(words: list[str]) -> bytes:
    """MinHash signature of the text's word shingles, as bytes for a column."""
    shingles = {" ".join(words[i:i + SHINGLE_WORDS]).encode() for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    from datasketch import MinHash  # imported on first use: datasketch pulls in scipy (0.6 s), which a
    # reindex that finds nothing changed need not pay

    mh = MinHash(num_perm=NUM_PERM, scheme=_SCHEME)
    mh.update_batch(list(shingles))
    return mh.hashvalues.astype(_SIGNATURE_DTYPE).tobytes()


def section(url: str | None) -> str | None:
    """The site section an article was filed under: the first folder of its URL path
    (`/societe/…` → "societe"); None when there is no URL or no folder."""
    if not url:
        return None
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return parts[0].lower() if len(parts) > 1 else None


def fingerprint(doc) -> None:
    """Fill a Document's section, text key and signature (in the parsing workers)."""
    words = normalised_words(doc.text)  # once: folding is half the cost
    doc.section = section(doc.url)
    doc.text_key = text_key(words)
    doc.signature = signature(words)


def _minhash(raw: bytes) -> "LeanMinHash":
    from datasketch import LeanMinHash

    return LeanMinHash(seed=1, hashvalues=np.frombuffer(raw, dtype=_SIGNATURE_DTYPE), scheme=_SCHEME)


def day_of_key(key: int) -> int | None:
    """Day number of a date key (YYYYMMDDhhmm, 0 when unknown)."""
    if not key:
        return None
    day = key // 10**4
    try:
        return date(day // 10**4, day // 100 % 100, day % 100).toordinal()
    except ValueError:
        return None


@dataclass
class Member:
    """What story assignment needs of one document."""

    id: str
    text_key: bytes
    signature: bytes
    date_key: int  # YYYYMMDDhhmm, 0 when unknown (indexer.metadata.date_key)
    story: str = ""

    @property
    def day(self) -> int | None:
        return day_of_key(self.date_key)


class Stories:
    """Assigns stories to new documents, given the documents already indexed."""

    def __init__(self, indexed: list[Member]):
        from datasketch import MinHashLSH

        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.signatures: dict[str, "MinHash"] = {}
        self.story_of: dict[str, str] = {}
        self.by_text: dict[bytes, str] = {}
        self.story_start: dict[str, int | None] = {}
        for member in indexed:
            self._add(member)

    def _add(self, member: Member) -> None:
        mh = _minhash(member.signature)
        self.signatures[member.id] = mh
        self.story_of[member.id] = member.story
        self.by_text.setdefault(member.text_key, member.story)
        day = member.day
        start = self.story_start.get(member.story, day)
        self.story_start[member.story] = day if start is None else (start if day is None else min(start, day))
        self.lsh.insert(member.id, mh)

    def _within_window(self, story: str, day: int | None) -> bool:
        start = self.story_start.get(story)
        return day is None or start is None or abs(day - start) <= WINDOW_DAYS

    def assign(self, member: Member) -> str:
        """The story of a new document (its own id when it starts one); records it."""
        story = self.by_text.get(member.text_key)
        if story is None:
            mh = _minhash(member.signature)
            day = member.day
            best = SAME_STORY
            for other in self.lsh.query(mh):
                similarity = mh.jaccard(self.signatures[other])
                if similarity >= best and self._within_window(self.story_of[other], day):
                    best, story = similarity, self.story_of[other]
        member.story = story or member.id
        if member.id in self.signatures:  # a document indexed twice in one run: the later one counts
            self.lsh.remove(member.id)
        self._add(member)
        return member.story


def assign_all(indexed: list[Member], new: list[Member]) -> None:
    """Give every new document its story, oldest first (the first version founds it)."""
    stories = Stories(indexed)
    for member in sorted(new, key=lambda m: (not m.date_key, m.date_key, m.id)):
        stories.assign(member)
