"""Past one machine, shown on this one: `sokbase serve` processes over PostgreSQL, on a streaming
replica and side by side on one database while an indexer rewrites part of the corpus.

Every server listens on 127.0.0.1; the load is bounded in requests and in time."""
import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

import sokbase

from conftest import CORPUS
from pgserver import PASSWORD, free_port, wait_until

QUERY = "levekår bydel"
NEW_WORD = "kvartalsrapport"


class Serving:
    """`sokbase serve` in a process of its own, on a free loopback port."""

    def __init__(self, url: str, tmp_path):
        self.port = free_port()
        self.log_path = tmp_path / f"serve-{self.port}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sokbase", "serve", "--index", url, "--port", str(self.port), "--corpus", str(CORPUS)],
            stdout=self.log, stderr=subprocess.STDOUT, text=True)
        if not wait_until(self._answers, seconds=60):
            self.stop()
            pytest.fail(f"sokbase serve did not start: {self.output()}")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            return True
        try:
            return self.get("/healthz")[0] == 200
        except OSError:
            return False

    def get(self, path: str) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def search(self, query: str) -> tuple[int, dict]:
        return self.get("/api/search?" + urllib.parse.urlencode({"q": query, "limit": 10}))

    def output(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def answer(data: dict) -> list[tuple[str, float]]:
    return [(hit["passage_id"], hit["score"]) for hit in data["hits"]]


def index_run(corpus, url) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sokbase", "index", str(corpus), "--index", url, "--jobs", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_on_a_streaming_replica_sees_what_the_primary_indexes(tmp_path, pg_url, pg_replica):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    assert sokbase.build_index(corpus, pg_url, jobs=1).exit_code == 0
    replica_url = pg_replica.url(pg_url.rsplit("/", 1)[1])
    assert wait_until(lambda: _generation(replica_url) == 1)
    server = Serving(replica_url, tmp_path)
    try:
        status, before = server.search(NEW_WORD)
        assert status == 200 and before["total"] == 0
        assert server.get("/healthz")[1]["generation"] == "gen-000001"
        (corpus / "ny.txt").write_text(f"Ny {NEW_WORD}\n\n{NEW_WORD.capitalize()} om levekår i Drammen.\n",
                                       encoding="utf-8")
        indexed = index_run(corpus, pg_url)
        assert indexed.wait(timeout=120) == 0, indexed.stderr.read()
        found = wait_until(lambda: server.search(NEW_WORD)[1]["total"] > 0, seconds=60)
        assert found, "the replica never showed the new run"
        assert server.get("/healthz")[1]["generation"] == "gen-000002"
        assert server.search(NEW_WORD)[1]["hits"][0]["source"] == "ny.txt"
    finally:
        server.stop()
    assert PASSWORD not in server.output() and "****" in server.output()


def test_two_servers_on_one_database_answer_alike_under_load_while_a_run_commits(tmp_path, pg_url):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    for number in range(40):  # a run long enough to search through
        (corpus / f"notat-{number:02}.txt").write_text(f"Notat {number}\n\nOm levekår og bolig i bydelen.\n",
                                                        encoding="utf-8")
    assert sokbase.build_index(corpus, pg_url, jobs=1).exit_code == 0
    servers = [Serving(pg_url, tmp_path), Serving(pg_url, tmp_path)]
    try:
        before = [server.search(QUERY) for server in servers]
        assert before[0] == before[1] and before[0][0] == 200 and before[0][1]["total"] > 0
        for number in range(0, 40, 2):  # half the notes now say more about levekår in the bydel
            (corpus / f"notat-{number:02}.txt").write_text(
                f"Notat {number}\n\nLevekår, levekår og levekår i bydelen: bydel for bydel.\n", encoding="utf-8")
        indexer = index_run(corpus, pg_url)
        seen, statuses = [], []
        deadline = time.monotonic() + 90

        def load(n: int):
            server = servers[n % 2]
            status, data = server.search(QUERY)
            return status, answer(data) if status == 200 else data

        with ThreadPoolExecutor(max_workers=8) as pool:
            while (indexer.poll() is None or len(seen) < 80) and time.monotonic() < deadline and len(seen) < 2000:
                for status, found in pool.map(load, range(16)):
                    statuses.append(status)
                    seen.append(found)
        assert indexer.wait(timeout=60) == 0, indexer.stderr.read()
        after = [server.search(QUERY) for server in servers]
        assert after[0] == after[1] and answer(after[0][1]) != answer(before[0][1])
        assert set(statuses) == {200}, [found for found in seen if isinstance(found, dict)][:3]
        allowed = {tuple(answer(before[0][1])), tuple(answer(after[0][1]))}
        assert {tuple(found) for found in seen} <= allowed  # the old state or the new, never a mix
        assert allowed == {tuple(found) for found in seen}, "the load did not span the run's commit"
    finally:
        for server in servers:
            server.stop()


def _generation(url: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT generation FROM sokbase.manifest").fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


def test_a_search_open_across_a_killed_run_and_a_held_lock_keeps_the_committed_state(tmp_path, pg_url):
    """Point 5 as a searcher sees it: a run killed before COMMIT changes nothing it can find, a run
    that commits is seen after refresh, and an indexer that finds the lock held exits 75 meanwhile."""
    from test_postgres import ANIMALS, run_process, write_corpus

    from sokbase.engines.postgres.store import LOCK_KEY
    from sokbase.locking import EXIT_BUSY

    corpus = write_corpus(tmp_path / "corpus", ANIMALS)
    assert run_process(corpus, pg_url).returncode == 0
    with sokbase.open_index(pg_url) as index:
        before = index.search("elg").hits
        assert [hit.source for hit in before] == ["b.txt"]
        write_corpus(corpus, {"b.txt": "oter"})
        assert run_process(corpus, pg_url, kill_at="commit").returncode == -9
        assert index.refresh() is False and index.search("oter").total == 0
        assert [hit.source for hit in index.search("elg").hits] == ["b.txt"]
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as holder:
            holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
            assert run_process(corpus, pg_url).returncode == EXIT_BUSY
            assert index.search("elg").total == 1
        assert run_process(corpus, pg_url).returncode == 0
        assert index.search("elg").total == 1, "an open index keeps its state until refresh"
        assert index.refresh() is True and index.generation == "gen-000002"
        assert [hit.source for hit in index.search("oter").hits] == ["b.txt"] and index.search("elg").total == 0
