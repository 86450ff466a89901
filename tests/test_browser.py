"""End to end in a real headless Chromium: what a colleague does on the search page.

Debian's /usr/bin/chromium is driven by Playwright (`make test` installs it when missing). Outside CI
the tests skip when the browser is not there; in CI (CI=true) a missing browser fails the run.
Screenshots of the main states go to test-artifacts/.
"""
import os
import threading
from pathlib import Path

import pytest

from sokbase.web import create_app

from conftest import CORPUS, ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (scripts/install_test_deps.sh installs it)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def base_url(whoosh_corpus_index):
    """The app under waitress on a free loopback port, stopped after the module."""
    from waitress.server import create_server

    app = create_app({"SOKBASE_INDEX": str(whoosh_corpus_index), "SOKBASE_CORPUS": str(CORPUS)})
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    context.set_default_timeout(5000)
    opened = context.new_page()
    dialogs, errors = [], []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    opened.dialogs = dialogs
    opened.goto(base_url + "/")
    yield opened
    context.close()
    assert errors == [], "the browser reported errors (a blocked resource, a 404, a CSP violation)"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def search(page, query: str) -> None:
    """Type into the search box and press Enter, the way a person does it."""
    page.get_by_label("Søk etter avsnitt").fill(query)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow(page, link) -> None:
    with page.expect_navigation():
        link.click()


def test_typing_a_query_shows_ranked_passages_with_kommune_and_conference(page):
    shot(page, "01-forside")
    search(page, "barnefamilier")
    hits = page.locator("li.hit")
    assert hits.count() == 2
    first = hits.nth(0)
    assert "Erfaringskonferansen om områdesatsinger 2024" in first.locator("h2").inner_text()
    meta = first.locator(".meta").inner_text()
    assert "Trondheim" in meta and "27.09.2024" in meta and "side 3" in meta
    assert first.locator(".snippet mark").first.inner_text() == "barnefamilier"
    assert page.get_by_label("Søk etter avsnitt").input_value() == "barnefamilier"
    assert page.locator("aside.facets").is_visible()
    shot(page, "02-treff-barnefamilier")


def test_clicking_a_facet_narrows_and_removing_it_widens(page):
    search(page, "levekår")
    total = page.locator("h1.summary").inner_text()
    before = page.locator("li.hit").count()
    follow(page, page.locator("aside.facets a", has_text="Bergen"))
    assert "kommune=4601" in page.url
    assert 0 < page.locator("li.hit").count() < before
    assert page.locator(".active-filters").inner_text().startswith("Kommune: Bergen")
    for meta in page.locator("li.hit .meta").all_inner_texts():
        assert "Bergen" in meta
    shot(page, "03-avgrenset-bergen")
    follow(page, page.locator(".active-filters a", has_text="Kommune: Bergen"))
    assert "kommune=" not in page.url
    assert page.locator("h1.summary").inner_text() == total


def test_the_document_view_scrolls_to_the_marked_passage(page):
    search(page, "barnefamilier")
    follow(page, page.locator("li.hit h2 a").first)
    current = page.locator("li.passage.current")
    assert current.count() == 1
    assert "Treffet ditt" in current.text_content()
    assert current.locator("mark").count() == 2
    box, viewport = current.bounding_box(), page.viewport_size
    assert 0 <= box["y"] < viewport["height"], "the hit passage is on screen, not at the top of the document"
    assert page.locator("dl.doc-meta").inner_text().count("Hotell 33 Økern, Oslo") == 1
    page.screenshot(path=str(ARTIFACTS / "04-dokument.png"))
    with page.expect_download() as download:
        page.get_by_text("Last ned originalfilen").click()
    assert download.value.suggested_filename == "erfaringskonferansen-omradesatsinger-2024-program.pdf"


def test_similar_passages_from_a_hit(page):
    search(page, "barnefamilier")
    follow(page, page.locator("li.hit").first.get_by_role("link", name="Lignende avsnitt"))
    assert page.locator("h1").inner_text() == "Lignende avsnitt"
    assert "barnefamilier" in page.locator("blockquote").inner_text()
    assert page.locator("li.hit").count() >= 1
    shot(page, "05-lignende-avsnitt")


def test_a_script_in_the_query_is_only_text(page):
    search(page, "<script>alert(1)</script>")
    assert page.dialogs == []
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()
    assert page.evaluate("document.scripts.length") == 0


def test_on_a_phone_with_the_keyboard_only(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="nb-NO")
    context.set_default_timeout(5000)
    phone = context.new_page()
    phone.goto(base_url + "/")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "Hopp til innholdet"
    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.id") == "q"
    phone.keyboard.type("Frivilligbørs")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert "Drammen" in phone.locator("li.hit .meta").first.inner_text()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing sticks out sideways on a phone"
    shot(phone, "06-mobil-frivilligbors")
    context.close()


# ---------------------------------------------------------------------- sign-in and access rules
# The attacker's cases that a browser decides (cookies, forms from another site, headers it sends).

KARI = ("kari", "kari-sitt-passord")
SECRET_DOC = "ledelse/omstillingsplan.txt"


class _Server:
    """An app under waitress on a free loopback port, stopped by close()."""

    def __init__(self, app):
        from waitress.server import create_server

        self.server = create_server(app, host="127.0.0.1", port=0, threads=2)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.effective_port}"

    def close(self):
        self.server.close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def users_site(access_index, tmp_path_factory):
    from sokbase.users import add_user

    users = tmp_path_factory.mktemp("brukere") / "brukere.txt"
    add_user(users, *KARI, ["barnevern"])
    corpus, index_dir = access_index
    server = _Server(create_app({"SOKBASE_INDEX": str(index_dir), "SOKBASE_CORPUS": str(corpus),
                                 "SOKBASE_AUTH": "users", "SOKBASE_USERS": str(users)}))
    yield server.url
    server.close()


@pytest.fixture(scope="module")
def attacker_site():
    """Another site (another port) whose pages post forms to sokbase as soon as they load."""
    import http.server

    pages = {}

    class Pages(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode("utf-8")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.pages = pages
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    thread.join(timeout=5)


def _context(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO", **options)
    context.set_default_timeout(5000)
    return context


def _sign_in(page, name: str, password: str) -> None:
    page.get_by_label("Brukernavn").fill(name)
    page.get_by_label("Passord").fill(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_signing_in_shows_the_groups_documents_and_a_cookie_copied_before_signing_out_is_dead(browser, users_site):
    context = _context(browser)
    page = context.new_page()
    page.goto(users_site + "/?q=fosterhjem")
    assert page.locator("h1").inner_text() == "Logg inn"
    shot(page, "07-logg-inn")
    _sign_in(page, KARI[0], "feil-passord")
    assert "Feil brukernavn eller passord." in page.locator("[role=alert]").inner_text()
    _sign_in(page, *KARI)
    assert page.url == users_site + "/?q=fosterhjem"
    assert "Innlogget som kari" in page.locator("header").inner_text()
    assert "Fosterhjem i Bergen" in page.locator("li.hit").first.inner_text()
    shot(page, "08-innlogget-treff")
    search(page, "nedbemanning")
    assert page.locator("h1.summary").inner_text().startswith("Ingen treff")
    copied = [dict(c) for c in context.cookies() if c["name"] == "sokbase_sesjon"]
    assert copied and copied[0]["httpOnly"] and copied[0]["sameSite"] == "Lax"
    with page.expect_navigation():
        page.get_by_role("button", name="Logg ut").click()
    assert "Du er logget ut." in page.locator("[role=status]").inner_text()

    thief = _context(browser)
    thief.add_cookies(copied)
    stolen = thief.new_page()
    stolen.goto(users_site + "/?q=fosterhjem")
    assert stolen.locator("h1").inner_text() == "Logg inn" and "Fosterhjem" not in stolen.content()
    thief.close()
    context.close()


def test_forms_posted_from_another_site_neither_sign_in_nor_sign_out(browser, users_site, attacker_site):
    attacker_site.pages["/logg-inn.html"] = (
        f'<form method="post" action="{users_site}/logg-inn"><input name="brukernavn" value="{KARI[0]}">'
        f'<input name="passord" value="{KARI[1]}"><input name="csrf" value="gjettet.token"></form>'
        '<script>document.forms[0].submit()</script>')
    attacker_site.pages["/logg-ut.html"] = (
        f'<form method="post" action="{users_site}/logg-ut"></form><script>document.forms[0].submit()</script>')
    context = _context(browser)
    page = context.new_page()
    with page.expect_navigation(url=users_site + "/logg-inn"):
        page.goto(attacker_site.url + "/logg-inn.html")
    assert "Skjemaet var utløpt eller kom fra en annen side" in page.locator("[role=alert]").inner_text()
    assert not [c for c in context.cookies() if c["name"] == "sokbase_sesjon"]

    page.goto(users_site + "/")
    _sign_in(page, *KARI)
    with page.expect_navigation(url=users_site + "/logg-ut"):
        page.goto(attacker_site.url + "/logg-ut.html")
    assert "Utloggingen kom ikke fra søkesiden" in page.content()
    page.goto(users_site + "/?q=fosterhjem")
    assert "Innlogget som kari" in page.locator("header").inner_text()  # still signed in
    context.close()


@pytest.fixture(scope="module")
def proxy_site(access_index):
    """--auth proxy whose trusted proxy is 127.0.0.1: the browser plays the proxy, sending its headers."""
    corpus, index_dir = access_index
    server = _Server(create_app({"SOKBASE_INDEX": str(index_dir), "SOKBASE_CORPUS": str(corpus),
                                 "SOKBASE_AUTH": "proxy", "SOKBASE_TRUSTED_PROXIES": ["127.0.0.1"]}))
    yield server.url
    server.close()


def test_proxy_headers_sent_from_a_browser_that_is_not_the_proxy_are_refused(browser, access_index):
    corpus, index_dir = access_index
    server = _Server(create_app({"SOKBASE_INDEX": str(index_dir), "SOKBASE_CORPUS": str(corpus),
                                 "SOKBASE_AUTH": "proxy", "SOKBASE_TRUSTED_PROXIES": ["192.0.2.1"]}))
    try:
        context = _context(browser, extra_http_headers={"X-Forwarded-User": "leder", "X-Forwarded-Groups": "ledelse",
                                                       "X-Forwarded-For": "192.0.2.1"})
        page = context.new_page()
        response = page.goto(server.url + "/?q=nedbemanning")
        assert response.status == 403 and page.locator("h1").inner_text() == "Ingen tilgang"
        assert "Tromsø" not in page.content()
        shot(page, "09-proxy-ingen-tilgang")
        context.close()
    finally:
        server.close()


def test_a_group_cannot_open_another_groups_document_its_original_or_find_it_as_similar(browser, proxy_site, access_index):
    import sokbase
    from sokbase.models import doc_id_for

    with sokbase.open_index(access_index[1]) as index:
        secret = index.search("nedbemanning").hits[0]
    context = _context(browser, extra_http_headers={"X-Forwarded-User": "kari", "X-Forwarded-Groups": "barnevern"})
    page = context.new_page()
    for path in (f"/doc/{doc_id_for(SECRET_DOC)}", f"/doc/{secret.doc_id}?avsnitt={secret.passage_id}",
                 f"/similar/{secret.passage_id}"):
        response = page.goto(proxy_site + path)
        assert response.status == 404 and page.locator("h1").inner_text() == "Fant ikke siden", path
        assert "Hemmelig" not in page.content()
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    response = page.goto(proxy_site + f"/doc/{secret.doc_id}/original")
    assert response.status == 404 and downloads == []
    page.goto(proxy_site + "/")
    search(page, "bostøtte samarbeid")
    assert "Tromsø" not in page.locator("aside.facets").inner_text()
    follow(page, page.locator("li.hit", has_text="Fosterhjem").first.get_by_role("link", name="Lignende avsnitt"))
    assert "Hemmelig" not in page.locator("main").inner_text()
    shot(page, "10-proxy-lignende-uten-skjulte")
    context.close()
