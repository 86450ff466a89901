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
def base_url(corpus_index):
    """The app under waitress on a free loopback port, stopped after the module."""
    from waitress.server import create_server

    app = create_app({"SOKBASE_INDEX": str(corpus_index), "SOKBASE_CORPUS": str(CORPUS)})
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
