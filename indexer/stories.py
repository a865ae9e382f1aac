"""Copies and versions of one article: exact duplicates and stories.

Two documents with the same normalised text (case, accents, punctuation and
spacing aside) are copies of one article: they share a `text_key`. Versions of
one story (a wire update, a rewrite of the same dispatch) share much of their
wording: each document gets a MinHash signature of its word shingles
(datasketch), the words of its lead (its first sentence, where a rewrite of
one dispatch keeps the facts while changing the wording elsewhere) and a hash
of each of its sentences. A new document joins the story of the most similar
document already indexed, found through LSH, when the story began within
WINDOW_DAYS and either the share of the shorter text's shingles found in the
other (containment) plus half the overlap of their leads is high, or a third
of the shorter text's sentences are the other's word for word (an outlet that
rewrites a dispatch's lead but keeps its body). Signatures are kept in a column
of the index, so an incremental reindex places new files without recomputing
the corpus; existing documents never change story.
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
# Similarity (containment of shingles + LEAD_WEIGHT x Jaccard of lead words) from which two
# texts are one story, the share of the shorter text's sentences found word for word in the
# other that also makes them one (the gold set's written rule: "a third or more"), and the
# days within which a story's versions follow its first one (scripts/eval_stories.py --sweep).
SAME_STORY = 0.9
SAME_SENTENCES = 1 / 3
LEAD_WEIGHT = 0.5
WINDOW_DAYS = 2
SENTENCE_MIN_CHARS = 40  # shorter sentences ("Il a démenti.") are shared by chance
LEAD_MIN_LETTERS = 4  # shorter words (articles, prepositions) say nothing of the facts
LEAD_PREFIX = 5  # a lead word is its first letters: "annoncé" and "annonce" are one word
_WORD = re.compile(r"\w+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
FOLD_CACHE_SIZE = 4096  # distinct runs of non-ASCII characters remembered
FOLD_CACHED_CHARS = 16  # longer runs (a text in Chinese) are folded each time, not kept
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Where a folded text's sentences end for their hashes: also after a closing quote (folded to
# `"` or `>>`) and at every line break, so that an intertitle or a paragraph without a full stop
# is not one hash with the next sentence.
_SENTENCE_BREAK = re.compile(r'(?:(?<=[.!?])|(?<=[.!?]")|(?<=[.!?]>>))\s+|\s*\n\s*')
_SIGNATURE_DTYPE = np.dtype("<u4")
_SCHEME = "affine32"  # datasketch's default: 32-bit hash values


def fold(text: str) -> str:
    """The text folded to ASCII, then lower-cased (`€` → eur like the words around it; the
    analyzer's indexer.french.fold lower-cases one word first and keeps its EUR).

    unidecode folds character by character, so only the runs of non-ASCII characters
    go through it (remembered: `é`, `à`, `’` come back on every line): a quarter of the time
    of folding the whole text."""
    return _NON_ASCII.sub(_folded_run, text).lower()


def _folded_run(match: re.Match) -> str:
    run = match.group()
    return _fold_run(run) if len(run) <= FOLD_CACHED_CHARS else unidecode(run)


@lru_cache(maxsize=FOLD_CACHE_SIZE)
def _fold_run(run: str) -> str:
    return unidecode(run)


def normalised_words(text: str) -> list[str]:
    """The words of a text, lower-cased and folded: what copies have in common."""
    return _WORD.findall(fold(text))


def text_key(words: list[str]) -> bytes:
    """Equal for texts that differ only by case, accents, punctuation or spacing."""
    return hashlib.blake2b(" ".join(words).encode(), digest_size=16).digest()


def lead_words(text: str) -> set[str]:
    """The words of a text's first sentence that carry its facts (names, numbers, verbs),
    cut to their first letters so that inflections match."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    return {w[:LEAD_PREFIX] for w in normalised_words(first) if len(w) >= LEAD_MIN_LETTERS or w.isdigit()}


def words_and_sentences(folded: str) -> tuple[list[str], set[int]]:
    """The words of a folded text (`fold`), and a 32-bit hash of the words of each of its
    sentences (or lines) longer than SENTENCE_MIN_CHARS: what two versions of one dispatch
    share word for word. One pass: no word spans a sentence end."""
    words: list[str] = []
    hashes: set[int] = set()
    for sentence in _SENTENCE_BREAK.split(folded):
        found = _WORD.findall(sentence)
        words += found
        if len(sentence.strip()) > SENTENCE_MIN_CHARS:
            hashes.add(int.from_bytes(text_key(found)[:4], "little"))
    return words, hashes


def signature(words: list[str], lead: set[str], sentences: set[int]) -> bytes:
    """The text's story signature, as bytes for a column: the MinHash of its word shingles,
    their number, the number of lead words, their sorted hashes, then its sorted sentence hashes."""
    shingles = {" ".join(words[i:i + SHINGLE_WORDS]).encode() for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    mh = _minhash_class()(num_perm=NUM_PERM, scheme=_SCHEME, permutations=_permutations())
    from datasketch.hashfunc import sha1_hash32  # datasketch is loaded by now (_minhash_class)

    mh.update_batch(list(shingles))
    hashed = sorted({sha1_hash32(w.encode()) for w in lead})
    return np.concatenate([mh.hashvalues, [len(shingles), len(hashed)], hashed, sorted(sentences)]
                          ).astype(_SIGNATURE_DTYPE).tobytes()


def hashvalues(raw: bytes) -> np.ndarray:
    """The MinHash values of a signature's bytes (what LSH bands)."""
    return np.frombuffer(raw, dtype=_SIGNATURE_DTYPE, count=NUM_PERM)


@dataclass(frozen=True)
class Signature:
    """A story signature read back from its bytes."""

    hashvalues: np.ndarray
    shingles: int
    lead: frozenset[int]
    sentences: frozenset[int]

    @classmethod
    def read(cls, raw: bytes) -> "Signature":
        """The parts of `signature`'s bytes (the lead's count says where the sentences begin)."""
        values = np.frombuffer(raw, dtype=_SIGNATURE_DTYPE)
        shingles, leads = int(values[NUM_PERM]), int(values[NUM_PERM + 1])
        start = NUM_PERM + 2
        return cls(values[:NUM_PERM], shingles, frozenset(values[start:start + leads].tolist()),
                   frozenset(values[start + leads:].tolist()))

    def jaccard(self, other: "Signature") -> float:
        """Estimated Jaccard of the two shingle sets, as datasketch's MinHash.jaccard computes it."""
        return np.count_nonzero(self.hashvalues == other.hashvalues) / NUM_PERM

    def similarity(self, other: "Signature") -> float:
        """Containment of the shorter text's shingles in the other (estimated from the
        Jaccard and the two counts) plus LEAD_WEIGHT x the Jaccard of the lead words."""
        jaccard = self.jaccard(other)
        shared = jaccard * (self.shingles + other.shingles) / (1 + jaccard)
        contained = min(1.0, shared / max(1, min(self.shingles, other.shingles)))
        union = len(self.lead | other.lead)
        return contained + LEAD_WEIGHT * (len(self.lead & other.lead) / union if union else 0.0)

    def shared_sentences(self, other: "Signature") -> float:
        """The share of the shorter text's sentences that the other has word for word."""
        fewer = min(len(self.sentences), len(other.sentences))
        return len(self.sentences & other.sentences) / fewer if fewer else 0.0

    def closeness(self, other: "Signature") -> float:
        """How far the pair is past the bar of one story (>= 1: one story): the similarity over
        SAME_STORY, or 1 when SAME_SENTENCES of the sentences are shared and it is below."""
        relative = self.similarity(other) / SAME_STORY
        return 1.0 if relative < 1.0 and self.shared_sentences(other) >= SAME_SENTENCES else relative


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


def story_keys(text: str) -> tuple[bytes, bytes]:
    """A text's `text_key` and story `signature`."""
    words, sentences = words_and_sentences(fold(text))  # folded once: folding is half the cost
    return text_key(words), signature(words, lead_words(text), sentences)


def fingerprint(doc) -> None:
    """Fill a Document's section, text key and signature (in the parsing workers)."""
    doc.section = section(doc.url)
    doc.text_key, doc.signature = story_keys(doc.text)


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
        # Not a stable sort (4× slower): equal keys' rows come out as one set whatever their order.
        self.order = np.argsort(keys, axis=None)
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
        self.signatures = [m.signature for m in indexed]  # read back for candidates only
        kept = np.frombuffer(b"".join(m.signature[:NUM_PERM * _SIGNATURE_DTYPE.itemsize] for m in indexed),
                             dtype=_SIGNATURE_DTYPE)
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

    def _best(self, member: Member, bands: list[bytes]) -> str | None:
        """The story of the closest candidate within the window (`Signature.closeness`; ties,
        such as two candidates let in by their shared sentences: the smallest id)."""
        own = Signature.read(member.signature)
        rows, _ = self._candidates(own.hashvalues, bands)
        scored = ((own.closeness(Signature.read(self.signatures[row])), row) for row in rows.tolist())
        eligible = [(sim, row) for sim, row in scored
                    if sim >= 1.0 and self._within_window(self.story_of[row], member.day)]
        if not eligible:
            return None
        top = max(sim for sim, _ in eligible)
        return self.story_of[min((self.ids[row], row) for sim, row in eligible if sim == top)[1]]

    def assign(self, member: Member) -> str:
        """The story of a new document (its own id when it starts one); records it."""
        sig = hashvalues(member.signature)
        bands = [sig[b * ROWS:(b + 1) * ROWS].tobytes() for b in range(BANDS)]
        story = self.by_text.get(member.text_key)
        if story is None:
            story = self._best(member, bands)
        member.story = story or member.id
        row = len(self.ids)
        if row == len(self.matrix):  # more than announced: grow
            self.matrix = np.concatenate([self.matrix, np.empty_like(self.matrix[:max(row, 64)])])
        self.matrix[row] = sig
        self.ids.append(member.id)
        self.story_of.append(member.story)
        self.signatures.append(member.signature)
        for b, band in enumerate(bands):
            self.buckets[b].setdefault(band, []).append(row)
        self._record(member)
        return member.story


def assign_all(indexed: list[Member], new: list[Member]) -> None:
    """Give every new document its story, oldest first (the first version founds it)."""
    stories = Stories(indexed, adding=len(new))
    for member in sorted(new, key=lambda m: (not m.date_key, m.date_key, m.id)):
        stories.assign(member)
