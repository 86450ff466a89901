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
HUSLEIELOVEN = "lov-1999-03-26-17.md"
FORVALTNINGSLOVEN = "lov-1967-02-10.md"
SOSIALTJENESTELOVEN = "lov-2009-12-18-131.md"


# The search tests run against every engine, as Django's backend suites do: a fixture that gives an
# index location is parametrised over ENGINES, and each engine builds the same corpus its own way.
ENGINES = ["whoosh", "postgresql"]


@pytest.fixture(scope="session")
def whoosh_corpus_index(tmp_path_factory) -> Path:
    """The shipped corpus, indexed once for the whole session into a Whoosh folder."""
    index_dir = tmp_path_factory.mktemp("index")
    report = sokbase.build_index(CORPUS, index_dir, jobs=1)  # one order of passages: ties rank alike on every engine
    assert report.exit_code == 0, report.failures
    return index_dir


@pytest.fixture(scope="session")
def pg_corpus_index(pg_server) -> str:
    """The shipped corpus, indexed once for the whole session into a PostgreSQL database."""
    url = pg_server.new_database("corpus")
    report = sokbase.build_index(CORPUS, url, jobs=1)
    assert report.exit_code == 0, report.failures
    return url


@pytest.fixture(scope="session", params=ENGINES)
def corpus_index(request) -> Path | str:
    """The shipped corpus indexed by each engine in turn: a folder, or a postgresql:// URL."""
    return request.getfixturevalue("whoosh_corpus_index" if request.param == "whoosh" else "pg_corpus_index")


@pytest.fixture
def index(corpus_index):
    with sokbase.open_index(corpus_index) as opened:
        yield opened


@pytest.fixture(params=ENGINES)
def new_index(request, tmp_path) -> Path | str:
    """Where a test may build an index of its own: a folder, or an empty database."""
    if request.param == "whoosh":
        return tmp_path / "index"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the shipped corpus, for tests that add or break files."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def whoosh_law_index(tmp_path_factory) -> Path:
    """Seven real laws (tests/fixtures/lover), bokmål and nynorsk, indexed once for the whole session."""
    index_dir = tmp_path_factory.mktemp("lover")
    report = sokbase.build_index(LAWS, index_dir, jobs=1)
    assert report.exit_code == 0, report.failures
    return index_dir


@pytest.fixture(scope="session", params=ENGINES)
def law_index(request) -> Path | str:
    if request.param == "whoosh":
        return request.getfixturevalue("whoosh_law_index")
    url = request.getfixturevalue("pg_server").new_database("lover")
    report = sokbase.build_index(LAWS, url, jobs=1)
    assert report.exit_code == 0, report.failures
    return url


@pytest.fixture(scope="module")
def laws(law_index):
    """The law index open for searching, on each engine."""
    with sokbase.open_index(law_index) as index:
        yield index


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
    yield pg_server.new_database(name)
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_replica(pg_server):
    """A streaming read replica of the session's server (pg_basebackup -R)."""
    replica = pg_server.replica()
    yield replica
    replica.remove()


# Access control: a corpus of three folders, one open to everyone signed in and two for one group
# each, every document holding the shared words "bostøtte" and "samarbeid" and words of its own.
ACCESS_FILES = {
    "felles/rutiner.txt": (
        "Rutiner for bostøtte i Oslo\n\n"
        "Kommunen gir bostøtte etter søknad, og samarbeid med NAV er fast rutine. Kantate og sang ved "
        "åpningen av den nye lekeplassen i Oslo.\n\n"
        "Alle ansatte kan lese om samarbeid om bostøtte og lekeplass i bydelene.\n"),
    "barnevern/saker/fosterhjem.txt": (
        "Fosterhjem i Bergen\n\n"
        "Barnevernet i Bergen trenger flere fosterhjem. Bostøtte til fosterhjem og samarbeid med skolen "
        "drøftes i saken.\n\n"
        "Taushetsbelagt: barnets navn og adresse står i journalen, ikke her.\n"),
    "ledelse/omstillingsplan.txt": (
        "Hemmelig omstillingsplan for Nordbyen\n\n"
        "Ledelsen i Tromsø planlegger nedbemanning i kantine og bostøtte. Samarbeid med tillitsvalgte "
        "starter i mars. Prosjektet har kodenavn Fiskeørn.\n\n"
        "Nedbemanning av kantine rammer tolv stillinger i Tromsø.\n"),
}
ACCESS_RULES = {
    "barnevern/_access.toml": 'access = ["Barnevern"]\n',
    "ledelse/_access.toml": 'access = ["ledelse"]\n',
}


def write_access_corpus(folder: Path, files: dict[str, str] | None = None, rules: dict[str, str] | None = None) -> Path:
    import os
    import time

    past = time.time() - 60  # as old as files are when a nightly run sees them
    for name, text in {**(ACCESS_FILES if files is None else files), **(ACCESS_RULES if rules is None else rules)}.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, (past, past))
    return folder


@pytest.fixture(scope="session")
def access_index(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus, index) of the access corpus, indexed once for the session; read it, never change it."""
    root = tmp_path_factory.mktemp("access")
    corpus = write_access_corpus(root / "corpus")
    report = sokbase.build_index(corpus, root / "index")
    assert report.exit_code == 0 and report.documents == 3, report.failures
    return corpus, root / "index"
