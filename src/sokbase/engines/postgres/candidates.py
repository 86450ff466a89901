"""The candidate step: the best passages for a compiled query, and the passages it matches.

SQL orders the passages that may match by an upper bound of their score (compile.py), and
Python decides the fetched ones exactly; fetching stops once the last exact score kept beats the
bound of every passage not fetched, so the result is the exact top `limit` by (score, key).

A common word is in too many passages to score them all (at 1M passages, "kommunen" is in a
third of them), so a query whose words are in more than RARE_UP_TO passages together is first
answered from its candidates: every passage holding one of its rarer words (as many of them as fit
in RARE_UP_TO, the rarest first), and the passages in a common one's tier (tiers.py: those holding
it strongly, or for a word in fewer passages, almost strongly too). Every other passage matching
the query scores at most the sum of floor·idf·weight over its common words (the floor being the
term part its tier starts at), plus its constant parts: when the candidates' last kept
score is above that, the answer is exact, as Lucene's MaxScore proves it. When it is not, and at
most SCAN_UP_TO passages match, they are all scored; past that the candidates' answer is kept
(docs/postgresql.md measures how often that happens and what it changes).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from psycopg.rows import dict_row

from .compile import TEXT_FIELDS, Exact, Gate, Near, Query, Scored, Sum, scored_leaves, walk
from .tiers import growth, tier_of

log = logging.getLogger(__name__)

S = "sokbase"
FIRST_FETCH = 20  # passages fetched at least when positions decide, before more are asked for
GROWTH = 4
PAGE = 2_000  # passages per statement at most when matches are counted through their positions
RARE_UP_TO = 2_000  # passages the rarer words of a query may hold together; the others go through their tiers
SCAN_UP_TO = 5_000  # passages: when the tiers cannot prove the answer, this many are still scored
K1_PLUS_1 = 2.2  # a term part's ceiling (scoring.K1 + 1)
MAX_TOGETHER = 64  # sets of words looked up together, at most, before the proof gives up


@dataclass(frozen=True)
class Unit:
    """A word of a query (a child of its top AND or OR), or one of its common terms or constant parts,
    as the proof counts it."""

    weak: float  # what it adds at most to a passage outside the candidates
    held: str  # SQL: the passage holds it (one of its common terms, in their tier or not; its exact value)


@dataclass(frozen=True)
class Tiered:
    condition: str  # SQL: the passage is a candidate (a rare term, or a common one in its tier)
    constant: float  # what filters and NOTs around the words add to every match, at most
    units: tuple[Unit, ...]  # one per word
    terms: tuple[Unit, ...]  # one per common term or constant part: the same bound, told apart more finely
    every: bool  # the words must all match (an AND) rather than any


class Candidates:
    def __init__(self, query: Query, sql):
        self.query = query
        self.sql = sql  # (statement, params, row_factory) → rows, in the engine's snapshot
        self.exact = True  # False when best() kept the tiers' answer without proof

    def _from(self, scored: bool = False, where: str | None = None) -> str:
        join = f" JOIN {S}.documents d ON d.doc = p.doc" if self.query.needs_documents else ""
        lateral = self.query.lateral() if scored else ""
        return f"FROM {S}.passages p{join}{lateral} WHERE {where or self.query.where}"

    def best(self, limit: int) -> list[tuple[int, float]]:
        query = self.query
        if query.where == "false" or limit <= 0:
            return []
        tiered = self._tiered()
        if tiered is None:
            return self._best(limit)
        found = self._best(limit, tiered.condition)
        threshold = found[limit - 1][1] if len(found) >= limit else float("-inf")
        bound = tiered.constant + sum(unit.weak for unit in tiered.units)
        if threshold > bound * (1 + 1e-9):
            return found
        if not tiered.every and threshold > float("-inf"):
            # The passages outside the candidates that could still rank hold enough of the words
            # together: find them as the sets of words whose bounds add up past the last kept score.
            # Per term first: a word with a common and a rarer form ("store": stor, ~stor) then asks
            # only for the passages the rarer one can lift, not for all 160,000 holding "stor".
            together = _together(tiered.terms, tiered.constant, threshold)
            if together is None:
                together = _together(tiered.units, tiered.constant, threshold)
            if together == "false":  # no set of words can reach it: the candidates' answer stands
                return found
            if together is not None:
                # Only the passages the candidates did not hold: those were scored already.
                more = self._best(limit, f"({together} AND NOT {tiered.condition})")
                return sorted(found + more, key=lambda hit: (-hit[1], hit[0]))[:limit]
        # A union of words matches about the sum of their passages; an intersection may match far fewer
        # than its words' counts say, and only a count tells.
        most = _at_most(query.tree, query.stats)
        if most <= SCAN_UP_TO or (_intersects(query.tree) and self._superset_count(SCAN_UP_TO + 1) <= SCAN_UP_TO):
            return self._best(limit)
        log.debug("candidates from the tiers, not proven: %s", query.tree)
        self.exact = False
        return found

    def _tiered(self) -> Tiered | None:
        """The candidates of a query with common words, and what the others can score at most."""
        query, stats = self.query, self.query.stats
        rise = growth(stats.average("content"), stats.tier_average)
        node, constant = query.tree, 0.0
        while isinstance(node, Gate):
            node, constant = node.query, constant + node.adds
        children, every = (node.children, node.every) if isinstance(node, Sum) and node.children else ((node,), True)
        rare = _rarest(query)
        tiers, held, units, terms = {}, {}, [], []
        for child in children:
            weak, common, exactly = 0.0, set(), []
            for term, part in scored_leaves(child):
                if term is None:
                    bound = _constant_bound(part, query)
                    test = query.exact_sql(part) if isinstance(part, Exact) else "true"
                    exactly.append(test)
                    terms.append(Unit(bound, f"({test})"))
                    weak += bound
                elif term.field not in TEXT_FIELDS:
                    continue
                elif term.field == "content" and term.text not in rare:
                    common.add(term.text)
                    tier = tier_of(stats.frequency.get((term.field, term.text), 0))
                    tiers.setdefault(tier, set()).add(term.text)
                    bound = tier.floor * rise * stats.idf((term.field, term.text)) * term.boost
                    terms.append(Unit(bound, f"p.terms @> ARRAY[{query.param(term.text)}]::text[]"))
                    weak += bound
                else:
                    held.setdefault(term.field, set()).add(term.text)
            if weak > 0:
                tests = [f"p.terms && {query.param(sorted(common))}::text[]"] if common else []
                units.append(Unit(weak, "(" + " OR ".join(tests + exactly) + ")"))
        if not tiers:
            return None
        parts = [tier.sql(query.param(sorted(words))) for tier, words in sorted(tiers.items(), key=lambda t: t[0].floor)]
        parts += [f"{TEXT_FIELDS[name][0]} && {query.param(sorted(words))}::text[]" for name, words in held.items()]
        return Tiered("(" + " OR ".join(parts) + ")", constant, tuple(units), tuple(t for t in terms if t.weak > 0), every)

    def _superset_count(self, up_to: int) -> int:
        [(count,)] = self.sql(f"SELECT count(*) FROM (SELECT 1 {self._from()} LIMIT %(up_to)s) found",
                              {**self.query.params, "up_to": up_to})
        return count

    def _best(self, limit: int, condition: str | None = None) -> list[tuple[int, float]]:
        query = self.query
        columns = query.select()
        if condition and _any_of_terms(query.tree):
            # Every candidate holds one of the words (a tier is a subset of the passage's terms), so
            # testing the query's own overlap again cost each of them a comparison of 20 terms by
            # 100: a fifth of a wildcard's time at 1M passages. This needs `condition` to imply the
            # query's WHERE: without positions only `limit` rows are fetched, and a row that did not
            # match would shorten the list.
            source = self._from(True, where=condition)
        else:
            source = self._from(True) + (f" AND {condition}" if condition else "")
        fetch = max(limit, FIRST_FETCH) if query.has_positions else limit
        while True:
            rows = self.sql(f"SELECT p.id, {query.bound} AS bound{', ' + columns if columns else ''} {source} "
                            "ORDER BY bound DESC, p.id LIMIT %(fetch)s", {**query.params, "fetch": fetch}, dict_row)
            scored = sorted((-score, row["id"]) for row in rows for matched, score in [query.exact(row)] if matched)
            done = len(rows) < fetch or not query.has_positions
            if done or (len(scored) >= limit and -scored[limit - 1][0] > rows[-1]["bound"]):
                return [(key, -negative) for negative, key in scored[:limit]]
            fetch *= GROWTH

    def matching(self, up_to: int | None, ordered: bool = True) -> list[int]:
        """The keys of the passages the query matches (the first `up_to` only, when given), ascending
        when `ordered`; unordered, a count need not read every match to find the lowest keys."""
        query = self.query
        if query.where == "false":
            return []
        order = " ORDER BY p.id" if ordered else ""
        if not query.has_positions:
            limit = " LIMIT %(up_to)s" if up_to is not None else ""
            rows = self.sql(f"SELECT p.id {self._from()}{order}{limit}", {**query.params, "up_to": up_to})
            return [key for (key,) in rows]
        found: list[int] = []
        if not ordered and up_to is not None:  # a count: the passages that match whatever the positions say first
            found = [key for (key,) in self.sql(f"SELECT p.id {self._from()} AND {query.certain} LIMIT %(up_to)s",
                                                {**query.params, "up_to": up_to})]
            if len(found) >= up_to:
                return found
            uncertain = f" AND NOT {query.certain}"
        else:
            uncertain = ""
        after, page = -1, min(PAGE, max(FIRST_FETCH, 2 * (up_to or PAGE)))
        columns = query.select()
        while up_to is None or len(found) < up_to:
            rows = self.sql(f"SELECT p.id, {columns} {self._from(True)}{uncertain} AND p.id > %(after)s ORDER BY p.id "
                            "LIMIT %(page)s", {**query.params, "after": after, "page": page}, dict_row)
            found += [row["id"] for row in rows if query.exact(row)[0]]
            if len(rows) < page:
                break
            after, page = rows[-1]["id"], min(PAGE, page * GROWTH)
        return found[:up_to] if up_to is not None else found


def _rarest(query: Query) -> set[str]:
    """The query's content words, rarest first, as many as hold RARE_UP_TO passages together."""
    frequency = query.stats.frequency
    words = sorted({term.text for term, _ in scored_leaves(query.tree) if term is not None and term.field == "content"},
                   key=lambda word: (frequency.get(("content", word), 0), word))
    rare, total = set(), 0
    for word in words:
        total += frequency.get(("content", word), 0)
        if total > RARE_UP_TO:
            break
        rare.add(word)
    return rare


def _together(units: tuple[Unit, ...], constant: float, threshold: float) -> str | None:
    """SQL for the passages holding, together, a set of units whose weak bounds reach `threshold`:
    every passage outside the candidates that could score that much holds one such set (taking its
    units from the strongest down until they reach it, which is how the sets are listed). None when
    there are more than MAX_TOGETHER sets."""
    units = sorted(units, key=lambda unit: -unit.weak)
    rest = [sum(unit.weak for unit in units[i:]) for i in range(len(units) + 1)]
    found: list[list[Unit]] = []

    def extend(start: int, chosen: list[Unit], total: float) -> bool:
        for i in range(start, len(units)):
            if total + rest[i] < threshold * (1 - 1e-9):
                return True  # the words left cannot reach it
            now = total + units[i].weak
            if now >= threshold * (1 - 1e-9):
                found.append(chosen + [units[i]])
                if len(found) > MAX_TOGETHER:
                    return False
            elif not extend(i + 1, chosen + [units[i]], now):
                return False
        return True

    if not extend(0, [], constant) or not found:
        return None if found else "false"
    return "(" + " OR ".join("(" + " AND ".join(unit.held for unit in chosen) + ")" for chosen in found) + ")"


def _at_most(node, stats) -> int:
    """How many passages `node` can match at most, from its terms' frequencies alone: counting the
    matches of a union of common words in SQL reads every one of them (0.5 s at 1M passages)."""
    if isinstance(node, Scored):
        return stats.frequency.get((node.field, node.text), 0) if node.field in TEXT_FIELDS else 0
    if isinstance(node, Near):
        return min(_at_most(term, stats) for term in node.terms)
    if isinstance(node, Sum) and node.children:
        counts = [_at_most(child, stats) for child in node.children]
        return min(counts) if node.every else min(stats.passages, sum(counts))
    if isinstance(node, Gate):
        return min(_at_most(node.query, stats), _at_most(node.condition, stats))
    return stats.passages  # an exact value, a NOT: anything


def _any_of_terms(node) -> bool:
    """Whether `node` matches exactly the passages holding one of its terms (no AND, phrase, NOT or filter)."""
    if isinstance(node, Scored):
        return node.field in TEXT_FIELDS
    return isinstance(node, Sum) and not node.every and bool(node.children) and all(map(_any_of_terms, node.children))


def _intersects(node) -> bool:
    return any(isinstance(part, (Near, Gate)) or (isinstance(part, Sum) and part.every and len(part.children) > 1)
               for part in walk(node))


def _constant_bound(node, query: Query) -> float:
    """What an exact value, a NOT or a filter adds to a score at most."""
    if isinstance(node, Exact) and node.field == "konferanse":
        return K1_PLUS_1 * query.stats.idf(("konferanse", node.value))
    return node.adds if isinstance(node, Gate) else 1.0
