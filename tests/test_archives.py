"""A folder as caseworkers keep it (issue 15): PDFs printed by Chromium or written one word per text
object, scanned pages, Word and OpenDocument files, letters with addresses, and broken office files.

Fixtures are made the way such files are made (scripts/make_archive_fixtures.py). Chromium and
Tesseract tests skip outside CI when the program is missing; with CI=true they fail instead.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from statistics import median

import pytest
from click.testing import CliRunner

import sokbase
from sokbase.cli import cli
from sokbase.extract import extract_file, ocr
from sokbase.models import Municipality
from sokbase.web import create_app

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import make_archive_fixtures as fixtures  # noqa: E402

PORSGRUNN = Municipality("Porsgrunn", "4001")
SKIEN = Municipality("Skien", "4003")


def _require(missing: str | None) -> None:
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot run in CI: {missing} (scripts/install_test_deps.sh installs it)")
        pytest.skip(missing)


def require_chromium() -> None:
    _require(None if fixtures.chromium_available() else f"{fixtures.CHROMIUM} is missing")


def require_tesseract() -> None:
    _require(ocr.missing_tools())


def index(corpus, index_dir, *options):
    report = index_dir.parent / f"{index_dir.name}-report.json"
    result = CliRunner().invoke(cli, ["index", str(corpus), "--index", str(index_dir), "--report", str(report), *options])
    return result, json.loads(report.read_text(encoding="utf-8"))


def tessdata_model() -> Path:
    """Where Tesseract keeps the Norwegian model on this machine."""
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=True).stdout
    return Path(listed.split('"')[1]) / f"{ocr.LANGUAGE}.traineddata"


def search(index_dir, query, *options):
    result = CliRunner().invoke(cli, ["search", query, "--index", str(index_dir), *options])
    assert result.exit_code == 0, result.output
    return result


def words_per_line(text: str) -> float:
    return median(len(line.split()) for line in text.split("\n") if line.strip())


# --- PDFs that came out one word per line ------------------------------------------------------


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    require_chromium()
    corpus = tmp_path_factory.mktemp("plans")
    fixtures.chromium_pdf(fixtures.plan_html(), corpus / "chromium.pdf")
    fixtures.chromium_pdf(fixtures.plan_html(positioned_words=True), corpus / "google-docs.pdf")
    fixtures.word_per_object_pdf(corpus / "ett-ord-per-objekt.pdf")
    return corpus


@pytest.mark.parametrize("name", ["chromium.pdf", "google-docs.pdf", "ett-ord-per-objekt.pdf"])
def test_pdf_passages_read_as_the_prose_they_are_with_their_headings(plans, name):
    document = extract_file(plans / name, plans)
    headings = [(block.text, block.level) for block in document.blocks if block.kind == "heading"]
    assert headings == [(fixtures.PLAN_TITLE, 1)] + [(heading, 2) for heading, _ in fixtures.PLAN_SECTIONS]
    paragraphs = [block.text for block in document.blocks if block.kind == "paragraph"]
    assert paragraphs == [text for _, texts in fixtures.PLAN_SECTIONS for text in texts]


def test_pdf_hits_show_prose_under_the_right_heading(plans, tmp_path):
    result, report = index(plans, tmp_path / "index")
    assert result.exit_code == 0, result.output
    hits = json.loads(search(tmp_path / "index", "uteoppholdsarealer", "--json").output)["hits"]
    assert {hit["source"] for hit in hits} == {"chromium.pdf", "google-docs.pdf", "ett-ord-per-objekt.pdf"}
    for hit in hits:
        assert hit["heading"] == "1. Bakgrunn for planarbeidet"
        assert words_per_line(hit["text"]) >= 10, hit["text"]


def test_a_postal_address_does_not_attach_its_kommune(plans):
    """Issue 15: "Feste Grenland AS, Pb. 120, 3901 Porsgrunn" in a planning description from Søgne."""
    from sokbase.metadata import enrich_document, enrich_passages
    from sokbase.municipalities import Gazetteer
    from sokbase.passages import split_passages

    gazetteer = Gazetteer.default()
    document = enrich_document(extract_file(plans / "chromium.pdf", plans), gazetteer)
    passages = enrich_passages(split_passages(document), document, gazetteer)
    address = next(p for p in passages if "3901 Porsgrunn" in p.text)
    assert PORSGRUNN not in address.municipalities
    assert PORSGRUNN not in document.municipalities
    assert all(PORSGRUNN not in p.municipalities for p in passages)


# --- Word and OpenDocument ----------------------------------------------------------------------


def test_docx_title_headings_lists_tables_and_properties(tmp_path):
    document = extract_file(fixtures.planning_docx(tmp_path / "sak.docx"), tmp_path)
    assert (document.doc_type, document.title) == ("docx", "Saksframlegg: områdeløft på Lundsiden")
    assert (document.author, document.date) == ("Kari Nordmann", "2023-03-14")
    assert [(b.kind, b.text, b.level) for b in document.blocks if b.kind != "paragraph"] == [
        ("heading", "Saksframlegg: områdeløft på Lundsiden", 1),  # the Title style; "Innhold" (contents) is left out
        ("heading", "Bakgrunn", 1),
        ("heading", "Tiltak", 2),
        ("bullet", "Møteplass i det gamle bibliotekbygget", 0),
        ("bullet", "Trygg skolevei langs Tordenskjolds gate", 0),
        ("heading", "Økonomi", 2),
    ]
    paragraphs = [b.text for b in document.blocks if b.kind == "paragraph"]
    assert paragraphs[1:4] == ["Post – Beløp (kr)", "Møteplass – 1 200 000", "Skolevei – 850 000"]


def test_odt_headings_lists_tables_and_metadata_without_notes_or_deleted_text(tmp_path):
    document = extract_file(fixtures.hearing_odt(tmp_path / "horing.odt"), tmp_path)
    assert (document.doc_type, document.title, document.author) == ("odt", "Høringssvar om boligsosial handlingsplan", "Per Olsen")
    assert (document.date, document.language) == ("2021-06-11", "nb")
    assert [(b.kind, b.text) for b in document.blocks] == [
        ("heading", "Høringssvar om boligsosial handlingsplan"),
        ("heading", "Innledning"),
        ("paragraph", "Arendal kommune støtter planen. Vi ber om at bostabilitet for barnefamilier får egen omtale."),
        ("heading", "Tiltak"),
        ("bullet", "Flere utleieboliger i sentrum"),
        ("bullet", "Oppfølging i bolig"),
        ("bullet", "Bostøtte og startlån"),
        ("paragraph", "Tiltak – Ansvar"),
        ("paragraph", "Utleieboliger – Eiendom"),
    ]


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """Good and bad office files in one folder, indexed once through the command line."""
    base = tmp_path_factory.mktemp("office")
    corpus = base / "corpus"
    corpus.mkdir()
    fixtures.planning_docx(corpus / "saksframlegg.docx")
    fixtures.hearing_odt(corpus / "høringssvar.odt")
    fixtures.letter_docx(corpus / "brev.docx")
    fixtures.encrypted_docx(corpus / "passord.docx")
    fixtures.truncated_docx(corpus / "avkuttet.docx")
    fixtures.zip_bomb_docx(corpus / "bombe.docx")
    fixtures.html_named_docx(corpus / "nettside.docx")
    (corpus / "~$brev.docx").write_bytes(b"\x0bOla Hansen" + bytes(150))  # Word's lock file
    result, report = index(corpus, base / "index", "--ocr", "never")
    return result, report, base / "index"


def test_bad_office_files_are_reported_by_name_and_reason_and_the_rest_indexed(office):
    result, report, index_dir = office
    assert result.exit_code == 3
    reasons = {failure["source"]: failure["reason"] for failure in report["failures"]}
    assert reasons == {
        "passord.docx": "passordbeskyttet Word-fil",
        "avkuttet.docx": "skadet Word-fil: filen er avkortet eller ikke en gyldig zip-pakke",
        "bombe.docx": "Word-fil der word/document.xml pakker ut til 300 MB (1029 ganger større); trolig en zip-bombe",
        "nettside.docx": "ikke en Word-fil: innholdet er en nettside (HTML); gi filen endelsen .html",
    }
    assert report["documents"] == 3


def test_word_and_opendocument_passages_are_found_with_their_type(office):
    _, _, index_dir = office
    with sokbase.open_index(index_dir) as opened:
        word = opened.search("tilskudd områdeløft", doc_type="docx").hits[0]
        odt = opened.search("bostabilitet barnefamilier").hits[0]
    assert (word.source, word.heading, word.doc_type) == ("saksframlegg.docx", "Bakgrunn", "docx")
    assert [m.name for m in word.municipalities] == ["Kristiansand"]
    assert (odt.source, odt.doc_type, [m.name for m in odt.municipalities]) == ("høringssvar.odt", "odt", ["Arendal"])


def test_a_letter_is_about_its_subject_not_its_sender(office):
    """The letterhead and signature name Porsgrunn kommune; the letter is about Klosterøya in Skien."""
    _, _, index_dir = office
    with sokbase.open_index(index_dir) as opened:
        hits = opened.search("Klosterøya").hits
        by_sender = opened.search("Klosterøya", kommune="Porsgrunn").hits
    assert hits and all(hit.source == "brev.docx" for hit in hits)
    assert all(SKIEN in hit.municipalities and PORSGRUNN not in hit.municipalities for hit in hits)
    assert by_sender == []


# --- OCR ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    require_tesseract()
    base = tmp_path_factory.mktemp("scans")
    corpus = base / "corpus"
    corpus.mkdir()
    fixtures.scanned_pdf(corpus / "vedtak-2009.pdf")
    fixtures.typed_then_scanned_pdf(corpus / "saksframlegg-med-vedlegg.pdf")
    result, report = index(corpus, base / "index")
    return result, report, corpus, base / "index"


def test_a_scanned_page_is_read_by_ocr_and_its_words_are_found(scans):
    result, report, _, index_dir = scans
    assert result.exit_code == 0, result.output
    hits = json.loads(search(index_dir, "sykkelbru brukstillatelse", "--json").output)["hits"]
    assert {hit["source"] for hit in hits} == {"vedtak-2009.pdf", "saksframlegg-med-vedlegg.pdf"}
    assert all(hit["ocr"] is True for hit in hits)
    assert "Tordenskjolds gate" in hits[0]["text"]


def test_typed_pages_are_read_as_text_and_the_scanned_appendix_by_ocr(scans):
    _, _, _, index_dir = scans
    typed = json.loads(search(index_dir, "rådmannens vurdering merknadene", "--json").output)["hits"][0]
    scanned = json.loads(search(index_dir, "brukstillatelse", "--json", "--type", "pdf").output)["hits"]
    appendix = next(hit for hit in scanned if hit["source"] == "saksframlegg-med-vedlegg.pdf")
    assert (typed["ocr"], typed["page"]) == (False, 2)
    assert (appendix["ocr"], appendix["page"]) == (True, 3)


def test_the_report_lists_ocr_files_and_pages(scans):
    _, report, _, _ = scans
    assert sorted((entry["source"], entry["pages"]) for entry in report["ocr"]) == [
        ("saksframlegg-med-vedlegg.pdf", [3]), ("vedtak-2009.pdf", [1])
    ]


def test_ocr_hits_are_marked_in_the_text_output_and_on_the_web_page(scans):
    _, _, corpus, index_dir = scans
    assert "(tekst fra OCR)" in search(index_dir, "brukstillatelse").output
    client = create_app({"SOKBASE_INDEX": str(index_dir), "SOKBASE_CORPUS": str(corpus), "TESTING": True}).test_client()
    for query in ["brukstillatelse", "rådmannens vurdering"]:
        page = client.get("/", query_string={"q": query}).get_data(as_text=True)
        hits = client.get("/api/search", query_string={"q": query}).get_json()["hits"]
        assert page.count("fra OCR (skannet side, kan ha feillesninger)") == sum(hit["ocr"] for hit in hits)
    assert client.get("/api/search?q=brukstillatelse").get_json()["hits"][0]["ocr"] is True
    assert client.get("/api/search?q=rådmannens+vurdering").get_json()["hits"][0]["ocr"] is False


def test_a_file_is_never_ocrd_twice(scans, tmp_path):
    _, _, corpus, index_dir = scans
    again = shutil.copytree(index_dir, tmp_path / "index")
    result, report = index(corpus, again, "--full")
    assert result.exit_code == 0
    assert sorted((entry["source"], entry["cached"]) for entry in report["ocr"]) == [
        ("saksframlegg-med-vedlegg.pdf", [3]), ("vedtak-2009.pdf", [1])
    ]


def test_ocr_that_takes_too_long_or_a_tesseract_that_fails_is_reported_and_the_rest_indexed(tmp_path, monkeypatch):
    require_tesseract()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    fixtures.typed_then_scanned_pdf(corpus / "treg.pdf")
    fixtures.scanned_pdf(corpus / "skannet.pdf")
    report = sokbase.build_index(corpus, tmp_path / "index", ocr_page_timeout=0.001)
    assert report.exit_code == 3
    assert {(f.source, f.reason) for f in report.failures} == {
        ("skannet.pdf", "OCR av side 1 tok mer enn 0.001 s"),
        ("treg.pdf", "OCR av side 3 tok mer enn 0.001 s (resten av dokumentet er indeksert)"),
    }
    with sokbase.open_index(tmp_path / "index") as opened:
        assert opened.search("rådmannens vurdering").hits[0].source == "treg.pdf"
    # A Tesseract that cannot load its model (here a truncated one) fails every page it is given.
    broken = tmp_path / "tessdata"
    broken.mkdir()
    model = tessdata_model()
    (broken / model.name).write_bytes(model.read_bytes()[:100_000])
    monkeypatch.setenv("TESSDATA_PREFIX", str(broken))
    report = sokbase.build_index(corpus, tmp_path / "index2")
    reasons = {f.source: f.reason for f in report.failures}
    assert reasons["skannet.pdf"].startswith("Tesseract stoppet med feil på side 1 (kode 1")


def test_without_tesseract_scans_wait_and_the_report_says_how_to_install_it(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    fixtures.scanned_pdf(corpus / "skannet.pdf")
    fixtures.planning_docx(corpus / "sak.docx")
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))  # a machine where Tesseract is not installed
    ocr._missing_tools.cache_clear()
    try:
        report = sokbase.build_index(corpus, tmp_path / "index")
    finally:
        ocr._missing_tools.cache_clear()
    assert [(f.source, f.reason, f.needs_ocr, f.retry) for f in report.failures] == [
        ("skannet.pdf", "ingen tekst — skannet dokument?", True, True)
    ]
    assert report.notices == [
        "1 PDF-er har skannede sider som ikke ble lest fordi tesseract er ikke installert. Installer OCR med "
        "`sudo apt-get install tesseract-ocr tesseract-ocr-nor poppler-utils` og indekser på nytt med --full."
    ]


def test_ocr_never_leaves_scans_unread(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    fixtures.typed_then_scanned_pdf(corpus / "blandet.pdf")
    report = sokbase.build_index(corpus, tmp_path / "index", ocr="never")
    assert report.exit_code == 0
    assert [(entry.source, entry.pages, entry.skipped) for entry in report.ocr] == [("blandet.pdf", [], [3])]
    with sokbase.open_index(tmp_path / "index") as opened:
        assert opened.search("brukstillatelse").hits == []
        assert opened.search("rådmannens vurdering").hits[0].ocr is False
