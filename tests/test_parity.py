"""The boundary around Whoosh internals: the fast path equals Whoosh's public API.

search/matching.py and search/positions.py read private parts of Whoosh's W3
codec and of BM25F to match and score with numpy. On real indexes (a
generated multi-segment one with deletions; the 5k corpus when ../shared is
there) and a sample of queries of every kind, the documents and scores they
give must equal `Searcher.docs_for_query` / `Searcher.search` (within 1e-6),
and the private attributes used must still be there: a whoosh-reloaded
upgrade that changes them fails here instead of silently falling back to the
slow path or mis-scoring.
"""
from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query.spans import SpanNear2

from indexer import store
from indexer.writer import reindex
from search.engine import SCORING, Generation
from indexer import postings
from search.matching import doc_frequencies, scores_of
from search.params import SearchRequest
from search.query import TEXT_FIELDS, parse
from tests.conftest import CORPUS_5K, write_jsonl

WORDS = ("armée frappe missile otan défense alliance sommet traité sanctions navire base aérienne troupes "
         "retrait ministre président accord nucléaire frontière drone satellite radar exercice manœuvre "
         "Syrie Russie Ukraine Mali Sahel Barkhane Washington Moscou Paris Bruxelles coalition").split()
NAMES = ("Emmanuel Macron", "Jens Stoltenberg", "Florence Parly", "Vladimir Poutine", "Joe Biden")
SOURCES = ("AFP", "Reuters", "Le Monde", "TASS")


def _records(rng: random.Random, start: int, count: int) -> list[dict]:
    out = []
    for i in range(start, start + count):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(20, 200)))
        name = rng.choice(NAMES)
        out.append({"id": f"g{i}", "title": " ".join(rng.sample(WORDS, 4)), "source": rng.choice(SOURCES),
                    "date": f"20{rng.randrange(10, 23)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 9)}",
                    "text": f"{body}. {name} a déclaré : {body[:80]}"})
    return out


@pytest.fixture(scope="module")
def generated_index(tmp_path_factory):
    """Three segments (three incremental runs), with updated and deleted documents."""
    root = tmp_path_factory.mktemp("parity")
    rng = random.Random(5)
    seeds = root / "seeds"
    seeds.mkdir()
    write_jsonl(seeds / "a.jsonl", _records(rng, 0, 250))
    reindex([seeds], root / "ix")
    write_jsonl(seeds / "b.jsonl", _records(rng, 250, 150))
    reindex([seeds], root / "ix")
    write_jsonl(seeds / "a.jsonl", _records(rng, 0, 200))  # 50 deleted, 200 rewritten
    reindex([seeds], root / "ix")
    return root / "ix"



@pytest.fixture(scope="module", params=["generated", "corpus"])
def gen(request) -> Generation:
    if request.param == "corpus":
        if not CORPUS_5K.exists():
            pytest.skip("../shared corpus not present")
        index_dir = request.getfixturevalue("corpus_index")
    else:
        index_dir = request.getfixturevalue("generated_index")
    return Generation.open(store.current_dir(index_dir))


def _sample_queries(gen: Generation, count: int = 40) -> list[query.Query]:
    """Queries of every kind the engine gives the fast path, from the index's own terms."""
    rng = random.Random(11)
    reader = gen.searcher.reader()
    body = sorted(t.decode() if isinstance(t, bytes) else t for t in reader.field_terms("body"))
    body = [t for t in body if reader.doc_frequency("body", t) >= 2]
    texts = [gen.searcher.stored_fields(d).get("body", "") for d in rng.sample(range(reader.doc_count_all()), 30)
             if gen.facets.live[d]]
    typed = [w for t in texts for w in t.split()[:60] if w.isalpha() and len(w) > 3]
    qs: list[query.Query] = []
    for _ in range(count):
        a, b = rng.sample(body, 2)
        qs.append(query.Term("body", a))
        qs.append(query.And([query.Term("title", a, boost=2.5), query.Term("body", b)]))
        qs.append(query.Or([query.Term("lead", a), query.Term("body", b)]))
        qs.append(query.AndNot(query.Term("body", a), query.Term("body", b)))
    for _ in range(count // 2):
        i = rng.randrange(len(typed) - 3)
        for text in (" ".join(typed[i:i + 2]), f'"{typed[i]} {typed[i + 1]}"', f"{typed[i][:4]}*",
                     f"{typed[i]}-{typed[i + 1]}", "source:afp " + typed[i], 'person:"Jens Stoltenberg"'):
            parsed = parse(text, reader, None)
            if parsed.query is not None:
                qs.append(gen.expander.rewrite(parsed.query))
    return qs


def test_matching_and_scores_equal_whoosh(gen):
    searcher = gen.searcher
    checked = 0
    for q in _sample_queries(gen):
        mine = np.flatnonzero(gen.evaluator.mask(q))
        # Whoosh's AndNot matcher keeps the first documents of a segment that have
        # the excluded word (whoosh-reloaded 2.7.5); its And/Not form is right.
        public = query.And([q.a, query.Not(q.b)]) if isinstance(q, query.AndNot) else q
        theirs = np.array(sorted(searcher.docs_for_query(public)), dtype=np.int64)
        assert np.array_equal(mine, theirs), q
        if isinstance(q, query.AndNot) or not len(mine):
            continue
        scores = gen.evaluator.scores(q)
        hits = searcher.search(q, limit=None, terms=False)
        assert {h.docnum for h in hits} == set(mine.tolist()), q
        for hit in hits:
            assert abs(scores[hit.docnum] - hit.score) < 1e-6, (q, hit.docnum, scores[hit.docnum], hit.score)
        checked += 1
    assert checked >= 40


def test_proximity_bonus_equals_whoosh_span_matcher(gen):
    from indexer.french import terms as analysed

    rng = random.Random(3)
    docnums = sorted(int(d) for d in np.flatnonzero(gen.facets.live))
    compared = 0
    for docnum in rng.sample(docnums, 15):
        words = analysed(gen.searcher.stored_fields(docnum).get("body", ""))[:40]
        if len(set(words)) < 3:
            continue
        picked = rng.sample(sorted(set(words)), rng.choice((2, 3)))
        having = np.flatnonzero(gen.evaluator.mask(query.Term("body", picked[0])))
        sample = sorted(set(rng.sample(having.tolist(), min(300, len(having)))) | {docnum})
        for slop, ordered in ((6, False), (1, True), (3, True)):
            q = SpanNear2([query.Term("body", w) for w in picked], slop=slop, ordered=ordered)
            mine = gen.evaluator.near_scores(q, sample)
            theirs = list(scores_of(gen.searcher, q, sample))
            assert [d for d, _ in mine] == [d for d, _ in theirs], (q,)
            assert all(abs(a - b) < 1e-6 for (_, a), (_, b) in zip(mine, theirs))
            compared += len(mine)
    assert compared > 0


def test_the_private_internals_used_are_still_there(gen):
    """What the fast path reads: a change in whoosh-reloaded must fail here."""
    assert SCORING._field_B == {"title": 0.3, "lead": 0.3}
    reader = gen.searcher.reader()
    term = next(t for t in reader.field_terms("body") if reader.doc_frequency("body", t) > 5)
    text = term.decode() if isinstance(term, bytes) else term
    for segment, _ in reader.leaf_readers():
        if (("body", text)) not in segment:
            continue
        matcher = segment._terms.matcher("body", segment._text_to_bytes("body", text), segment.schema["body"].format)
        assert isinstance(matcher, W3LeafMatcher)
        for name in ("_read_ids", "_read_weights", "_read_values", "_next_block", "block_max_id"):
            assert callable(getattr(matcher, name)), name
        blocks = postings.blocks(segment, "body", text)
        assert blocks is not None, "the W3 block reader fell back to the slow path"
        ids = np.concatenate([i for i, _ in blocks])
        weights = np.concatenate([w for _, w in blocks])
        live = np.array([not segment.is_deleted(int(i)) for i in ids], dtype=bool)  # the public API skips deleted
        ids, weights = ids[live], weights[live]
        public = list(segment.postings("body", text).items_as("weight"))
        assert ids.tolist() == [i for i, _ in public]
        assert weights.tolist() == [w for _, w in public]


def test_postings_arrays_equal_whooshs_postings(gen):
    """Every term the indexer copied into arrays (indexer/postings.py) holds
    exactly Whoosh's postings for it; the arrays exist for every segment and
    for no other (merged-away segments' arrays are dropped)."""
    reader = gen.searcher.reader()
    root = gen.path / postings.DIRNAME
    segment_ids = {segment.segment().segment_id() for segment, _ in reader.leaf_readers()}
    assert {p.name for p in root.iterdir()} == segment_ids
    rng = random.Random(3)
    checked = 0
    for segment, _ in reader.leaf_readers():
        arrays = postings.SegmentPostings.load(gen.path, segment.segment().segment_id())
        for fieldname in postings.FIELDS:
            for term, info in segment.iter_field(fieldname):
                text = term.decode() if isinstance(term, bytes) else term
                copied = arrays.get(fieldname, text)
                assert (copied is not None) == (info.doc_frequency() >= postings.MIN_DF), (fieldname, text)
                if copied is None or (checked > 200 and rng.random() > 0.05):  # a sample of a big index
                    continue
                ids, weights = copied
                live = np.array([not segment.is_deleted(int(i)) for i in ids], dtype=bool)
                public = list(segment.postings(fieldname, text).items_as("weight"))
                assert ids[live].tolist() == [i for i, _ in public]
                assert weights[live].tolist() == [w for _, w in public]
                checked += 1
    assert checked > 50


def test_positions_arrays_equal_whooshs_positions(gen):
    """The positions the indexer copied for frequent terms (what phrases are
    checked on) are Whoosh's public positions of each posting, in every text
    field: none falls back to decoding Whoosh's blocks."""
    reader = gen.searcher.reader()
    rng = random.Random(6)
    checked = 0
    for segment, _ in reader.leaf_readers():
        arrays = postings.SegmentPostings.load(gen.path, segment.segment().segment_id())
        for fieldname in TEXT_FIELDS:
            for text in arrays.terms[fieldname]:
                found = arrays.term_positions(fieldname, text)
                assert found is not None, (fieldname, text)
                if checked > 100 and rng.random() > 0.03:  # a sample of a big index
                    continue
                ids, bounds, positions = found
                mine = {int(d): positions[bounds[k]:bounds[k + 1]].tolist() for k, d in enumerate(ids)
                        if not segment.is_deleted(int(d))}
                theirs = dict(segment.postings(fieldname, text).items_as("positions"))
                assert mine == theirs, (fieldname, text)
                checked += 1
    assert checked > 50


def test_forward_index_equals_analysing_the_stored_body(gen):
    """The body terms the feedback reads from the forward index are those the
    analyser gives for the document's stored body."""
    from collections import Counter

    from indexer.french import terms

    rng = random.Random(4)
    checked = 0
    for docnum in rng.sample(range(gen.searcher.doc_count_all()), 40):
        counts = gen.feedback._counts(docnum)
        assert counts == Counter(terms(gen.stored(docnum).get("body", ""))), docnum
        checked += bool(counts)
    assert checked > 10
    assert all(arrays is not None for _, arrays in gen.feedback._segments)
    assert gen.feedback.df == doc_frequencies(gen.searcher.reader(), "body")  # Whoosh's term infos


def test_engine_results_equal_the_straightforward_path(gen, tmp_path):
    """Ids, totals and facet counts through the engine (budget 0: plain BM25F)
    against Whoosh's search and counts over stored fields of every match."""
    from collections import Counter

    from search.engine import Engine

    engine = Engine(gen.path.parent, budget_ms=0)
    engine._gen = gen
    engine._checked = float("inf")
    reader = gen.searcher.reader()
    rng = random.Random(2)
    terms = [t.decode() if isinstance(t, bytes) else t for t in reader.field_terms("exact")]
    words = [t for t in terms if t.isalpha() and 3 < reader.doc_frequency("exact", t) < reader.doc_count() // 2]
    for text in [rng.choice(words) for _ in range(8)] + [f"{rng.choice(words)[:4]}*" for _ in range(4)]:
        resp = engine.search(SearchRequest(q=text, per_page=20))
        parsed = gen.expander.rewrite(parse(text, reader, gen.vocabulary).query)
        matched = sorted(gen.searcher.docs_for_query(parsed))
        assert resp["total"] == len(matched), text
        sources = Counter(s for d in matched for s in gen.searcher.stored_fields(d).get("sources") or [])
        for item in resp["facets"]["source"]:
            assert item["count"] == sources[item["value"]], (text, item)
        hits = gen.searcher.search(parsed, limit=20, terms=False)
        assert [r["score"] for r in resp["results"]] == [round(h.score, 4) for h in hits], text
        by_score = {h["id"]: round(h.score, 4) for h in hits}
        assert all(by_score.get(r["id"], r["score"]) == r["score"] for r in resp["results"]), text


def test_text_fields_are_the_ones_scored(gen):
    assert set(TEXT_FIELDS) <= set(gen.evaluator.lengths)
