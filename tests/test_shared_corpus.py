"""Ingestion of the real corpus in ../shared (skipped when it is absent)."""
import json

from indexer.source_merge import key as source_key
from indexer.sources import discover, file_hash, load, read_bytes
from search.engine import Engine
from search.params import SearchRequest
from tests.conftest import CORPUS_5K, SHARED, needs_shared

HTML_DIR = SHARED / "corpus" / "html"


@needs_shared
def test_saved_html_pages_give_title_and_publication_day():
    expected = {e["id"]: e for e in map(json.loads, (SHARED / "corpus/html-expected.jsonl").read_text().splitlines())}
    seeds, _ = discover([HTML_DIR])
    agree = []
    for seed in seeds:
        data = read_bytes(seed)
        (doc,), _ = load(seed, data, file_hash(data))
        want = expected[doc.id]
        agree.append(doc.title == want["title"] and (doc.date or "")[:10] == want["date"][:10])
    print(f"\nHTML pages with the expected title and day: {sum(agree)}/{len(agree)}")
    assert len(agree) == 100 and sum(agree) >= 95


@needs_shared
def test_5k_corpus_is_ingested_whole_with_ids_sources_and_dates(corpus_index):
    records = [json.loads(l) for l in CORPUS_5K.read_text(encoding="utf-8").splitlines() if l.strip()]
    engine = Engine(corpus_index)
    # Every record indexed: counted without collapsing copies of one text (search.collapse).
    assert engine.search(SearchRequest(q="", collapse="none"))["total"] == len(records) == 5000
    for record in records[:: len(records) // 50]:
        doc = engine.document(record["id"])
        assert doc is not None, record["id"]
        # Served canonical (one spelling per outlet, tests/test_source_merge.py): the same outlet.
        assert [source_key(s) for s in doc["source"]] == ([source_key(record["source"])] if record.get("source") else [])
        assert doc["date"] == record.get("date")
        assert doc["title"] == record["title"]
