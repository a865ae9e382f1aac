"""Persons mentioned in an article: rules over capitalised runs, a first-name gazetteer and context.

A run of capitalised words is a person when it starts with a known first name
(the ~48k international first names shipped by `gender-guesser`) followed by a
surname, or when its context says so — the names no gazetteer knows: a title
cue ("M.", "la ministre des Armées"), reported speech ("», explique Suerie
Moon"), a role in apposition ("le négociateur palestinien, Saëb Erakat",
"Mustafa, un réfugié"), a sibling ("Saïd et Chérif Kouachi") or a list beside
a person. A first name alone is a person in vox pop ("Nabil, 64 ans").
Organisations, titles in quotes and things named after people are not. Word
lists are in `indexer/data/`. Within one article, every mention of a person
("Jens Stoltenberg", "M. Stoltenberg", "Stoltenberg") is reduced to its
fullest form. Corpus-wide merging of variants lives in `indexer/person_merge.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.french import STOP_WORDS, fold

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zà-öø-ÿœ"
# A capitalised word: "Stoltenberg", "Jean-Yves", "O'Rourke", "Ing-wen", "al-Sarraj", "McNamara".
_CAP = rf"(?:(?:al|el)-)?(?:[{_UP}][{_LOW}]*['’])?[{_UP}][{_LOW}]+(?:[{_UP}][{_LOW}]{{2,}})?(?:-[{_UP}{_LOW}][{_LOW}]+)*"
_FRENCH_PARTICLE = r"(?:de|du|des|la|le)"
_PARTICLE = r"(?:de|du|des|di|da|dos|das|del|della|van|von|der|den|ben|bin|ibn|al|el|y|ould|abou|abu|bou|le|la)"
# Elided words glued to a name: "d'Emmanuel Macron", "qu'Emmanuel Macron"; capital
# N' and M' open names themselves ("N'Golo Kanté", "M'Bala").
_ELISION = r"(?:[dlDLjnstcm]|[qQ]u|[jJ]usqu|[lL]orsqu|[pP]uisqu)"
# After the first word, an initial or a regnal number may follow: "John A. Gotti", "Adam D.", "Elisabeth II".
_NEXT = rf"(?:{_CAP}|[{_UP}]\.|(?:II|III|IV|VI|VII|VIII|IX)(?![\w'’-]))"
# "Me Edouard de Lamaze", "M. de Villepin": an honorific opens the run, the particle follows the name.
_HONORIFIC = r"(?:M\.|MM\.|Mme|Mmes|Mlle|Me|Mgr|Dr|Pr)"
RUN_RE = re.compile(
    rf"(?<![\w'’-])(?:{_ELISION}['’](?=[{_UP}]))?((?:{_HONORIFIC}\s)?{_CAP}(?:\s{_PARTICLE}){{0,2}}(?:\s{_NEXT}){{0,5}})(?![\w'’-])"
)
MAX_NAME_TOKENS = 4
DATA = Path(__file__).parent / "data"


def _words(name: str) -> frozenset[str]:
    """A word list of indexer/data/: one folded word a line, `#` comments."""
    lines = (DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


# Words before a name that say a person follows ("M. Austin", "le général Haftar").
CUES = _words("person_cues")
# Capitalised honorifics that open a run: "Mme Callebaut", "Me Fonteix".
HONORIFICS = _words("person_honorifics")
# Words before a capitalised run that make it a thing named after a person.
THING_CUES = _words("person_thing_cues")
MAX_FILLERS = 4
# Cues that are also verbs ("Trump juge Pékin…"): a cue only after an article.
CUES_NEEDING_ARTICLE = _words("person_cues_needing_article")
# Who a person is, in an apposition rather than a title: "Mustafa, un réfugié soudanais".
ROLE_NOUNS = _words("person_role_nouns")
# Organisation and place words: a run holding one names no person up to it ("Save The Children").
NOT_IN_NAMES = _words("not_in_names")

# Capitalised words a first-name list contains but that start no person here.
NOT_FIRST_NAMES = _words("not_first_names")
# Capitalised words that end no person's name (organisations, places, pronouns).
NOT_SURNAMES = (STOP_WORDS - {"un", "une"}) | _words("not_surnames")
# First names that are also places: a name only when no place preposition precedes.
PLACE_NAMES = _words("first_name_places")
# Words opening a place whose next word may be a first name: "Los Angeles", "St James".
PLACE_HEADS = _words("place_heads")
# First names that are also words ("Rose", "Marine"): no opener alone, but a confirmed name may start with one.
WORD_FIRST_NAMES = _words("first_names_also_words")
_NEVER_ALONE = STOP_WORDS | (NOT_FIRST_NAMES - WORD_FIRST_NAMES)  # a lone capitalised word that is never a person
_PLACE_PREPOSITION = re.compile(r"(?:\b(?:à|a|au|en|de|du|vers|depuis|pres de|près de)|[dl]['’])\s*$", re.I)
_PREPOSITION_BEFORE = re.compile(r"(?:\b(?:de|du|des|la|le|les|à|au|aux|en|pour|sur|par|avec|contre|chez)|[dlDL]['’])\s*$")
_SENTENCE_END = re.compile(r"(?<!\bM)(?<!\bMM)(?<!\bMme)(?<!\bMgr)(?<!\bDr)(?<!\bPr)[.!?:;»\"\n]\s*$")
# Reported speech that names its speaker: ", a affirmé lundi Ben Crump," / "a écrit Piyush Goyal".
_SPEECH_BEFORE = re.compile(
    r"\b(?:a|ont|avait|aurait)\s+(?:\w+é|dit|écrit|fait savoir|admis|reconnu|promis|prévenu|soutenu)"
    r"(?:\s+(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|encore|aussi|également|"
    r"notamment|alors|ensuite|récemment|auparavant|dans un communiqué))?\s+$"
)
# Present-tense speech after a quote or a comma: «…», explique Jean Dupont / », a confié à l'AFP Mustafa.
_SPEECH_VERBS = "|".join(re.escape(w).replace("'", "['’]") for w in sorted(_words("speech_verbs"), key=len, reverse=True))
_QUOTED_SPEECH_BEFORE = re.compile(
    r"(?:[»\"”]|,)\s*(?:a\s+|ont\s+)?(?:" + _SPEECH_VERBS + r")(?:-t-(?:il|elle))?"
    r"(?:\s+(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|encore|aussi|également|alors|"
    r"dans la journée|dans un communiqué))?"
    r"(?:\s+(?:à|auprès de|devant)\s+(?:l['’]|la\s+|le\s+)?(?:AFP|Reuters|presse|[\w-]+))?\s+$"
)
_AGE_AFTER = re.compile(r"^\s*,\s+(?:(?:un|une|l['’]|le|la)\s*)?(?:[^\W\d][\w'’-]*\s+){0,5}?(?:de\s+)?\d{1,3}\s+ans\b")
_QUOTE_OPEN = re.compile(r"[\"«“]\s*(?:M\.|Mme|Mr)?\s*$")
_QUOTE_CLOSE = re.compile(r"\s*[\"»”]")
# A capitalised people's name after a cue ("la première Amérindienne") is no person.
_DEMONYM = re.compile(r"(?:ienne|éenne|aise|oise|aine)s?$")
_WINDOW_WORDS = re.compile(r"[\w'’.-]+|,")
_LOWER_WORD = re.compile(rf"[{_LOW}][{_LOW}-]+")
_LAST_WORD = re.compile(r"([\w-]+)\s+(?:[dl]['’])?$")
_FRENCH_PARTICLE_RE = re.compile(_FRENCH_PARTICLE)
_PARTICLE_RE = re.compile(_PARTICLE)
_PLACE_LIKE = re.compile(r"-(?:de|du|des|la|le|les|sur|en|sous|lès)-|^Saint|^Sainte")
_LOWER_HYPHEN = re.compile(rf"-[{_LOW}]")
_PORTFOLIO_BEFORE = re.compile(r"\b(?:de|des|du|de la|de l['’])\s*$")
_DETERMINER_BEFORE = re.compile(r"(?:\b(?:le|la|les|un|une)\s+|\b[lL]['’])$")
_FAMILY_BEFORE = re.compile(r"\b(?:frères|sœurs|soeurs|époux|jumeaux|jumelles|cousins|cousines)\s+$")
_AND = re.compile(r"\s+et\s+")
_LIST_SEPARATOR = re.compile(r"\s*,\s*|\s+et\s+")
_ARTICLES = {"le", "la", "l'", "l’", "du", "au", "un", "une", "son", "sa", "leur", "ce", "cet", "cette", "notre"}
# An apposition that says who the person is: "Ben Crump, l'avocat de la famille".
_ROLE_AFTER = re.compile(
    r"^\s*,\s+(?:l['’]|le\s+|la\s+|un\s+|une\s+|son\s+|sa\s+|leur\s+)?(?:[\w-]+\s+){0,2}?(\w[\w-]*)"
)

# The same apposition before the name: "le ministre jordanien des Affaires étrangères, Aymen al-Safadi".
_APPOSED_SEGMENT = re.compile(r"([^.;:!?\n,«»\"]{1,80}),\s*$")
_DETERMINED = re.compile(r"\b(?:le|la|l['’]|son|sa|leur|un|une)\s*([\w-]+)", re.I)


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """A digest of what decides an article's persons: this module, the word lists of
    indexer/data/ and the first-name gazetteer's version. The file state records it: when it changes (a new Vigie),
    the next reindex rebuilds in full, or the indexed articles would keep the old rules' persons."""
    import hashlib
    from importlib.metadata import version

    h = hashlib.blake2b(digest_size=16)
    for path in [Path(__file__), *sorted(DATA.glob("*.txt"))]:
        h.update(path.read_bytes())
    h.update(version("gender-guesser").encode())
    return h.hexdigest()


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Folded first names of gender-guesser's international name dictionary."""
    import gender_guesser

    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    names = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            fields = line.split()
            if len(fields) < 2 or line[0] in "#=":
                continue
            for part in re.split(r"[+-]", fields[1]):
                part = fold(part)
                if len(part) >= 2 and part.isalpha():
                    names.add(part)
    return frozenset(names - NOT_FIRST_NAMES)


def _is_first_name(token: str, text: str, start: int, alone: bool = True) -> bool:
    """A known first name; one that is also a place ("à Nancy") only when a surname follows it ("à Nancy Pelosi")."""
    head = fold(token.split("-")[0].split("'")[-1])
    if head not in first_names():
        return False
    return head not in PLACE_NAMES or not alone or not _PLACE_PREPOSITION.search(text[max(0, start - 12) : start])


def _has_cue(text: str, start: int) -> bool:
    """Whether a title cue stands right before `start` ("M.", "le président américain")."""
    window = text[max(0, start - 80) : start]
    if _PREPOSITION_BEFORE.search(window) or _SENTENCE_END.search(window):
        return False
    words = _WINDOW_WORDS.findall(window)
    fillers = 0
    for i in range(len(words) - 1, -1, -1):
        word = words[i]
        key = fold(word)
        if key.startswith("ex-"):
            key = key[3:]
        # "Trump juge Pékin…": a cue that is also a verb or an adjective needs its article
        # ("le sénateur républicain Mitt Romney": the adjective is then a filler).
        if (key in CUES or key.rstrip(".") in CUES) and (
            key not in CUES_NEEDING_ARTICLE or (i > 0 and fold(words[i - 1]) in _ARTICLES)
        ):
            return True
        if word == "," or (_LOWER_WORD.fullmatch(word) and key not in STOP_WORDS):
            fillers += 1
            if fillers > MAX_FILLERS:
                return False
            continue
        return False
    return False


def _role_after(text: str, end: int) -> bool:
    m = _ROLE_AFTER.match(text[end : end + 80])
    return bool(m) and (fold(m.group(1)) in CUES or fold(m.group(1)) in ROLE_NOUNS)


def _age_after(text: str, end: int) -> bool:
    """A vox-pop apposition: "Nabil, 64 ans", "Damon, un sans-abri de 67 ans"."""
    return bool(_AGE_AFTER.match(text[end : end + 70]))


def _quoted(text: str, start: int, end: int) -> bool:
    """A title in quotes ("Lily Paname", « M. Démocratie »), not a person."""
    return bool(_QUOTE_OPEN.search(text[max(0, start - 8) : start]) and _QUOTE_CLOSE.match(text[end : end + 3]))


def _role_before(text: str, start: int) -> bool:
    m = _APPOSED_SEGMENT.search(text[max(0, start - 100) : start])
    return bool(m) and any(fold(w) in CUES or fold(w) in ROLE_NOUNS for w in _DETERMINED.findall(m.group(1)))


def _thing_before(text: str, start: int) -> bool:
    m = _LAST_WORD.search(text[max(0, start - 30) : start])
    return bool(m) and fold(m.group(1)) in THING_CUES


def _trim(tokens: list[str], text: str, start: int) -> list[str]:
    """The name in `tokens`: at most MAX_NAME_TOKENS, cut at a French particle that does not follow
    a first name ("Donald Trump de Jérusalem", not "Charles de Gaulle"), without trailing particles
    and words that end no name; empty when it does not start with a capital."""
    tokens = tokens[:MAX_NAME_TOKENS]
    for i in range(1, len(tokens) - 1):
        if _FRENCH_PARTICLE_RE.fullmatch(tokens[i]) and not _is_first_name(tokens[i - 1], text, start):
            after = next((t for t in tokens[i + 1 :] if t[0].isupper()), None)
            if i >= 2 or (after and _a_place_here(after, text)):
                tokens = tokens[:i]
                break
    while tokens and (fold(tokens[-1]) in NOT_SURNAMES or _PARTICLE_RE.fullmatch(tokens[-1])):
        tokens = tokens[:-1]
    return tokens if tokens and tokens[0][0].isupper() else []


def _place_like(token: str) -> bool:
    """Pas-de-Calais, Saint-Denis: hyphenated with a lower-case or saint part."""
    return bool(_PLACE_LIKE.search(token))


@dataclass
class _Run:
    """A run of capitalised words and the person it names (None: none, or not yet known)."""

    start: int
    end: int
    tokens: list[str]
    name: list[str] | None
    thing: bool  # a thing, a place or a title: never a person


def mentions(text: str) -> list[list[str]]:
    """Person mentions in `text`, each as its list of name tokens."""
    runs = [run for m in RUN_RE.finditer(text) for run in _runs(m, text)]
    siblings = _siblings(runs, text)
    _listed(runs, text)
    return [r.name for r in runs if r.name] + siblings


def _runs(m: re.Match, text: str) -> list[_Run]:
    """The run a RUN_RE match is, split where an organisation or a thing ends, each judged."""
    start, end = m.start(1), m.end(1)
    tokens = m.group(1).split()
    if len(tokens) == 1 and fold(tokens[0]) in _NEVER_ALONE:  # "Le", "Selon", "Paris": the common case, fast
        return [_Run(start, end, tokens, None, thing=False)]
    runs = []
    # "le journaliste du Washington Post Jason Rezaian": the organisation ends where the name starts.
    org = max((i for i, t in enumerate(tokens) if fold(t) in NOT_IN_NAMES), default=-1)
    if org >= 0:
        start = text.index(tokens[org + 1], start + len(tokens[org])) if org + 1 < len(tokens) else end
        tokens = tokens[org + 1 :]
    if tokens and _thing_before(text, start):
        # "le porte-avions Foch de Jean Dupont": the thing ends at a particle, a name may follow.
        particle = next((i for i, t in enumerate(tokens) if _PARTICLE_RE.fullmatch(t)), len(tokens))
        runs.append(_Run(start, end, tokens[:particle], None, thing=True))
        if particle + 1 >= len(tokens):
            return runs
        start = text.index(tokens[particle + 1], start + len(" ".join(tokens[: particle + 1])))
        tokens = tokens[particle + 1 :]
    if not tokens or any(_place_like(t) for t in tokens) or _quoted(text, start, end):
        return runs + [_Run(start, end, tokens, None, thing=True)]
    # "Mme Callebaut", "Selon Me Fonteix": the honorific is a cue, the name follows it.
    honorific = max((i for i, t in enumerate(tokens) if fold(t) in HONORIFICS), default=-1)
    tokens = tokens[honorific + 1 :]
    return runs + [_Run(start, end, tokens, _person(tokens, text, start, end, cued=honorific >= 0), thing=False)]


def _between(text: str, a: _Run, b: _Run, pattern: re.Pattern) -> bool:
    return bool(pattern.fullmatch(text[a.end : b.start]))


def _siblings(runs: list[_Run], text: str) -> list[list[str]]:
    """"Igor et Grichka Bogdanoff": a known first name before `et` shares the next name's surname."""
    found = []
    for a, b in zip(runs, runs[1:]):
        if (len(a.tokens) == 1 and len(b.tokens) >= 2 and not (a.thing or b.thing) and _between(text, a, b, _AND)
                and fold(a.tokens[0]) not in NOT_FIRST_NAMES and _is_first_name(a.tokens[0], text, a.start)
                and (b.name or _FAMILY_BEFORE.search(text[max(0, a.start - 30) : a.start]))):
            name = b.name or _trim(b.tokens, text, b.start)
            if len(name) >= 2:
                b.name = name
                found.append([a.tokens[0], *name[1:]])
    return found


def _listed(runs: list[_Run], text: str) -> None:
    """"George Floyd, Michael Brown, Trayvon Martin": a full name listed beside a person's is one."""
    for pairs in (zip(runs, runs[1:]), zip(runs[1:], runs)):
        for known, other in pairs:
            if (known.name and len(known.name) >= 2 and other.name is None and not other.thing
                    and 2 <= len(other.tokens) <= 3 and not _DETERMINER_BEFORE.search(text[max(0, other.start - 5) : other.start])
                    and _between(text, *sorted((known, other), key=lambda r: r.start),
                                                                 pattern=_LIST_SEPARATOR)):
                name = _trim(other.tokens, text, other.start)
                if len(name) >= 2 and fold(name[0]) not in NOT_FIRST_NAMES:
                    other.name = name


def _person(tokens: list[str], text: str, start: int, end: int, cued: bool) -> list[str] | None:
    """The name in a run of capitalised words, or None when it names no person."""
    # A first name opens the name, unless it is the second word of a place ("Los Angeles", "St James").
    first = 0 if _word_first_name_opens(tokens, text, start) else next(
        (i for i, t in enumerate(tokens) if t[0].isupper()
         and _is_first_name(t, text, start, alone=i == len(tokens) - 1 or not tokens[i + 1][0].isupper())
         and (i == 0 or fold(tokens[i - 1]) not in PLACE_HEADS)), None)
    if first is not None and len(tokens) - first >= 2:
        name = _trim(tokens[first:], text, start)
        if len(name) >= 2:
            return name
    name = _trim(tokens, text, start)
    if not name or fold(name[0]) in STOP_WORDS or (fold(name[0]) in NOT_FIRST_NAMES and fold(name[0]) not in WORD_FIRST_NAMES):
        return None
    # "le ministre des Migrations Notis Mitarachi": the portfolio is not the name.
    portfolio = _PORTFOLIO_BEFORE.search(text[max(0, start - 8) : start])
    if (portfolio and len(name) >= 3 and all(t[0].isupper() for t in name)
            and _has_cue(text, start - len(portfolio.group(0)))):
        return name[1:]
    if cued or _has_cue(text, start):
        return None if len(name) == 1 and _DEMONYM.search(name[0]) and not _is_first_name(name[0], text, start) else name
    if len(name) >= 2:
        return name if _confirmed(text, start, end) else None
    return name if _lone_first_name(name[0], text, start, end) else None


def _word_first_name_opens(tokens: list[str], text: str, start: int) -> bool:
    """"Marine Le Pen", "Fleur Pellerin": a first name that is also a word opens a name of two
    or more words unless an article or a preposition makes it the word ("de la Marine Royale")."""
    return (len(tokens) >= 2 and fold(tokens[0]) in WORD_FIRST_NAMES and tokens[1][0].isupper()  # not "Victoire de X"
            and not _PREPOSITION_BEFORE.search(text[max(0, start - 12) : start])
            and not _DETERMINER_BEFORE.search(text[max(0, start - 5) : start]))


def _confirmed(text: str, start: int, end: int) -> bool:
    """Reported speech or a role in apposition says the run is someone."""
    return _speech_before(text, start) or _role_after(text, end) or _role_before(text, start)


def _lone_first_name(token: str, text: str, start: int, end: int) -> bool:
    """A vox-pop first name: "Nabil, 64 ans", "lâche Haitham, manifestant" — never a place of the article."""
    return (_is_first_name(token, text, start) and fold(token) not in PLACE_NAMES
            and not _LOWER_HYPHEN.search(token) and not _a_place_here(token, text)
            and (_confirmed(text, start, end) or _age_after(text, end)))


def _a_place_here(token: str, text: str) -> bool:
    """The article uses the word as a place ("au Mali", "à Doha"): a lone word is no person then."""
    return bool(re.search(rf"\b(?:à|au|aux|en|vers|depuis)\s+{re.escape(token)}\b", text))


def _speech_before(text: str, start: int) -> bool:
    window = text[max(0, start - 80) : start]
    return bool(_SPEECH_BEFORE.search(window) or _QUOTED_SPEECH_BEFORE.search(window))


def extract(title: str, text: str, byline_author: str | None = None) -> list[str]:
    """Distinct persons of an article, each in the fullest form the article gives."""
    raw = mentions(f"{title}.\n{text}")
    if byline_author:
        raw.insert(0, byline_author.split())
    persons: list[list[str]] = []
    for name in sorted(raw, key=len, reverse=True):
        if not any(_same_person(name, other) for other in persons):
            persons.append(name)
    return _order_of_appearance([" ".join(p) for p in persons], f"{title}\n{text}")


def _same_person(a: list[str], b: list[str]) -> bool:
    """`a` is `b` or a shorter form of it: its words all found in `b`, surname included."""
    fa, fb = [fold(t) for t in a], [fold(t) for t in b]
    if len(fa) == 1:
        return fa[0] in fb
    return fa[-1] == fb[-1] and set(fa) <= set(fb)


def _order_of_appearance(names: list[str], text: str) -> list[str]:
    def pos(name: str) -> int:
        i = text.find(name)
        if i < 0:  # "Saïd Kouachi" of "Saïd et Chérif Kouachi": where its first name is
            i = text.find(name.split()[0])
        return i if i >= 0 else len(text)

    return sorted(dict.fromkeys(names), key=pos)
