"""A query tree as SQL over sokbase.passages, matched and scored as the Whoosh engine does it.

The Whoosh engine turns a tree into Whoosh queries (whoosh_engine._compile); this module gives
the same tree the same meaning over the PostgreSQL tables:

- which passages match: a Term where the passage holds it; a Word where any of its alternatives
  or its parts alone is held (an extra or a part no passage holds, or an extra outside the content
  field, is left out, as Whoosh's engine leaves it out); a Phrase and a compound written apart (AllOf) where the words
  stand near enough (Whoosh's SpanNear2, replicated in `_spans`); And, Or, Not and Filter;
- what a match scores: BM25 as Whoosh's BM25F computes it (Lucene's idf, K1 1.2, B 0.75, the
  field length rounded to one byte, the posting weight as float32) times the term's weight,
  summed over every matching part; an exact-value field (kommune, type …) and a year range add
  1, a NOT adds 1 (Whoosh's InverseMatcher), and so does a filter's condition: the Whoosh engine
  asks for 0 (ConstantScoreQuery(condition, 0.0)), but Whoosh's ListMatcher takes a weight of 0
  as none given and scores 1, the same for every passage the filter lets through.

Positions are not compared in SQL: there a phrase or a compound written apart is taken as all of
its words, so SQL finds a superset of the matches and scores each by an upper bound; `Query.exact`
then decides each fetched passage in Python. Without positional parts SQL is exact.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import log

from whoosh.query.spans import Span, bisect_spans

from ... import querytree as qt
from ...analysis import is_extra
from ...scoring import B, K1

CONTENT = qt.CONTENT

# Where each searchable field's terms are, as (terms, weights, lengths) columns; heading and
# title weights are their counts (every boost 1). p = passages, d = documents.
TEXT_FIELDS = {
    "content": ("p.terms", "p.weights", "p.length", "p.counts", "p.positions"),
    "heading": ("p.heading_terms", "p.heading_counts", "p.heading_length", "p.heading_counts", "p.heading_positions"),
    "title": ("d.title_terms", "d.title_counts", "d.title_length", "d.title_counts", "d.title_positions"),
}
# Exact-value fields: how to test one value.
KEYWORD_FIELDS = {
    "kommune": "p.kommune @> ARRAY[{value}]::text[]",
    "doc_type": "d.doc_type = {value}",
    "doc_id": "d.doc_id = {value}",
    "paragraph": "p.paragraph = {value}",
    "chapter": "p.chapter = {value}",
    "konferanse": "d.konferanse @> ARRAY[{value}]::text[]",
    "access": "p.access @> ARRAY[{value}]::text[]",
    "passage_id": "p.passage_id = {value}",
}


# ---------------------------------------------------------------------- resolved tree


@dataclass(frozen=True)
class Scored:
    """A term whose occurrences score: BM25 in its field, times `boost`."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Near:
    """Terms standing within `slop` positions of each other (Whoosh's SpanNear2, mindist 1)."""

    terms: tuple[Scored, ...]
    slop: int
    ordered: bool


@dataclass(frozen=True)
class Exact:
    """An exact value (Match), a year range, or a konferanse word: scored 1, or BM25 for konferanse."""

    field: str
    value: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Sum:
    children: tuple
    every: bool  # And: all must match; Or: any


@dataclass(frozen=True)
class Without:
    child: object


@dataclass(frozen=True)
class Gate:
    query: object
    condition: object
    adds: float = 1.0  # 0 for a reader's access condition, which the Whoosh engine applies as a mask


NOTHING = Sum((), every=False)  # matches nothing (Whoosh's NullQuery)


class Resolver:
    """Tree → resolved tree: wildcards expanded, idle alternatives dropped (as whoosh_engine._compile)."""

    def __init__(self, frequency, expand):
        self.frequency = frequency  # (field, term) → passages holding it
        self.expand = expand  # (Prefix | Pattern, limit) → words, most common first

    def resolve(self, node: qt.Node):
        if isinstance(node, qt.Word):
            weak = tuple(qt.Term(t.field, t.text, t.weight) for t in node.partial)  # a part alone counts as an alternative
            kept = [alt for alt in node.alternatives + weak if not self._idle(alt)] or [node.main]
            alternatives = tuple(self._alternative(alt) for alt in kept)
            return alternatives[0] if len(alternatives) == 1 else Sum(alternatives, every=False)
        if isinstance(node, qt.Term):
            return Scored(node.field, node.text, node.weight)
        if isinstance(node, qt.Phrase):
            return Near(tuple(Scored(node.field, word) for word in node.words), node.slop, ordered=True)
        if isinstance(node, (qt.Prefix, qt.Pattern)):
            words = self.expand(node, qt.MAX_EXPANSIONS)
            leaves = tuple(_leaf(node.field, word) for word in words)
            return NOTHING if not leaves else leaves[0] if len(leaves) == 1 else Sum(leaves, every=False)
        if isinstance(node, qt.Match):
            return Exact(node.field, node.value)
        if isinstance(node, qt.YearRange):
            return Exact("year", start=node.start, end=node.end)
        if isinstance(node, (qt.And, qt.Or)):
            return Sum(tuple(self.resolve(child) for child in node.children), every=isinstance(node, qt.And))
        if isinstance(node, qt.Not):
            return Without(self.resolve(node.child))
        if isinstance(node, qt.Filter):
            return Gate(self.resolve(node.query), self.resolve(node.condition))
        raise TypeError(f"not a query node: {node!r}")

    def resolve_root(self, node: qt.Node):
        """A reader's access condition around the whole query adds nothing: the Whoosh engine leaves the
        passages it hides out as a mask (whoosh_engine._reader_query) instead of a filter that scores 1."""
        if isinstance(node, qt.Filter) and _on_access(node.condition):
            return Gate(self.resolve(node.query), self.resolve(node.condition), adds=0.0)
        return self.resolve(node)

    def _alternative(self, alternative: qt.Term | qt.AllOf):
        if isinstance(alternative, qt.AllOf):
            terms = tuple(Scored(t.field, t.text, t.weight * alternative.weight) for t in alternative.terms)
            return Near(terms, alternative.window, ordered=False)
        return Scored(alternative.field, alternative.text, alternative.weight)

    def _idle(self, alternative: qt.Term | qt.AllOf) -> bool:
        terms = alternative.terms if isinstance(alternative, qt.AllOf) else (alternative,)
        return any(
            (is_extra(term.text) or term.weight < 1) and (term.field != CONTENT or self.frequency((term.field, term.text)) == 0)
            for term in terms
        ) or (isinstance(alternative, qt.AllOf) and any(self.frequency((t.field, t.text)) == 0 for t in terms))


def _on_access(condition: qt.Node) -> bool:
    return all(isinstance(node, qt.Match) and node.field == "access" for node in qt.walk(condition)
               if not isinstance(node, (qt.And, qt.Or)))


def _leaf(field: str, word: str):
    return Scored(field, word) if field in TEXT_FIELDS else Exact(field, word)


def walk(node):
    yield node
    if isinstance(node, Sum):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Near):
        yield from node.terms
    elif isinstance(node, Without):
        yield from walk(node.child)
    elif isinstance(node, Gate):
        yield from walk(node.query)
        yield from walk(node.condition)


# ---------------------------------------------------------------------- statistics


@dataclass
class Stats:
    """What BM25 needs of the collection for one query's terms (Whoosh: the top-level reader's)."""

    passages: int
    total_length: dict[str, int]  # field → summed length over the live passages
    frequency: dict[tuple[str, str], int]  # (field, term) → passages holding it
    tier_average: float = 0.0  # the average content length the tiers were drawn with (tiers.py)

    def idf(self, term: tuple[str, str]) -> float:
        matching = self.frequency.get(term, 0)
        return log(1 + (self.passages - matching + 0.5) / (matching + 0.5))

    def average(self, field_name: str) -> float:
        return (self.total_length.get(field_name, 0) / (self.passages or 1)) or 1


def bm25(idf: float, weight: float, length: float, average: float) -> float:
    """whoosh.scoring.bm25 with our K1 and B, in Whoosh's order of operations."""
    return idf * ((weight * (K1 + 1)) / (weight + K1 * ((1 - B) + B * length / average)))


# ---------------------------------------------------------------------- SQL


@dataclass
class Query:
    """A resolved tree with its SQL: `where` finds a superset of the matches, `bound` scores each
    no lower than its exact score, `columns` carry what `exact` needs to decide a passage."""

    tree: object
    stats: Stats
    params: dict = field(default_factory=dict)
    terms: dict[tuple[str, str], str] = field(default_factory=dict)  # (field, text) → column name
    positional: set[tuple[str, str]] = field(default_factory=set)
    exacts: dict[Exact, str] = field(default_factory=dict)
    lengths: set[str] = field(default_factory=set)
    has_positions: bool = False
    needs_documents: bool = False

    def __post_init__(self):
        for node in walk(self.tree):
            if isinstance(node, Near):
                self.has_positions = True
                self.positional.update((t.field, t.text) for t in node.terms)
            if isinstance(node, Scored):
                self._term(node)
            elif isinstance(node, Exact):
                self.exacts.setdefault(node, f"x{len(self.exacts)}")
                if node.field == "konferanse":
                    self.lengths.add("konferanse")
                if node.field in ("doc_type", "doc_id", "konferanse", "year"):
                    self.needs_documents = True
        self.where = self._where(self.tree, superset=True)
        self.certain = self._where(self.tree, superset=False)  # matches whatever the positions say
        self.bound = self._score(self.tree) or "0"

    def _term(self, node: Scored) -> str:
        key = (node.field, node.text)
        if key not in self.terms:
            self.terms[key] = f"t{len(self.terms)}"
            self.params[self.terms[key]] = node.text
            if node.field in TEXT_FIELDS:
                self.lengths.add(node.field)
            if node.field == "title":
                self.needs_documents = True
        return self.terms[key]

    def param(self, value) -> str:
        """A placeholder for `value` in this query's SQL."""
        name = f"v{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    def exact_sql(self, node: Exact) -> str:
        return self._exact(node)

    # -- what matches

    def _where(self, node, superset: bool) -> str:
        """SQL true for a superset of `node`'s matches (superset) or a subset of them (under NOT)."""
        if isinstance(node, Scored):
            return self._held(node)
        if isinstance(node, Near):
            return " AND ".join(self._held(term) for term in node.terms) if superset else "false"
        if isinstance(node, Exact):
            return self._exact(node)
        if isinstance(node, Sum):
            if not node.children:
                return "false"
            if not node.every:
                return self._any(node.children, superset)
            return "(" + " AND ".join(self._where(child, superset) for child in node.children) + ")"
        if isinstance(node, Without):
            return f"NOT ({self._where(node.child, not superset)})"
        if isinstance(node, Gate):
            return f"({self._where(node.query, superset)} AND {self._where(node.condition, superset)})"
        raise TypeError(node)

    def _any(self, children, superset: bool) -> str:
        """Terms of one field together as `&&`, which one GIN lookup answers."""
        by_field: dict[str, list[str]] = {}
        rest = []
        for child in children:
            if isinstance(child, Scored) and child.field in TEXT_FIELDS:
                by_field.setdefault(child.field, []).append(child.text)
            else:
                rest.append(self._where(child, superset))
        parts = [f"{TEXT_FIELDS[name][0]} && {self.param(words)}::text[]" for name, words in by_field.items()]
        return "(" + " OR ".join(parts + rest) + ")"

    def _held(self, node: Scored) -> str:
        if node.field in TEXT_FIELDS:
            return f"{TEXT_FIELDS[node.field][0]} @> ARRAY[%({self._term(node)})s]::text[]"
        return "false"  # a field without terms (a typed field the index has no text for)

    def _exact(self, node: Exact) -> str:
        if node.field == "year":
            conditions = ["d.year IS NOT NULL"]
            if node.start is not None:
                conditions.append(f"d.year >= {self.param(node.start)}")
            if node.end is not None:
                conditions.append(f"d.year <= {self.param(node.end)}")
            return "(" + " AND ".join(conditions) + ")"
        template = KEYWORD_FIELDS.get(node.field)
        if template is None or not node.value:
            return "false"
        return "(" + template.format(value=self.param(node.value)) + ")"

    # -- what a match scores, at most

    def _score(self, node) -> str | None:
        if isinstance(node, Scored):
            return self._bm25(node)
        if isinstance(node, Near):
            return self._sum([self._bm25(term) for term in node.terms])
        if isinstance(node, Exact):
            if node.field == "konferanse":
                return self._konferanse(node)
            return "1.0"
        if isinstance(node, Sum):
            if node.every:
                return self._sum([self._score(child) for child in node.children])
            parts = []
            for child in node.children:
                score = self._score(child)
                if score is None:
                    continue
                if _additive(child):
                    parts.append(score)  # NULL for each term not held: coalesced below
                else:
                    parts.append(f"CASE WHEN {self._matched(child)} THEN {score} END")
            return self._sum(parts)
        if isinstance(node, Without):
            return "1.0"
        if isinstance(node, Gate):
            return self._sum([self._score(node.query), repr(node.adds)])
        raise TypeError(node)

    def _matched(self, node) -> str:
        """SQL true for a superset of `node`'s matches, from the per-passage columns where it can."""
        if isinstance(node, Scored):
            return f"x.{self._term(node)} IS NOT NULL" if node.field in TEXT_FIELDS else "false"
        if isinstance(node, Near):
            return "(" + " AND ".join(self._matched(term) for term in node.terms) + ")"
        if isinstance(node, Sum) and node.children:
            return "(" + (" AND " if node.every else " OR ").join(self._matched(c) for c in node.children) + ")"
        if isinstance(node, Gate):
            return f"({self._matched(node.query)} AND {self._where(node.condition, superset=True)})"
        return self._where(node, superset=True)

    @staticmethod
    def _sum(parts: list[str | None]) -> str | None:
        parts = [part for part in parts if part is not None]
        if not parts:
            return None
        return "(" + " + ".join(f"coalesce({part}, 0)" for part in parts) + ")"

    def _bm25(self, node: Scored) -> str | None:
        if node.field not in TEXT_FIELDS:
            return None
        weight = f"x.{self._term(node)}"
        key = (node.field, node.text)
        idf = self.param(self.stats.idf(key))
        average = self.param(float(self.stats.average(node.field)))
        boost = self.param(float(node.boost))
        return (f"({idf}::float8 * (({weight} * {K1 + 1!r}) / ({weight} + {K1!r} * ({1 - B!r} + {B!r} * "
                f"x.l_{node.field} / {average}::float8)))) * {boost}::float8")

    def _konferanse(self, node: Exact) -> str:
        idf = self.param(self.stats.idf(("konferanse", node.value)))
        average = self.param(float(self.stats.average("konferanse")))
        return (f"CASE WHEN {self._exact(node)} THEN {idf}::float8 * ({K1 + 1!r} / (1.0 + {K1!r} * ({1 - B!r} + "
                f"{B!r} * x.l_konferanse / {average}::float8))) END")

    # -- what Python needs to decide a passage exactly

    def lateral(self) -> str:
        """Each term's weight, index and field length worked out once per passage, for the bound and
        the columns both (a subquery kept apart by OFFSET 0, so the planner does not copy it into
        every place that reads it)."""
        columns = [f"sokbase.quantized({_length_column(name)}) AS l_{name}" for name in sorted(self.lengths)]
        for (name, text), column in self.terms.items():
            if name not in TEXT_FIELDS:
                continue
            terms, weights, _, _, _ = TEXT_FIELDS[name]
            at = found_at(terms, f"%({column})s")
            if (name, text) in self.positional:
                columns.append(f"{at} AS {column}_i")
            columns.append(f"{weights}[{at}]::float8 AS {column}")
        return f" CROSS JOIN LATERAL (SELECT {', '.join(columns) or '1 AS one'} OFFSET 0) x"

    def select(self) -> str:
        """Columns after p.id: the length per field, each term's weight (and where its positions
        are), each exact test."""
        columns = [f"x.l_{name}" for name in sorted(self.lengths)]
        for (name, text), column in self.terms.items():
            if name in TEXT_FIELDS:
                columns.append(f"x.{column}")
                if (name, text) in self.positional:
                    columns.append(f"x.{column}_i")
        for name in sorted({name for name, _ in self.positional if name in TEXT_FIELDS}):
            _, _, _, counts, positions = TEXT_FIELDS[name]
            columns += [f"{counts} AS counts_{name}", f"{positions} AS positions_{name}"]
        columns += [f"{self._exact(node)} AS {column}" for node, column in self.exacts.items()]
        return ", ".join(columns)

    def positions(self, term: Scored, row: dict) -> list[int]:
        """The term's positions in the passage, cut out of its field's arrays (counts say how many
        each term before it has)."""
        index = row.get(self.terms[(term.field, term.text)] + "_i")
        if not index:
            return []
        counts = row[f"counts_{term.field}"]
        start = sum(counts[: index - 1])
        return row[f"positions_{term.field}"][start : start + counts[index - 1]]

    def exact(self, row: dict) -> tuple[bool, float]:
        """Whether the passage whose columns are `row` matches, and its score, as Whoosh has them."""
        return _evaluate(self.tree, row, self)

    def term_score(self, node: Scored, row: dict) -> float | None:
        column = self.terms.get((node.field, node.text))
        weight = row.get(column) if column else None
        if weight is None:
            return None
        key = (node.field, node.text)
        length = row[f"l_{node.field}"]
        return bm25(self.stats.idf(key), weight, length, self.stats.average(node.field)) * node.boost


def found_at(terms: str, term: str) -> str:
    """SQL for where `term` (SQL text) is in the array `terms`, NULL when it is not there. The stored
    arrays are sorted by code point, which is the "C" collation's order, so width_bucket finds a term by
    binary search: seven comparisons in a passage of 100 terms where array_position makes 100, and a
    search looks up each of its terms in every passage it scores (20 for a wildcard: 21 µs a passage
    with array_position, 8 µs this way, at 1M passages)."""
    at = f'width_bucket({term}::text COLLATE "C", {terms})'
    return f"CASE WHEN {terms}[{at}] = {term} THEN {at} END"


def _additive(node) -> bool:
    """Whether the node's score is the sum of its terms' scores, each 0 when not held (no CASE needed)."""
    return isinstance(node, Scored) or (isinstance(node, Sum) and not node.every and all(map(_additive, node.children)))


def scored_leaves(node):
    """The terms whose occurrences add to a match's score, and the constant parts (exact values, NOTs,
    filters) with what each adds at most."""
    if isinstance(node, Scored):
        yield node, None
    elif isinstance(node, Near):
        for term in node.terms:
            yield term, None
    elif isinstance(node, Exact):
        yield None, node
    elif isinstance(node, Sum):
        for child in node.children:
            yield from scored_leaves(child)
    elif isinstance(node, Without):
        yield None, node
    elif isinstance(node, Gate):
        yield from scored_leaves(node.query)
        yield None, node


def _length_column(name: str) -> str:
    return TEXT_FIELDS[name][2] if name in TEXT_FIELDS else "d.konferanse_length"


def _evaluate(node, row: dict, query: Query) -> tuple[bool, float]:
    if isinstance(node, Scored):
        score = query.term_score(node, row)
        return (False, 0.0) if score is None else (True, score)
    if isinstance(node, Near):
        scores = [query.term_score(term, row) for term in node.terms]
        if any(score is None for score in scores):
            return False, 0.0
        positions = [query.positions(t, row) for t in node.terms]
        if not _spans(positions, node.slop, node.ordered):
            return False, 0.0
        return True, sum(scores)
    if isinstance(node, Exact):
        if not row[query.exacts[node]]:
            return False, 0.0
        if node.field == "konferanse":
            stats = query.stats
            return True, bm25(stats.idf(("konferanse", node.value)), 1.0, row["l_konferanse"], stats.average("konferanse"))
        return True, 1.0
    if isinstance(node, Sum):
        results = [_evaluate(child, row, query) for child in node.children]
        matched = all(m for m, _ in results) if node.every else any(m for m, _ in results)
        if not node.children or not matched:
            return False, 0.0
        return True, sum(score for m, score in results if m)
    if isinstance(node, Without):
        matched, _ = _evaluate(node.child, row, query)
        return (not matched), (0.0 if matched else 1.0)
    if isinstance(node, Gate):
        matched, score = _evaluate(node.query, row, query)
        return (matched and _evaluate(node.condition, row, query)[0]), score + node.adds
    raise TypeError(node)


def _spans(positions: list[list[int]], slop: int, ordered: bool, mindist: int = 1) -> bool:
    """Whoosh's SpanNear2Matcher._get_spans over plain positions: each term within `slop` of the
    span the ones before it make, at least `mindist` away, in order when `ordered`."""
    aspans = [Span(p) for p in positions[0]]
    for later in positions[1:]:
        if not aspans:
            return False
        bspans = [Span(p) for p in later]
        found = set()
        for aspan in aspans:
            j = bisect_spans(bspans, aspan.start if ordered else max(0, aspan.start - slop))
            while j < len(bspans):
                bspan = bspans[j]
                j += 1
                if bspan.end < aspan.start - slop or (ordered and aspan.start > bspan.start):
                    continue
                if bspan.start > aspan.end + slop:
                    break
                if mindist <= aspan.distance_to(bspan) <= slop:
                    found.add(aspan.to(bspan))
        aspans = sorted(found)
    return bool(aspans)
