"""sokbase's ranking rules, the same whichever engine found the passages.

An engine hands over a pool of candidates: the passages with the best BM25F for any of the query's
words (and, for a query of a few keywords, for all of them). Each is then scored by

    passage BM25F (scaled to the best in the pool)
  + document BM25 (context.py, scaled likewise)
  + coverage: the share of the query's words the passage holds, each word weighed by its idf
  + proximity: how close together the query's words stand
  + the share of the words found in the passage's heading, and in its document's title
  + whether the passage is in a law the query names (lawrefs.py)

with weights tuned on NorQuAD train and on the tune half of the law queries (docs/evaluation.md),
one set for questions and one for a few keywords. So a passage holding every word comes first when
it is about as good as the others, and a much better passage missing one common word is not buried
under weak passages that hold them all, as a hard "all words first" tier did.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import context
from . import querytree as qt
from .engines.base import Engine, FieldTerm, PassageTerms, Statistics
from .scoring import bm25, idf

POOL = 100  # candidates the rules re-rank; later pages follow the engine's BM25F order
ALL_WORDS_POOL = 50  # for keyword queries, passages with every word are fetched as well
PROXIMITY_FROM = 0.5  # alternatives that stand for the word itself (not a compound's part)

QUESTION_WORDS = frozenset(
    "hva hvem hvor hvordan hvorfor hvilken hvilke hvilket når kan kva kven kvar korleis kvifor kor er har får skal må bør "
    "gjelder finnes".split()
)


@dataclass(frozen=True)
class Weights:
    passage: float = 1.0
    document: float = 0.75
    coverage: float = 0.75
    proximity: float = 1.0
    heading: float = 0.0
    title: float = 0.2
    law: float = 1.0  # the passage is in a law the query names (husll, fvl, pbl …)


# Tuned by scripts/tune_ranking.py on NorQuAD train (document MRR@10 and answer@1) and the tune half of
# the law queries (paragraph nDCG@10), each query counting the same; see docs/evaluation.md.
QUESTIONS = Weights(passage=1.0, document=0.75, coverage=1.0, proximity=1.5, heading=0.2, title=0.2, law=1.0)
KEYWORDS = Weights(passage=1.0, document=0.2, coverage=1.0, proximity=3.0, heading=0.2, title=0.2, law=0.3)


@dataclass(frozen=True)
class Unit:
    """One word of the query as the ranking counts it: alternatives of (terms, weight); a single
    term is found when it occurs, a compound written apart when all its parts do."""

    main: FieldTerm
    alternatives: tuple[tuple[tuple[FieldTerm, ...], float], ...]
    surface: str  # as typed
    window: int = 0  # how near each other the terms of a many-term alternative must stand
    partial: tuple[tuple[FieldTerm, float], ...] = ()  # count toward the word without finding it

    def terms(self) -> set[FieldTerm]:
        return {term for terms, _ in self.alternatives for term in terms} | {term for term, _ in self.partial}


def units(tree: qt.Node, expand: Callable[[qt.Prefix | qt.Pattern, int], list[str]]) -> list[Unit]:
    """The words a passage is scored by, in the order typed: each Word, each word of a phrase, and a
    wildcard as one word found through any of its expansions."""
    found: dict[FieldTerm, Unit] = {}
    for node in qt.positive(tree):
        if isinstance(node, qt.Word):
            alternatives = tuple(
                (tuple((t.field, t.text) for t in alt.terms), alt.weight) if isinstance(alt, qt.AllOf)
                else (((alt.field, alt.text),), alt.weight)
                for alt in node.alternatives
            )
            window = max((alt.window for alt in node.alternatives if isinstance(alt, qt.AllOf)), default=0)
            partial = tuple(((t.field, t.text), t.weight) for t in node.partial)
            unit = Unit((node.main.field, node.main.text), alternatives, node.surface, window, partial)
        elif isinstance(node, qt.Phrase):
            for word in node.words:
                found.setdefault((node.field, word), Unit((node.field, word), ((((node.field, word),), 1.0),), word))
            continue
        elif isinstance(node, (qt.Prefix, qt.Pattern)):
            words = expand(node, qt.MAX_EXPANSIONS)
            if not words:
                continue
            [surface] = _surfaces(node)
            unit = Unit((node.field, words[0]), tuple((((node.field, word),), 1.0) for word in words), surface)
        else:
            continue
        found.setdefault(unit.main, unit)
    return list(found.values())


def alternatives_only(tree: qt.Node) -> frozenset[str]:
    """The words of `tree` (as units name them) that stand in an OR: a passage lacking one of them can
    still hold everything the query asks for, so it is not reported as missing it."""
    found: set[str] = set()

    def visit(node: qt.Node, in_or: bool) -> None:
        if isinstance(node, qt.Not):
            return
        if in_or:
            found.update(_surfaces(node))
        if isinstance(node, qt.Filter):
            visit(node.query, in_or)
            return
        for child in qt.children(node):
            visit(child, in_or or isinstance(node, qt.Or))

    visit(tree, False)
    return frozenset(found)


def _surfaces(node: qt.Node) -> tuple[str, ...]:
    """How the units of `node` are named (Unit.surface): a word as typed, each word of a phrase, a
    wildcard as typed; nothing for other nodes."""
    if isinstance(node, qt.Word):
        return (node.surface,)
    if isinstance(node, qt.Phrase):
        return node.words
    if isinstance(node, qt.Prefix):
        return (node.prefix + "*",)
    if isinstance(node, qt.Pattern):
        return (node.pattern,)
    return ()


def is_question(text: str, words: list[Unit]) -> bool:
    """A question, or a query long enough to be one, is ranked as a question; a few keywords otherwise."""
    first = re.match(r"\W*(\w+)", text)
    return text.rstrip().endswith("?") or len(words) >= 5 or bool(first and first.group(1).lower() in QUESTION_WORDS)


@dataclass(frozen=True)
class Features:
    """What the rules know of one candidate, each scaled to 0..1 within its pool."""

    passage: float  # BM25F, as a share of the best in the pool
    document: float  # its document's BM25, likewise
    coverage: float
    proximity: float
    heading: float
    title: float
    law: float
    missing: tuple[str, ...]


def score(found: Features, weights: Weights) -> float:
    return round(
        weights.passage * found.passage
        + weights.document * found.document
        + weights.coverage * found.coverage
        + weights.proximity * found.proximity
        + weights.heading * found.heading
        + weights.title * found.title
        + weights.law * found.law,
        6,
    )


def features(engine: Engine, keys: list[int], doc_ids: list[str], words: list[Unit],
             named: frozenset[str] = frozenset()) -> list[Features]:
    if not keys:
        return []
    terms = set().union(*(unit.terms() for unit in words)) if words else set()
    terms |= {(field, text) for unit in words for field in ("heading", "title") for _, text in [unit.main]}
    stats = engine.statistics(terms)
    found = engine.passage_terms(keys, terms)
    raw = [_features(found[key], words, stats) for key in keys]
    documents = _document_scores(engine, set(doc_ids), words)
    best_passage = max((f.bm25 for f in raw), default=0.0) or 1.0
    best_document = max(documents.values(), default=0.0) or 1.0
    return [
        Features(f.bm25 / best_passage, documents.get(doc_id, 0.0) / best_document, f.coverage, f.proximity,
                 f.heading, f.title, float(doc_id in named), f.missing)
        for doc_id, f in zip(doc_ids, raw)
    ]


def missing(engine: Engine, keys: list[int], words: list[Unit]) -> dict[int, tuple[str, ...]]:
    """The words each passage does not hold (for rows the rules did not re-rank)."""
    terms = set().union(*(unit.terms() for unit in words)) if words else set()
    found = engine.passage_terms(keys, terms)
    return {key: tuple(unit.surface for unit in words if not _holds(found[key], unit)) for key in keys}


@dataclass(frozen=True)
class _Raw:
    bm25: float
    coverage: float
    proximity: float
    heading: float
    title: float
    missing: tuple[str, ...]


def _features(passage: PassageTerms, words: list[Unit], stats: Statistics) -> _Raw:
    total_bm25 = covered = heading = title = total = 0.0
    held: list[tuple[float, list[int]]] = []
    absent: list[str] = []
    for unit in words:
        weight = _unit_idf(unit, stats)
        total += weight
        for terms, alt_weight in unit.alternatives:
            if _found(passage, terms, unit.window):
                total_bm25 += alt_weight * sum(_bm25(term, passage, stats) for term in terms)
        partial = [(term, part_weight) for term, part_weight in unit.partial if term in passage.terms]
        total_bm25 += sum(part_weight * _bm25(term, passage, stats) for term, part_weight in partial)
        if _holds(passage, unit):
            covered += weight
            held.append((weight, _positions(passage, unit)))
        else:
            absent.append(unit.surface)
            if partial:  # some of a compound's parts: a little of the word
                covered += weight * max(part_weight for _, part_weight in partial) * len(partial) / len(unit.partial)
        if ("heading", unit.main[1]) in passage.terms:
            heading += weight
        if ("title", unit.main[1]) in passage.terms:
            title += weight
    total = total or 1.0
    return _Raw(
        bm25=total_bm25,
        coverage=covered / total,
        proximity=_proximity(held, len(words)),
        heading=heading / total,
        title=title / total,
        missing=tuple(absent),
    )


def _positions(passage: PassageTerms, unit: Unit) -> list[int]:
    """Where the word stands as a word of its own, for proximity. A word found only as part of a
    compound stands nowhere: the parts of one compound share its position, and "barnehageplass" must
    not look like the neighbours "plass i barnehagen" (the exact form ranks first)."""
    strong = {term for terms, weight in unit.alternatives if weight >= PROXIMITY_FROM for term in terms}
    return sorted({p for term in strong if term in passage.terms for p in passage.terms[term].positions})


def _holds(passage: PassageTerms, unit: Unit) -> bool:
    return any(_found(passage, terms, unit.window) for terms, _ in unit.alternatives)


def _found(passage: PassageTerms, terms: tuple[FieldTerm, ...], window: int) -> bool:
    """A term is found when it occurs; several when each stands within `window` of the one before it."""
    if not all(term in passage.terms for term in terms):
        return False
    if len(terms) == 1:
        return True
    positions = [sorted(passage.terms[term].positions) for term in terms]
    return all((d := _nearest(a, b)) is not None and d <= window for a, b in zip(positions, positions[1:]))


def _bm25(term: FieldTerm, passage: PassageTerms, stats: Statistics) -> float:
    occurrence = passage.terms[term]
    field = term[0]
    return bm25(idf(stats.passages, stats.frequency.get(term, 0)), occurrence.weight,
                passage.lengths.get(field, 0.0), stats.average_length.get(field, 1.0))


def _unit_idf(unit: Unit, stats: Statistics) -> float:
    """A word weighs as much as its rarest way of being found, an extra counted at its weight."""
    return max(
        (weight * idf(stats.passages, stats.frequency.get(terms[0], 0))
         for terms, weight in unit.alternatives if stats.frequency.get(terms[0], 0) > 0),
        default=0.0,
    )


def _proximity(held: list[tuple[float, list[int]]], words: int) -> float:
    """Pairs of the query's words that stand close: 1 for neighbours, falling with the distance,
    averaged over every pair the query has."""
    if words < 2:
        return 0.0
    total = 0.0
    for i in range(len(held)):
        for j in range(i + 1, len(held)):
            distance = _nearest(held[i][1], held[j][1])
            if distance is not None:
                total += 1.0 / (1 + distance)
    return total / (words * (words - 1) / 2)


def _nearest(first: list[int], second: list[int]) -> int | None:
    """The smallest distance between a position in `first` and one in `second` (both sorted)."""
    if not first or not second:
        return None
    i = j = 0
    best = abs(first[0] - second[0])
    while i < len(first) and j < len(second):
        best = min(best, abs(first[i] - second[j]))
        if first[i] < second[j]:
            i += 1
        else:
            j += 1
    return best


def _document_scores(engine: Engine, doc_ids: set[str], words: list[Unit]) -> dict[str, float]:
    plain = {unit.main[1] for unit in words if unit.main[0] == qt.CONTENT}
    if not plain or not doc_ids:
        return {}
    return context.document_scores(engine.document_terms(doc_ids, plain))
