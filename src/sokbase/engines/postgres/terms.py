"""What the PostgreSQL engine stores of the analyzer's output, worked out in the worker processes.

The content field's analyzer (a FieldAnalyzer: title 0.2, heading 0.3, body 1.0) is run the way
Whoosh's TEXT field runs it when it indexes a value (formats.Positions.word_values): mode "index",
positions and boosts on, stopped tokens left out. Per term that gives its positions and its summed
boost, the weight BM25 takes as term frequency; the field length is every token counted, extras
included (what Whoosh's SegmentWriter adds up). Whoosh keeps a length in one byte, rounded
(whoosh.util.numeric.length_to_byte); `length` here is exact, so BM25 on PostgreSQL can use
either.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...analysis import FieldAnalyzer
from ...models import Document, Passage
from ...schema import content


@dataclass(frozen=True)
class FieldTerms:
    """One field of one passage (or a document's title), as Whoosh would post it."""

    length: int
    terms: list[str]  # distinct, sorted by code point: a search finds one by binary search (compile.found_at)
    weights: list[float]  # summed boost per term (for heading and title, boosts are 1: the counts)
    counts: list[int]  # occurrences per term
    positions: list[int]  # every term's positions, term after term (counts says how many each)


@dataclass(frozen=True)
class PassageTerms:
    content: FieldTerms
    heading: FieldTerms  # as `overskrift:` searches it (the as-written analyzer)


@dataclass(frozen=True)
class DocumentTerms:
    title: FieldTerms  # as `tittel:` searches it; Whoosh posts it with every passage of the document
    konferanse: list[str]  # the conference name as --konferanse filters it (distinct terms)
    konferanse_length: int  # its tokens, as Whoosh counts the konferanse field's length
    passages: list[PassageTerms]


class PostgresTerms:
    """Sent to the workers (pickled with the schema's analyzers)."""

    def __init__(self, schema):
        self.content = schema["content"].analyzer
        self.as_written = schema["title"].analyzer
        self.konferanse = schema["konferanse"].analyzer

    def warm_up(self) -> None:
        list(self.content("Områdesatsingen", mode="index", positions=True))  # loads the lexicon and compound splitter

    def __call__(self, document: Document, passages: list[Passage]) -> DocumentTerms:
        conference = document.conference.name if document.conference else ""
        tokens = self.konferanse(conference, mode="index", positions=True) if conference else ()  # as TEXT.index
        kept = [token.text for token in tokens if not token.stopped]
        return DocumentTerms(
            title=field_terms(self.as_written, document.title),
            konferanse=list(dict.fromkeys(kept)),
            konferanse_length=len(kept),
            passages=[self.passage(document, passage) for passage in passages],
        )

    def passage(self, document: Document, passage: Passage) -> PassageTerms:
        value = content(document.title, passage.heading, passage.text, document.short_title)
        return PassageTerms(field_terms(self.content, value), field_terms(self.as_written, passage.heading or ""))


def field_terms(analyzer: FieldAnalyzer, value: str) -> FieldTerms:
    positions, weights = analyzer.postings(value)
    terms = sorted(positions)
    return FieldTerms(
        length=sum(len(found) for found in positions.values()),
        terms=terms,
        weights=[weights[term] for term in terms],
        counts=[len(positions[term]) for term in terms],
        positions=[position for term in terms for position in positions[term]],
    )
