"""The Whoosh schema of the passage index: which fields exist, how each is analysed and weighted."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import ANALYZER_VERSION, SEGMENT, AnalysisOptions, FieldAnalyzer, norwegian_analyzer

# Bump when fields or analysis change: an index built with another version must be rebuilt.
SCHEMA_VERSION = 8
FORMAT = f"schema-{SCHEMA_VERSION}/analyzer-{ANALYZER_VERSION}"

# Names a user may type before a colon in a query, mapped to schema fields.
FIELD_ALIASES = {
    "title": ["tittel"],
    "heading": ["overskrift"],
    "content": ["tekst", "text"],
    "year": ["år", "aar"],
    "doc_type": ["type", "dokumenttype"],
    "kommune": [],
    "konferanse": [],
}
# What a query searches: title, heading and body text in one field, weighted by where a word is.
# Every passage carries its document's title, so a strong title weight ranks any passage of a
# document whose title shares a word with the query above the passage that answers it: on the
# NorQuAD train split, title 2.0/heading 1.5 gave document MRR@10 .64, 0.2/0.3 gave .85.
DOC_TYPES = ("pdf", "html", "text", "docx", "odt")  # what type: and --type take
SEARCHED_FIELDS = ("content",)
CONTENT_WEIGHTS = {"title": 0.2, "heading": 0.3, "text": 1.0}
HIGHLIGHTED_FIELDS = ("content", "heading", "title")  # terms of these fields are marked in snippets


def content(title: str, heading: str | None, text: str, short_title: str | None = None) -> str:
    """The value of the content field (see analysis.FieldAnalyzer), in CONTENT_WEIGHTS order; a
    document's short title ("Husleieloven – husll") is searched as part of its title."""
    title = f"{title} {short_title}" if short_title else title
    # A SEGMENT inside a part (a stray private-use character in a PDF) would shift the weights.
    return SEGMENT.join(part.replace(SEGMENT, " ") for part in (title, heading or "", text))


# Which analyzer new indexes get; only the evaluation changes it, to compare analyzers end to end.
_ANALYSIS: ContextVar[AnalysisOptions | None] = ContextVar("analysis", default=None)


@contextmanager
def analysis_for_new_indexes(options: AnalysisOptions):
    """Build indexes inside this block with another analyzer. The analyzer is pickled with the
    schema, so searches always use the one their index was built with."""
    token = _ANALYSIS.set(options)
    try:
        yield
    finally:
        _ANALYSIS.reset(token)


def current_analysis() -> AnalysisOptions:
    """The analyzer options a new index gets here (see analysis_for_new_indexes)."""
    return _ANALYSIS.get() or AnalysisOptions()


def build_schema(analysis: AnalysisOptions | None = None) -> Schema:
    options = analysis or current_analysis()
    analyzer = norwegian_analyzer(options)
    # tittel: and overskrift: search the words as written, so compound parts and folded forms of
    # titles and headings are only in the content field.
    as_written = FieldAnalyzer(norwegian_analyzer(replace(options, compounds=False, folding=False, abbreviations=False)))
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        position=STORED,  # never searched: indexed, a number costs eight postings per passage
        content=PreindexedText(analyzer=FieldAnalyzer(analyzer, tuple(CONTENT_WEIGHTS.values()))),
        text=STORED,
        heading=PreindexedText(analyzer=as_written, stored=True),
        title=PreindexedText(analyzer=as_written, stored=True),
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
        ocr=STORED,  # the passage holds text read by OCR, which may be misread
        short_title=STORED,
        section=STORED,
        paragraph=KEYWORD,  # "20-1" for a passage under "§ 20-1. Tiltak …" (lawrefs.py)
        chapter=KEYWORD,
        # The groups that may read the passage on the web page ("*": everyone signed in), comma-separated;
        # searches for a reader add a condition on it (access.py, search.py).
        access=KEYWORD(stored=True, commas=True),
    )


class Preindexed(str):
    """A field value with its postings already worked out, in a worker process (workers.py), so that
    the one process that writes the index only files them. Pickles with its postings."""

    postings: tuple[tuple[bytes, int, float, bytes], ...]  # (term, frequency, weight, positions)


class PreindexedText(TEXT):
    """A TEXT field that takes the postings of a Preindexed value as they are."""

    def index(self, value, **kwargs):
        if isinstance(value, Preindexed):
            return iter(value.postings)
        return super().index(value, **kwargs)


def preindexed(schema: Schema, title: str, passages, short_title: str | None = None) -> list[dict[str, Preindexed]]:
    """The content, heading and title values of each of `passages`, with their postings."""

    def value(field: str, text: str) -> Preindexed:
        result = Preindexed(text)
        result.postings = tuple(schema[field].index(text))
        return result

    title_value = value("title", title)
    return [
        {
            "content": value("content", content(title, passage.heading, passage.text, short_title)),
            "heading": value("heading", passage.heading or ""),
            "title": title_value,
        }
        for passage in passages
    ]
