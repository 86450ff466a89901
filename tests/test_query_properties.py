"""Whatever a user types, the API, the CLI and the web answer with results or a one-line
QueryError-style message — never a traceback, never a 500."""
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sokbase
from sokbase.cli import cli
from sokbase.errors import QueryError
from sokbase.query import MAX_QUERY_LENGTH
from sokbase.web import create_app

from conftest import CORPUS

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

OPERATOR_SOUP = st.lists(
    st.sampled_from([
        "AND", "OR", "NOT", "ELLER", "IKKE", "OG", "(", ")", '"', "*", "~", "^", ":", "-", "+", "?", "[", "]",
        "{", "}", "TO", "områdeløft", "bolig", "Oslo", "kommune:", "år:", "tittel:", "år:20x4", "kommune:Atlantis",
        "type:pdf", "ukjent:felt", "\\", "/", "&&", "||", "!", "ø*", "bo*", "2024", "'", "«", "»",
    ]),
    min_size=1,
    max_size=12,
).map(" ".join)
ANY_TEXT = st.text(min_size=0, max_size=300)
WILDCARDS_ONLY = st.sampled_from(["*", "**", "?", "a*", "*a", "?*", "*:*", "text:*", "a?", "\"*\"", "(*)", "-*"])


@pytest.fixture(scope="module")
def open_index(corpus_index):
    with sokbase.open_index(corpus_index) as index:
        yield index


def api_answers(index, query: str) -> None:
    try:
        results = index.search(query)
    except QueryError as error:
        message = str(error)
        assert message and "\n" not in message and "Traceback" not in message
    else:
        assert results.total >= len(results.hits)


@PROPERTY
@given(query=st.one_of(ANY_TEXT, OPERATOR_SOUP, WILDCARDS_ONLY))
def test_api_returns_results_or_a_query_error(open_index, query):
    api_answers(open_index, query)


def test_very_long_query_is_refused_in_one_line(open_index):
    with pytest.raises(QueryError, match="for langt"):
        open_index.search("bolig " * (MAX_QUERY_LENGTH // 5 + 1000))


@PROPERTY
@given(query=st.one_of(OPERATOR_SOUP, WILDCARDS_ONLY, st.text(min_size=1, max_size=80).filter(lambda q: q.strip())))
def test_cli_exits_0_or_2_with_one_line(corpus_index, query):
    # "--" as a user would type it before a query starting with "-"
    result = CliRunner().invoke(cli, ["search", "--index", str(corpus_index), "--limit", "3", "--", query])
    assert result.exit_code in (0, 2), (query, result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert len(result.output.strip().splitlines()) == 1, result.output


@pytest.fixture(scope="module")
def client(corpus_index):
    return create_app({"SOKBASE_INDEX": str(corpus_index), "SOKBASE_CORPUS": str(CORPUS)}).test_client()


@PROPERTY
@given(query=st.one_of(ANY_TEXT, OPERATOR_SOUP, WILDCARDS_ONLY), page=st.integers(-5, 10**12))
def test_web_answers_200_or_400_never_500(client, query, page):
    api = client.get("/api/search", query_string={"q": query, "page": str(page)})
    assert api.status_code in (200, 400), (query, page, api.status_code)
    if api.status_code == 400:
        body = json.loads(api.get_data(as_text=True))
        assert body["status"] == 400 and body["error"]
    html = client.get("/", query_string={"q": query, "page": str(page)})
    assert html.status_code in (200, 400), (query, page, html.status_code)
    assert "Traceback" not in html.get_data(as_text=True)


def test_huge_queries_through_every_face(client, corpus_index):
    huge = "områdeløft " * 1000
    assert client.get("/api/search", query_string={"q": huge}).status_code == 400
    result = CliRunner().invoke(cli, ["search", huge, "--index", str(corpus_index)])
    assert result.exit_code == 2 and "for langt" in result.output
