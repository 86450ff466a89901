"""What a reader of the shipped sample corpus should get out of the extraction stage."""
import re
from pathlib import Path

import pytest

from sokbase.discover import find_files
from sokbase.extract import extract_file

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PROGRAMME_2024 = "husbanken/erfaringskonferansen-omradesatsinger-2024-program.pdf"
POLICY_PAGE = "regjeringen/omradesatsinger.html"
CONFERENCE_2020 = "regjeringen/erfaringskonferanse-om-omradesatsinger-2020.html"
HTML_PAGES = [
    POLICY_PAGE,
    CONFERENCE_2020,
    "husbanken/kunnskapsmote-om-planlegging-og-organisering.html",
    "oslo-kommune/omradeloft-nasjonal-erfaringskonferanse.html",
]
# Text of the sites' menus, cookie banners, breadcrumbs, share boxes, related links and footers.
CHROME = [
    "informasjonskapsler", "Godta alle", "Hopp til hovedinnhold", "Javascript", "Statsbudsjettet",
    "Startlån", "Forsiden", "Les også", "Relatert", "Facebook", "Skriv ut", "Postboks", "Personvern",
    "Tilgjengelighetserklæring", "Ledige stillinger",
]


def extract(source):
    return extract_file(CORPUS / source, CORPUS)


@pytest.fixture(scope="module")
def programme():
    return extract(PROGRAMME_2024)


def block_on(document, text):
    return next(block for block in document.blocks if text in block.text)


def test_every_corpus_file_is_found_and_extracted():
    sources = [path.relative_to(CORPUS).as_posix() for path in find_files(CORPUS)]
    assert sorted(sources) == sorted([PROGRAMME_2024, *HTML_PAGES])
    for source in sources:
        assert extract(source).blocks


def test_programme_title_and_pages(programme):
    assert programme.title == "Erfaringskonferansen om områdesatsinger 2024 – verksteder og befaringer"
    assert programme.page_count == 8
    assert programme.doc_type == "pdf"


def test_programme_has_no_running_header_or_footer(programme):
    for block in programme.blocks:
        assert not re.search(r"Side \d+ av \d+", block.text)
    header = "Erfaringskonferansen om områdesatsinger 2024"
    assert [block.page for block in programme.blocks if block.text.startswith(header)] == [1]  # the title only


def test_programme_bostabilitet_section_in_trondheim_is_on_page_3(programme):
    heading = block_on(programme, "bostabilitet for barnefamilier")
    assert (heading.kind, heading.page) == ("heading", 3)
    assert heading.text == "1. Gode boliger og bomiljø - bostabilitet for barnefamilier"
    item = block_on(programme, "Barn i byen")
    assert (item.kind, item.page) == ("bullet", 3)
    assert "v/Trondheim kommune" in item.text
    assert block_on(programme, "Målet med prosjektet er å utrede").page == 4


def test_programme_hyphenation_is_undone_where_a_reader_would(programme):
    body = "\n".join(block.text for block in programme.blocks)
    for word in ["lokalsamfunnet", "levekårsforskjeller", "frafallsforebyggende"]:
        assert word in body
    assert "et bedre bo- og nærmiljø for alle" in body
    assert "kultur- og aktivitetshus" in body


def test_programme_bullets_keep_their_wrapped_lines(programme):
    item = block_on(programme, "Barnehageutvikling og språkinnsatser")
    assert item.kind == "bullet"
    assert item.text.endswith("Maren Alstad Johansen (Bydel Stovner) Oslo kommune")  # wrapped over a page break
    assert item.page == 2


@pytest.mark.parametrize("source", HTML_PAGES)
def test_web_pages_have_no_site_chrome(source):
    body = "\n".join(block.text for block in extract(source).blocks)
    for chrome in CHROME:
        assert chrome.lower() not in body.lower(), chrome


def test_policy_page():
    page = extract(POLICY_PAGE)
    assert page.title == "Områdesatsinger"
    assert page.language == "nb"
    assert page.url.startswith("https://www.regjeringen.no/")
    assert page.publisher == "Kommunal- og moderniseringsdepartementet"  # from the sidecar
    assert [block.text for block in page.blocks if block.kind == "heading"] == [
        "Områdesatsinger", "Byene jobber godt", "Utvikling av nye modeller og arbeidsformer"
    ]


def test_conference_page_2020_keeps_bullets_captions_and_date():
    page = extract(CONFERENCE_2020)
    assert page.title == "Erfaringskonferanse om områdesatsinger 2020"
    assert page.date == "2020"
    assert "Trygge nær- og bomiljøer." in [block.text for block in page.blocks if block.kind == "bullet"]
    assert block_on(page, "Befaring på Tøyen").kind == "paragraph"


def test_husbanken_page_date_keeps_its_month():
    assert extract("husbanken/kunnskapsmote-om-planlegging-og-organisering.html").date == "2011-05"
