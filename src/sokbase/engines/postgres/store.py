"""The PostgreSQL engine's store: a run is one transaction, one writer at a time by an advisory lock.

Searches keep reading the last committed state while a run writes (MVCC), and see all of the run at
its COMMIT. If the indexer is killed or its connection drops, the server rolls the transaction back
and releases the advisory lock with the connection: nothing is left to clean up. New rows arrive by
COPY in batches; the term statistics BM25 needs (sokbase.terms, sokbase.totals) are changed by the
same transaction.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from enum import Enum

import psycopg
from psycopg.types.json import Jsonb

from ...errors import IndexMissingError
from ...locking import IndexBusyError
from ...models import Document, Passage, doc_id_for
from ...analysis import AnalysisOptions
from ...schema import build_schema, current_analysis
from ...storage import FileRecord, Manifest
from ..location import IndexLocation
from ..store import LiveIndex, checkpoint, passage_fields
from . import schema
from .binary_arrays import use_for_copy
from .connection import DatabaseError, connect, lost_connection
from .terms import DocumentTerms, FieldTerms, PostgresTerms
from .tiers import tier_terms

log = logging.getLogger(__name__)

S = schema.SCHEMA
# The advisory lock of the one writer ("sokb"); advisory locks belong to one database, so every
# database holds an index of its own.
LOCK_KEY = 0x736F6B62
_POLL_SECONDS = 0.2
BATCH_PASSAGES = 5000  # rows kept before a COPY: large enough for COPY's speed, small in memory

# Binary COPY: 2.7x faster than text from psycopg (9,620 passages: 1.0 s against 2.7 s).
DOCUMENT_COLUMNS = {"doc": "int4", "doc_id": "text", "source": "text", "title": "text", "short_title": "text",
                    "url": "text",
                    "doc_type": "text", "date": "text", "year": "int4", "conference": "jsonb",
                    "konferanse": "text[]", "konferanse_length": "int4", "title_length": "int4", "title_terms": "text[]",
                    "title_counts": "int4[]", "title_positions": "int4[]"}
PASSAGE_COLUMNS = {"id": "int4", "doc": "int4", "passage_id": "text", "position": "int4", "heading": "text",
                   "section": "text", "text": "text", "page": "int4", "ocr": "bool", "paragraph": "text",
                   "chapter": "text", "kommune": "text[]", "municipalities": "jsonb", "length": "int4",
                   "terms": "text[]", "weights": "float4[]", "counts": "int4[]", "positions": "int4[]",
                   "heading_length": "int4", "heading_terms": "text[]", "heading_counts": "int4[]",
                   "heading_positions": "int4[]", "access": "text[]", "strong": "text[]", "medium": "text[]"}
FILE_COLUMNS = {"source": "text", "record": "jsonb"}

def generation_name(number: int) -> str:
    return f"gen-{number:06d}"


class Setup(Enum):
    UPDATE = "update"  # change the live index
    REPLACE = "replace"  # --full: every row anew, in the same tables
    CREATE = "create"  # a database without an index
    RECREATE = "recreate"  # --full over an index of another version: new tables


class PostgresStore:
    def __init__(self, location: IndexLocation):
        self.where = location
        self.location = str(location)
        # Indexers may run on several hosts; a folder of OCR results on one of them is no shared cache.
        # Unchanged files are not read again anyway; --full reads scanned pages again.
        self.ocr_cache = None
        self._conn: psycopg.Connection | None = None
        self._setup = Setup.UPDATE
        self._options: AnalysisOptions | None = None

    @contextmanager
    def lock(self, wait: float | None) -> Iterator[list[str]]:
        conn = self._conn = connect(self.where, "sokbase index")
        try:
            if conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                raise DatabaseError(f"Databasen i {self.location} er en skrivebeskyttet kopi (en replika); "
                                    "indekser mot primærtjeneren.")
            self._acquire(wait)
            notices = self._mark_writer()
            try:
                yield notices
            finally:
                self._unmark_writer()
        except psycopg.Error as error:
            raise lost_connection(self.where, error) from None
        finally:
            self._conn = None
            conn.close()  # the server releases the advisory lock with the connection

    def live(self, full: bool) -> LiveIndex:
        found = schema.state(self._conn, self.location)
        if found is None:
            schema.require_empty(self._conn, self.location)
            self._setup = Setup.CREATE
            return LiveIndex()
        if found != schema.FORMAT:
            if not full:
                raise schema.outdated(self.location, found)
            self._setup = Setup.RECREATE
            return LiveIndex(notices=[f"Indeksen i databasen var fra en annen versjon ({found}); bygger alt på nytt."])
        row = self._conn.execute(f"SELECT generation FROM {S}.manifest").fetchone()
        if full or row is None:
            self._setup = Setup.REPLACE
            return LiveIndex()
        catalog = {}
        for source, record in self._conn.execute(f"SELECT source, record FROM {S}.files"):
            catalog[source] = _file_record(record)
        return LiveIndex(generation_name(row[0]), catalog)

    def analysis(self) -> PostgresTerms:
        self._options = current_analysis()  # what this run's terms are made with, kept for searches
        return PostgresTerms(build_schema(self._options))

    def writer(self, live: LiveIndex) -> PostgresWriter:
        return PostgresWriter(self._conn, self._setup, asdict(self._options or current_analysis()))

    def manifest(self) -> tuple[str, Manifest]:
        """The live generation and its manifest, for `sokbase stats`."""
        with connect(self.where, "sokbase") as conn:
            try:
                found = schema.state(conn, self.location)
                row = conn.execute(f"SELECT generation, manifest FROM {S}.manifest").fetchone() if found else None
            except psycopg.Error as error:
                raise lost_connection(self.where, error, reading=True) from None
        if found is not None and found != schema.FORMAT:
            raise schema.outdated(self.location, found)
        if row is None:
            raise IndexMissingError(f"Fant ingen sokbase-indeks i databasen {self.location}. "
                                    f"Bygg den med `sokbase index KATALOG --index {self.location}`.")
        return generation_name(row[0]), _manifest(row[1])

    def _acquire(self, wait: float | None) -> None:
        deadline = None if wait is None else time.monotonic() + wait
        while not self._conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
            if deadline is not None and time.monotonic() >= deadline:
                raise IndexBusyError(self._busy_message(wait))
            time.sleep(_POLL_SECONDS)

    def _busy_message(self, wait: float | None) -> str:
        holder = self._conn.execute(
            "SELECT a.application_name, to_char(a.backend_start, 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.classid = 0 AND l.objid = %s AND l.database = (SELECT oid FROM pg_database WHERE datname = "
            "current_database())", (LOCK_KEY,)).fetchone()
        who = f" ({holder[0]}, startet {holder[1]})" if holder else ""
        waited = f" Ventet {wait:g} s." if wait else ""
        return (f"En annen indeksering av {self.location} kjører allerede{who}.{waited} "
                "Prøv igjen senere, eller bruk --wait for å vente på den.")

    def _mark_writer(self) -> list[str]:
        """Note who writes, outside the run's transaction: a note left behind means a run was killed."""
        if schema.state(self._conn, self.location) != schema.FORMAT:
            return []
        left = self._conn.execute(f"SELECT holder FROM {S}.writer").fetchone()
        holder = self._conn.info.parameter_status("application_name") or "sokbase index"
        self._conn.execute(f"INSERT INTO {S}.writer (holder) VALUES (%s) ON CONFLICT (only_row) DO UPDATE "
                           "SET holder = EXCLUDED.holder, started = now()", (holder,))
        return [f"Tok over etter en indeksering som ble avbrutt ({left[0]}); indeksen er slik den siste "
                "fullførte kjøringen la den."] if left else []

    def _unmark_writer(self) -> None:
        """After a run that ended, well or with an error; not after a lost connection or kill -9."""
        try:
            if schema.state(self._conn, self.location) == schema.FORMAT:
                self._conn.execute(f"DELETE FROM {S}.writer")
        except psycopg.Error:
            pass  # the connection is gone: the note stays, and the next run says a run was cut off


class PostgresWriter:
    """One run's transaction. Deletes are applied in one go before the first move or add."""

    def __init__(self, conn: psycopg.Connection, setup: Setup, analysis: dict):
        self.conn = conn
        self.analysis = analysis
        conn.execute("BEGIN")
        self.bulk = setup in (Setup.CREATE, Setup.RECREATE)  # new tables: no reader sees them before COMMIT
        if setup is Setup.RECREATE:
            schema.drop(conn)
        if self.bulk:
            schema.create(conn, analysis)  # its indexes are built at commit, faster than row by row
        elif setup is Setup.REPLACE:
            # DELETE rather than TRUNCATE: searches keep reading the old rows until COMMIT.
            conn.execute(f"DELETE FROM {S}.documents; DELETE FROM {S}.terms; DELETE FROM {S}.files; "
                         f"UPDATE {S}.totals SET passages = 0, documents = 0, length = 0, heading_length = 0, "
                         "title_length = 0, tier_average = 0")
        self.next_doc, self.next_id, generation = conn.execute(
            f"SELECT (SELECT coalesce(max(doc), 0) + 1 FROM {S}.documents), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {S}.passages), "
            f"(SELECT coalesce(max(generation), 0) FROM {S}.manifest)").fetchone()
        self.first_new_id = self.next_id
        self.generation = generation + 1
        # The tiers of new passages are drawn with the live average length, or for a new
        # index with its first batch's (tiers.py says why any average will do).
        live, length = conn.execute(f"SELECT passages, length FROM {S}.totals").fetchone()
        self.tier_average = length / live if live else None
        self._deletes: list[str] = []
        self._documents: list[tuple] = []
        self._passages: list[tuple] = []
        self._open = True

    def delete(self, record: FileRecord) -> None:
        self._deletes.append(record.doc_id)

    def move(self, old: FileRecord, new: FileRecord) -> FileRecord:
        self._flush_deletes()
        doc_id = doc_id_for(new.source)
        self.conn.execute(
            f"WITH moved AS (UPDATE {S}.documents SET doc_id = %(new)s, source = %(source)s WHERE doc_id = %(old)s "
            f"RETURNING doc) UPDATE {S}.passages p SET passage_id = %(new)s || '-' || p.position, access = %(access)s "
            "FROM moved WHERE p.doc = moved.doc",
            {"new": doc_id, "old": old.doc_id, "source": new.source, "access": new.access})
        return replace(old, source=new.source, size=new.size, mtime_ns=new.mtime_ns, sidecar=new.sidecar, doc_id=doc_id,
                       access=new.access, access_rule=new.access_rule)

    def update_access(self, record: FileRecord) -> None:
        self._flush_deletes()
        self.conn.execute(f"UPDATE {S}.passages SET access = %s WHERE doc = (SELECT doc FROM {S}.documents "
                          "WHERE doc_id = %s)", (record.access, record.doc_id))

    def add(self, document: Document, passages: list[Passage], analyzed: DocumentTerms) -> None:
        self._flush_deletes()
        doc = self.next_doc
        self.next_doc += 1
        conference = document.conference
        self._documents.append((doc, document.doc_id, document.source, document.title, document.short_title,
                                document.url, document.doc_type, document.date,
                                passage_fields(document, passages[0])["year"],
                                Jsonb(asdict(conference)) if conference else None, analyzed.konferanse,
                                analyzed.konferanse_length,
                                *_arrays(analyzed.title)))
        for passage, terms in zip(passages, analyzed.passages, strict=True):
            fields = passage_fields(document, passage)
            self._passages.append((
                self.next_id, doc, passage.passage_id, passage.position, fields["heading"], passage.section,
                passage.text, passage.page, passage.ocr, fields["paragraph"], fields["chapter"],
                [m.number for m in passage.municipalities], Jsonb([asdict(m) for m in passage.municipalities]),
                terms.content.length, terms.content.terms, terms.content.weights, terms.content.counts,
                terms.content.positions, *_arrays(terms.heading), list(document.access),
            ))  # the tiers' terms follow when the batch is written
            self.next_id += 1
        if len(self._passages) >= BATCH_PASSAGES:
            self._flush_rows()

    def commit(self, records: list[FileRecord], manifest: Manifest) -> str:
        self._flush_deletes()
        self._flush_rows()
        if self.bulk:
            schema.create_indexes(self.conn)
        self._count_new_passages()
        self._write_catalog(records)
        self.conn.execute(f"UPDATE {S}.version SET analysis = %s", (Jsonb(self.analysis),))
        self.conn.execute(
            f"INSERT INTO {S}.manifest (generation, manifest) VALUES (%s, %s) ON CONFLICT (only_row) DO UPDATE "
            "SET generation = EXCLUDED.generation, manifest = EXCLUDED.manifest, committed = now()",
            (self.generation, manifest.to_json()))
        checkpoint("commit")
        self.conn.execute("COMMIT")
        self._open = False
        checkpoint("committed")
        if self.bulk:
            self.conn.execute(f"ANALYZE {S}.documents, {S}.passages, {S}.terms")  # plans for the new tables
        return generation_name(self.generation)

    def abort(self) -> None:
        if self._open and not self.conn.closed:
            self._open = False
            try:
                self.conn.execute("ROLLBACK")
            except psycopg.Error:
                pass  # a broken connection: the server rolls back on its own

    def _flush_deletes(self) -> None:
        if not self._deletes:
            return
        doc_ids, self._deletes = self._deletes, []
        conn = self.conn
        conn.execute(f"CREATE TEMP TABLE gone ON COMMIT DROP AS SELECT {_COLUMNS} FROM {S}.passages p "
                     f"JOIN {S}.documents d ON d.doc = p.doc WHERE d.doc_id = ANY(%s)", (doc_ids,))
        conn.execute(f"WITH counted AS ({_COUNTED.format(source='gone')}) UPDATE {S}.terms t "
                     "SET passages = t.passages - counted.n, weight = t.weight - counted.weight FROM counted "
                     "WHERE t.field = counted.field AND t.term = counted.term")
        conn.execute(f"DELETE FROM {S}.terms WHERE passages <= 0")
        documents = conn.execute(f"DELETE FROM {S}.documents WHERE doc_id = ANY(%s)", (doc_ids,)).rowcount
        conn.execute(f"UPDATE {S}.totals t SET passages = t.passages - g.n, length = t.length - g.content, "
                     "heading_length = t.heading_length - g.heading, title_length = t.title_length - g.title, "
                     f"documents = t.documents - %s FROM ({_TOTALS.format(source='gone')}) g", (documents,))
        conn.execute("DROP TABLE gone")

    def _flush_rows(self) -> None:
        _copy(self.conn, "documents", DOCUMENT_COLUMNS, self._documents)
        if self._passages and self.tier_average is None:
            self.tier_average = sum(row[_LENGTH] for row in self._passages) / len(self._passages) or 1.0
        _copy(self.conn, "passages", PASSAGE_COLUMNS, [
            (*row, *tier_terms(row[_TERMS], row[_TERMS + 1], row[_LENGTH], self.tier_average)) for row in self._passages])
        self._documents, self._passages = [], []

    def _count_new_passages(self) -> None:
        conn = self.conn
        if self.tier_average is not None:
            conn.execute(f"UPDATE {S}.totals SET tier_average = CASE WHEN tier_average = 0 THEN %(a)s "
                         "ELSE least(tier_average, %(a)s) END", {"a": self.tier_average})
        conn.execute(f"CREATE TEMP TABLE added ON COMMIT DROP AS SELECT {_COLUMNS} FROM {S}.passages p "
                     f"JOIN {S}.documents d ON d.doc = p.doc WHERE p.id >= %s", (self.first_new_id,))
        conn.execute(f"INSERT INTO {S}.terms (field, term, passages, weight) {_COUNTED.format(source='added')} "
                     f"ON CONFLICT (field, term) DO UPDATE SET passages = {S}.terms.passages + EXCLUDED.passages, "
                     f"weight = {S}.terms.weight + EXCLUDED.weight")
        conn.execute(f"UPDATE {S}.totals t SET passages = t.passages + g.n, length = t.length + g.content, "
                     "heading_length = t.heading_length + g.heading, title_length = t.title_length + g.title, "
                     f"documents = t.documents + g.documents FROM ({_TOTALS.format(source='added')}) g")
        conn.execute("DROP TABLE added")

    def _write_catalog(self, records: list[FileRecord]) -> None:
        self.conn.execute(f"DELETE FROM {S}.files")
        _copy(self.conn, "files", FILE_COLUMNS, [(record.source, Jsonb(vars(record))) for record in records])


_LENGTH = list(PASSAGE_COLUMNS).index("length")
_TERMS = list(PASSAGE_COLUMNS).index("terms")


def _copy(conn: psycopg.Connection, table: str, columns: dict[str, str], rows: list[tuple]) -> None:
    if not rows:
        return
    with conn.cursor() as cursor:
        use_for_copy(cursor)
        with cursor.copy(f"COPY {S}.{table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(list(columns.values()))
            for row in rows:
                copy.write_row(row)


# Passages per (field, term) among the rows of a temporary table of passages (gone or added); the
# title is posted with every passage of its document, as Whoosh posts it.
_COLUMNS = "p.doc, p.terms, p.weights, p.heading_terms, p.heading_counts, p.length, p.heading_length, d.title_length"
_COUNTED = f"""
SELECT 'content' AS field, u.term, count(*) AS n, sum(u.weight::float8) AS weight
  FROM {{source}}, unnest({{source}}.terms, {{source}}.weights) AS u(term, weight) GROUP BY u.term
UNION ALL
SELECT 'heading', u.term, count(*), sum(u.count) FROM {{source}},
  unnest({{source}}.heading_terms, {{source}}.heading_counts) AS u(term, count) GROUP BY u.term
UNION ALL
SELECT 'title', u.term, sum(per_doc.n), sum(per_doc.n * u.count) FROM (SELECT doc, count(*) AS n FROM {{source}} GROUP BY doc) per_doc
  JOIN {S}.documents d ON d.doc = per_doc.doc, unnest(d.title_terms, d.title_counts) AS u(term, count) GROUP BY u.term"""
_TOTALS = """SELECT count(*) AS n, count(DISTINCT doc) AS documents, coalesce(sum(length), 0) AS content,
  coalesce(sum(heading_length), 0) AS heading, coalesce(sum(title_length), 0) AS title FROM {source}"""


def _arrays(field: FieldTerms) -> tuple:
    """A heading or title as stored: length, terms, counts, positions (its weights are its counts)."""
    return field.length, field.terms, field.counts, field.positions


def _file_record(data: dict) -> FileRecord:
    record = FileRecord(**data)
    record.sidecar = tuple(record.sidecar) if record.sidecar else None
    return record


def _manifest(data: dict) -> Manifest:
    return Manifest.from_json(json.dumps(data))

