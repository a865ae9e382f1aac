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
from functools import lru_cache
from urllib.parse import urlsplit

import numpy as np
from unidecode import unidecode

NUM_PERM = 128
SHINGLE_WORDS = 3
LSH_THRESHOLD = 0.2  # candidates from LSH (recall), then verified against SAME_STORY
# datasketch's MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM) bands (a test checks them).
BANDS, ROWS = 28, 2
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
    mh = _minhash_class()(num_perm=NUM_PERM, scheme=_SCHEME, permutations=_permutations())
    mh.update_batch(list(shingles))
    return mh.hashvalues.astype(_SIGNATURE_DTYPE).tobytes()


@lru_cache(maxsize=1)
def _minhash_class():
    """datasketch's MinHash, imported on first use: datasketch pulls in scipy (0.6 s),
    which a reindex that finds nothing changed need not pay."""
    from datasketch import MinHash

    return MinHash


@lru_cache(maxsize=1)
def _permutations():
    """The seeded permutations every signature uses, drawn once per process (a fifth of a
    signature's cost when each MinHash drew them again)."""
    return _minhash_class()(num_perm=NUM_PERM, scheme=_SCHEME).permutations


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


class _BandTable:
    """LSH band buckets of the documents already indexed, built in numpy from their
    signatures (no Python loop over the corpus), queried by binary search."""

    def __init__(self, signatures: np.ndarray):
        keys = _band_keys(signatures)  # documents × BANDS
        self.order = np.argsort(keys, axis=None, kind="stable")
        self.keys = keys.ravel()[self.order]

    def candidates(self, keys: np.ndarray) -> np.ndarray:
        """Rows holding one of these band keys (a key may collide: verified by the caller)."""
        lo = np.searchsorted(self.keys, keys, side="left")
        hi = np.searchsorted(self.keys, keys, side="right")
        hits = [self.order[a:b] for a, b in zip(lo, hi) if b > a]
        return np.unique(np.concatenate(hits)) // BANDS if hits else np.empty(0, dtype=np.intp)


def _band_keys(signatures: np.ndarray) -> np.ndarray:
    """One 64-bit key per band of each signature (rows × BANDS), the band's number mixed in."""
    bands = signatures[:, :BANDS * ROWS].astype(np.uint64).reshape(len(signatures), BANDS, ROWS)
    keys = np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for row in range(ROWS):
            keys = keys * np.uint64(0x100000001B3) ^ bands[:, :, row]
    return keys


class Stories:
    """Assigns stories to new documents, given the documents already indexed.

    Candidates are the documents sharing one LSH band with the new one, exactly
    what datasketch's MinHashLSH(LSH_THRESHOLD, NUM_PERM) returns: the indexed
    ones are looked up in a band table built in numpy from their signatures, the
    documents of this run in per-band dictionaries. A one-file add thus costs no
    Python work per indexed document, and nothing needs storing beside the
    signature column.
    """

    def __init__(self, indexed: list[Member], adding: int = 0):
        self.ids = [m.id for m in indexed]
        self.story_of = [m.story for m in indexed]
        kept = np.frombuffer(b"".join(m.signature for m in indexed), dtype=_SIGNATURE_DTYPE)
        self.matrix = np.empty((len(indexed) + adding, NUM_PERM), dtype=_SIGNATURE_DTYPE)
        self.matrix[:len(indexed)] = kept.reshape(len(indexed), NUM_PERM)
        self.table = _BandTable(self.matrix[:len(indexed)])
        self.buckets: list[dict[bytes, list[int]]] = [{} for _ in range(BANDS)]  # this run's documents
        self.by_text: dict[bytes, str] = {}
        self.story_start: dict[str, int | None] = {}
        for member in indexed:
            self._record(member)

    def _record(self, member: Member) -> None:
        self.by_text.setdefault(member.text_key, member.story)
        day = member.day
        start = self.story_start.get(member.story, day)
        self.story_start[member.story] = day if start is None else (start if day is None else min(start, day))

    def _within_window(self, story: str, day: int | None) -> bool:
        start = self.story_start.get(story)
        return day is None or start is None or abs(day - start) <= WINDOW_DAYS

    def _candidates(self, sig: np.ndarray, bands: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """Rows sharing a band with `sig` exactly, and their signatures."""
        found = [self.table.candidates(_band_keys(sig[None, :])[0])]
        found += [np.array(self.buckets[b].get(band, ()), dtype=np.intp) for b, band in enumerate(bands)]
        rows = np.unique(np.concatenate(found))
        sigs = self.matrix[rows]
        same_band = (sigs[:, :BANDS * ROWS].reshape(len(rows), BANDS, ROWS)
                     == sig[:BANDS * ROWS].reshape(BANDS, ROWS)).all(axis=2).any(axis=1)
        return rows[same_band], sigs[same_band]

    def _best(self, sig: np.ndarray, bands: list[bytes], day: int | None) -> str | None:
        """The story of the most similar candidate within the window (ties: the smallest id)."""
        rows, sigs = self._candidates(sig, bands)
        # Estimated Jaccard as datasketch's MinHash.jaccard computes it.
        similarity = np.count_nonzero(sigs == sig, axis=1).astype(np.float64) / np.float64(NUM_PERM)
        eligible = [(sim, row) for row, sim in zip(rows.tolist(), similarity.tolist())
                    if sim >= SAME_STORY and self._within_window(self.story_of[row], day)]
        if not eligible:
            return None
        top = max(sim for sim, _ in eligible)
        return self.story_of[min((self.ids[row], row) for sim, row in eligible if sim == top)[1]]

    def assign(self, member: Member) -> str:
        """The story of a new document (its own id when it starts one); records it."""
        sig = np.frombuffer(member.signature, dtype=_SIGNATURE_DTYPE)
        bands = [sig[b * ROWS:(b + 1) * ROWS].tobytes() for b in range(BANDS)]
        story = self.by_text.get(member.text_key)
        if story is None:
            story = self._best(sig, bands, member.day)
        member.story = story or member.id
        row = len(self.ids)
        if row == len(self.matrix):  # more than announced: grow
            self.matrix = np.concatenate([self.matrix, np.empty_like(self.matrix[:max(row, 64)])])
        self.matrix[row] = sig
        self.ids.append(member.id)
        self.story_of.append(member.story)
        for b, band in enumerate(bands):
            self.buckets[b].setdefault(band, []).append(row)
        self._record(member)
        return member.story


def assign_all(indexed: list[Member], new: list[Member]) -> None:
    """Give every new document its story, oldest first (the first version founds it)."""
    stories = Stories(indexed, adding=len(new))
    for member in sorted(new, key=lambda m: (not m.date_key, m.date_key, m.id)):
        stories.assign(member)
