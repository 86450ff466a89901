"""An engine as one reader of the web page sees it: only the passages the reader's groups may read.

Every method that finds, counts or looks up passages adds the reader's condition (an `access` value
the reader holds) to what it asks the engine it wraps, so a hidden passage is never a hit, never
counted in a total or a facet, never a neighbour, a similar passage or a law's name. What the
ranking counts over the whole collection passes through unchanged: how many passages hold a word
(BM25's document frequency and average lengths, the document statistics of context.py), whether the
index knows a word (compound splitting) and which words a wildcard stands for. They describe words,
not passages, and counting them per reader would cost every search a pass over the word's passages.

Methods are wrapped one by one, on purpose: a method an engine gains later is missing here until
someone decides whether it needs the condition, rather than passing hidden passages on unnoticed.
"""
from __future__ import annotations

from .. import querytree as qt
from .base import Candidate, DocumentTerms, Engine, FieldTerm, PassageTerms, Statistics

ACCESS = "access"


def condition(values: frozenset[str]) -> qt.Node:
    """Passages open to any of `values` (access.reader_values)."""
    matches = tuple(qt.Match(ACCESS, value) for value in sorted(values))
    return matches[0] if len(matches) == 1 else qt.Or(matches)


class ScopedEngine:
    def __init__(self, engine: Engine, values: frozenset[str]):
        self.inner = engine
        self.values = values
        self.condition = condition(values)

    # ------------------------------------------------------------------ the index as a whole

    @property
    def location(self) -> str:
        return self.inner.location

    @property
    def generation(self) -> str:
        return self.inner.generation

    @property
    def manifest(self):
        return self.inner.manifest

    @property
    def schema(self):
        return self.inner.schema

    def refresh(self) -> bool:
        return self.inner.refresh()

    def release(self) -> None:
        self.inner.release()

    def is_current(self) -> bool:
        return self.inner.is_current()

    def close(self) -> None:
        self.inner.close()

    # ------------------------------------------------------------------ finding, counting, looking up

    def candidates(self, query: qt.Node, limit: int) -> list[Candidate]:
        return self.inner.candidates(self._scoped(query), limit)

    def count(self, query: qt.Node, up_to: int) -> tuple[int, bool]:
        return self.inner.count(self._scoped(query), up_to)

    def keys(self, query: qt.Node) -> list[int]:
        return self.inner.keys(self._scoped(query))

    def key_of(self, passage_id: str) -> int | None:
        found = self.inner.keys(self._scoped(qt.Match("passage_id", passage_id)))
        return found[0] if found else None

    def document_keys(self, doc_id: str) -> list[int]:
        return sorted(self.inner.keys(self._scoped(qt.Match("doc_id", doc_id))))

    def documents(self) -> list[dict]:
        doc_ids, _ = self.inner.facet_table()
        visible = {doc_ids[key] for key in self.inner.keys(self.condition)}
        return [fields for fields in self.inner.documents() if fields["doc_id"] in visible]

    def _scoped(self, query: qt.Node) -> qt.Node:
        return qt.Filter(query, self.condition)

    # ------------------------------------------------------------------ passages already found, and statistics

    def stored(self, keys: list[int]) -> list[dict]:
        return self.inner.stored(keys)

    def passage_terms(self, keys: list[int], terms: set[FieldTerm]) -> dict[int, PassageTerms]:
        return self.inner.passage_terms(keys, terms)

    def facet_table(self) -> tuple[list[str], list[tuple[str, ...]]]:
        return self.inner.facet_table()  # indexed only by keys of passages found through this engine

    def statistics(self, terms: set[FieldTerm]) -> Statistics:
        return self.inner.statistics(terms)

    def document_terms(self, doc_ids: set[str], words: set[str]) -> DocumentTerms:
        return self.inner.document_terms(doc_ids, words)

    def frequency(self, term: FieldTerm) -> int:
        return self.inner.frequency(term)

    def expand(self, node: qt.Prefix | qt.Pattern, limit: int) -> list[str]:
        return self.inner.expand(node, limit)

    def near_words(self, word: str, max_edits: int, limit: int = 1) -> list[str]:
        # Words, not passages: suggest.py keeps only those a passage this reader may see holds.
        return self.inner.near_words(word, max_edits, limit)
