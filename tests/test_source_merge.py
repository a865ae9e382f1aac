"""The source facet: one value per outlet, spelt as most articles spell it, analysts' merges applied."""
import gzip
import json
from collections import Counter

import pytest
from whoosh import index as whoosh_index

from indexer import source_merge
from indexer.schema import VALUE_SEP
from indexer.source_merge import SourceAliases, build_mapping, canonical, key, strip_prefix
from indexer.writer import reindex
from tests.conftest import SEEDS, SHARED, needs_shared, write_jsonl
from web import create_app

CORPUS_36K = SHARED / "corpus" / "orangesum-full.jsonl.gz"


def test_source_prefixes_are_dropped():
    for credit in ["Source BFMTV", "source BFMTV", "Source : BFMTV", "Source: BFMTV", "Sourcé BFMTV", "sourceBFMTV"]:
        assert strip_prefix(credit) == "BFMTV"
    assert strip_prefix("Orange avec AFP") == "Orange avec AFP"
    assert key("Source : Non-Stop Zapping") == key("nonstopzapping") == key("Non Stop Zapping")
    assert key("6Médias") == key("6MEDIAS") == key("6 Medias")


def test_variants_are_one_value_spelt_as_most_articles_spell_it():
    docs = [["Source BFMTV"], ["source BFMTV"], ["BFM TV"], ["Source : BFMTV"], ["6Medias"], ["6Médias"],
            ["6medias", "BFMTV"], ["6Medias"], ["Source : Non Stop Zapping"], ["Non Stop Zapping"]]
    mapping = build_mapping(docs, SourceAliases())
    assert canonical(["Source BFMTV"], mapping) == ["BFMTV"]
    assert canonical(["BFM TV", "source BFMTV"], mapping) == ["BFMTV"]
    assert canonical(["6Médias"], mapping) == ["6Medias"]
    assert canonical(["Source : Non Stop Zapping"], mapping) == ["Non Stop Zapping"]
    assert canonical(["Source"], mapping) == []


def test_ties_do_not_depend_on_reading_order():
    docs = [["Le Monde"], ["LE MONDE"], ["Source lemonde"], ["Le monde"]]
    spellings = {canonical(["le monde"], build_mapping(order, SourceAliases()))[0]
                 for order in (docs, docs[::-1], docs[1:] + docs[:1])}
    assert spellings == {"LE MONDE"}  # one document each: the first in code-point order


def test_source_file_merges_chains_and_renames():
    aliases = SourceAliases(merge={key("LEXPRESS.fr"): "L'Express", key("Express"): "LEXPRESS.fr",
                                   key("Le Monde.fr"): "le monde"})
    mapping = build_mapping([["LEXPRESS.fr"], ["Source L'Express"], ["Express"], ["Le Monde"], ["Le Monde"],
                             ["Le Monde.fr"], ["AFP"]], aliases)
    assert canonical(["L'Express.fr", "Source : L'Express", "Express", "AFP"], mapping) == ["L'Express", "AFP"]
    assert canonical(["Le Monde", "Le Monde.fr"], mapping) == ["le monde"]  # the analyst's spelling


RECORDS = [
    {"id": "s1", "title": "Un", "text": "Premier texte.", "source": "Source BFMTV"},
    {"id": "s2", "title": "Deux", "text": "Deuxième texte.", "source": ["BFMTV", "AFP"]},
    {"id": "s3", "title": "Trois", "text": "Troisième texte.", "source": "LEXPRESS.fr"},
    {"id": "s4", "title": "Quatre", "text": "Quatrième texte.", "source": "source L'Express"},
]


@pytest.fixture
def source_corpus(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_jsonl(seeds / "lot.jsonl", RECORDS)
    reindex([seeds], tmp_path / "ix")
    return seeds, tmp_path / "ix"


def sources_of(index_dir):
    client = create_app({"VIGIE_INDEX": str(index_dir)}).test_client()
    data = client.get("/api/search?q=&per_page=100").get_json()
    return client, {r["id"]: r["source"] for r in data["results"]}, {f["value"]: f["count"] for f in data["facets"]["source"]}


def test_facet_filter_and_field_query_use_canonical_values(source_corpus):
    _, index_dir = source_corpus
    client, sources, facet = sources_of(index_dir)
    assert sources == {"s1": ["BFMTV"], "s2": ["BFMTV", "AFP"], "s3": ["LEXPRESS.fr"], "s4": ["L'Express"]}
    assert facet == {"BFMTV": 2, "AFP": 1, "LEXPRESS.fr": 1, "L'Express": 1}
    assert client.get("/api/search?q=&source=BFMTV").get_json()["total"] == 2
    assert client.get("/api/search", query_string={"q": "source:bfmtv"}).get_json()["total"] == 2


def test_source_file_edit_is_applied_without_rereading_files(source_corpus):
    seeds, index_dir = source_corpus
    (seeds / "sources.toml").write_text("[aliases]\n\"LEXPRESS.fr\" = \"L'Express\"\n", encoding="utf-8")
    summary = reindex([seeds], index_dir)
    assert (summary.added, summary.updated, summary.unchanged, summary.relabelled) == (0, 0, 4, 1)
    client, sources, facet = sources_of(index_dir)
    assert sources["s3"] == ["L'Express"] and facet["L'Express"] == 2
    assert client.get("/api/search", query_string={"source": "L'Express"}).get_json()["total"] == 2


def test_broken_source_file_is_reported_and_ignored(source_corpus):
    seeds, index_dir = source_corpus
    (seeds / "sources.toml").write_text("[aliases]\n\"LEXPRESS.fr\" = 3\n", encoding="utf-8")
    summary = reindex([seeds], index_dir)
    assert any("sources.toml" in f for f in summary.failed)


def assert_canonical(values: list[str]):
    """No value keeps a `source` prefix, and no two fold to one key."""
    assert not [v for v in values if v.lower().startswith("source")]
    folded = Counter(key(v) for v in values)
    assert not [v for v in values if folded[key(v)] > 1]


@needs_shared
def test_source_values_of_the_5k_index_are_canonical(corpus_index):
    with whoosh_index.open_dir(str(corpus_index / "current")).reader() as reader:
        column = reader.column_reader("facet_source")
        values = {v for n in reader.all_doc_ids() for v in column[n].decode().split(VALUE_SEP) if v}
    assert len(values) > 50
    assert_canonical(sorted(values))


@pytest.mark.skipif(not CORPUS_36K.exists(), reason="../shared 36k corpus not present")
def test_source_values_of_the_36k_corpus_are_canonical_with_the_shipped_source_file():
    """The mapping a 36k reindex computes (a few seconds: no index is built)."""
    with gzip.open(CORPUS_36K, "rt", encoding="utf-8") as fh:
        per_doc = [source_merge_values(json.loads(line).get("source")) for line in fh]
    aliases = SourceAliases.load(SEEDS / source_merge.SOURCE_FILE)
    mapping = build_mapping(per_doc, aliases)
    assert_canonical(sorted({v for values in per_doc for v in canonical(values, mapping)}))
    # Every merge the shipped file makes is used by the corpus and not already made by folding.
    used = {key(v) for values in per_doc for v in values}
    assert all(variant in used and variant != key(target) for variant, target in aliases.merge.items())


def source_merge_values(raw) -> list[str]:
    return [str(v).strip() for v in (raw if isinstance(raw, list) else [raw]) if v and str(v).strip()]
