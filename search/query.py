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
    query: query.Query | None  # what decides matching (and BM25F); None: everything matches
    proximity: query.Query | None = None  # bonus for the words standing close together
    corrected: dict[str, str] = field(default_factory=dict)  # typed word -> better spelling
    ignored: list[str] = field(default_factory=list)  # typed words no document contains, searched without
    unseen: list[str] = field(default_factory=list)  # typed words kept though no document has that form

    @property
    def ranking(self) -> query.Query | None:
        """`query` with its proximity bonus, for Whoosh to rank."""
        return query.AndMaybe(self.query, self.proximity) if self.proximity is not None else self.query


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


def parse(text: str, reader, vocabulary: Vocabulary | None, relax: bool = False) -> ParsedQuery:
    """Parse `text` into a Whoosh query over the index read by `reader`.

    `relax`: for a query that found nothing, words typed in a form no document
    has (`ares`) are ignored like unknown words, as search engines drop words
    when nothing matches them all.
    """
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
    ignored: list[str] = []
    unseen: list[str] = []
    if vocabulary is not None:
        q, corrected, ignored, unseen = _tolerate_typos(q, cleaned, reader, vocabulary, relax)
    near = _proximity(cleaned, reader, corrected) if _is_simple(cleaned) else None
    return ParsedQuery(text=cleaned, query=q, proximity=near, corrected=corrected, ignored=ignored, unseen=unseen)


def _whole_person_values(reader, node):
    """person:"Jens Stoltenberg" naming a whole value becomes one term lookup."""
    if isinstance(node, (query.Phrase, query.Term)) and node.fieldname == "person":
        words = node.words if isinstance(node, query.Phrase) else [node.text]
        value = person_key(" ".join(words))
        if ("person_value", value) in reader:
            return query.Term("person_value", value, boost=node.boost)
    return node


@dataclass
class _Slip:
    """What to do with one misspelt query word."""

    stems: list[str]  # the stems to match instead (the word's own first when it has one)
    best: str | None  # the stem used inside phrases; None: the word is dropped there
    required: bool  # False: the other words decide matching, these only add score
    unknown: bool = False  # no document has the word nor any close spelling


def _slip(word: str, st: str, reader, vocabulary: Vocabulary) -> tuple[_Slip, str | None] | None:
    """How to match a query word no document contains, or only a handful do
    while a close spelling is far commoner, and its suggested spelling; None
    for a word to keep as typed.

    An unseen plural (`embargos`) shares its stem with a correction and is kept.
    A slip on a stop word (`cotnre`) is dropped like the stop word, unless a
    common word is as close (`amres`: armes or après?) or the word itself is in
    a few documents: then it is optional, its spellings only add score. A word
    with no document and no correction (too short to correct, `Paly`) is
    dropped and reported, so that the other words still find something.
    """
    if vocabulary.df.get(word, 0) > RARE_DOCS:
        return None
    cands = [w for w, _ in vocabulary.corrections(word)]
    stems = [stem(w) for w in cands]
    if st in stems:
        return None
    own = _doc_frequency(reader, st)
    plausible = [(w, s) for w, s in zip(cands, stems) if _commoner(reader, s, own)]
    if own and not plausible:
        return None
    mine = [st] if own else []
    alternatives = mine + [s for _, s in plausible]
    stop = vocabulary.stop_word(word)
    if stop is None:
        if not plausible:
            return (None if own else (_Slip([], None, required=False, unknown=True), None))
        return _Slip(alternatives, plausible[0][1], required=True), plausible[0][0]
    if not stop.rival and not own:
        return _Slip([], None, required=False), stop.word
    # A common word as close, or the word itself in a few documents (`Duque`, not duquel).
    return _Slip(alternatives, None, required=False), plausible[0][0] if plausible else stop.word


def _tolerate_typos(q, text: str, reader, vocabulary: Vocabulary, relax: bool):
    """Match misspelt words tolerantly; note the likely corrections.

    A misspelt word is matched as any of its close spellings, blended to one
    idf (inside a phrase: as the commonest), or made optional (see _slip).
    """
    slips: dict[str, _Slip] = {}
    corrected: dict[str, str] = {}
    ignored: list[str] = []
    unseen: list[str] = []
    for word, start, end in query_words(text):
        st = stem(word)
        found = _slip(word, st, reader, vocabulary)
        if found is None and word not in vocabulary.df:
            if not relax:
                unseen.append(text[start:end])
                continue
            found = _Slip([], None, required=False, unknown=True), None
        if found:
            slips[st], better = found
            if better:
                corrected[word] = better
            if slips[st].unknown:
                ignored.append(text[start:end])
    if not slips:
        return q, corrected, ignored, unseen

    optional: list[query.Query] = []

    def spellings(node: query.Term, stems: list[str]) -> list[query.Query]:
        return [query.Term(node.fieldname, s, boost=node.boost * w) for s, w in _blended(reader, stems).items()]

    def rewrite(node):
        if getattr(node, "fieldname", None) not in TEXT_FIELDS:
            return node
        if isinstance(node, query.Term) and node.text in slips:
            slip = slips[node.text]
            if slip.required:
                return query.Or(spellings(node, slip.stems))
            optional.extend(spellings(node, slip.stems))
            return query.NullQuery
        if isinstance(node, query.Phrase):
            words = [slips[w].best if w in slips else w for w in node.words]
            words = [w for w in words if w is not None]
            if words != node.words:
                return query.Phrase(node.fieldname, words, slop=node.slop, boost=node.boost) if words else query.NullQuery
        return node

    rewritten = q.accept(rewrite).normalize()
    if rewritten is query.NullQuery:  # nothing left to search: no document matches
        return q, corrected, [], unseen
    if optional:
        rewritten = query.AndMaybe(rewritten, query.Or(optional))
    return rewritten, corrected, ignored, unseen


def _doc_frequency(reader, st: str) -> int:
    return max(reader.doc_frequency(f, st) for f in TEXT_FIELDS)


def _commoner(reader, candidate: str, own: int) -> bool:
    """Whether a correction is worth matching: any known spelling of an unknown
    word, a clearly commoner one (×SUGGEST_RATIO) of a rare word."""
    df = _doc_frequency(reader, candidate)
    return df >= SUGGEST_RATIO * own if own else df > 0


def _blended(reader, stems: list[str]) -> dict[str, float]:
    """Boosts giving each spelling of a word the idf of the most frequent one.

    Otherwise a rare near-spelling (`perenne` for `aereinne`) would outscore
    the intended word: Elasticsearch's fuzzy queries blend frequencies too.
    """
    n = reader.doc_count_all()
    df = {s: reader.doc_frequency("body", s) for s in dict.fromkeys(stems)}
    common = max(df.values(), default=0)
    if not common:
        return {s: 1.0 for s in df}

    def idf(freq: int) -> float:
        return math.log(n / (freq + 1)) + 1

    return {s: idf(common) / idf(f) for s, f in df.items() if f}


def _proximity(text: str, reader, corrected: dict[str, str]) -> query.Query | None:
    """What scores documents higher when the query's words (or their
    corrections) stand close together in the body."""
    stems = []
    for word, _, _ in query_words(text):
        s = stem(word)
        better = corrected.get(word)
        if better and better not in STOP_WORDS and not reader.doc_frequency("body", s):
            s = stem(better)
        if s not in stems and reader.doc_frequency("body", s):
            stems.append(s)
    if len(stems) < 2 or len(stems) > 6:
        return None
    return SpanNear2([query.Term("body", s) for s in stems], slop=PROXIMITY_SLOP, ordered=False)


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
