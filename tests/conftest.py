import os
import shutil
import uuid
from pathlib import Path

import pytest

import sokbase

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PROGRAMME_2024 = "husbanken/erfaringskonferansen-omradesatsinger-2024-program.pdf"
POLICY_PAGE = "regjeringen/omradesatsinger.html"
CONFERENCE_2020 = "regjeringen/erfaringskonferanse-om-omradesatsinger-2020.html"
LAWS = ROOT / "tests" / "fixtures" / "lover"


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """The shipped corpus, indexed once for the whole session."""
    index_dir = tmp_path_factory.mktemp("index")
    report = sokbase.build_index(CORPUS, index_dir)
    assert report.exit_code == 0, report.failures
    return index_dir


@pytest.fixture
def index(corpus_index):
    with sokbase.open_index(corpus_index) as opened:
        yield opened


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the shipped corpus, for tests that add or break files."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def law_index(tmp_path_factory) -> Path:
    """Five real laws (tests/fixtures/lover), bokmål and nynorsk, indexed once for the whole session."""
    index_dir = tmp_path_factory.mktemp("lover")
    report = sokbase.build_index(LAWS, index_dir)
    assert report.exit_code == 0, report.failures
    return index_dir


# PostgreSQL: one throwaway server per session (tests/pgserver.py), a fresh database per test.
# Where the server binaries are missing the tests skip, except on CI (CI=true), where they must run.


@pytest.fixture(scope="session")
def pg_server():
    import pgserver

    try:
        server = pgserver.start_server({"fsync": "off", "max_connections": "50"})
    except pgserver.PostgresMissing as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is needed on CI: {missing}")
        pytest.skip(f"PostgreSQL is not installed: {missing}")
    yield server
    server.remove()


@pytest.fixture
def pg_url(pg_server) -> str:
    """A URL (TCP, with the password) of an empty database of its own."""
    import psycopg

    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield pg_server.url(name)
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_replica(pg_server):
    """A streaming read replica of the session's server (pg_basebackup -R)."""
    replica = pg_server.replica()
    yield replica
    replica.remove()
