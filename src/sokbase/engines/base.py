"""What an engine does for a search, and nothing more: find candidate passages, count, and hand
over the statistics and stored fields that sokbase's own ranking (ranking.py) works from.

Query meaning lives in querytree.py and query.py, ranking rules in ranking.py and context.py; an
engine translates a query tree into its own way of finding passages and scores candidates by
BM25F (scoring.py gives the formula) only to choose which passages to hand over.

A passage is known to an engine by a `key`, a number valid for one generation of the index (an
engine re-reads everything when `refresh` switches generations). A term is `(field, text)`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

FieldTerm = tuple[str, str]  # (field, index term)

from .. import querytree as qt
from ..storage import Manifest


@dataclass(frozen=True)
class Candidate:
    key: int
    score: float  # the engine's BM25F for the query: orders the pool, the ranking rescored it


@dataclass(frozen=True)
class Occurrence:
    weight: float  # the term's frequency in the passage, each occurrence counted with its part's weight
    positions: tuple[int, ...] = ()


@dataclass
class PassageTerms:
    """What a passage holds of a query's terms, and its length per field (as BM25 counts it)."""

    lengths: dict[str, float] = field(default_factory=dict)
    terms: dict[FieldTerm, Occurrence] = field(default_factory=dict)  # only the terms the passage holds


@dataclass(frozen=True)
class Statistics:
    """The collection statistics BM25 needs for a set of terms."""

    passages: int
    average_length: dict[str, float]
    frequency: dict[FieldTerm, int]  # in how many passages each term occurs


@dataclass(frozen=True)
class DocumentTerms:
    """What whole documents hold of a query's words, for document context (context.py)."""

    documents: int  # documents in the index
    average_length: float  # of a document's content, in words
    frequency: dict[str, float]  # in how many documents a word occurs (may be estimated for common words)
    lengths: dict[str, float]  # doc_id → its content length
    weights: dict[str, dict[str, float]]  # doc_id → word → summed weight over its passages


class Engine(Protocol):
    location: str  # where the index is, as a user would name it (never with a password)
    generation: str  # which state of the index searches see, e.g. gen-000003
    manifest: Manifest
    schema: object  # the Whoosh schema whose analyzers read queries (analysis runs in Python for every engine)

    def refresh(self) -> bool: ...
    def release(self) -> None: ...  # done with this state for now; the next call may begin a newer one
    def is_current(self) -> bool: ...
    def close(self) -> None: ...

    def candidates(self, query: qt.Node, limit: int) -> list[Candidate]: ...
    def count(self, query: qt.Node, up_to: int) -> tuple[int, bool]: ...
    def keys(self, query: qt.Node) -> list[int]: ...

    def statistics(self, terms: set[FieldTerm]) -> Statistics: ...
    def passage_terms(self, keys: list[int], terms: set[FieldTerm]) -> dict[int, PassageTerms]: ...
    def document_terms(self, doc_ids: set[str], words: set[str]) -> DocumentTerms: ...
    def expand(self, node: qt.Prefix | qt.Pattern, limit: int) -> list[str]: ...
    def frequency(self, term: FieldTerm) -> int: ...

    def stored(self, keys: list[int]) -> list[dict]: ...
    def documents(self) -> list[dict]: ...
    def key_of(self, passage_id: str) -> int | None: ...
    def document_keys(self, doc_id: str) -> list[int]: ...
    def facet_table(self) -> tuple[list[str], list[tuple[str, ...]]]: ...
    def near_words(self, word: str, max_edits: int, limit: int = 1) -> list[str]: ...  # nearest first
