"""Adding a file to an index gives the index a full rebuild of the same files gives: the same
documents with the same stored fields, columns (persons, sources, stories, signatures…) and
terms, including the kept documents the new file relabels (a person or source value that
the new file changes corpus-wide). Only `first_indexed`, a time stamp, may differ."""
import json

from whoosh import index as whoosh_index

from indexer import store
from indexer.schema import SCHEMA
from indexer.writer import reindex
from tests.conftest import CORPUS_5K, needs_shared, write_jsonl

SAMPLE = 400  # records of the 5k corpus

# The kept documents name Stoltenberg by his surname alone and once in full: too few full
# names to merge the surname (person_merge.MIN_DOCS); the added file's full name merges it.
# They spell BFMTV two ways, once each (the tie gives "BFM TV"); the added file's spelling wins.
RECORDS = [
    {"id": "k1", "title": "Réunion à Bruxelles", "source": "Source : Le Monde", "date": "2023-06-15",
     "text": "Selon l'Otan, M. Stoltenberg a réuni les ministres de la défense à Bruxelles."},
    {"id": "k2", "title": "Sommet de Vilnius", "source": "BFMTV", "date": "2023-07-11",
     "text": "Le secrétaire général Jens Stoltenberg a ouvert le sommet de Vilnius en Lituanie."},
    {"id": "k3", "title": "Frégates en Méditerranée", "source": "BFM TV", "date": "2023-07-12",
     "text": "La frégate Aquitaine a quitté Toulon. Florence Parly a salué l'équipage."},
]
ADDED = ("Un article ajouté\n\nJens Stoltenberg (selon Reuters) 13 juillet 2023\n\n"
         "(BFMTV) - La frégate a quitté Toulon ce matin. Jens Stoltenberg a salué l'équipage. zorglubesque\n")


def contents(index_dir) -> dict:
    """Every document's stored fields and columns (first_indexed aside), by id, and every
    indexed field's terms with the ids of the documents that have them."""
    ix = whoosh_index.open_dir(str(store.current_dir(index_dir)))
    columns = [name for name, field in SCHEMA.items() if field.column_type and name != "first_indexed"]
    with ix.searcher() as searcher:
        reader = searcher.reader()
        values = {name: reader.column_reader(name) for name in columns}
        ids = values["id"]
        docs = {ids[n]: (searcher.stored_fields(n), {name: column[n] for name, column in values.items()})
                for n in reader.all_doc_ids()}
        terms = {(field, text): sorted(ids[n] for n in reader.postings(field, text).all_ids())
                 for field, text in reader.all_terms() if field not in columns}
    return {"docs": docs, "terms": terms}


def _add_and_rebuild(tmp_path, write_kept) -> tuple[dict, dict, object]:
    """The index of the kept files plus one added .txt, incrementally and in full."""
    for name in ("inc", "full"):
        write_kept(tmp_path / f"seeds-{name}")
        (tmp_path / f"seeds-{name}" / "added.txt").write_text(ADDED, encoding="utf-8")
    (tmp_path / "seeds-inc" / "added.txt").unlink()
    assert not reindex([tmp_path / "seeds-inc"], tmp_path / "ix-inc").failed
    (tmp_path / "seeds-inc" / "added.txt").write_text(ADDED, encoding="utf-8")
    summary = reindex([tmp_path / "seeds-inc"], tmp_path / "ix-inc")
    assert not summary.full and summary.added == 1 and not summary.failed
    reindex([tmp_path / "seeds-full"], tmp_path / "ix-full", full=True)
    return contents(tmp_path / "ix-inc"), contents(tmp_path / "ix-full"), summary


def _write_records(records):
    def write(seeds):
        seeds.mkdir()
        write_jsonl(seeds / "kept.jsonl", records)
    return write


def test_an_added_file_that_relabels_kept_documents_gives_the_full_rebuilds_index(tmp_path):
    incremental, full, summary = _add_and_rebuild(tmp_path, _write_records(RECORDS))
    assert summary.relabelled == 3  # k1 (its person), k2 and k3 (their source)
    assert "Jens Stoltenberg" in full["docs"]["k1"][0]["persons"]
    assert full["docs"]["k3"][0]["sources"] == ["BFMTV"]
    assert incremental == full


@needs_shared
def test_a_file_added_to_a_corpus_gives_the_full_rebuilds_index(tmp_path):
    with open(CORPUS_5K, encoding="utf-8") as f:
        records = [json.loads(line) for _, line in zip(range(SAMPLE), f)]
    incremental, full, _ = _add_and_rebuild(tmp_path, _write_records(records))
    assert len(full["docs"]) == SAMPLE + 1
    assert incremental == full

