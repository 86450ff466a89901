import shutil
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
