"""What a one-file add reuses: the indexer reads the live documents' columns whole
(store.read_columns), and a server opening the next generation reuses the term
tables of the segments it already read (search.matching.doc_frequencies). Both
must equal what Whoosh's public reader gives, deletions and new segments included."""
from whoosh import index as whoosh_index

from indexer import store
from indexer.writer import reindex
from search.engine import Generation
from search.matching import doc_frequencies
from tests.conftest import write_jsonl

NAMES = ("id", "path", "file_hash", "person_raw", "facet_person", "text_key", "story_signature", "date_key", "story",
         "first_indexed", "source_raw", "facet_source")


def _record(n: int, words: str) -> dict:
    return {"id": f"d{n}", "title": f"Article {n}", "source": "AFP" if n % 2 else "Reuters",
            "date": f"2021-03-{n % 27 + 1:02d}", "text": f"Le ministre Jean Dupont a visité la base {words} numéro {n}."}


def _index_with_deletions(tmp_path):
    seeds, index_dir = tmp_path / "seeds", tmp_path / "ix"
    seeds.mkdir()
    write_jsonl(seeds / "a.jsonl", [_record(n, "navale") for n in range(80)])
    write_jsonl(seeds / "b.jsonl", [_record(n, "aérienne") for n in range(80, 95)])
    reindex([seeds], index_dir)
    before = Generation.open(store.current_dir(index_dir))  # a server on the first generation
    # 5 gone, 10 rewritten: 16% of the first segment deleted, below segments.PURGE_SHARE (kept, not rewritten)
    write_jsonl(seeds / "b.jsonl", [_record(n, "terrestre") for n in range(80, 90)])
    write_jsonl(seeds / "c.jsonl", [_record(n, "spatiale") for n in range(95, 100)])
    summary = reindex([seeds], index_dir)
    assert summary.deleted == 5 and summary.added == 5 and summary.updated == 10
    return index_dir, before


def test_columns_read_whole_equal_the_readers(tmp_path):
    index_dir, _ = _index_with_deletions(tmp_path)
    generation = store.current_dir(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    with ix.reader() as reader:
        assert reader.has_deletions() and len(list(ix._segments())) > 1
        live = list(reader.all_doc_ids())
        expected = {name: [reader.column_reader(name)[d] for d in live] for name in NAMES}
    docnums, values = store.read_columns(generation, ix, NAMES)
    assert docnums == live and values == expected
    assert len(docnums) == 95


def test_document_frequencies_of_the_next_generation_equal_whooshs(tmp_path):
    index_dir, before = _index_with_deletions(tmp_path)
    after = Generation.open(store.current_dir(index_dir))
    reader = after.searcher.reader()
    assert len(reader.leaf_readers()) > len(before.searcher.reader().leaf_readers())  # a new segment, old ones reused
    for fieldname in ("body", "exact", "title", "person"):
        expected = {(t.decode() if isinstance(t, bytes) else t): reader.doc_frequency(fieldname, t)
                    for t in reader.lexicon(fieldname)}
        assert doc_frequencies(reader, fieldname) == expected
    assert doc_frequencies(reader, "body")["terrestr"] == 10 and "spatial" in doc_frequencies(reader, "body")


def test_field_lengths_of_the_next_generation_equal_whooshs(tmp_path):
    """The lengths BM25F reads, kept per segment across generations, are Whoosh's for every document."""
    from search.matching import field_lengths

    index_dir, before = _index_with_deletions(tmp_path)
    after = Generation.open(store.current_dir(index_dir))
    reader = after.searcher.reader()
    for fieldname in ("title", "lead", "body", "person"):
        expected = [reader.doc_field_length(d, fieldname, 0) for d in range(reader.doc_count_all())]
        assert field_lengths(reader, fieldname).tolist() == expected
        assert after.evaluator.lengths[fieldname].tolist() == expected
