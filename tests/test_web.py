"""The web page and JSON API through Flask's test client, over the shipped corpus and hostile files."""
import json
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

import sokbase
from sokbase import render
from sokbase.cli import cli
from sokbase.web import create_app

from conftest import CORPUS, PROGRAMME_2024

HOSTILE = (
    "Hjemmesnekret notat om områdeløft\n\n"
    "Områdeløft <script>alert('xss')</script> og <img src=x onerror=alert(2)> i bydelen.\n\n"
    "Et avsnitt til om områdeløft & boligsosialt arbeid \"med anførsel\".\n"
)


@pytest.fixture
def client(corpus_index):
    app = create_app({"SOKBASE_INDEX": str(corpus_index), "SOKBASE_CORPUS": str(CORPUS)})
    return app.test_client()


@pytest.fixture
def hostile(tmp_path):
    """A corpus whose one document is full of markup, indexed, with an app over it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.txt").write_text(HOSTILE, encoding="utf-8")
    index_dir = tmp_path / "index"
    assert sokbase.build_index(corpus, index_dir).exit_code == 0
    app = create_app({"SOKBASE_INDEX": str(index_dir), "SOKBASE_CORPUS": str(corpus)})
    return app.test_client(), corpus, tmp_path


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def first_hit(soup):
    return soup.select("ol.hits > li.hit")[0]


def facet_links(soup, heading):
    section = next(s for s in soup.select("aside.facets section.facet") if s.h3.get_text() == heading)
    return {a.select_one(".label").get_text(): a for a in section.select("a")}


def test_barnefamilier_shows_the_trondheim_passage_of_2024_first_with_facets(client):
    response = client.get("/?q=barnefamilier")
    assert response.status_code == 200
    soup = page(response)
    hit = first_hit(soup)
    text = hit.get_text(" ", strip=True)
    assert "Erfaringskonferansen om områdesatsinger 2024" in text
    assert "27.09.2024" in text and "Hotell 33 Økern, Oslo" in text
    assert "Trondheim" in hit.select_one(".meta").get_text()
    assert "side 3" in text
    assert [m.get_text() for m in hit.select(".snippet mark")] == ["barnefamilier", "barnefamilier"]
    assert "2 treff" in soup.h1.get_text()
    kommuner = facet_links(soup, "Kommune")
    assert kommuner["Trondheim"].select_one(".count").get_text() == "2"
    assert set(facet_links(soup, "År")) == {"2024"}
    assert set(facet_links(soup, "Dokumenttype")) == {"PDF"}


def test_the_query_stays_in_the_search_box(client):
    soup = page(client.get("/?q=sosial+b%C3%A6rekraft"))
    assert soup.select_one("input#q")["value"] == "sosial bærekraft"
    assert soup.select_one("label[for=q]")


def test_a_facet_narrows_the_results_and_can_be_removed(client):
    soup = page(client.get("/?q=levek%C3%A5r"))
    before = soup.h1.get_text()
    bergen = facet_links(soup, "Kommune")["Bergen"]
    narrowed = page(client.get(bergen["href"]))
    assert "kommune=4601" in bergen["href"]
    count = int(bergen.select_one(".count").get_text())
    assert 0 < len(narrowed.select("li.hit")) == count < len(soup.select("li.hit"))
    for hit in narrowed.select("li.hit"):
        assert "Bergen" in hit.select_one(".meta").get_text()
    chip = narrowed.select_one(".active-filters a")
    assert "Kommune: Bergen" in chip.get_text()
    assert facet_links(narrowed, "Kommune")["Bergen"]["aria-current"] == "true"
    assert page(client.get(chip["href"])).h1.get_text() == before


def test_the_url_holds_the_whole_state(client):
    soup = page(client.get("/?q=omr%C3%A5de*&kommune=Oslo&year=2024&type=pdf"))
    labels = [a.get_text(" ", strip=True) for a in soup.select(".active-filters a")]
    assert labels[:3] == ["Kommune: Oslo ✕", "År: 2024 ✕", "Dokumenttype: PDF ✕"]
    for hit in soup.select("li.hit"):
        meta = hit.select_one(".meta").get_text()
        assert "Oslo" in meta and "PDF" in meta and "2024" in meta
    hidden = {i["name"]: i["value"] for i in soup.select("form.search input[type=hidden]")}
    assert hidden == {"kommune": "0301", "year": "2024", "type": "pdf"}


def test_pages_follow_each_other(client, index):
    total = index.search("kommune", limit=1).total
    assert total > 10, "the corpus needs a query with more than one page"
    first = page(client.get("/?q=kommune"))
    second = page(client.get(first.select_one("a[rel=next]")["href"]))
    assert second.select_one("ol.hits")["start"] == "11"
    assert second.select_one(".pages [aria-current=page]").get_text() == "2"
    ids = {a["id"] for a in first.select("li.hit article h2")} & {a["id"] for a in second.select("li.hit article h2")}
    assert not ids


def test_no_hits_gives_a_clear_empty_state(client):
    response = client.get("/?q=xylofonorkester")
    soup = page(response)
    assert response.status_code == 200
    assert "Ingen treff" in soup.h1.get_text()
    assert "færre ord" in soup.select_one(".empty").get_text()


def test_query_syntax_help_is_on_the_page(client):
    help_text = page(client.get("/")).select_one("details.help").get_text()
    assert "ELLER" in help_text and "område*" in help_text and "kommune:Bergen" in help_text
    assert "pbl § 20-1" in help_text and "-kommune:Oslo" in help_text  # a paragraph of a law; leaving out a kommune


def test_api_returns_exactly_the_cli_json(client, index):
    response = client.get("/api/search?q=Frivilligb%C3%B8rs")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data == json.loads(render.as_json(index.search("Frivilligbørs")))
    assert {"name": "Drammen", "number": "3301"} in data["hits"][0]["municipalities"]


def test_api_pages_and_filters(client, index):
    data = client.get("/api/search?q=kommune&limit=3&page=2&year=2024").get_json()
    expected = index.search("kommune", limit=3, offset=3, year=2024)
    assert [h["passage_id"] for h in data["hits"]] == [h.passage_id for h in expected.hits]
    assert data["hits"][0]["rank"] == 4


@pytest.mark.parametrize("query, message", [
    ("q=", "Skriv minst ett ord"),
    ("q=%22sosial", "anførselstegn"),
    ("q=*", "* alene"),
    ("q=frafall&kommune=Atlantis", "Kjenner ikke kommunen"),
    ("q=frafall&year=tjue", "fire sifre"),
    ("q=frafall&type=exe", "pdf, docx, odt, html eller text"),
    ("q=frafall+%C3%A5r%3Atjue", "fire sifre"),  # år:tjue typed in the query
    ("q=frafall+%C3%A5r%3A24", "fire sifre"),
    ("q=frafall+type%3Adoc", "pdf, docx, odt, html eller text"),
    ("q=frafall&limit=100000", "limit"),
    ("q=frafall&page=999999999999", "Sidetallet"),
    ("q=frafall&page=40&limit=50", "første treffene"),
    ("q=" + "a" * 1001, "for langt"),
])
def test_api_errors_are_4xx_json_with_a_message(client, query, message):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    data = response.get_json()
    assert data["status"] == 400 and message in data["error"]


def test_a_malformed_query_on_the_page_is_a_400_that_keeps_the_query(client):
    response = client.get("/?q=%22sosial+b%C3%A6rekraft")
    assert response.status_code == 400
    soup = page(response)
    assert "anførselstegn" in soup.select_one("[role=alert]").get_text()
    assert soup.select_one("input#q")["value"] == '"sosial bærekraft'


def test_a_huge_page_number_is_refused(client):
    response = client.get("/?q=kommune&page=99999999999999999999")
    assert response.status_code == 400
    assert "Sidetallet" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/", "/?q=frafall", "/api/search?q=frafall", "/healthz", "/finnes-ikke", "/?q=%22"])
def test_security_headers_on_every_response(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(client):
    for url in ["/", "/?q=barnefamilier", "/similar/" + first_passage_id(client)]:
        soup = page(client.get(url))
        assert not soup.find_all("script") and not soup.find_all("style")
        assert not soup.select("[style]")


def first_passage_id(client) -> str:
    return client.get("/api/search?q=barnefamilier").get_json()["hits"][0]["passage_id"]


def test_script_in_the_query_is_shown_as_text(client):
    body = client.get("/?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_markup_in_documents_is_shown_as_text(hostile):
    client, _, _ = hostile
    for url in ["/?q=omr%C3%A5del%C3%B8ft", "/doc/" + client.get("/api/search?q=områdeløft").get_json()["hits"][0]["doc_id"]
                + "?q=omr%C3%A5del%C3%B8ft"]:
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert(" in body
        soup = page(response)
        assert not soup.find_all("script") and not soup.find_all("img")
        assert {m.get_text().lower() for m in soup.select("mark")} == {"områdeløft"}


def test_document_view_marks_the_hit_passage_and_shows_metadata(client):
    hit = client.get("/api/search?q=barnefamilier").get_json()["hits"][0]
    soup = page(client.get(f"/doc/{hit['doc_id']}?q=barnefamilier&avsnitt={hit['passage_id']}"))
    current = soup.select("li.passage.current")
    assert len(current) == 1 and current[0]["id"] == f"avsnitt-{hit['position']}"
    assert current[0]["aria-current"] == "true"
    assert [m.get_text() for m in current[0].select("mark")] == ["barnefamilier", "barnefamilier"]
    positions = [int(li["id"].split("-")[1]) for li in soup.select("li.passage")]
    assert positions == sorted(positions) and positions[0] == 0
    meta = soup.select_one("dl.doc-meta").get_text(" ", strip=True)
    assert "Erfaringskonferansen om områdesatsinger 2024" in meta
    assert "27.09.2024" in meta and "Hotell 33 Økern, Oslo" in meta and "Trondheim" in meta
    assert PROGRAMME_2024 in meta
    assert soup.select_one(".back a")["href"].startswith("/?q=barnefamilier")


def test_hit_links_lead_to_the_passage_in_the_document(client):
    link = first_hit(page(client.get("/?q=barnefamilier"))).select_one("h2 a")["href"]
    path, anchor = link.split("#")
    soup = page(client.get(path))
    assert soup.select_one(f"li#{anchor}")["class"] == ["passage", "current"]


def test_original_file_is_downloaded_from_the_corpus(client):
    doc_id = client.get("/api/search?q=barnefamilier").get_json()["hits"][0]["doc_id"]
    response = client.get(f"/doc/{doc_id}/original")
    assert response.status_code == 200
    assert response.data == (CORPUS / PROGRAMME_2024).read_bytes()
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.mimetype == "application/pdf"


@pytest.mark.parametrize("url", [
    "/doc/..%2f..%2fetc%2fpasswd",
    "/doc/..%2f..%2fetc%2fpasswd/original",
    "/doc/%2e%2e/%2e%2e/etc/passwd",
    "/doc/../../etc/passwd",
    "/doc/0123456789ab",
    "/doc/0123456789ab/original",
    "/static/..%2f..%2f..%2fetc%2fpasswd",
    "/similar/..%2f..%2fetc%2fpasswd",
    "/similar/0123456789ab-999",
])
def test_paths_outside_the_index_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "root:" not in response.get_data(as_text=True)


def test_an_original_that_links_outside_the_corpus_is_404(hostile):
    client, corpus, tmp_path = hostile
    doc_id = client.get("/api/search?q=områdeløft").get_json()["hits"][0]["doc_id"]
    assert client.get(f"/doc/{doc_id}/original").status_code == 200
    secret = tmp_path / "hemmelig.txt"
    secret.write_text("hemmelig", encoding="utf-8")
    (corpus / "notat.txt").unlink()
    (corpus / "notat.txt").symlink_to(secret)
    response = client.get(f"/doc/{doc_id}/original")
    assert response.status_code == 404
    assert b"hemmelig" not in response.data


def test_similar_passages_leave_out_the_passage_itself(client):
    passage_id = first_passage_id(client)
    soup = page(client.get(f"/similar/{passage_id}?q=barnefamilier"))
    assert soup.h1.get_text() == "Lignende avsnitt"
    hits = soup.select("li.hit")
    assert hits and all(passage_id not in h.article["aria-labelledby"] for h in hits)
    assert soup.select("li.hit .snippet mark"), "the shared key words are highlighted"


def test_healthz_reports_generation_and_counts(client):
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok" and data["generation"].startswith("gen-")
    assert data["documents"] == 5 and data["passages"] > 30


def test_a_new_generation_is_picked_up_without_a_restart(new_index, corpus_copy):
    index_dir = new_index
    assert sokbase.build_index(corpus_copy, index_dir).exit_code == 0
    client = create_app({"SOKBASE_INDEX": str(index_dir)}).test_client()
    assert client.get("/api/search?q=kvartalsrapport").get_json()["total"] == 0
    before = client.get("/healthz").get_json()["generation"]
    (corpus_copy / "ny.txt").write_text("Ny kvartalsrapport\n\nKvartalsrapport om levekår i Drammen.\n", encoding="utf-8")
    assert sokbase.build_index(corpus_copy, index_dir).exit_code == 0
    assert client.get("/api/search?q=kvartalsrapport").get_json()["total"] >= 1
    assert client.get("/healthz").get_json()["generation"] != before


def test_a_missing_index_is_a_503_with_the_way_out(tmp_path):
    client = create_app({"SOKBASE_INDEX": str(tmp_path / "ingen")}).test_client()
    response = client.get("/?q=frafall")
    assert response.status_code == 503
    assert "sokbase index" in response.get_data(as_text=True)
    api = client.get("/healthz")
    assert api.status_code == 503 and "sokbase index" in api.get_json()["error"]


def test_an_index_deleted_under_a_running_server_shows_in_healthz(tmp_path, corpus_copy):
    import shutil

    index_dir = tmp_path / "index"
    assert sokbase.build_index(corpus_copy, index_dir).exit_code == 0
    client = create_app({"SOKBASE_INDEX": str(index_dir)}).test_client()
    assert client.get("/healthz").status_code == 200
    shutil.rmtree(index_dir)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["status"] == "stale"
    assert "sokbase index" in health.get_json()["error"]
    assert client.get("/api/search?q=frafall").status_code == 200  # the open generation still answers


def test_an_unexpected_error_shows_no_details(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("hemmelig stifinner /srv/data")

    monkeypatch.setattr(sokbase.search.SearchIndex, "search", broken)
    for url in ["/?q=frafall", "/api/search?q=frafall"]:
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "hemmelig" not in body and "Traceback" not in body
        assert "uventet feil" in body


def test_the_cli_does_not_load_the_web_stack():
    code = "import sys, sokbase.cli; print(sorted(m for m in ('flask', 'waitress') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_serve_reports_a_missing_index_instead_of_starting(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--index", str(tmp_path / "ingen"), "--port", "8765"])
    assert result.exit_code == 1
    assert "Fant ingen indeks" in result.output


def test_a_hit_without_some_of_the_words_says_which_are_missing(client):
    soup = page(client.get("/", query_string={"q": "Frivilligbørs Drammen"}))
    assert "Drammen" in first_hit(soup).get_text() and first_hit(soup).select_one("p.missing") is None
    missing = [hit.select_one("p.missing") for hit in soup.select("li.hit")]
    assert any(m is not None and m.get_text(" ", strip=True) in ("Mangler: Frivilligbørs", "Mangler: Drammen") for m in missing)


def test_a_query_read_as_plain_words_says_so_on_the_page(client):
    soup = page(client.get("/", query_string={"q": "Hva gjør Oslo med områdeløft (Groruddalen))?"}))
    assert "søkt etter ordene" in soup.select_one("p.notice").get_text()


def test_empty_page_offers_a_correction(client):
    soup = page(client.get("/", query_string={"q": "barnefamiler Trondhjem"}))
    suggestion = soup.select_one("p.suggestions a")
    assert suggestion.get_text() == "barnefamilier Trondheim"
    assert "q=barnefamilier+Trondheim" in suggestion["href"]


def test_a_bad_filter_keeps_the_query_in_the_search_box(client):
    response = client.get("/", query_string={"q": "barnefamilier", "kommune": "Narnia"})
    assert response.status_code == 400
    soup = page(response)
    assert soup.select_one("input[name=q]")["value"] == "barnefamilier"
    assert "Kjenner ikke kommunen «Narnia»" in soup.get_text()


def test_a_law_links_to_lovdata_and_credits_it_where_its_text_is_shown(whoosh_law_index):
    """NLOD 2.0 asks for Lovdata's credit wherever its texts are shown; a caseworker cites the law on Lovdata."""
    from conftest import LAWS

    client = create_app({"SOKBASE_INDEX": str(whoosh_law_index), "SOKBASE_CORPUS": str(LAWS)}).test_client()
    hit = page(client.get("/?q=husleieloven+§+9-2")).select_one("li article")
    assert "Inneholder data under NLOD 2.0 tilgjengeliggjort av Lovdata" in hit.select_one("p.source").get_text()
    assert hit.find("a", string="Kilde på nett")["href"] == "https://lovdata.no/lov/1999-03-26-17"
    document = page(client.get(hit.find("a", string="Vis i dokumentet")["href"])).get_text()
    assert "Lisens" in document and "tilgjengeliggjort av Lovdata" in document


def test_documents_not_from_lovdata_carry_no_lovdata_credit(client):
    assert "Lovdata" not in page(client.get("/?q=levekår")).get_text()


def test_a_filter_without_words_is_shown_and_kept_for_the_search(client):
    """A link such as /?kommune=4601 (Bergen) opens the search page with the filter in view and in the form."""
    soup = page(client.get("/", query_string={"kommune": "4601"}))
    assert "Skriv ett eller flere ord" in soup.select_one("section.intro").get_text()
    remove = soup.select_one("ul.active-filters a")
    assert "Kommune: Bergen" in remove.get_text() and "kommune" not in remove["href"]
    assert soup.select_one("form.search input[name=kommune]")["value"] == "4601"
    assert not page(client.get("/")).select_one("ul.active-filters")


def test_no_hits_under_a_filter_offers_the_search_without_it(client):
    soup = page(client.get("/", query_string={"q": "barnefamilier", "kommune": "5501"}))
    assert soup.find("a", string="Søk uten filtrene")["href"] == "/?q=barnefamilier"


def test_the_start_page_counts_what_the_index_holds_and_claims_no_other_content(whoosh_law_index):
    """An index of laws is no conference archive: the start page says what is there, not what sokbase ships."""
    client = create_app({"SOKBASE_INDEX": str(whoosh_law_index)}).test_client()
    intro = page(client.get("/")).select_one("section.intro").get_text(" ", strip=True)
    with sokbase.open_index(whoosh_law_index) as index:
        documents, passages = index.size()
    assert f"Søket går i {documents} dokumenter" in intro and "Husbanken" not in intro
