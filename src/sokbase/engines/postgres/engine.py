"""The PostgreSQL engine: engines.base.Engine over the tables the PostgreSQL store writes.

Everything a search reads comes from one snapshot: `refresh` (and opening) begins a REPEATABLE
READ, READ ONLY transaction, so the several statements of one search see one committed run, and
an open index keeps the state it has until `refresh`, as a Whoosh generation does. `release`
ends the transaction when the caller is done for now (the web does after each request), so that
an idle server holds back neither VACUUM on the primary nor replay on a replica; the next call
then begins a new one.

Candidates are scored as the Whoosh engine scores them (compile.py); see docs/postgresql.md for
how the candidate step keeps common words from scoring every passage that holds them.
"""
from __future__ import annotations

import json
import logging
from dataclasses import asdict

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import dict_row

from ... import querytree as qt
from ...analysis import AnalysisOptions
from ...errors import IndexMissingError, SokbaseError
from ...models import Conference, Municipality
from ...schema import build_schema
from ...storage import Manifest
from ..base import Candidate, DocumentTerms, FieldTerm, Occurrence, PassageTerms, Statistics
from ..location import IndexLocation
from . import schema as tables
from .candidates import Candidates
from .compile import KEYWORD_FIELDS, TEXT_FIELDS, Query, Resolver, Stats, found_at
from .connection import DatabaseError, connect, lost_connection
from .store import generation_name

log = logging.getLogger(__name__)

S = tables.SCHEMA
EXACT_UP_TO = 2_000  # as whoosh_engine: a word in more passages has its documents counted only while few
CLUSTERED_UP_TO = 50
MAX_CACHED = 100_000
STATEMENT_TIMEOUT_MS = 30_000  # a search that runs away is stopped and reported, not left to hang a server
LENGTHS = {"content": "length", "heading": "heading_length", "title": "title_length"}
# Stored fields by the names Whoosh stores them under; None values are left out, as Whoosh leaves them.
STORED_SQL = (f"SELECT p.id, p.passage_id, d.doc_id, p.position, p.text, p.heading, d.title, "
              f"array_to_string(p.kommune, ',') AS kommune, array_to_string(p.access, ',') AS access, d.year, d.doc_type, p.page, d.source, d.url, d.date, "
              f"d.conference, p.municipalities, p.ocr, d.short_title, p.section "
              f"FROM {S}.passages p JOIN {S}.documents d ON d.doc = p.doc")


class PostgresEngine:
    """An open PostgreSQL index. One connection, so not for several threads at once: open one per thread."""

    def __init__(self, location: IndexLocation):
        self.where = location
        self.location = str(location)
        self._conn: psycopg.Connection | None = None
        self.generation = ""
        self._analysis: dict | None = None
        self.approximate = 0  # candidate lists kept from the strong tiers without proof (for measurements)
        self._begin()

    # ------------------------------------------------------------------ the snapshot

    def _connection(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = connect(self.where, "sokbase search")
            self._conn.prepare_threshold = None  # every plan made for the words asked: GIN estimates differ
            self._snapshot = False
            try:
                self._conn.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
            except psycopg.Error as error:
                self._drop()
                raise lost_connection(self.where, error, reading=True) from None
        return self._conn

    def _begin(self) -> bool:
        """Begin a snapshot; True when it shows another run than the one before."""
        conn = self._connection()
        try:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            self._snapshot = True
            found = tables.state(conn, self.location)
            row = conn.execute(f"SELECT m.generation, m.manifest, v.analysis FROM {S}.manifest m, {S}.version v"
                               ).fetchone() if found == tables.FORMAT else None
        except psycopg.Error as error:
            self._drop()
            raise self._refused(error) from None
        except SokbaseError:
            self._drop()
            raise
        if found is not None and found != tables.FORMAT:
            self._drop()
            raise tables.outdated(self.location, found)
        if row is None:
            self._drop()
            raise IndexMissingError(f"Fant ingen sokbase-indeks i databasen {self.location}. "
                                    f"Bygg den med `sokbase index KATALOG --index {self.location}`.")
        generation = generation_name(row[0])
        if generation == self.generation:
            return False
        self.generation, self.manifest = generation, Manifest.from_json(json.dumps(row[1]))
        if row[2] != self._analysis:
            self._analysis = row[2]
            self.schema = build_schema(AnalysisOptions(**row[2]))
        self._forget()
        return True

    def _forget(self) -> None:
        """Drop what was read of the previous run."""
        self._totals: dict | None = None
        self._frequencies: dict[FieldTerm, int] = {}
        self._document_frequencies: dict[str, float] = {}
        self._table: tuple[list[str], list[tuple[str, ...]]] | None = None
        self._documents: list[dict] | None = None
        self._vocabularies: dict[str, dict[str, int]] = {}

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn, self._snapshot = None, False

    def _sql(self, sql: str, params=None, row_factory=None) -> list:
        """Rows of one statement in the current snapshot (begun anew after `release`)."""
        if self._conn is None or self._conn.broken or not self._snapshot:
            self._begin()
        try:
            cursor = self._conn.cursor(row_factory=row_factory) if row_factory else self._conn.cursor()
            with cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        except psycopg.Error as error:
            self._snapshot = False
            if self._conn.broken:
                raise lost_connection(self.where, error, reading=True) from None
            try:
                self._conn.execute("ROLLBACK")  # the failed statement aborted the snapshot; begin anew next time
            except psycopg.Error:
                self._drop()
            raise self._refused(error) from None

    def _refused(self, error: psycopg.Error) -> SokbaseError:
        if isinstance(error, pg_errors.QueryCanceled):
            return DatabaseError(f"Søket tok mer enn {STATEMENT_TIMEOUT_MS / 1000:g} s i PostgreSQL ({self.location}) "
                                 "og ble stoppet. Prøv igjen, eller gjør søket smalere.")
        return lost_connection(self.where, error, reading=True)

    def refresh(self) -> bool:
        """See the newest committed run; True when it is another than the one in use."""
        self.release()
        return self._begin()

    def release(self) -> None:
        if self._snapshot and self._conn is not None and not self._conn.broken:
            try:
                self._conn.execute("COMMIT")
            except psycopg.Error:
                self._drop()
        self._snapshot = False

    def is_current(self) -> bool:
        """False when the database no longer answers: searches cannot go on."""
        try:
            self._sql("SELECT 1")
        except SokbaseError:
            return False
        return True

    def close(self) -> None:
        self.release()
        self._drop()

    # ------------------------------------------------------------------ finding and counting

    def candidates(self, query: qt.Node, limit: int) -> list[Candidate]:
        """The `limit` passages with the best BM25F for `query`, of equal scores the lower key first."""
        step = Candidates(self._compile(query), self._sql)
        found = step.best(limit)
        self.approximate += not step.exact
        return [Candidate(key, score) for key, score in found]

    def count(self, query: qt.Node, up_to: int) -> tuple[int, bool]:
        enough = up_to + 1
        counted = len(Candidates(self._compile(query), self._sql).matching(enough, ordered=False))
        return (counted, True) if counted < enough else (up_to, False)

    def keys(self, query: qt.Node) -> list[int]:
        return Candidates(self._compile(query), self._sql).matching(None)

    def _compile(self, node: qt.Node) -> Query:
        self._frequency_of(_terms_of(node))  # in one statement, before the resolver asks term by term
        resolved = Resolver(self.frequency, self.expand).resolve_root(node)
        probe = Query(resolved, Stats(0, {}, {}))  # which terms and fields it reads
        return Query(resolved, self._stats(set(probe.terms) | {("konferanse", n.value) for n in probe.exacts
                                                                if n.field == "konferanse"}))

    def _stats(self, terms: set[FieldTerm]) -> Stats:
        totals = self._read_totals()
        lengths = {field: totals[column] for field, column in LENGTHS.items()}
        if any(field == "konferanse" for field, _ in terms):
            lengths["konferanse"] = self._konferanse_length()
        return Stats(totals["passages"], lengths, self._frequency_of(terms), totals["tier_average"])

    # ------------------------------------------------------------------ statistics for the ranking

    def statistics(self, terms: set[FieldTerm]) -> Statistics:
        stats = self._stats(terms)
        fields = {field for field, _ in terms}
        return Statistics(
            passages=stats.passages,
            average_length={field: (stats.total_length.get(field, 0) / (stats.passages or 1)) or 1.0 for field in fields},
            frequency={term: stats.frequency.get(term, 0) for term in terms},
        )

    def frequency(self, term: FieldTerm) -> int:
        return self._frequency_of({term})[term]

    def _frequency_of(self, terms: set[FieldTerm]) -> dict[FieldTerm, int]:
        unknown = [term for term in terms if term not in self._frequencies]
        stored = [term for term in unknown if term[0] in TEXT_FIELDS]
        if stored:
            if len(self._frequencies) + len(stored) > MAX_CACHED:
                self._frequencies.clear()
            found = dict.fromkeys(stored, 0)
            fields = sorted({field for field, _ in stored})
            tests = " OR ".join("(field = %s AND term = ANY(%s))" for _ in fields)
            rows = self._sql(f"SELECT field, term, passages FROM {S}.terms WHERE {tests}",
                             [value for field in fields for value in (field, [t for f, t in stored if f == field])])
            found.update({(field, term): passages for field, term, passages in rows})
            self._frequencies.update(found)
        for term in unknown:
            if term[0] not in TEXT_FIELDS:
                self._frequencies[term] = self._vocabulary(term[0]).get(term[1], 0)
        return {term: self._frequencies[term] for term in terms}

    def _read_totals(self) -> dict:
        if self._totals is None:
            [self._totals] = self._sql(f"SELECT passages, documents, length, heading_length, title_length, tier_average "
                                       f"FROM {S}.totals",
                                       row_factory=dict_row)
        return self._totals

    def _konferanse_length(self) -> int:
        if "konferanse length" not in self._vocabularies:
            [(total,)] = self._sql(f"SELECT coalesce(sum(d.konferanse_length), 0) FROM {S}.passages p "
                                   f"JOIN {S}.documents d ON d.doc = p.doc")
            self._vocabularies["konferanse length"] = {"": int(total)}
        return self._vocabularies["konferanse length"][""]

    def passage_terms(self, keys: list[int], terms: set[FieldTerm]) -> dict[int, PassageTerms]:
        """Each passage's weight and positions of `terms`, and its field lengths as Whoosh rounds them."""
        found = {key: PassageTerms() for key in keys}
        if not keys:
            return found
        fields = sorted({field for field, _ in terms})
        positional = [field for field in fields if field in TEXT_FIELDS]
        columns = [f"sokbase.quantized({_length_sql(field)})" for field in fields]
        columns += [f"{TEXT_FIELDS[field][3]}, {TEXT_FIELDS[field][4]}" for field in positional]
        ordered = sorted(terms)
        params: dict = {"keys": list(set(keys))}
        for n, (field, text) in enumerate(ordered):
            params[f"t{n}"] = text
            if field in TEXT_FIELDS:
                names, weights, _, _, _ = TEXT_FIELDS[field]
                at = found_at(names, f"%(t{n})s")
                columns.append(f"{weights}[{at}]::float8, {at}")
            else:
                columns.append(f"CASE WHEN {_keyword_sql(field, f'%(t{n})s')} THEN 1.0::float8 END, NULL::integer")
        rows = self._sql(f"SELECT p.id, {', '.join(columns) or 'NULL'} FROM {S}.passages p JOIN {S}.documents d "
                         "ON d.doc = p.doc WHERE p.id = ANY(%(keys)s)", params)
        for key, *values in rows:
            passage = found[key]
            passage.lengths = {field: float(length) for field, length in zip(fields, values)}
            arrays = dict(zip(positional, zip(values[len(fields)::2], values[len(fields) + 1::2])))
            rest = values[len(fields) + 2 * len(positional):]
            for term, weight, index in zip(ordered, rest[::2], rest[1::2]):
                if weight is not None:
                    passage.terms[term] = Occurrence(weight, _positions(arrays.get(term[0]), index))
        return found

    def document_terms(self, doc_ids: set[str], words: set[str]) -> DocumentTerms:
        """Each document's summed weight of `words` over its passages, and its length: the sum of its
        passages' rounded lengths, as whoosh_engine.document_terms adds them up (one statement)."""
        totals = self._read_totals()
        documents = max(1, totals["documents"])
        held = sorted(text for (_, text), n in self._frequency_of({(qt.CONTENT, w) for w in words}).items() if n > 0)
        sums = "".join(f", sum(p.weights[{found_at('p.terms', f'%(w{n})s')}]::float8)" for n in range(len(held)))
        rows = self._sql(f"SELECT d.doc_id, sum(sokbase.quantized(p.length)){sums} FROM {S}.documents d "
                         f"JOIN {S}.passages p ON p.doc = d.doc WHERE d.doc_id = ANY(%(docs)s) GROUP BY d.doc_id",
                         {"docs": sorted(doc_ids), **{f"w{n}": word for n, word in enumerate(held)}})
        weights = {doc_id: {word: weight for word, weight in zip(held, found) if weight is not None}
                   for doc_id, _, *found in rows}
        return DocumentTerms(
            documents=documents,
            average_length=totals["length"] / documents,
            frequency=self._document_frequencies_of(held),
            lengths={doc_id: float(length) for doc_id, length, *_ in rows},
            weights=weights,
        )

    def _document_frequencies_of(self, words: list[str]) -> dict[str, float]:
        """In how many documents each word occurs: counted up to EXACT_UP_TO passages (all such words in
        one statement); past that counted while the documents are CLUSTERED_UP_TO or fewer, and otherwise
        estimated as if its passages were spread at random (as whoosh_engine._document_frequency)."""
        unknown = [word for word in words if word not in self._document_frequencies]
        if len(self._document_frequencies) + len(unknown) >= MAX_CACHED:
            self._document_frequencies.clear()
        passages = {word: self.frequency((qt.CONTENT, word)) for word in unknown}
        few = [word for word in unknown if passages[word] <= EXACT_UP_TO]
        if few:
            rows = self._sql(f"SELECT w, count(DISTINCT p.doc) FROM unnest(%s::text[]) AS w JOIN {S}.passages p "
                             "ON p.terms @> ARRAY[w] GROUP BY w", (few,))
            self._document_frequencies.update({word: 0.0 for word in few} | {w: float(n) for w, n in rows})
        for word in unknown:
            if word not in few:
                self._document_frequencies[word] = self._many_documents(word, passages[word])
        return {word: self._document_frequencies[word] for word in words}

    def _many_documents(self, word: str, passages: int) -> float:
        [(documents,)] = self._sql(f"SELECT count(*) FROM (SELECT DISTINCT doc FROM {S}.passages "
                                   f"WHERE terms @> ARRAY[%s] LIMIT %s) d", (word, CLUSTERED_UP_TO + 1))
        if documents <= CLUSTERED_UP_TO:
            return float(documents)
        totals = self._read_totals()
        live, runs = totals["passages"], totals["documents"]
        share = min(1.0, passages / max(1, live))
        return max(CLUSTERED_UP_TO, runs * (1 - (1 - share) ** (live / max(1, runs))))

    def expand(self, node: qt.Prefix | qt.Pattern, limit: int) -> list[str]:
        """A wildcard's words, the `limit` most common first (of equal counts, in code point order)."""
        if isinstance(node, qt.Prefix):
            pattern = _like_escape(node.prefix) + "%"
        else:
            pattern = "".join("%" if c == "*" else "_" if c == "?" else _like_escape(c) for c in node.pattern)
        if node.field in TEXT_FIELDS:
            rows = self._sql(f"SELECT term FROM {S}.terms WHERE field = %s AND term LIKE %s "
                             "ORDER BY passages DESC, term COLLATE \"C\" LIMIT %s", (node.field, pattern, limit))
            return [term for (term,) in rows]
        vocabulary = self._vocabulary(node.field)
        rows = self._sql("SELECT w FROM unnest(%s::text[]) w WHERE w LIKE %s", (list(vocabulary), pattern))
        return sorted((w for (w,) in rows), key=lambda w: (-vocabulary[w], w))[:limit]

    def _vocabulary(self, field: str) -> dict[str, int]:
        """The values of an exact-value field with the passages holding each, once per run."""
        if field not in self._vocabularies:
            sql = _VOCABULARIES.get(field)
            self._vocabularies[field] = {str(value): n for value, n in self._sql(sql)} if sql else {}
        return self._vocabularies[field]

    # ------------------------------------------------------------------ stored fields

    def stored(self, keys: list[int]) -> list[dict]:
        if not keys:
            return []
        rows = self._sql(STORED_SQL + " WHERE p.id = ANY(%s)", (list(set(keys)),), row_factory=dict_row)
        by_key = {row.pop("id"): _stored(row) for row in rows}
        return [by_key[key] for key in keys]

    def documents(self) -> list[dict]:
        """The stored fields of each document's first passage, in doc_id order (as Whoosh's lexicon)."""
        if self._documents is None:
            rows = self._sql(STORED_SQL + f" WHERE p.id IN (SELECT min(id) FROM {S}.passages GROUP BY doc) "
                             "ORDER BY d.doc_id COLLATE \"C\"", row_factory=dict_row)
            self._documents = [_stored({k: v for k, v in row.items() if k != "id"}) for row in rows]
        return self._documents

    def key_of(self, passage_id: str) -> int | None:
        if "\x00" in passage_id:  # no id holds one, and PostgreSQL refuses it in a statement
            return None
        rows = self._sql(f"SELECT id FROM {S}.passages WHERE passage_id = %s", (passage_id,))
        return rows[0][0] if rows else None

    def document_keys(self, doc_id: str) -> list[int]:
        if "\x00" in doc_id:
            return []
        rows = self._sql(f"SELECT p.id FROM {S}.passages p JOIN {S}.documents d ON d.doc = p.doc "
                         "WHERE d.doc_id = %s ORDER BY p.id", (doc_id,))
        return [key for (key,) in rows]

    def facet_table(self) -> tuple[list[str], list[tuple[str, ...]]]:
        """doc_id and kommune numbers of every passage by key, read once per run."""
        if self._table is None:
            names = dict(self._sql(f"SELECT doc, doc_id FROM {S}.documents"))
            rows = self._sql(f"SELECT id, doc, kommune FROM {S}.passages")
            size = max((key for key, _, _ in rows), default=-1) + 1
            doc_ids, kommuner = [""] * size, [()] * size
            for key, doc, numbers in rows:
                doc_ids[key] = names[doc]
                if numbers:
                    kommuner[key] = tuple(sorted(numbers))  # as Whoosh lists them, by its lexicon
            self._table = (doc_ids, kommuner)
        return self._table

    def near_words(self, word: str, max_edits: int, limit: int = 1) -> list[str]:
        """The index's most frequent word within `max_edits` edits (Levenshtein) that begins with the
        same letter: what Whoosh's corrector gives with prefix=1 (it ranks by summed weight only)."""
        from whoosh.support.levenshtein import levenshtein

        if not word:
            return []
        rows = self._sql(f"SELECT term, weight FROM {S}.terms WHERE field = %s AND term LIKE %s "
                         "AND char_length(term) BETWEEN %s AND %s",
                         (qt.CONTENT, _like_escape(word[0]) + "%", len(word) - max_edits, len(word) + max_edits))
        scored = [(-(max_edits + 0.5 / (round(weight, 4) or 1)), term) for term, weight in rows
                  if levenshtein(term, word, max_edits) <= max_edits]
        best = sorted(scored, reverse=True)[:limit]  # the largest (score, word) pairs, as Whoosh's heap keeps them
        return [term for _, term in sorted(best, key=lambda item: (-item[0], item[1]))]


def _terms_of(node: qt.Node) -> set[FieldTerm]:
    """The terms a search for `node` will ask the frequency of, to read them in one statement."""
    found: set[FieldTerm] = set()
    for item in qt.walk(node):
        if isinstance(item, qt.Word):
            found.update((term.field, term.text) for term in item.terms())
            # the ranking asks for the word in headings and titles too (ranking.features)
            found.update((field, item.main.text) for field in ("heading", "title"))
        elif isinstance(item, qt.Term):
            found.add((item.field, item.text))
        elif isinstance(item, qt.Phrase):
            found.update((item.field, word) for word in item.words)
    return found


def _stored(row: dict) -> dict:
    if row.get("conference") is not None:
        row["conference"] = json.dumps(asdict(Conference(**row["conference"])), ensure_ascii=False)
    row["municipalities"] = json.dumps([asdict(Municipality(**m)) for m in row["municipalities"]], ensure_ascii=False)
    return {name: value for name, value in row.items() if value is not None}


def _positions(arrays: tuple[list[int], list[int]] | None, index: int | None) -> tuple[int, ...]:
    """The positions of the term at `index` (1-based) out of a field's (counts, positions) arrays."""
    if arrays is None or not index:
        return ()
    counts, positions = arrays
    start = sum(counts[: index - 1])
    return tuple(positions[start : start + counts[index - 1]])


def _length_sql(field: str) -> str:
    return TEXT_FIELDS[field][2] if field in TEXT_FIELDS else "d.konferanse_length" if field == "konferanse" else "0"


def _keyword_sql(field: str, value: str) -> str:
    return KEYWORD_FIELDS.get(field, "false").format(value=value)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_VOCABULARIES = {
    "kommune": f"SELECT k, count(*) FROM {S}.passages, unnest(kommune) k GROUP BY k",
    "doc_type": f"SELECT d.doc_type, count(*) FROM {S}.passages p JOIN {S}.documents d ON d.doc = p.doc GROUP BY 1",
    "doc_id": f"SELECT d.doc_id, count(*) FROM {S}.passages p JOIN {S}.documents d ON d.doc = p.doc GROUP BY 1",
    "paragraph": f"SELECT paragraph, count(*) FROM {S}.passages WHERE paragraph <> '' GROUP BY 1",
    "access": f"SELECT a, count(*) FROM {S}.passages, unnest(access) a GROUP BY a",
    "chapter": f"SELECT chapter, count(*) FROM {S}.passages WHERE chapter <> '' GROUP BY 1",
    "konferanse": f"SELECT k, count(*) FROM {S}.passages p JOIN {S}.documents d ON d.doc = p.doc, "
                  "unnest(d.konferanse) k GROUP BY k",
}
