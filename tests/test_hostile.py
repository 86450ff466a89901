"""Broken and strange files: indexing finishes, each file is indexed right or reported with a
reason a caseworker understands, nothing outside the corpus is read, and the index stays usable."""
import json
import shutil
import sys

import pytest
from click.testing import CliRunner

import sokbase
from sokbase.cli import cli

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import make_hostile_fixtures  # noqa: E402

FIXTURES = ROOT / "tests/fixtures/hostile"

# file → the reason it is reported with; files not listed here must be indexed
EXPECTED_FAILURES = {
    "avkuttet.pdf": "skadet PDF",
    "passord-rc4.pdf": "passordbeskyttet PDF",
    "passord-aes.pdf": "passordbeskyttet PDF",
    "skannet.pdf": "ingen tekst — skannet dokument?",
    "tom.pdf": "tom fil (0 byte)",
    "tom.html": "tom fil (0 byte)",
    "tom.txt": "tom fil (0 byte)",
    "binaer-stoy.html": "binært innhold",
    "gen/stor-side.html": "filen er for stor",
    "gen/tusen-tomme-sider.pdf": "for mange sider",
}
# file → words a search must find in it, proving its text came out right
EXPECTED_TEXT = {
    "odelagt-xref.pdf": "Frivilligbørs",
    "ett-ord-per-linje.pdf": '"største risikofaktorene"',
    "feil-tegnsett.html": "bostøtte barnefamilier Trondheim",
    "uten-body.html": "Frivilligsentralen Romsås",
    "dypt-nostet.html": "Holmlia ungdom",
    "latin1.txt": "bostabilitet Østlandet",
    "navn med mellomrom og æøå.txt": "Tøyen møteplasser",
    "-ledende-strek.txt": "boligsosialt Drammen",
    "gen/linje\nskift.txt": "levekår Furuset",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    corpus = base / "corpus"
    shutil.copytree(FIXTURES, corpus)
    make_hostile_fixtures.write_generated(corpus / "gen", base / "utenfor")
    index_dir = base / "index"
    result = CliRunner().invoke(cli, ["index", str(corpus), "--index", str(index_dir), "--report", str(base / "r.json")])
    report = json.loads((base / "r.json").read_text(encoding="utf-8"))
    return result, report, index_dir


def test_every_bad_file_is_reported_by_name_with_a_reason(hostile):
    result, report, _ = hostile
    assert result.exit_code == 3, result.output
    reasons = {failure["source"]: failure["reason"] for failure in report["failures"]}
    assert sorted(reasons) == sorted(EXPECTED_FAILURES)
    for source, expected in EXPECTED_FAILURES.items():
        assert expected in reasons[source], (source, reasons[source])
        assert source.split("/")[-1] in result.output


@pytest.mark.parametrize("source", sorted(EXPECTED_TEXT))
def test_strange_but_readable_files_are_indexed_right(hostile, source):
    _, _, index_dir = hostile
    with sokbase.open_index(index_dir) as index:
        hits = index.search(EXPECTED_TEXT[source]).hits
    assert source in [hit.source for hit in hits], (source, [hit.source for hit in hits])


def test_mojibake_does_not_reach_the_index(hostile):
    _, _, index_dir = hostile
    with sokbase.open_index(index_dir) as index:
        hit = index.search("bostøtte barnefamilier Trondheim").hits[0]
    assert "Søknad om bostøtte" in hit.text and "Ã" not in hit.text


def test_symlinks_out_of_the_corpus_are_not_followed(hostile):
    _, report, index_dir = hostile
    with sokbase.open_index(index_dir) as index:
        assert index.search("Hemmelig").hits == []
    assert not any("lenke-ut" in f["source"] or "mappe-ut" in f["source"] for f in report["failures"])


def test_scanned_pdfs_are_listed_as_needing_ocr(hostile):
    _, _, index_dir = hostile
    result = CliRunner().invoke(cli, ["stats", "--index", str(index_dir)])
    assert "Trenger OCR (1):" in result.output
    assert "skannet.pdf" in result.output.split("Trenger OCR")[1]
    data = json.loads(CliRunner().invoke(cli, ["stats", "--index", str(index_dir), "--json"]).output)
    assert data["needs_ocr"] == ["skannet.pdf"]


def test_a_file_that_stalls_a_worker_is_cut_off_and_reported(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "latin1.txt", corpus / "god.txt")
    # 1999 empty pages take pypdf about 0.3 s to walk: fifteen times the limit set here
    (corpus / "treg.pdf").write_bytes(make_hostile_fixtures._empty_pages(1999))
    report = sokbase.build_index(corpus, tmp_path / "index", timeout=0.02)
    assert report.exit_code == 3
    assert [(f.source, "tok mer enn" in f.reason) for f in report.failures] == [("treg.pdf", True)]
