"""The PostgreSQL engine's storage side against a real server: what a run stores, incremental runs,
crashes, the writer lock, bad addresses, and a streaming replica."""
import json
import os
from array import array
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index
from whoosh.util.numeric import byte_to_length, length_to_byte

import sokbase
from sokbase import storage
from sokbase.analysis import analyze
from sokbase.cli import cli
from sokbase.engines.location import location_of, redacted
from sokbase.engines.postgres.schema import FORMAT
from sokbase.engines.postgres.store import LOCK_KEY
from sokbase.indexer import KILL_AT_VARIABLE
from sokbase.locking import EXIT_BUSY
from sokbase.models import doc_id_for

from conftest import CORPUS, LAWS, write_access_corpus
from pgserver import PASSWORD, free_port, wait_until
from test_reindex import ANIMALS, write_corpus

STORED = ("passage_id", "doc_id", "position", "text", "heading", "title", "kommune", "year", "doc_type", "page",
          "source", "url", "date", "conference", "municipalities", "ocr", "short_title", "section", "access")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def run_process(corpus, url, *args, kill_at=None, **popen) -> subprocess.CompletedProcess | subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != KILL_AT_VARIABLE}
    if kill_at:
        env[KILL_AT_VARIABLE] = kill_at
    command = [sys.executable, "-m", "sokbase", "index", str(corpus), "--index", url, "--jobs", "1", *args]
    if popen:
        return subprocess.Popen(command, env=env, text=True, **popen)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def query(url, sql, *params):
    with psycopg.connect(url) as conn:
        cursor = conn.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else None


def sources(url, word) -> set[str]:
    """Files whose passages hold `word` (as the analyzer indexes it), in the committed state."""
    [term] = analyze(word)[:1]
    rows = query(url, "SELECT DISTINCT d.source FROM sokbase.passages p JOIN sokbase.documents d ON d.doc = p.doc "
                      "WHERE p.terms @> ARRAY[%s]", term)
    return {source for (source,) in rows}


def stored_passages(url) -> dict[str, dict]:
    rows = query(url, "SELECT p.passage_id, d.doc_id, p.position, p.text, p.heading, d.title, "
                      "array_to_string(p.kommune, ','), d.year, d.doc_type, p.page, d.source, d.url, d.date, "
                      "d.conference, p.municipalities, p.ocr, d.short_title, p.section, array_to_string(p.access, ',') "
                      "FROM sokbase.passages p "
                      "JOIN sokbase.documents d ON d.doc = p.doc")
    return {row[0]: dict(zip(STORED, row)) for row in rows}


def statistics(url) -> tuple:
    """The stored statistics, and the same worked out again from the passages: they must agree."""
    kept = (query(url, "SELECT passages, documents, length, heading_length, title_length FROM sokbase.totals")[0],
            {(field, term): n for field, term, n in query(url, "SELECT field, term, passages FROM sokbase.terms")})
    counted = (
        query(url, "SELECT count(*), count(DISTINCT p.doc), coalesce(sum(length), 0), coalesce(sum(heading_length), 0), "
                   "coalesce(sum(title_length), 0) FROM sokbase.passages p JOIN sokbase.documents d ON d.doc = p.doc")[0],
        {(field, term): n for field, term, n in query(
            url, "SELECT 'content', term, count(*) FROM sokbase.passages, unnest(terms) term GROUP BY term UNION ALL "
                 "SELECT 'heading', term, count(*) FROM sokbase.passages, unnest(heading_terms) term GROUP BY term "
                 "UNION ALL SELECT 'title', term, count(*) FROM sokbase.passages p JOIN sokbase.documents d "
                 "ON d.doc = p.doc, unnest(d.title_terms) term GROUP BY term")})
    return kept, counted


def whoosh_postings(reader, field: str) -> dict[str, dict[str, tuple]]:
    """passage_id → term → (weight, positions) of one field of a Whoosh index."""
    postings: dict[str, dict[str, tuple]] = {}
    for term in reader.field_terms(field):
        matcher = reader.postings(field, term)
        while matcher.is_active():
            passage_id = reader.stored_fields(matcher.id())["passage_id"]
            postings.setdefault(passage_id, {})[term] = (matcher.weight(), matcher.value_as("positions"))
            matcher.next()
    return postings


def stored_postings(rows) -> dict[str, tuple[int, dict[str, tuple]]]:
    """passage_id → (length, term → (weight, positions)) from rows of (passage_id, length, terms,
    weights, counts, positions) as stored."""
    found = {}
    for passage_id, length, terms, weights, counts, positions in rows:
        flat, terms_found = iter(positions), {}
        # real is float4, as Whoosh keeps a weight; psycopg reads it as the shortest decimal (0.2)
        for term, weight, count in zip(terms, array("f", weights), counts):
            terms_found[term] = (weight, [next(flat) for _ in range(count)])
        found[passage_id] = (length, terms_found)
    return found


def test_the_corpus_is_stored_as_the_whoosh_engine_stores_and_counts_it(pg_url, whoosh_corpus_index):
    report = sokbase.build_index(CORPUS, pg_url)
    assert report.exit_code == 0 and report.mode == "full" and report.generation == "gen-000001"
    assert PASSWORD not in json.dumps(report.to_dict())

    whoosh = whoosh_index.open_dir(str(storage.current_generation(whoosh_corpus_index)))
    with whoosh.searcher() as searcher:
        reader = searcher.reader()
        expected = {fields["passage_id"]: (docnum, fields) for docnum, fields in enumerate(reader.all_stored_fields())}
        stored = stored_passages(pg_url)
        assert set(stored) == set(expected) and report.passages == len(expected) == 37
        for passage_id, (docnum, fields) in expected.items():
            as_json = {name: json.loads(fields[name]) if fields.get(name) else None
                       for name in ("conference", "municipalities")}  # jsonb orders the keys its own way
            assert stored[passage_id] == {name: fields.get(name) for name in STORED} | as_json, passage_id

        fields = {
            "content": "SELECT passage_id, length, terms, weights, counts, positions FROM sokbase.passages",
            "heading": "SELECT passage_id, heading_length, heading_terms, heading_counts, heading_counts, "
                       "heading_positions FROM sokbase.passages",
            "title": "SELECT p.passage_id, title_length, title_terms, title_counts, title_counts, title_positions "
                     "FROM sokbase.passages p JOIN sokbase.documents d ON d.doc = p.doc",
        }
        (passages, documents, *lengths), frequencies = statistics(pg_url)[0]
        assert (passages, documents) == (37, 5)
        for (field, sql), total in zip(fields.items(), lengths):
            postings = whoosh_postings(reader, field)
            for passage_id, (length, found) in stored_postings(query(pg_url, sql)).items():
                assert found == postings.get(passage_id, {}), (field, passage_id)
                # Whoosh keeps a passage's length in one byte; the total it keeps exactly.
                docnum = expected[passage_id][0]
                assert byte_to_length(length_to_byte(length)) == reader.doc_field_length(docnum, field), field
            assert total == reader.field_length(field), field
            assert {term: n for (f, term), n in frequencies.items() if f == field} == \
                {term: reader.doc_frequency(field, term) for term in reader.field_terms(field)}, field


def test_law_paragraphs_and_chapters_are_stored_as_whoosh_indexes_them(pg_url, whoosh_law_index):
    assert sokbase.build_index(LAWS, pg_url).exit_code == 0
    with whoosh_index.open_dir(str(storage.current_generation(whoosh_law_index))).searcher() as searcher:
        reader = searcher.reader()
        for field in ("paragraph", "chapter"):
            expected = {(term, reader.stored_fields(docnum)["passage_id"])
                        for term in reader.field_terms(field) for docnum in reader.postings(field, term).all_ids()}
            stored = set(query(pg_url, f"SELECT {field}, passage_id FROM sokbase.passages WHERE {field} <> ''"))
            assert stored == expected and len(expected) > 10, field


def test_incremental_runs_match_a_full_build_and_keep_the_statistics(tmp_path, pg_server, pg_url):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    assert sokbase.build_index(corpus, pg_url).exit_code == 0

    write_corpus(corpus, {"e.txt": "oter", "b.txt": "rådyr"})
    (corpus / "sub").mkdir()
    (corpus / "c.txt").rename(corpus / "sub" / "c2.txt")
    (corpus / "d.txt").unlink()
    (corpus / "skadet.pdf").write_bytes(b"%PDF-1.4\nikke en ekte pdf")
    parsed = []
    report = sokbase.build_index(corpus, pg_url, progress=lambda path, failure: parsed.append(path.name))

    # Each file counted once: the broken new file as failed, not also as added.
    assert (report.added, report.updated, report.renamed, report.removed, report.unchanged) == (1, 1, 1, 1, 1)
    assert sorted(parsed) == ["b.txt", "e.txt", "skadet.pdf"]  # the moved file is not read again
    assert report.exit_code == 3 and report.generation == "gen-000002" and report.mode == "incremental"
    assert sources(pg_url, "oter") == {"e.txt"} and sources(pg_url, "rådyr") == {"b.txt"}
    assert sources(pg_url, "elg") == set() and sources(pg_url, "jerv") == set()
    moved = query(pg_url, "SELECT d.doc_id, p.passage_id FROM sokbase.passages p JOIN sokbase.documents d "
                          "ON d.doc = p.doc WHERE d.source = 'sub/c2.txt'")
    assert moved == [(doc_id_for("sub/c2.txt"), f"{doc_id_for('sub/c2.txt')}-0")]

    rebuilt = pg_server.new_database("rebuilt")
    sokbase.build_index(corpus, rebuilt, full=True)
    assert stored_passages(pg_url) == stored_passages(rebuilt)
    kept, counted = statistics(pg_url)
    assert kept == counted == statistics(rebuilt)[0]

    # A file moved onto the path of a removed one takes its place, and nothing of the old one stays.
    (corpus / "b.txt").unlink()
    (corpus / "a.txt").rename(corpus / "b.txt")
    # Files changed less than two seconds before a run are hashed again on the next one; on a busy
    # machine that boundary could fall between the two runs below and make the last one "incremental".
    settled = time.time_ns() - 10 * 10**9
    for path in (p for p in corpus.rglob("*") if p.is_file()):
        os.utime(path, ns=(settled, settled))
    moved_onto = sokbase.build_index(corpus, pg_url)
    assert (moved_onto.renamed, moved_onto.removed) == (1, 1)
    assert sources(pg_url, "ekorn") == {"b.txt"} and sources(pg_url, "rådyr") == set()
    kept, counted = statistics(pg_url)
    assert kept == counted

    unchanged = sokbase.build_index(corpus, pg_url)
    assert unchanged.mode == "unchanged" and unchanged.generation == moved_onto.generation


def test_access_rules_are_stored_as_whoosh_stores_them_and_a_changed_rule_needs_no_parsing(tmp_path, pg_server, pg_url):
    corpus = write_access_corpus(tmp_path / "corpus")
    assert sokbase.build_index(corpus, pg_url).exit_code == 0
    whoosh_dir = tmp_path / "whoosh"
    assert sokbase.build_index(corpus, whoosh_dir).exit_code == 0

    def by_source(url):
        rows = query(url, "SELECT d.source, array_to_string(p.access, ',') FROM sokbase.passages p "
                          "JOIN sokbase.documents d ON d.doc = p.doc")
        return dict(rows)

    def whoosh_by_source():
        with sokbase.open_index(whoosh_dir) as index:
            return {fields["source"]: fields["access"] for fields in index.engine.documents()}

    assert by_source(pg_url) == whoosh_by_source() == {"felles/rutiner.txt": "*", "ledelse/omstillingsplan.txt": "ledelse",
                                                       "barnevern/saker/fosterhjem.txt": "barnevern"}
    (corpus / "ledelse" / "_access.toml").write_text('access = ["ledelse", "styret"]\n', encoding="utf-8")
    (corpus / "felles" / "rutiner.txt").rename(corpus / "barnevern" / "rutiner.txt")
    parsed = []
    for target in (pg_url, whoosh_dir):
        report = sokbase.build_index(corpus, target, progress=lambda path, failure: parsed.append(path.name))
        assert (report.access_changed, report.renamed, report.updated) == (1, 1, 0)
    assert parsed == []
    assert by_source(pg_url) == whoosh_by_source() == {"barnevern/rutiner.txt": "barnevern",
                                                       "ledelse/omstillingsplan.txt": "ledelse,styret",
                                                       "barnevern/saker/fosterhjem.txt": "barnevern"}
    rebuilt = pg_server.new_database("rebuilt_access")
    sokbase.build_index(corpus, rebuilt, full=True)
    assert stored_passages(pg_url) == stored_passages(rebuilt)


def test_a_run_killed_at_any_point_leaves_the_last_committed_index(tmp_path, pg_url):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    assert run_process(corpus, pg_url).returncode == 0
    live = "elg"
    for point, animal in [("parsing", "rådyr"), ("commit", "oter")]:
        write_corpus(corpus, {"b.txt": animal})
        killed = run_process(corpus, pg_url, kill_at=point)
        assert killed.returncode == -9, (point, killed.stderr)
        assert sources(pg_url, live) == {"b.txt"} and sources(pg_url, animal) == set(), point

        recovered = run_process(corpus, pg_url)
        assert recovered.returncode == 0, (point, recovered.stderr)
        assert "Tok over etter en indeksering som ble avbrutt" in recovered.stderr
        assert sources(pg_url, animal) == {"b.txt"} and sources(pg_url, live) == set(), point
        live = animal
    kept, counted = statistics(pg_url)
    assert kept == counted

    # Killed right after COMMIT, the run is in: the next one has nothing to do.
    write_corpus(corpus, {"b.txt": "bever"})
    assert run_process(corpus, pg_url, kill_at="committed").returncode == -9
    assert sources(pg_url, "bever") == {"b.txt"}
    assert "Ingen endringer" in run_process(corpus, pg_url).stdout


def test_a_dropped_connection_fails_the_run_with_a_message_and_keeps_the_index(tmp_path, pg_url):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    assert sokbase.build_index(corpus, pg_url).exit_code == 0
    write_corpus(corpus, {f"ny-{n:02d}.txt": f"oter {n}" for n in range(30)})
    indexer = run_process(corpus, pg_url, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def writing_backend():
        rows = query(pg_url, "SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'sokbase index%%' "
                             "AND xact_start IS NOT NULL AND datname = current_database()")
        return rows[0][0] if rows else None

    pid = wait_until(writing_backend, seconds=60, every=0.02)
    assert pid, "the indexer never opened its transaction"
    query(pg_url, "SELECT pg_terminate_backend(%s)", pid)
    out, err = indexer.communicate(timeout=120)
    assert indexer.returncode == 1, (out, err)
    [line] = err.strip().splitlines()[-1:]
    assert line.startswith("Feil: Forbindelsen til PostgreSQL") and "den forrige indeksen brukes fortsatt" in line
    assert "Traceback" not in err and PASSWORD not in err + out
    assert sources(pg_url, "oter") == set() and sources(pg_url, "elg") == {"b.txt"}


def test_a_second_indexer_exits_75_or_waits_for_the_advisory_lock(tmp_path, pg_url):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    with psycopg.connect(pg_url, autocommit=True, application_name="annen jobb") as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        busy = run("index", corpus, "--index", pg_url)
        started = time.monotonic()
        waited = run("index", corpus, "--index", pg_url, "--wait", "0.5")
        assert time.monotonic() - started >= 0.5
    assert busy.exit_code == EXIT_BUSY == 75 and waited.exit_code == EXIT_BUSY
    assert "En annen indeksering" in busy.output and "annen jobb" in busy.output
    assert PASSWORD not in busy.output and "****" in busy.output
    assert query(pg_url, "SELECT to_regclass('sokbase.version')") == [(None,)]

    holder = psycopg.connect(pg_url, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
    threading.Timer(0.5, holder.close).start()  # a closed connection releases the lock
    patient = run("index", corpus, "--wait", "--index", pg_url)
    assert patient.exit_code == 0, patient.output
    assert sources(pg_url, "elg") == {"b.txt"}


def test_a_database_of_another_version_or_application_is_refused(tmp_path, pg_url):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    sokbase.build_index(corpus, pg_url)
    query(pg_url, "UPDATE sokbase.version SET format = 'pg-0/schema-0/analyzer-0'")
    for command in (["index", corpus], ["stats"]):
        result = run(*command, "--index", pg_url)
        assert result.exit_code == 1, result.output
        assert "annen versjon" in result.output and "--full" in result.output
        assert len(result.output.strip().splitlines()) == 1 and PASSWORD not in result.output
    rebuilt = run("index", corpus, "--index", pg_url, "--full")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "avbrutt" not in rebuilt.output  # the refused runs ended; none was cut off
    assert query(pg_url, "SELECT format FROM sokbase.version") == [(FORMAT,)]
    assert sources(pg_url, "ekorn") == {"a.txt"}

    query(pg_url, "DROP SCHEMA sokbase CASCADE; CREATE TABLE kunder (navn text)")
    other = run("index", corpus, "--index", pg_url)
    assert other.exit_code == 1 and "tabeller fra noe annet enn sokbase" in other.output
    query(pg_url, "CREATE SCHEMA sokbase")
    assert "ikke er en sokbase-indeks" in run("index", corpus, "--index", pg_url, "--full").output
    assert query(pg_url, "SELECT count(*) FROM kunder") == [(0,)]


def test_bad_addresses_and_credentials_give_one_norwegian_line(tmp_path, pg_server, pg_url):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    cases = {
        pg_server.url("test", password="feil-passord-17"): "feil brukernavn eller passord",
        pg_server.url("finnes_ikke"): "Databasen «finnes_ikke» finnes ikke",
        f"postgresql://sokbase_admin:{PASSWORD}@127.0.0.1:{free_port()}/sok": "tilkoblingen ble avvist",
        f"postgresql://sokbase_admin:{PASSWORD}@127.0.0.1:port/sok": "Ugyldig PostgreSQL-adresse",
        f"postgres:///sok?host=/finnes/ikke&password={PASSWORD}": "tilkoblingen ble avvist",
    }
    for url, expected in cases.items():
        for command in (["index", corpus], ["stats"]):
            result = run(*command, "--index", url)
            assert result.exit_code == 1, (url, result.output)
            [line] = result.output.strip().splitlines()
            assert line.startswith("Feil: ") and expected in line, (url, line)
            assert PASSWORD not in line and "feil-passord-17" not in line
    report_file = tmp_path / "rapport.json"
    run("index", corpus, "--index", pg_server.url("finnes_ikke"), "--report", report_file)
    assert PASSWORD not in report_file.read_text() and json.loads(report_file.read_text())["exit_code"] == 1


def test_passwords_are_hidden_wherever_a_location_is_shown():
    assert redacted("postgresql://ola:hemmelig@db.example.no:5432/sok") == "postgresql://ola:****@db.example.no:5432/sok"
    assert redacted("postgres://ola@db/sok?sslmode=require&password=x%40y") == \
        "postgres://ola@db/sok?sslmode=require&password=****"
    assert redacted("postgresql:///sok?password=x&host=/run/postgresql") == \
        "postgresql:///sok?password=****&host=/run/postgresql"
    assert redacted("postgresql://ola:he@m@db/sok") == "postgresql://ola:****@db/sok"
    assert "hemmelig" not in redacted("postgresql://ola:hemmelig@[::1:5432/sok")
    assert "hemmelig" not in redacted("postgresql://ola:hemmelig@db:port/sok")
    assert redacted("/srv/indeks") == "/srv/indeks"
    assert str(location_of("postgresql://ola:hemmelig@db/sok")) == "postgresql://ola:****@db/sok"
    assert location_of("postgres://db/sok").is_postgres and not location_of("index").is_postgres


def test_stats_and_the_report_work_over_a_unix_socket_url(tmp_path, pg_server, pg_url, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    database = pg_url.rsplit("/", 1)[1]
    socket_url = pg_server.socket_url(database)
    indexed = run("index", corpus, "--index", socket_url, "--json")
    assert indexed.exit_code == 0, indexed.output
    report = json.loads(indexed.stdout)
    assert report["index_dir"] == socket_url and report["documents"] == 4 and report["generation"] == "gen-000001"

    text = run("stats", "--index", pg_url)
    assert text.exit_code == 0, text.output
    assert "Dokumenter:  4 (4 tekstfiler)" in text.output and "gen-000001" in text.output
    assert PASSWORD not in text.output
    data = json.loads(run("stats", "--index", pg_url, "--json").output)
    assert (data["documents"], data["passages"], data["generation"]) == (4, 4, "gen-000001")

    monkeypatch.setenv("SOKBASE_INDEX", pg_url)
    assert "4 dokumenter" in run("index", corpus).output  # the environment names the database


def test_a_streaming_replica_receives_a_committed_run(tmp_path, pg_url, pg_replica):
    database = pg_url.rsplit("/", 1)[1]
    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    sokbase.build_index(corpus, pg_url)
    replica_url = pg_replica.url(database)
    assert query(replica_url, "SELECT pg_is_in_recovery()") == [(True,)]
    assert wait_until(lambda: sources(replica_url, "elg") == {"b.txt"})
    write_corpus(corpus, {"b.txt": "rådyr"})
    report = sokbase.build_index(corpus, pg_url)
    assert wait_until(lambda: query(replica_url, "SELECT generation FROM sokbase.manifest") == [(2,)])
    assert report.generation == "gen-000002"
    assert sources(replica_url, "rådyr") == {"b.txt"} and sources(replica_url, "elg") == set()
    assert statistics(replica_url)[0] == statistics(pg_url)[0]
    stats = run("stats", "--index", replica_url, "--json")
    assert json.loads(stats.output)["generation"] == "gen-000002"
    # A replica is read-only: an indexer pointed at it says so and changes nothing.
    refused = run("index", corpus, "--index", replica_url)
    assert refused.exit_code == 1 and "skrivebeskyttet kopi" in refused.output


def test_arrays_written_by_copy_read_back_as_given(pg_url):
    """The indexer's own binary array encoding (binary_arrays.py): empty arrays, æøå and multi-byte
    terms, negative and large numbers, and weights rounded to float4 as PostgreSQL rounds them."""
    from sokbase.engines.postgres.binary_arrays import use_for_copy

    rows = [(["bustøtte", "æøå", "§", "emoji🙂", ""], [1, -2, 2**31 - 1], [0.1, 1.5, 3.0e-7]), ([], [], [])]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE arrays (terms text[], counts int4[], weights float4[])")
        with conn.cursor() as cursor:
            use_for_copy(cursor)
            with cursor.copy("COPY arrays FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["text[]", "int4[]", "float4[]"])
                for row in rows:
                    copy.write_row(row)
        stored = conn.execute("SELECT terms, counts, weights, weights::text FROM arrays").fetchall()
    assert [row[:2] for row in stored] == [row[:2] for row in rows]
    assert stored[0][3] == "{0.1,1.5,3e-07}"
    assert stored[1][2] == []


def test_without_psycopg_a_postgresql_url_says_how_to_install_it(monkeypatch):
    """PostgreSQL support is an extra: an installation without psycopg gets one line, not a traceback."""
    for name in [name for name in sys.modules if name.startswith("sokbase.engines.postgres")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)
    url = "postgresql://sokbase@localhost/sokbase"
    for args in (["search", "bostøtte", "--index", url], ["index", str(CORPUS), "--index", url]):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "pip install 'sokbase[postgresql]'" in result.output and "Traceback" not in result.output


def test_an_indexer_with_another_client_encoding_stores_words_that_searches_find(tmp_path, pg_url, monkeypatch):
    """A cron job may run with PGCLIENTENCODING=LATIN1: the indexer still stores bostøtte as bostøtte."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.md").write_text("# Bostøtte\n\nSøknad om bostøtte og startlån i kommunen.\n", encoding="utf-8")
    monkeypatch.setenv("PGCLIENTENCODING", "LATIN1")
    assert sokbase.build_index(corpus, pg_url).exit_code == 0
    monkeypatch.delenv("PGCLIENTENCODING")
    with sokbase.open_index(pg_url) as index:
        assert [hit.source for hit in index.search("bostøtte").hits] == ["notat.md"]
        assert index.search("startlån").hits
