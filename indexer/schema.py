"""The Whoosh schema, defined once for the writer and the searcher.

Searchable text goes through the shared French analyzer; the values the
facets need (sources, persons, date) are also written as per-document columns
so the searcher can load them into arrays without touching stored fields.
"""
from __future__ import annotations

from whoosh import columns, fields

from indexer.french import folded_analyzer, french_analyzer, name_analyzer

# Multi-valued facet values are joined with this byte in their columns.
VALUE_SEP = "\x1f"
# Dates are columns of integers YYYYMMDDhhmm; unknown dates are this value.
UNKNOWN_DATE = 0

TITLE_BOOST = 2.5
LEAD_BOOST = 1.0
LEAD_CHARS = 400  # the opening of the body: what a news article is about


def build_schema() -> fields.Schema:
    """The schema of a Vigie index."""
    text = french_analyzer()
    return fields.Schema(
        id=fields.ID(unique=True, stored=True, sortable=True),
        path=fields.ID(stored=True, sortable=True),
        title=fields.TEXT(analyzer=text, stored=True, multitoken_query="phrase"),
        lead=fields.TEXT(analyzer=text, multitoken_query="phrase"),
        body=fields.TEXT(analyzer=text, stored=True, multitoken_query="phrase"),
        # Unstemmed folded words of title and body: typo tolerance, suggestions.
        exact=fields.TEXT(analyzer=folded_analyzer(), phrase=False),
        source=fields.TEXT(analyzer=name_analyzer(), multitoken_query="phrase"),
        person=fields.TEXT(analyzer=name_analyzer(), multitoken_query="phrase"),
        # Whole person values (person_merge.key), so person:"Full Name" is one term lookup.
        person_value=fields.KEYWORD(commas=True, lowercase=True),
        author=fields.TEXT(analyzer=name_analyzer(), stored=True, multitoken_query="phrase"),
        url=fields.STORED(),
        date=fields.STORED(),  # ISO 8601 string or None
        sources=fields.STORED(),  # list of str
        persons=fields.STORED(),  # list of str, canonical names
        section=fields.STORED(),  # URL path section ("societe") or None
        file_hash=fields.COLUMN(columns.VarBytesColumn()),
        facet_source=fields.COLUMN(columns.VarBytesColumn()),
        facet_person=fields.COLUMN(columns.VarBytesColumn()),
        person_raw=fields.COLUMN(columns.VarBytesColumn()),
        source_raw=fields.COLUMN(columns.VarBytesColumn()),
        date_key=fields.COLUMN(columns.NumericColumn("q", default=UNKNOWN_DATE)),
        # Copies and stories (indexer.stories); when the document was first indexed (ms).
        text_key=fields.COLUMN(columns.VarBytesColumn()),
        story=fields.COLUMN(columns.VarBytesColumn()),
        story_signature=fields.COLUMN(columns.VarBytesColumn()),  # indexer.stories.signature
        first_indexed=fields.COLUMN(columns.NumericColumn("q", default=0)),
    )


SCHEMA = build_schema()


def compatible(schema: fields.Schema) -> bool:
    """Whether an index written with `schema` can be read and updated with SCHEMA.

    An index built by an older Vigie (another field set, another analyzer
    version) must be rebuilt in full: reindex does so by itself, and the
    server refuses it with a message.
    """
    def shape(s: fields.Schema) -> list[tuple[str, str]]:
        return sorted((name, type(field).__name__) for name, field in s.items())

    if shape(schema) != shape(SCHEMA):
        return False
    # Same fields analysed differently (another stemmer version) also need a rebuild.
    return all(
        getattr(field, "analyzer", None) == getattr(SCHEMA[name], "analyzer", None) for name, field in schema.items()
    )
