"""The French analyzer shared by indexing and querying.

One tokenizer does the whole chain in a single pass (apostrophes, elision, case,
accent folding, stop words, Snowball stemming) because chaining Whoosh filters
costs a generator hop per token per filter, and indexing speed matters at 36k
articles. Every step is cached per surface form.
"""
from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from unidecode import unidecode
from whoosh.analysis import Token, Tokenizer

APOSTROPHES = "'’‘ʼ`´"
_APOS_TABLE = str.maketrans({c: "'" for c in APOSTROPHES})

# Letters/digits, possibly joined by apostrophes (for elision); hyphens and
# every other punctuation split words, so `États-Unis` gives `etats`, `unis`.
WORD_RE = re.compile(r"[^\W_]+(?:['’‘ʼ][^\W_]+)*")

ELISIONS = frozenset(
    "l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu quelqu".split()
)

# Folded French stop words: Snowball's list, the forms of être/avoir it lists,
# and the pronouns, determiners and adverbs analysts never search for. Not
# `avions`: in defence news it is planes (porte-avions, avions de chasse), far
# more than `nous avions`.
STOP_WORDS = frozenset(
    unidecode(w)
    for w in """
a à ai aie aient aies ait as au aucun aucune aupres auquel aura aurai auraient aurais
aurait auras aurez auriez aurions aurons auront aussi autre autres aux avaient avais
avait avec avez aviez avoir avons ayant ayez ayons c ca ce ceci cela celle
celles celui cependant certain certaine certaines certains ces cet cette ceux chacun
chacune chaque chez ci comme comment d dans de dela des desquelles desquels deux dont
du duquel elle elles en encore entre es est et etaient etais etait etant etante etantes
etants ete etee etees etes etiez etions etre eu eue eues eumes eurent eus eusse
eussent eusses eussiez eussions eut eutes eux fumes furent fus fusse fussent fusses
fussiez fussions fut futes il ils j je jusqu l la laquelle le lequel les lesquelles
lesquels leur leurs lors lorsqu lui m ma mais me meme memes mes moi mon n ne ni nos
notre nous on ont or ou où par parce pas peu peut plupart pour pourquoi puis puisqu qu
quand que quel quelle quelles quels qui quoi quoiqu s sa sans se sera serai seraient
serais serait seras serez seriez serions serons seront ses si sien sienne siennes
siens soi soient sois soit sommes son sont soyez soyons suis sur t ta te tes toi ton
tous tout toute toutes tu un une unes uns vos votre vous y à été être même où là ça
quelqu presqu afin ainsi alors apres avant car
contre depuis donc dès des déjà deja ici jamais lorsque malgre malgré outre parmi
pendant pourtant puisque quoique selon sinon sous tandis tant tel telle telles tels
toujours tres très trop vers via voici voila voilà
""".split()
)



@lru_cache(maxsize=1)
def _stemmer():
    """Snowball's French stemmer, imported on first use: a reindex that finds nothing to do
    (or a process that only opens the schema) need not pay for nltk.

    nltk's package import also loads scipy when it is installed (0.5 s of a one-file add),
    for collocation and alignment statistics Vigie never uses; each of those modules does
    without scipy when it is missing, so scipy is hidden while nltk loads."""
    with _hidden("scipy"):
        from nltk.stem.snowball import FrenchStemmer

    return FrenchStemmer()


@contextmanager
def _hidden(name: str) -> Iterator[None]:
    """Module `name` (and its submodules not loaded yet) cannot be imported inside the block
    (Python's sys.modules[name] = None rule); outside it nothing has changed."""
    missing = object()
    loaded = sys.modules.get(name, missing)
    sys.modules[name] = None
    try:
        yield
    finally:
        if loaded is missing:
            del sys.modules[name]
        else:
            sys.modules[name] = loaded

# Bumped whenever the terms produced for a word change: an index written with
# another version is rebuilt in full (see indexer.schema.compatible).
ANALYZER_VERSION = 6

# Nouns in -eu/-ou whose plural takes an x (French grammar's closed lists);
# other words in -eux/-oux are singular (`dangereux`, `jaloux`).
_X_PLURALS = frozenset(
    "lieu milieu jeu enjeu feu voeu aveu neveu cheveu dieu adieu essieu "
    "bijou caillou chou genou hibou joujou pou".split()
)


WORD_CACHE_SIZE = 2**18  # per cache: above the 36k corpus's vocabulary, bounded whatever queries bring


@lru_cache(maxsize=WORD_CACHE_SIZE)
def fold(word: str) -> str:
    """Lower-case, ASCII-fold (œ→oe, É→e) and normalise apostrophes of one word."""
    return unidecode(word.translate(_APOS_TABLE).lower())


def singular(folded: str) -> str:
    """The word without its plural mark: an s, unless after a (`bras`, `cas`,
    `Hamas`) or another s; an x after French grammar's -eu/-ou nouns (`lieux`).

    Snowball removes a final s only when no other suffix rule fired, and never
    after a vowel: alone, it stems `retrait` to retr but `retraits` to
    retrait, and keeps `essais` apart from `essai`.
    """
    if len(folded) > 3:
        last, before = folded[-1], folded[-2]
        if last == "s" and before not in "as":
            return folded[:-1]
        if last == "x" and folded[:-1] in _X_PLURALS:
            return folded[:-1]
    return folded


_INFLECTIONS = ("s", "e", "es", "x")


SPLITS_FILE = Path(__file__).with_name("data") / "stem_splits.txt"


def read_splits(path: Path) -> dict[str, list[str]]:
    """A splits file: each line `stem: word word…` (folded, singular), `#` comments."""
    splits: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            new, _, forms = line.partition(":")
            splits[new.strip()] = forms.split()
    return splits


@lru_cache(maxsize=1)
def splits_digest() -> str:
    """A digest of stem_splits.txt, kept in the schema by every tokenizer: an analyst's edit
    of the file changes the index terms, so the next reindex rebuilds in full by itself."""
    return hashlib.blake2b(SPLITS_FILE.read_bytes(), digest_size=8).hexdigest()


@lru_cache(maxsize=1)
def _split_stems() -> dict[str, str]:
    """Folded singular word -> its own stem, for the words Snowball gives the stem of an
    unrelated word (`foyer` and `fois` both foi): indexer/data/stem_splits.txt, mined
    from the corpus by scripts/stem_collisions.py and checked."""
    return {form: new for new, forms in read_splits(SPLITS_FILE).items() for form in forms}


@lru_cache(maxsize=WORD_CACHE_SIZE)
def stem(folded: str) -> str:
    """Index stem of an already folded word: Snowball's (below), unless the word is one
    that Snowball confuses with an unrelated word (stem_splits.txt)."""
    if folded.isdigit():
        return folded
    word = singular(folded)
    return _split_stems().get(word) or _snowball_singular(word)


def snowball_stem(folded: str) -> str:
    """Snowball French stem of an already folded word, the same for its number and gender.

    Stemming the folded form (not the accented one) is what makes `défense`
    and `defense` land on the same term, whatever the user typed. Snowball
    runs its suffix rules once: when all it removed is an inflection (s, e,
    es, x), the rest may still carry a suffix the other forms lose, so the
    rest is stemmed again: `française` → français → franc like `français`,
    `blessées` → blessé → bless like `blessé`.
    """
    return folded if folded.isdigit() else _snowball_singular(singular(folded))


def _snowball_singular(word: str) -> str:
    """`snowball_stem` of a word already without its plural mark."""
    result = _stemmer().stem(word)
    while result != word and word.startswith(result) and word[len(result):] in _INFLECTIONS:
        shorter = singular(result)
        if len(shorter) >= len(word):
            break
        word, result = shorter, _stemmer().stem(shorter)
    return result


@lru_cache(maxsize=WORD_CACHE_SIZE)
def normalise(surface: str, stemming: bool, stops: bool) -> str | None:
    """Index term for one surface word, or None for a stop word."""
    word = fold(surface)
    if "'" in word:
        head, _, rest = word.partition("'")
        if head in ELISIONS:
            word = rest
    if not word or (stops and word in STOP_WORDS):
        return None
    return stem(word) if stemming else word


class FrenchTokenizer(Tokenizer):
    """Whoosh tokenizer producing folded (optionally stemmed) French terms."""

    def __init__(self, stemming: bool = True, stops: bool = True):
        self.stemming = stemming
        self.stops = stops
        self.version = ANALYZER_VERSION
        self.splits = splits_digest()

    def __eq__(self, other):
        # An index's schema is unpickled from disk: tokenizers from before
        # versions (or the splits digest) existed have no such attribute.
        return (
            type(other) is type(self)
            and other.stemming == self.stemming
            and other.stops == self.stops
            and getattr(other, "version", 1) == getattr(self, "version", 1)
            and getattr(other, "splits", None) == getattr(self, "splits", None)
        )

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Wildcards and ranges: keep the pattern whole, folded, unstemmed.
            t.original = t.text = fold(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        stemming, stops = self.stemming, self.stops
        pos = start_pos
        for match in WORD_RE.finditer(value):
            term = normalise(match.group(), stemming, stops and removestops)
            if term is None:
                continue
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = match.group()
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


def french_analyzer() -> FrenchTokenizer:
    """Body and title analysis: folded, stop words removed, stemmed."""
    return FrenchTokenizer(stemming=True, stops=True)


def folded_analyzer() -> FrenchTokenizer:
    """Unstemmed folded words: the vocabulary for typos and suggestions."""
    return FrenchTokenizer(stemming=False, stops=True)


def name_analyzer() -> FrenchTokenizer:
    """Names (persons, sources, authors): folded, every word kept."""
    return FrenchTokenizer(stemming=False, stops=False)


def terms(text: str) -> list[str]:
    """Index terms of `text` (stemmed), without Whoosh tokens: the fast path for
    counting a document's words at query time."""
    return [t for t in (normalise(w, True, True) for w in WORD_RE.findall(text)) if t is not None]


def term_counts(text: str) -> Counter:
    """`Counter(terms(text))`, each distinct word analysed once (an article
    repeats most of its words: a third as many normalisations)."""
    counts: Counter = Counter()
    for word, n in Counter(WORD_RE.findall(text)).items():
        term = normalise(word, True, True)
        if term is not None:
            counts[term] += n
    return counts


def analyze(text: str, stemming: bool = True) -> list[str]:
    """Terms of `text` as the index sees them (for tests, snippets, suggestions)."""
    tokenizer = french_analyzer() if stemming else folded_analyzer()
    return [t.text for t in tokenizer(text)]
