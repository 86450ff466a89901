"""Build speed of the PostgreSQL engine beside Whoosh, and what the candidate step of a search costs.

    .venv/bin/python scripts/measure_postgres.py ../shared/data/lover [--copies 20]

Starts a throwaway PostgreSQL server (tests/pgserver.py, shared_buffers=1GB, fsync on), indexes the
folder into it and into a Whoosh folder (passages/s, both with --jobs 2), then copies the passages
COPIES times to compare, at that size, the two ways of finding candidate passages for a query's terms:
a GIN index over each passage's term array, and a postings table (term, impact, passage) with a btree.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import pgserver  # noqa: E402

import sokbase  # noqa: E402
from sokbase.analysis import analyze  # noqa: E402

QUERIES = ["barnehage", "kommunen skal", "forskrift om tilskudd", "plikt til å gi opplysninger", "klage vedtak",
           "personopplysninger behandling", "fylkeskommunen", "straff bot fengsel", "arbeidsgiver arbeidstaker",
           "helse omsorg tjenester kommune", "søknad frist", "departementet kan gi forskrift"]


def build(folder: Path, location: str, label: str) -> float:
    started = time.perf_counter()
    report = sokbase.build_index(folder, location, jobs=2)
    seconds = time.perf_counter() - started
    print(f"{label}: {report.passages} passages in {seconds:.1f} s = {report.passages / seconds:.0f} passages/s")
    return report.passages / seconds


def timed(conn, sql, params, rounds=5) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        rows = len(conn.execute(sql, params).fetchall())
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), rows


def candidates(url: str, copies: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        print(f"copying the passages {copies} times ...")
        conn.execute("CREATE TABLE big AS SELECT (c * 1000000 + id) AS id, length, terms, weights "
                     f"FROM sokbase.passages, generate_series(0, {copies - 1}) c")
        passages = conn.execute("SELECT count(*) FROM big").fetchone()[0]
        conn.execute("SELECT avg(length) FROM big")
        started = time.perf_counter()
        conn.execute("CREATE INDEX big_terms ON big USING gin (terms) WITH (fastupdate = off)")
        gin_build = time.perf_counter() - started
        started = time.perf_counter()
        # impact: BM25's term-frequency part (k1 1.2, b 0.75), so a term's best passages come first.
        conn.execute("CREATE TABLE postings AS SELECT u.term, (u.weight * 2.2 / (u.weight + 1.2 * (0.25 + 0.75 * "
                     "b.length / a.avg)))::real AS impact, b.id AS passage FROM big b, "
                     "(SELECT avg(length) AS avg FROM big) a, unnest(b.terms, b.weights) AS u(term, weight)")
        conn.execute("CREATE INDEX postings_term ON postings (term, impact DESC, passage)")
        postings_build = time.perf_counter() - started
        conn.execute("VACUUM ANALYZE big")
        conn.execute("VACUUM ANALYZE postings")
        sizes = conn.execute("SELECT pg_size_pretty(pg_relation_size('big_terms')), "
                             "pg_size_pretty(pg_total_relation_size('postings')), (SELECT count(*) FROM postings), "
                             "pg_size_pretty(pg_relation_size('big'))").fetchone()
        print(f"{passages} passages: GIN built in {gin_build:.0f} s ({sizes[0]}); postings table "
              f"{sizes[2]} rows built with its btree in {postings_build:.0f} s ({sizes[1]}); passages {sizes[3]}")
        print("query | GIN all words: ms, rows | GIN any word: ms, rows | postings top 1000 per word: ms")
        for text in QUERIES:
            terms = list(dict.fromkeys(analyze(text)))
            gin_all = timed(conn, "SELECT id FROM big WHERE terms @> %s", (terms,))
            gin_any = timed(conn, "SELECT id FROM big WHERE terms && %s", (terms,))
            top = timed(conn, "SELECT p.passage, p.impact FROM unnest(%s::text[]) t, LATERAL (SELECT passage, impact "
                              "FROM postings WHERE term = t ORDER BY impact DESC LIMIT 1000) p", (terms,))
            print(f"{text} | {gin_all[0]:.1f}, {gin_all[1]} | {gin_any[0]:.1f}, {gin_any[1]} | {top[0]:.1f}")
        ids = [row[0] for row in conn.execute("SELECT id FROM big ORDER BY random() LIMIT 200")]
        read = timed(conn, "SELECT id, length, terms, weights FROM big WHERE id = ANY(%s)", (ids,))
        print(f"reading 200 candidate passages' terms and weights: {read[0]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    server = pgserver.start_server({"shared_buffers": "'1GB'", "max_wal_size": "'4GB'"})
    try:
        url = server.new_database("measure")
        with tempfile.TemporaryDirectory() as whoosh:
            build(args.folder, whoosh, "Whoosh")
        build(args.folder, url, "PostgreSQL")
        if args.copies:
            candidates(url, args.copies)
    finally:
        server.remove()


if __name__ == "__main__":
    main()
