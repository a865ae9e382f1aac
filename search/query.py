"""From what an analyst types to a Whoosh query: syntax, repair, typos, proximity.

Syntax: words (all required), "phrases", OR, -word / NOT, parentheses,
field filters (person:, source:, title:, author:) and prefixes (otan*).
Malformed input is repaired (unbalanced quotes and parentheses, lone
operators, oversized queries) and, should Whoosh still refuse it, searched as
plain words: a query string never produces an error.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import partial

from whoosh import qparser, query
from whoosh.query.spans import SpanNear2

from indexer.french import APOSTROPHES, ELISIONS, STOP_WORDS, WORD_RE, fold, stem
from indexer.person_merge import key as person_key
from indexer.schema import LEAD_BOOST, SCHEMA, TITLE_BOOST
from search.suggest import RARE_DOCS, SUGGEST_RATIO, Vocabulary

MAX_QUERY_CHARS = 500
TEXT_FIELDS = ("title", "lead", "body")
FIELD_ALIASES = {
    "person": ["persons", "personne", "personnes"],
    "source": ["sources"],
    "title": ["titre"],
    "author": ["auteur"],
}
SEARCHABLE_FIELDS = {"title", "body", "person", "source", "author"}
# Bonus for documents where the query's words stand close together.
PROXIMITY_SLOP = 6
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"'}
                        | {c: "'" for c in APOSTROPHES})


@dataclass
class ParsedQuery:
    """A parsed query and what the engine needs to rank, highlight and suggest."""

    text: str  # the query as searched, after repair
    query: query.Query | None  # what decides matching; None: everything matches
    ranking: query.Query | None = None  # `query` plus ranking bonuses (proximity)
    corrected: dict[str, str] = field(default_factory=dict)  # typed word -> better spelling


def _make_parser() -> qparser.QueryParser:
    parser = qparser.MultifieldParser(
        list(TEXT_FIELDS), SCHEMA, fieldboosts={"title": TITLE_BOOST, "lead": LEAD_BOOST}, group=qparser.AndGroup
    )
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    parser.remove_plugin_class(qparser.RangePlugin)
    parser.remove_plugin_class(qparser.BoostPlugin)
    return parser


_PARSER = _make_parser()


def repair(text: str) -> str:
    """Normalised, bounded, balanced query text."""
    text = " ".join(text.translate(_QUOTES).split())
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
    if text.count('"') % 2:
        last = text.rfind('"')
        text = text[:last] + text[last + 1 :]
    # Drop unmatched closing parentheses, close unmatched opening ones.
    depth, out = 0, []
    for ch in text:
        if ch == ")":
            if depth == 0:
                continue
            depth -= 1
        elif ch == "(":
            depth += 1
        out.append(ch)
    text = "".join(out) + ")" * depth
    # `-word` excludes (a hyphen inside a word, États-Unis, does not); `+word` is the default.
    text = re.sub(r"(?<![^\s(])-+(?=[\w\"(])", "NOT ", text)
    text = re.sub(r"(?<![^\s(])\+(?=[\w\"(])", "", text)
    text = _drop_dangling_operators(text)
    # Unknown field prefixes are plain words; known ones keep their meaning.
    text = re.sub(r"(\w+):", lambda m: m.group(0) if _is_field(m.group(1)) else m.group(1) + " ", text)
    return text.strip()


def _drop_dangling_operators(text: str) -> str:
    """Remove operators with a missing operand (`OR AND`, `x AND`, `NOT`, `(OR a)`)."""
    tokens = [t for t in re.split(r"(\s+|[()])", text) if t]
    words = [i for i, t in enumerate(tokens) if not t.isspace()]
    dropped: set[int] = set()
    kept_prev: str | None = None
    for n, i in enumerate(words):
        tok = tokens[i]
        nxt = tokens[words[n + 1]] if n + 1 < len(words) else None
        if tok in OPERATORS:
            no_right = nxt is None or nxt == ")" or (nxt in OPERATORS and nxt != "NOT")
            no_left = kept_prev is None or kept_prev == "(" or kept_prev in OPERATORS
            if no_right or (no_left and tok != "NOT"):
                dropped.add(i)
                continue
        kept_prev = tok
    return "".join(t for i, t in enumerate(tokens) if i not in dropped)


def _is_field(name: str) -> bool:
    name = name.lower()
    return name in SEARCHABLE_FIELDS or any(name in aliases for aliases in FIELD_ALIASES.values())


def query_words(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) of the words a user typed, operators and fields excluded."""
    words = []
    for m in WORD_RE.finditer(text):
        raw = m.group()
        if raw in OPERATORS or text[m.end() : m.end() + 1] == ":":
            continue
        word = fold(raw)
        head, _, rest = word.partition("'")
        if rest and head in ELISIONS:
            word = rest
        if word and word not in STOP_WORDS:
            words.append((word, m.start(), m.end()))
    return words


def _is_simple(text: str) -> bool:
    return not re.search(r'["()*:\-+]|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b', text)


def _plain_words_query(text: str) -> query.Query | None:
    words = [w for w, _, _ in query_words(text)]
    return _PARSER.parse(" ".join(words)) if words else None


def _drop_everything(q: query.Query) -> query.Query:
    """`*` alone matches all documents: treat it as no constraint."""
    if isinstance(q, query.Every):
        return query.NullQuery
    return q


def parse(text: str, reader, vocabulary: Vocabulary | None) -> ParsedQuery:
    """Parse `text` into a Whoosh query over the index read by `reader`."""
    cleaned = repair(text or "")
    if not cleaned:
        return ParsedQuery(text="", query=None)
    try:
        q = _PARSER.parse(cleaned)
    except Exception:  # Whoosh's parser errors never reach the user
        q = _plain_words_query(cleaned)
    if q is not None:
        q = q.accept(_drop_everything).normalize()
    if q is None or q is query.NullQuery or isinstance(q, query.Every):
        # Nothing searchable left (stop words, `*`, lone operators).
        return ParsedQuery(text=cleaned, query=None)

    q = q.accept(partial(_whole_person_values, reader))
    corrected: dict[str, str] = {}
    if vocabulary is not None:
        q, corrected = _tolerate_typos(q, cleaned, reader, vocabulary)
        if q is query.NullQuery:  # only misspelt stop words
            return ParsedQuery(text=cleaned, query=None, corrected=corrected)
    ranking = _with_proximity_bonus(q, cleaned, reader, corrected) if _is_simple(cleaned) else q
    return ParsedQuery(text=cleaned, query=q, ranking=ranking, corrected=corrected)


def _whole_person_values(reader, node):
    """person:"Jens Stoltenberg" naming a whole value becomes one term lookup."""
    if isinstance(node, (query.Phrase, query.Term)) and node.fieldname == "person":
        words = node.words if isinstance(node, query.Phrase) else [node.text]
        value = person_key(" ".join(words))
        if ("person_value", value) in reader:
            return query.Term("person_value", value, boost=node.boost)
    return node


def _tolerate_typos(q, text: str, reader, vocabulary: Vocabulary):
    """Match words absent from the index tolerantly; note the likely corrections.

    A word no document contains (its stem may still exist: `Rusie` → rus) is
    also matched as its close spellings (the most frequent one inside a
    phrase); a misspelt stop word is dropped like a stop word.
    """
    by_stem = {stem(word): word for word, _, _ in query_words(text)}
    expansions: dict[str, list[str]] = {}
    best: dict[str, str] = {}
    dropped: set[str] = set()
    corrected: dict[str, str] = {}
    for st, word in by_stem.items():
        if not vocabulary.is_known(word):
            own = reader.doc_frequency("body", st)
            cands = [w for w, _ in vocabulary.corrections(word)]
            stop_word = None if own else vocabulary.stop_word(word)
            if stop_word:
                dropped.add(st)
                corrected[word] = stop_word
            elif cands and _misspelt(reader, st, own, [stem(w) for w in cands]):
                expansions[st] = sorted({stem(w) for w in cands})
                best[st] = stem(cands[0])
                corrected[word] = cands[0]
        elif vocabulary.df.get(word, 0) <= RARE_DOCS:
            better = vocabulary.better_spelling(word)
            if better:
                corrected[word] = better
    if not expansions and not dropped:
        return q, corrected

    def expand(node):
        if getattr(node, "fieldname", None) not in TEXT_FIELDS:
            return node
        if isinstance(node, query.Term):
            if node.text in dropped:
                return query.NullQuery
            if node.text in expansions:
                return query.Or([
                    query.Term(node.fieldname, s, boost=node.boost * weight)
                    for s, weight in _blended(reader, [node.text] + expansions[node.text]).items()
                ])
        elif isinstance(node, query.Phrase):
            words = [best.get(w, w) for w in node.words if w not in dropped]
            if words != node.words:
                return query.Phrase(node.fieldname, words, slop=node.slop, boost=node.boost) if words else query.NullQuery
        return node

    return q.accept(expand).normalize(), corrected


def _misspelt(reader, st: str, own: int, candidates: list[str]) -> bool:
    """Whether an unseen word is a slip rather than an unseen form of a known
    word: its stem is unknown, or clearly rarer than its best correction's
    (`Rusie` → rus, 2 documents, vs russ, 362); an unseen plural shares its
    stem with a correction and is left alone."""
    if st in candidates:
        return False
    return not own or reader.doc_frequency("body", candidates[0]) >= SUGGEST_RATIO * own


def _blended(reader, stems: list[str]) -> dict[str, float]:
    """Boosts giving each spelling of a word the idf of the most frequent one.

    Otherwise a rare near-spelling (`perenne` for `aereinne`) would outscore
    the intended word: Elasticsearch's fuzzy queries blend frequencies too.
    """
    n = reader.doc_count_all()
    df = {s: reader.doc_frequency("body", s) for s in dict.fromkeys(stems)}
    common = max(df.values())
    if not common:
        return {s: 1.0 for s in df}

    def idf(freq: int) -> float:
        return math.log(n / (freq + 1)) + 1

    return {s: idf(common) / idf(f) for s, f in df.items() if f}


def _with_proximity_bonus(q, text: str, reader, corrected: dict[str, str]):
    """Score documents higher when the query's words (or their corrections) stand close together in the body."""
    stems = []
    for word, _, _ in query_words(text):
        s = stem(word)
        if not reader.doc_frequency("body", s) and word in corrected:
            s = stem(corrected[word])
        if s not in stems and reader.doc_frequency("body", s):
            stems.append(s)
    if len(stems) < 2 or len(stems) > 6:
        return q
    near = SpanNear2([query.Term("body", s) for s in stems], slop=PROXIMITY_SLOP, ordered=False)
    return query.AndMaybe(q, near)


def suggestion_text(text: str, corrected: dict[str, str]) -> str | None:
    """The query with its likely misspellings replaced, case of the first letter kept."""
    if not corrected:
        return None
    out, last = [], 0
    for word, start, end in query_words(text):
        if word in corrected:
            better = corrected[word]
            original = text[start:end]
            out.append(text[last:start])
            out.append(better[:1].upper() + better[1:] if original[:1].isupper() else better)
            last = end
    out.append(text[last:])
    result = "".join(out)
    return result if result != text else None
