"""Story assignment is incremental and exact: the band table finds the candidates
datasketch's MinHashLSH finds, and adding the newest documents to an index gives
them the stories a full rebuild gives them."""
import json
from pathlib import Path

from datasketch import LeanMinHash, MinHashLSH
from whoosh import index as whoosh_index

from indexer import store, stories
from indexer.metadata import date_key
from indexer.writer import reindex
from tests.conftest import CORPUS_5K, needs_shared, write_jsonl

SAMPLE = 1500  # records of the 5k corpus: enough for stories of several versions


def _records(n: int) -> list[dict]:
    with open(CORPUS_5K, encoding="utf-8") as f:
        return [json.loads(line) for _, line in zip(range(n), f)]


def _members(records: list[dict]) -> list[stories.Member]:
    out = []
    for r in records:
        out.append(stories.Member(r["id"], *stories.story_keys(r["text"]), date_key(r.get("date"))))
    return out


def test_bands_are_datasketchs():
    lsh = MinHashLSH(threshold=stories.LSH_THRESHOLD, num_perm=stories.NUM_PERM)
    assert (lsh.b, lsh.r) == (stories.BANDS, stories.ROWS)


@needs_shared
def test_candidates_are_datasketchs():
    members = _members(_records(SAMPLE))
    lsh = MinHashLSH(threshold=stories.LSH_THRESHOLD, num_perm=stories.NUM_PERM)
    for m in members[:-100]:
        lsh.insert(m.id, LeanMinHash(seed=1, hashvalues=stories.hashvalues(m.signature), scheme="affine32"))
    kept = stories.Stories(members[:-100])
    compared = 0
    for m in members[-100:]:
        sig = stories.hashvalues(m.signature)
        bands = [sig[b * stories.ROWS:(b + 1) * stories.ROWS].tobytes() for b in range(stories.BANDS)]
        rows, _ = kept._candidates(sig, bands)
        expected = lsh.query(LeanMinHash(seed=1, hashvalues=sig, scheme="affine32"))
        assert {kept.ids[r] for r in rows} == set(expected)
        compared += bool(expected)
    assert compared >= 10  # the sample has near-duplicates to find


@needs_shared
def test_incremental_add_gives_the_full_rebuilds_stories(tmp_path):
    records = sorted(_records(SAMPLE), key=lambda r: (not r.get("date"), date_key(r.get("date")), r["id"]))
    dated = [r for r in records if r.get("date")]
    # Split where a story goes on: the newest records arrive last, as in real life, and the
    # first of them is a later version of a story begun among the older ones.
    members = _members(dated)
    stories.assign_all([], members)
    later_versions = [n for n, m in enumerate(members) if m.story != m.id]
    split = later_versions[len(later_versions) // 2]
    older, newest = dated[:split], dated[split:]
    for name in ("seeds-full", "seeds-inc"):
        (tmp_path / name).mkdir()
    write_jsonl(tmp_path / "seeds-full" / "a.jsonl", older)
    write_jsonl(tmp_path / "seeds-full" / "b.jsonl", newest)
    write_jsonl(tmp_path / "seeds-inc" / "a.jsonl", older)
    reindex([tmp_path / "seeds-inc"], tmp_path / "ix-inc")
    write_jsonl(tmp_path / "seeds-inc" / "b.jsonl", newest)
    summary = reindex([tmp_path / "seeds-inc"], tmp_path / "ix-inc")
    assert not summary.full and summary.added == len(newest)
    reindex([tmp_path / "seeds-full"], tmp_path / "ix-full", full=True)
    incremental, full = _story_of(tmp_path / "ix-inc"), _story_of(tmp_path / "ix-full")
    assert incremental == full
    founders = {r["id"] for r in older}
    assert any(full[r["id"]] in founders for r in newest)  # the band table of the indexed ones was used


def _story_of(index_dir: Path) -> dict[str, str]:
    ix = whoosh_index.open_dir(str(store.current_dir(index_dir)))
    with ix.reader() as reader:
        ids, story = reader.column_reader("id"), reader.column_reader("story")
        return {ids[d]: story[d].decode() for d in reader.all_doc_ids()}
