"""The search engine: one searcher per index generation, shared by all requests.

A generation (searcher, facet arrays, typo vocabulary) is opened once and
replaced when a reindex swaps in a new index or commits to the live one; the
check costs a readlink and a directory listing, at most four times a second
(RELOAD_CHECK_SECONDS: a file added shows soon after its reindex ends).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh import query as wq
from whoosh.scoring import BM25F

from indexer import store
from indexer.french import fold, stem
from indexer.schema import compatible
from search.budget import Budget, default_budget_ms
from search.results_cache import DEFAULT_ENTRIES, ResultsCache, default_entries, request_key
from search.expand import Expander, bounded
from search.collapse import Collapse, View, annotate, relatives
from search.facets import FacetData
from search import person_rank
from search import feedback as prf
from search.feedback import Feedback
from search.matching import QueryEvaluator, SegmentArrays, Unsupported
from search.params import TEXT_PAGE_CHARS, SearchRequest
from search.query import TEXT_FIELDS, ParsedQuery, parse, query_words, suggestion_text
from search.snippets import opening, snippet
from search.suggest import Vocabulary, surface_forms
from search.synonyms import SynonymSource
from search.tiers import Tiers, ranking_query, tiers, word_clauses
from search.topk import best_k

log = logging.getLogger(__name__)

RELOAD_CHECK_SECONDS = 0.25
PERSON_FACET_SIZE = 20
SOURCE_FACET_SIZE = 30
SIMILAR_COUNT = 5
SIMILAR_TEXT_CHARS = 20_000  # the opening of a long article is what "similar" compares
SNIPPET_CACHE_SIZE = 20_000
STORED_CACHE_SIZE = 1_000
RESCORE_DEPTH = 100  # top documents re-ranked by the proximity bonus
EXPANDED_FIELDS = ("title", "lead", "body", "person", "source", "author")  # where prefixes expand
# Title matters more than body; short titles should not be over-rewarded.
SCORING = BM25F(B=0.75, K1=1.2, title_B=0.3, lead_B=0.3)


class IndexUnavailable(RuntimeError):
    """There is no index to search yet, or only one this version cannot read."""


@dataclass
class Generation:
    path: Path
    searcher: object
    facets: FacetData
    vocabulary: Vocabulary
    person_totals: np.ndarray
    person_names: person_rank.PersonNames
    evaluator: QueryEvaluator
    expander: Expander
    feedback: Feedback
    stored: Callable[[int], dict]  # a document's stored fields, recent ones remembered
    collapse: Collapse  # copies and stories
    answers: ResultsCache
    # (document number, highlighted terms) -> snippet: a facet click or the next
    # page re-runs the same words over many of the same documents.
    snippets: dict = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path, answers: int = DEFAULT_ENTRIES) -> "Generation":
        # Without mmap: Whoosh's mmap path copies every segment file it opens into
        # memory (BufferFile wraps the mapping in a BytesIO), about the index's size
        # per worker; reads through the file share the kernel's page cache instead.
        ix = FileStorage(str(path), supports_mmap=False, readonly=True).open_index()
        if not compatible(ix.schema):
            raise IndexUnavailable(f"the index in {path} was built by another version of Vigie: run scripts/reindex.py")
        searcher = ix.searcher(weighting=SCORING)
        facets = FacetData.load(searcher.reader())
        for subsearcher, _ in searcher.leaf_searchers():  # open stored-field files now, not on a request
            if subsearcher.doc_count():
                subsearcher.stored_fields(next(subsearcher.reader().all_doc_ids()))
        # Feedback reads the best hits' stored text, then the page shows them: read once.
        stored = lru_cache(maxsize=STORED_CACHE_SIZE)(searcher.stored_fields)
        arrays = SegmentArrays(path)
        feedback = Feedback(searcher, stored, arrays)
        return cls(
            path=path,
            searcher=searcher,
            facets=facets,
            vocabulary=Vocabulary(searcher.reader()),
            person_totals=(totals := facets.person.counts(facets.live)),
            person_names=person_rank.PersonNames.build(facets.person.values, totals),
            evaluator=QueryEvaluator(searcher, facets.live, SCORING, TEXT_FIELDS, arrays),
            expander=Expander(searcher.reader(), EXPANDED_FIELDS, known={"body": feedback.df}),
            feedback=feedback,
            stored=stored,
            collapse=Collapse.load(searcher.reader(), facets),
            answers=ResultsCache(answers),
        )


def _public(stored: dict) -> dict:
    """The metadata of a stored document as the API shows it."""
    return {
        "id": stored["id"],
        "title": stored.get("title", ""),
        "source": stored.get("sources") or [],
        "date": stored.get("date"),
        "author": stored.get("author") or None,
        "persons": stored.get("persons") or [],
        "url": stored.get("url"),
    }


def _hit_record(stored: dict, score: float | None, snippet_html: str, all_words: bool) -> dict:
    return _public(stored) | {"score": None if score is None else round(float(score), 4), "snippet": snippet_html,
                              "all_words": all_words}


def _counted(*filters: np.ndarray | None) -> np.ndarray | None:
    """The documents facet counting looks at: those failing at most one of the
    filters (each facet is counted with the others' selections applied). None:
    all of them; matching need only be exact there."""
    present = [f for f in filters if f is not None]
    if len(present) < 2:
        return None
    return sum((~f).astype(np.int8) for f in present) <= 1


def _tier_of(tiered: Tiers | None, docnums: np.ndarray) -> np.ndarray:
    """Words missing in each document (all zero without tiers)."""
    return tiered.missing[docnums] if tiered is not None else np.zeros(len(docnums), dtype=np.int16)


def _best_first(docnums: np.ndarray, scores: np.ndarray, tier: np.ndarray, view: View, depth: int) -> np.ndarray:
    """Positions in `docnums` of the best `depth` results by tier, score and document number, one
    per group of the view. Only the candidates at or above the depth-th are sorted (a broad query
    matches most of the corpus), more while groups repeat: they are always a prefix of the full order."""
    n = len(docnums)
    if n == 0:
        return np.arange(0)
    # One key ordered as (tier, -score): the tiers a span apart; equal pairs get equal keys.
    key = tier * (float(scores.max() - scores.min()) + 1.0) - scores
    want = depth
    while True:
        chosen = best_k(key, want)
        chosen = chosen[np.lexsort((docnums[chosen], -scores[chosen], tier[chosen]))]
        firsts = chosen[view.first_positions(docnums[chosen])]
        if len(firsts) >= depth or len(chosen) == n:
            return firsts[:depth]
        want *= 4


@dataclass
class Selection:
    """What a request matches: the query's documents and each filter's mask (None when off)."""

    parsed: ParsedQuery
    matched: np.ndarray  # the query (with documents missing words when tiered)
    all_words: np.ndarray  # the query with all its words
    tiered: Tiers | None
    in_range: np.ndarray | None
    by_source: np.ndarray | None
    by_person: np.ndarray | None
    expanded: list  # the synonym expansions applied to the query

    @property
    def final(self) -> np.ndarray:
        mask = self.matched
        for f in (self.in_range, self.by_source, self.by_person):
            if f is not None:
                mask = mask & f
        return mask


class Engine:
    """Searches the live index of `index_dir` (VIGIE_INDEX), with the synonyms
    shipped with Vigie and those of the analysts' file `synonyms` (VIGIE_SYNONYMS)."""

    def __init__(self, index_dir: Path, reload_check: float = RELOAD_CHECK_SECONDS, budget_ms: float | None = None,
                 synonyms: Path | None = None, answers: int | None = None):
        self.index_dir = Path(index_dir)
        self.answers = default_entries() if answers is None else answers
        self.reload_check = reload_check
        self.budget_ms = default_budget_ms() if budget_ms is None else budget_ms
        self.synonyms = SynonymSource(Path(synonyms) if synonyms else None)
        self._gen: Generation | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._opening = False

    # -- generations -------------------------------------------------------
    def generation(self) -> Generation:
        """The generation to search; a newer one is opened in the background.

        Only the very first open makes a request wait: afterwards requests keep
        using the current generation until the next one is fully loaded.
        """
        now = time.monotonic()
        gen = self._gen
        if gen is not None and now - self._checked < self.reload_check:
            return gen
        with self._lock:
            self._checked = now
            live = store.current_dir(self.index_dir)
            if self._gen is None:
                if live is None:
                    raise IndexUnavailable(f"no index in {self.index_dir}: run scripts/reindex.py")
                self._gen = Generation.open(live, self.answers)
            elif live is not None and not self._opening and self._is_stale(self._gen, live):
                self._opening = True
                threading.Thread(target=self._open_in_background, args=(live,), daemon=True).start()
            return self._gen

    @staticmethod
    def _is_stale(gen: Generation, live: Path) -> bool:
        return gen.path != live or not gen.searcher.up_to_date()

    def _open_in_background(self, live: Path) -> None:
        try:
            fresh = Generation.open(live, self.answers)
            with self._lock:
                self._gen = fresh
        except Exception:  # the next check tries again; the current generation keeps serving
            log.exception("could not open index generation %s", live)
        finally:
            self._opening = False

    def warm_up(self) -> None:
        """Open the index and fill the stemmer's cache with the index vocabulary,
        so that the first searches after start-up run at full speed."""
        try:
            gen = self.generation()
        except IndexUnavailable:
            return
        for word in gen.vocabulary.words:
            stem(word)

    # -- search ------------------------------------------------------------
    def search(self, req: SearchRequest) -> dict:
        """The answer to a request: remembered for the generation (search/results_cache.py)."""
        started = time.perf_counter()
        gen = self.generation()
        key = request_key(req, self.synonyms.get())  # the key holds the synonyms: no id is reused
        response = gen.answers.get(key)
        if response is None:
            response = self._search(gen, req)
            gen.answers.put(key, response)
        response["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return response

    def _search(self, gen: Generation, req: SearchRequest) -> dict:
        budget = Budget(self.budget_ms)  # from here: the first request may have waited for the index to open
        reader = gen.searcher.reader()
        sel = self.selection(gen, req)
        parsed, matched, all_words, tiered = sel.parsed, sel.matched, sel.all_words, sel.tiered
        in_range, by_source, by_person, expanded = sel.in_range, sel.by_source, sel.by_person, sel.expanded

        def restrict(mask, *filters):
            for f in filters:
                if f is not None:
                    mask = mask & f
            return mask

        final = restrict(matched, in_range, by_source, by_person)
        view = gen.collapse.views[req.collapse]
        total = view.total(final)
        start = (req.page - 1) * req.per_page
        page_docs = self._page(gen, parsed, req, final, matched, start, tiered, budget, view)
        terms = self._highlight_terms(parsed, reader)
        results, shown = [], []
        for docnum, score in page_docs:
            stored = gen.stored(docnum)
            shown.append(stored)
            snippet_html = self._snippet(gen, docnum, stored, terms, budget)
            record = _hit_record(stored, score, snippet_html, bool(all_words[docnum]))
            results.append(annotate(record, docnum, gen.collapse, gen.stored, req.collapse))

        sources, _ = view.top("source", restrict(matched, in_range, by_person), req.sources, SOURCE_FACET_SIZE)
        persons, person_distinct = view.top(
            "person", restrict(matched, in_range, by_source), req.persons, PERSON_FACET_SIZE
        )
        response = {
            "query": req.q,
            "total": total,
            "total_all_words": total if tiered is None else view.total(final & all_words),
            "page": req.page,
            "per_page": req.per_page,
            "took_ms": 0.0,
            "approximate": False,  # an optional stage was skipped for time (search/budget.py)
            "suggestion": self._suggestion(gen, parsed, shown, restrict, in_range, by_source, by_person)
            if parsed.corrected and budget.allows() else None,
            "ignored": parsed.ignored,
            "expanded": [e.as_json() for e in expanded],
            "results": results,
            "facets": {
                "source": sources,
                "person": persons,
                "person_total": person_distinct,
                "date": view.date_histogram(restrict(matched, by_source, by_person)),
            },
        }
        response["approximate"] = budget.approximate
        return response

    def _parse(self, gen: Generation, text: str, relax: bool = False) -> tuple[ParsedQuery, list]:
        """The parsed query, its words also matching their synonyms, and what was expanded."""
        parsed = bounded(parse(text, gen.searcher.reader(), gen.vocabulary, relax=relax), gen.expander)
        q, expanded = self.synonyms.get().expand(parsed.query, parsed.text)
        return (replace(parsed, query=q) if expanded else parsed), expanded

    def selection(self, gen: Generation, req: SearchRequest) -> Selection:
        """The parsed query and document masks of a request: the page and the export share it."""
        facets = gen.facets
        if req.date_from is not None or req.date_to is not None:
            in_range = facets.date_mask(req.date_from, req.date_to)
        else:
            in_range = None
        if req.indexed_after is not None:  # saved searches count what is new
            new = gen.collapse.indexed_after(req.indexed_after)
            in_range = new if in_range is None else in_range & new
        by_source = facets.source.docs_with(req.sources, facets.doc_count) if req.sources else None
        by_person = facets.person.docs_with(req.persons, facets.doc_count) if req.persons else None
        counted = _counted(in_range, by_source, by_person)
        parsed, expanded = self._parse(gen, req.q)
        matched = self._matching(gen, parsed.query, counted)
        if parsed.unseen and not matched.any():
            parsed, expanded = self._parse(gen, req.q, relax=True)
            matched = self._matching(gen, parsed.query, counted)
        tiered = self._tiers(gen, parsed, req, int(matched.sum()))
        all_words = matched
        if tiered is not None:
            matched = tiered.matched & gen.facets.live
        return Selection(parsed, matched, all_words, tiered, in_range, by_source, by_person, expanded)

    @staticmethod
    def _snippet(gen: Generation, docnum: int, stored: dict, terms: frozenset[str], budget: Budget) -> str:
        key = (docnum, terms)
        found = gen.snippets.get(key)
        if found is None:
            if not budget.allows():
                return opening(stored.get("body", ""))
            if len(gen.snippets) >= SNIPPET_CACHE_SIZE:
                gen.snippets.clear()
            found = gen.snippets[key] = snippet(stored.get("body", ""), terms)
        return found

    def _matching(self, gen: Generation, q, within: np.ndarray | None = None) -> np.ndarray:
        """Documents matching `q`, exact within `within` (None: everywhere)."""
        if q is None:
            return gen.facets.live.copy()
        return gen.evaluator.mask(q, within)

    @staticmethod
    def _tiers(gen: Generation, parsed: ParsedQuery, req: SearchRequest, with_all: int) -> Tiers | None:
        """Documents missing words of a plain query of several words (search.tiers), unless `match=all`."""
        if req.match != "most":
            return None
        names_person = bool(Engine._named_persons(gen, parsed))
        clauses = word_clauses(parsed.query, parsed.text, with_all, names_person)
        count = gen.collapse.views[req.collapse].total
        return tiers(clauses, gen.evaluator.mask, gen.facets.live, count) if clauses else None

    def _page(self, gen, parsed: ParsedQuery, req: SearchRequest, final, matched, start, tiered, budget: Budget,
              view: View) -> list:
        """(docnum, score) of the requested page, one per group of the collapse view;
        documents with all the words first."""
        end = start + req.per_page
        if parsed.query is not None and req.sort == "relevance":
            try:
                return self._ranked(gen, parsed, final, end, tiered, budget, view)[start:end]
            except Unsupported:
                return self._whoosh_ranked(gen, parsed, final, matched, end, tiered, view)[start:end]
        docnums = np.flatnonzero(final)
        keys = gen.facets.date_key[docnums]
        oldest_first = req.sort == "date"
        # Unknown dates (key 0) always come last; ties by document number.
        known = keys != 0
        primary = keys if oldest_first else -keys
        order = np.lexsort((docnums, primary, ~known, _tier_of(tiered, docnums)))
        return [(int(d), None) for d in view.collapse(docnums[order])[start:end]]

    @staticmethod
    def _whoosh_ranked(gen: Generation, parsed: ParsedQuery, final, matched, end: int, tiered, view: View) -> list:
        """Top `end` (docnum, score) ranked by Whoosh (phrases, prefixes…), one per group of the
        collapse view: each group's best-ranked document. Whoosh ranks every version, and more hits
        are asked for until `end` groups are found or none are left."""
        limit = end
        while True:
            found = Engine._whoosh_hits(gen, parsed, final, matched, limit, tiered)
            firsts = view.first_positions(np.array([d for d, _ in found], dtype=np.int64))
            kept = [found[i] for i in np.arange(len(found))[firsts]]
            if len(kept) >= end or len(found) < limit:  # fewer hits than asked: all of them
                return kept[:end]
            limit *= 2

    @staticmethod
    def _whoosh_hits(gen: Generation, parsed: ParsedQuery, final, matched, limit: int, tiered) -> list:
        """Top `limit` (docnum, score) of the documents of `final` ranked by Whoosh, tier after tier."""
        if tiered is None:
            narrowed = not np.array_equal(final, matched)
            allowed = set(np.flatnonzero(final).tolist()) if narrowed else None
            return [(hit.docnum, hit.score)
                    for hit in gen.searcher.search(parsed.ranking, limit=limit, filter=allowed, terms=False)]
        q = ranking_query(tiered)
        if parsed.proximity is not None:
            q = wq.AndMaybe(q, parsed.proximity)
        found: list = []
        for tier in range(tiered.allowed + 1):
            docs = np.flatnonzero(final & (tiered.missing == tier))
            if len(docs) and len(found) < limit:
                hits = gen.searcher.search(q, limit=limit - len(found), filter=set(docs.tolist()), terms=False)
                found.extend((hit.docnum, hit.score) for hit in hits)
        return found

    @staticmethod
    def _ranked(gen: Generation, parsed: ParsedQuery, final: np.ndarray, end: int, tiered, budget: Budget,
                view: View) -> list:
        """Top `end` (docnum, score): BM25F plus feedback, the first RESCORE_DEPTH re-ranked by
        proximity (both skipped when the budget is spent); documents missing a word after all
        those with every word."""
        docnums = np.flatnonzero(final)
        tier = _tier_of(tiered, docnums)
        scores = gen.evaluator.scores(parsed.query, final)[docnums]
        if len(docnums) >= prf.MIN_FEEDBACK_DOCS and budget.allows():
            scores = scores + Engine._feedback_scores(gen, parsed, docnums, scores, tier)
        scores = scores + Engine._person_bonus(gen, parsed, docnums, scores)
        bonus = parsed.proximity if parsed.proximity is not None and budget.allows() else None
        depth = max(end, RESCORE_DEPTH) if bonus is not None else end
        order = _best_first(docnums, scores, tier, view, depth)
        top = {int(d): float(s) for d, s in zip(docnums[order], scores[order])}
        tier_of = dict(zip(docnums[order].tolist(), tier[order].tolist()))
        if bonus is not None and top:
            for docnum, score in gen.evaluator.near_scores(bonus, sorted(top)):
                top[docnum] += score
        return sorted(top.items(), key=lambda ds: (tier_of[ds[0]], -ds[1], ds[0]))[:end]

    @staticmethod
    def _named_persons(gen: Generation, parsed: ParsedQuery) -> list[int]:
        """Ordinals of the person values the query's words name (search/person_rank.py)."""
        return gen.person_names.named([w for w, _, _ in query_words(parsed.text)])

    @staticmethod
    def _person_bonus(gen: Generation, parsed: ParsedQuery, docnums: np.ndarray, scores: np.ndarray):
        """Articles with the persons the query's words name rank higher (search/person_rank.py)."""
        named = Engine._named_persons(gen, parsed)
        person = gen.facets.person
        return person_rank.bonus(named, lambda o: person.docs_with([person.values[o]], gen.facets.doc_count),
                                 docnums, scores)

    @staticmethod
    def _feedback_scores(gen: Generation, parsed: ParsedQuery, docnums: np.ndarray, scores: np.ndarray, tier):
        """Scores of the top documents' characteristic words, scaled to at most WEIGHT of the best score."""
        if len(docnums) < prf.MIN_FEEDBACK_DOCS:
            return 0.0
        best = np.lexsort((docnums, -scores, tier))[: prf.FEEDBACK_DOCS]
        typed = {leaf.text for leaf in parsed.query.leaves() if isinstance(leaf, wq.Term)}
        terms = gen.feedback.expansion([int(d) for d in docnums[best]], typed)
        extra = sum((gen.evaluator.term_scores(f, t)[docnums] for t in terms for f in prf.EXPANSION_FIELDS),
                    np.zeros(len(docnums)))
        top = extra.max() if len(extra) else 0.0
        if top <= 0:
            return 0.0
        return prf.WEIGHT * scores.max() * extra / top

    def query_terms(self, q: str) -> frozenset[str]:
        """The index terms a page highlights for query `q` (the document page's marks)."""
        gen = self.generation()
        return self._highlight_terms(self._parse(gen, q)[0], gen.searcher.reader())

    @staticmethod
    def _highlight_terms(parsed: ParsedQuery, reader) -> frozenset[str]:
        """Index terms of the query's title/body leaves, prefixes expanded.

        (Query.existing_terms is not used: it reuses its `fieldname` argument as
        a loop variable and drops the leaves of every field but the first.)
        """
        if parsed.query is None:
            return frozenset()
        terms = set()
        for leaf in parsed.query.leaves():
            for fieldname, text in leaf.expanded_terms(reader, phrases=True):
                if fieldname in TEXT_FIELDS and (fieldname, text) in reader:
                    terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
        return frozenset(terms)

    def _suggestion(self, gen, parsed: ParsedQuery, shown: list[dict], restrict, *filters) -> str | None:
        """A better-spelt query, when it has clearly more hits than the literal one,
        its words spelt as the documents shown spell them."""
        if not parsed.corrected:
            return None
        texts = [f"{stored.get('title', '')}\n{stored.get('body', '')}" for stored in shown]
        spelt = surface_forms(texts, set(parsed.corrected.values()))
        better = suggestion_text(parsed.text, {typed: spelt.get(c, c) for typed, c in parsed.corrected.items()})
        if better is None:
            return None
        reader = gen.searcher.reader()
        within = restrict(gen.facets.live, *filters)
        literal = bounded(parse(parsed.text, reader, None), gen.expander)
        literal_hits = int(restrict(self._matching(gen, literal.query, within), *filters).sum())
        # Words the search ignored (no document has them) are ignored in the suggestion too.
        suggested = parse(better, reader, gen.vocabulary, relax=True) if parsed.ignored else parse(better, reader, None)
        suggested = bounded(suggested, gen.expander)
        suggested_hits = int(restrict(self._matching(gen, suggested.query, within), *filters).sum())
        if suggested_hits > literal_hits and suggested_hits >= 2 * literal_hits:
            return better
        return None

    # -- documents -----------------------------------------------------------
    def document(self, doc_id: str, offset: int = 0, length: int = TEXT_PAGE_CHARS) -> dict | None:
        """The stored document with up to five similar ones, or None; its text
        from `offset`, at most `length` characters (a 50 MB article is served
        in pages: `text_truncated`, `next_offset`)."""
        gen = self.generation()
        docnum = gen.searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        stored = gen.searcher.stored_fields(docnum)
        body = stored.get("body", "")
        end = min(len(body), offset + length)
        return _public(stored) | {
            "text": body[offset:end],
            "text_offset": min(offset, len(body)),
            "text_length": len(body),
            "text_truncated": offset > 0 or end < len(body),
            "next_offset": end if end < len(body) else None,
            "path": stored.get("path"),
            "similar": self._similar(gen, docnum, stored),
        } | relatives(docnum, gen.collapse, gen.stored)

    def _similar(self, gen: Generation, docnum: int, stored: dict) -> list[dict]:
        text = f"{stored.get('title', '')}\n{stored.get('body', '')[:SIMILAR_TEXT_CHARS]}"
        hits = gen.searcher.more_like(docnum, "body", text=text, top=SIMILAR_COUNT, numterms=12)
        return [{"id": h["id"], "title": h.get("title", "")} for h in hits]

    def person_values(self, prefix: str, limit: int = 20) -> list[dict]:
        """Person facet values with a word starting with `prefix` (folded), by count."""
        gen = self.generation()
        wanted = fold(prefix.strip())
        values = gen.facets.person.values
        counts = gen.person_totals
        found = [
            (values[i], int(counts[i]))
            for i in range(len(values))
            if counts[i] and (not wanted or any(w.startswith(wanted) for w in fold(values[i]).replace("-", " ").split())
                              or fold(values[i]).startswith(wanted))
        ]
        found.sort(key=lambda vc: (-vc[1], vc[0]))
        return [{"value": v, "count": c} for v, c in found[:limit]]
