"""The candidate step: the best passages for a compiled query, and the passages it matches.

SQL orders the passages that may match by an upper bound of their score (compile.py), and
Python decides the fetched ones exactly; fetching stops once the last exact score kept beats the
bound of every passage not fetched, so the result is the exact top `limit` by (score, key).
"""
from __future__ import annotations

from psycopg.rows import dict_row

from .compile import Query

S = "sokbase"
FIRST_FETCH = 20  # passages fetched at least when positions decide, before more are asked for
GROWTH = 4
PAGE = 2_000  # passages per statement when matches are counted through their positions


class Candidates:
    def __init__(self, query: Query, sql):
        self.query = query
        self.sql = sql  # (statement, params, row_factory) → rows, in the engine's snapshot

    def _from(self) -> str:
        join = f" JOIN {S}.documents d ON d.doc = p.doc" if self.query.needs_documents else ""
        return f"FROM {S}.passages p{join} WHERE {self.query.where}"

    def best(self, limit: int) -> list[tuple[int, float]]:
        query = self.query
        if query.where == "false" or limit <= 0:
            return []
        columns = query.select()
        fetch = max(limit, FIRST_FETCH) if query.has_positions else limit
        while True:
            rows = self.sql(f"SELECT p.id, {query.bound} AS bound{', ' + columns if columns else ''} {self._from()} "
                            "ORDER BY bound DESC, p.id LIMIT %(fetch)s", {**query.params, "fetch": fetch}, dict_row)
            scored = sorted((-score, row["id"]) for row in rows for matched, score in [query.exact(row)] if matched)
            done = len(rows) < fetch or not query.has_positions
            if done or (len(scored) >= limit and -scored[limit - 1][0] > rows[-1]["bound"]):
                return [(key, -negative) for negative, key in scored[:limit]]
            fetch *= GROWTH

    def matching(self, up_to: int | None) -> list[int]:
        """The keys of the passages the query matches, ascending; the first `up_to` only when given."""
        query = self.query
        if query.where == "false":
            return []
        if not query.has_positions:
            limit = " LIMIT %(up_to)s" if up_to is not None else ""
            rows = self.sql(f"SELECT p.id {self._from()} ORDER BY p.id{limit}", {**query.params, "up_to": up_to})
            return [key for (key,) in rows]
        found: list[int] = []
        after = -1
        columns = query.select()
        while up_to is None or len(found) < up_to:
            rows = self.sql(f"SELECT p.id, {columns} {self._from()} AND p.id > %(after)s ORDER BY p.id "
                            "LIMIT %(page)s", {**query.params, "after": after, "page": PAGE}, dict_row)
            found += [row["id"] for row in rows if query.exact(row)[0]]
            if len(rows) < PAGE:
                break
            after = rows[-1]["id"]
        return found[:up_to] if up_to is not None else found
