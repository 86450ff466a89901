"""The tables of a sokbase index in PostgreSQL (schema `sokbase`), created on first use.

sokbase.version    one row: the layout and analyzer this database was built with
sokbase.manifest   one row: the run counter ("generation") and the manifest `sokbase stats` shows
sokbase.files      the catalog: one row per source file, as storage.FileRecord
sokbase.documents  one row per indexed file: the fields every passage of it shares
sokbase.passages   one row per passage: stored fields, and the content field's analysed terms as
                   parallel arrays: terms (distinct, sorted by code point), weights (summed boosts:
                   title 0.2, heading 0.3, body 1.0 per occurrence, what BM25 takes as term
                   frequency), counts (occurrences)
                   and positions (all of them, term after term); access the groups that may read it
                   ("*": everyone signed in, see access.py); length is the field length Whoosh
                   counts (every unstopped token, compound parts and folded forms included); the
                   heading field the same way (heading_*; every boost 1, so weights are the counts)
sokbase.documents  ... and the title field (title_*), which Whoosh posts with every passage
sokbase.terms      per field and term, the passages that hold it (BM25's document frequency) and
                   its summed weight over them (what did-you-mean ranks corrections by, as Whoosh)
sokbase.totals     one row: live passages, documents and the sums of their field lengths

The statistics are kept by the indexer in the transaction that changes the passages. The search
side (engine.py) rounds lengths as Whoosh does with a small SQL function defined here.
"""
from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb

from ...errors import IndexOutdatedError, SokbaseError
from ...schema import FORMAT as WHOOSH_FORMAT

SCHEMA = "sokbase"
LAYOUT_VERSION = 4  # 2: analysis options, term weights, conference lengths, strong tiers, search functions; 3: medium
# tiers; 4: each field's terms sorted (compile.found_at)
# The terms stored depend on the analyzer, as a Whoosh index's postings do.
FORMAT = f"pg-{LAYOUT_VERSION}/{WHOOSH_FORMAT}"


class NotSokbaseError(SokbaseError):
    """The database holds something else."""


def _length_bounds() -> str:
    from whoosh.util.numeric import byte_to_length

    return "{" + ",".join(str(byte_to_length(n)) for n in range(256)) + "}"


# The field length as Whoosh keeps it, rounded to one byte (whoosh.util.numeric: bisect_left over
# these 256 lengths, 255 from 106374); inlined by the planner (LANGUAGE sql, IMMUTABLE).
FUNCTIONS = f"""
CREATE FUNCTION {SCHEMA}.quantized(length integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    'SELECT CASE WHEN length >= 106374 THEN 106374::double precision
            ELSE (''{_length_bounds()}''::integer[])[width_bucket(length - 1, ''{_length_bounds()}''::integer[]) + 1]
            END::double precision';
"""

# `terms` is searched with GIN (see docs/postgresql.md for the measurements behind that choice);
# fastupdate off: a run's new passages are merged into the index at commit, not left in a pending
# list that every search would scan until VACUUM.
TABLES = f"""
CREATE SCHEMA {SCHEMA};
CREATE TABLE {SCHEMA}.version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    layout integer NOT NULL,
    format text NOT NULL,
    analysis jsonb NOT NULL,  -- the AnalysisOptions the terms were made with: searches analyse alike
    created timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {SCHEMA}.manifest (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    generation integer NOT NULL,
    manifest jsonb NOT NULL,
    committed timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {SCHEMA}.files (
    source text PRIMARY KEY,
    record jsonb NOT NULL
);
CREATE TABLE {SCHEMA}.documents (
    doc integer PRIMARY KEY,
    doc_id text NOT NULL UNIQUE,
    source text NOT NULL,
    title text NOT NULL,
    short_title text,
    url text,
    doc_type text NOT NULL,
    date text,
    year integer,
    conference jsonb,
    konferanse text[] NOT NULL,
    konferanse_length integer NOT NULL,
    title_length integer NOT NULL,
    title_terms text[] NOT NULL,
    title_counts integer[] NOT NULL,
    title_positions integer[] NOT NULL
);
CREATE TABLE {SCHEMA}.passages (
    id integer PRIMARY KEY,
    doc integer NOT NULL REFERENCES {SCHEMA}.documents ON DELETE CASCADE,
    passage_id text NOT NULL UNIQUE,
    position integer NOT NULL,
    heading text NOT NULL,
    section text,
    text text NOT NULL,
    page integer,
    ocr boolean NOT NULL,
    paragraph text NOT NULL,
    chapter text NOT NULL,
    kommune text[] NOT NULL,
    municipalities jsonb NOT NULL,
    length integer NOT NULL,
    terms text[] NOT NULL,
    weights real[] NOT NULL,
    counts integer[] NOT NULL,
    positions integer[] NOT NULL,
    heading_length integer NOT NULL,
    heading_terms text[] NOT NULL,
    heading_counts integer[] NOT NULL,
    heading_positions integer[] NOT NULL,
    access text[] NOT NULL,
    strong text[] NOT NULL,  -- the terms it holds strongly (tiers.py): what a search for a very common word reads
    medium text[] NOT NULL  -- the terms it holds almost strongly: a search for a less common word reads these too
);
CREATE TABLE {SCHEMA}.terms (
    field text NOT NULL,
    term text NOT NULL,
    passages integer NOT NULL,
    weight double precision NOT NULL,
    PRIMARY KEY (field, term)
);
CREATE TABLE {SCHEMA}.totals (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    passages bigint NOT NULL,
    documents bigint NOT NULL,
    length bigint NOT NULL,
    heading_length bigint NOT NULL,
    title_length bigint NOT NULL,
    tier_average double precision NOT NULL  -- the smallest average length the tiers were drawn with
);
CREATE TABLE {SCHEMA}.writer (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    holder text NOT NULL,
    started timestamptz NOT NULL DEFAULT now()
);
INSERT INTO {SCHEMA}.totals VALUES (true, 0, 0, 0, 0, 0, 0);
-- What a search reads of every candidate stays in the row (compressed if need be): the text and
-- the positions go out to TOAST first, so reading a term's weight never fetches and unpacks them.
ALTER TABLE {SCHEMA}.passages ALTER COLUMN terms SET STORAGE MAIN, ALTER COLUMN weights SET STORAGE MAIN,
    ALTER COLUMN strong SET STORAGE MAIN, ALTER COLUMN medium SET STORAGE MAIN, ALTER COLUMN kommune SET STORAGE MAIN;
{FUNCTIONS}
"""

# Built after a first load rather than row by row during it.
INDEXES = {
    "passages_doc": f"CREATE INDEX passages_doc ON {SCHEMA}.passages (doc, position)",
    "passages_paragraph": f"CREATE INDEX passages_paragraph ON {SCHEMA}.passages (paragraph) WHERE paragraph <> ''",
    "passages_chapter": f"CREATE INDEX passages_chapter ON {SCHEMA}.passages (chapter) WHERE chapter <> ''",
    "passages_terms": f"CREATE INDEX passages_terms ON {SCHEMA}.passages USING gin (terms) WITH (fastupdate = off)",
    "passages_kommune": f"CREATE INDEX passages_kommune ON {SCHEMA}.passages USING gin (kommune)",
    "passages_heading_terms": f"CREATE INDEX passages_heading_terms ON {SCHEMA}.passages USING gin (heading_terms)",
    # Who may read a passage on the web page (access.py): a reader's searches hold `access && ARRAY[…]`.
    "passages_access": f"CREATE INDEX passages_access ON {SCHEMA}.passages USING gin (access)",
    "passages_strong": f"CREATE INDEX passages_strong ON {SCHEMA}.passages USING gin (strong) WITH (fastupdate = off)",
    "passages_medium": f"CREATE INDEX passages_medium ON {SCHEMA}.passages USING gin (medium) WITH (fastupdate = off)",
    "documents_year": f"CREATE INDEX documents_year ON {SCHEMA}.documents (year)",
    "documents_doc_type": f"CREATE INDEX documents_doc_type ON {SCHEMA}.documents (doc_type)",
    "documents_konferanse": f"CREATE INDEX documents_konferanse ON {SCHEMA}.documents USING gin (konferanse)",
    # Prefix searches (område*) over the vocabulary, whatever the database's collation.
    "terms_prefix": f"CREATE INDEX terms_prefix ON {SCHEMA}.terms (field, term text_pattern_ops)",
    "documents_title_terms": f"CREATE INDEX documents_title_terms ON {SCHEMA}.documents USING gin (title_terms)",
}


def state(conn: psycopg.Connection, where: str) -> str | None:
    """The FORMAT of the sokbase index in this database, None when it has none yet. Raises
    NotSokbaseError when it holds something else."""
    found = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL, EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)",
        (f"{SCHEMA}.version", SCHEMA),
    ).fetchone()
    has_version, has_schema = found
    if has_version:
        row = conn.execute(f"SELECT format FROM {SCHEMA}.version").fetchone()
        if row is None:
            raise NotSokbaseError(f"Databasen i {where} har en tom sokbase.version-tabell og er ikke en sokbase-indeks.")
        return row[0]
    if has_schema:
        raise NotSokbaseError(f"Databasen i {where} har et skjema «{SCHEMA}» som ikke er en sokbase-indeks. "
                              "Bruk en egen database til sokbase.")
    return None


def require_empty(conn: psycopg.Connection, where: str) -> None:
    """A database with another application's tables is not ours to create tables in."""
    other = conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_%'"
    ).fetchone()[0]
    if other:
        raise NotSokbaseError(f"Databasen i {where} har {other} tabeller fra noe annet enn sokbase. "
                              "Bruk en egen, tom database til sokbase (for eksempel `createdb sokbase`).")


def outdated(where: str, found: str) -> IndexOutdatedError:
    return IndexOutdatedError(
        f"Databasen i {where} har en sokbase-indeks fra en annen versjon ({found}, denne bruker {FORMAT}). "
        "Bygg den på nytt med `sokbase index KATALOG --full`."
    )


def create(conn: psycopg.Connection, analysis: dict) -> None:
    """The tables, inside the caller's transaction (so a failed first run leaves no schema behind);
    their indexes come with create_indexes, after the first load."""
    conn.execute(TABLES)
    conn.execute(f"INSERT INTO {SCHEMA}.version (layout, format, analysis) VALUES (%s, %s, %s)",
                 (LAYOUT_VERSION, FORMAT, Jsonb(analysis)))


def drop(conn: psycopg.Connection) -> None:
    conn.execute(f"DROP SCHEMA {SCHEMA} CASCADE")


def create_indexes(conn: psycopg.Connection) -> None:
    for statement in INDEXES.values():
        conn.execute(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
