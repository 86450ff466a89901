"""The Whoosh schema of the passage index. Whoosh stays inside schema, indexer, query and search."""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import ANALYZER_VERSION, norwegian_analyzer

# Bump when fields or analysis change: an index built with another version must be rebuilt.
SCHEMA_VERSION = 1
FORMAT = f"schema-{SCHEMA_VERSION}/analyzer-{ANALYZER_VERSION}"

# Names a user may type before a colon in a query, mapped to schema fields.
FIELD_ALIASES = {
    "title": ["tittel"],
    "heading": ["overskrift"],
    "text": ["tekst"],
    "year": ["år", "aar"],
    "doc_type": ["type", "dokumenttype"],
    "kommune": [],
    "konferanse": [],
}
SEARCHED_FIELDS = ("text", "heading", "title")


def build_schema() -> Schema:
    analyzer = norwegian_analyzer()
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        position=NUMERIC(int, stored=True),
        text=TEXT(analyzer=analyzer, stored=True),
        heading=TEXT(analyzer=analyzer, stored=True),
        title=TEXT(analyzer=analyzer, stored=True),
        konferanse=TEXT(analyzer=analyzer),
        kommune=KEYWORD(stored=True, commas=True),
        year=NUMERIC(int, stored=True),
        doc_type=ID(stored=True),
        page=STORED,
        source=STORED,
        url=STORED,
        date=STORED,
        conference=STORED,
        municipalities=STORED,
    )
