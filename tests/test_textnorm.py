import pytest

from sokbase.textnorm import decode, iso_date, join_lines, looks_binary, normalize


def test_normalize_removes_what_a_reader_cannot_see():
    assert normalize("levekårs\u00adutsatte") == "levekårsutsatte"
    assert normalize("bo\u200bligsosialt") == "boligsosialt"
    assert normalize("Hotell\u00a033\u202fØkern") == "Hotell 33 Økern"
    assert normalize("ﬁnansiering og ﬂyt") == "finansiering og flyt"
    assert normalize("  to   mellomrom\t her  ") == "to mellomrom her"


def test_normalize_composes_but_keeps_fractions_and_superscripts():
    assert normalize("a\u030a") == "å"  # a + combining ring above
    assert normalize("½ time, 10 m²") == "½ time, 10 m²"


@pytest.mark.parametrize(
    "lines, joined",
    [
        (["levekårs-", "utsatte områder"], "levekårsutsatte områder"),
        (["et bedre bo-", "og nærmiljø for alle"], "et bedre bo- og nærmiljø for alle"),
        (["by-", "og områdeutvikling"], "by- og områdeutvikling"),
        (["by-", "eller stedsutvikling"], "by- eller stedsutvikling"),
        (["i Nord-", "Norge"], "i Nord-Norge"),
        (["covid-", "19"], "covid-19"),
        (["NAV-", "kontoret"], "NAV-kontoret"),
        (["send e-", "post"], "send e-post"),
        (["lokal\u00ad", "samfunnet"], "lokalsamfunnet"),
        (["2020 -", "2024"], "2020 - 2024"),
        (["https://www.oslo.kommune.no/god-oppvekst-og-", "utdanning/"],
         "https://www.oslo.kommune.no/god-oppvekst-og-utdanning/"),
        (["første linje", "", "  andre linje "], "første linje andre linje"),
    ],
)
def test_join_lines_undoes_hyphenation_like_a_reader(lines, joined):
    assert join_lines(lines) == joined


def test_decode_prefers_utf8_then_the_declared_charset_then_cp1252():
    text = "Bærum, Tøyen og Åsane"
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode(text.encode("cp1252")) == text
    assert decode(text.encode("mac_roman"), declared="mac_roman") == text
    assert decode(text.encode("cp1252"), declared="no-such-charset") == text
    assert decode(text.encode("utf-16")) == text


def test_looks_binary():
    assert looks_binary("\x00\x01PK\x03\x04")
    assert looks_binary(bytes(range(256)).decode("cp1252", errors="replace") * 4)
    assert not looks_binary("Vanlig tekst med æøå\nog linjeskift\r\n")
    assert not looks_binary("")


@pytest.mark.parametrize(
    "value, iso",
    [
        ("2024-09-27T10:00:00+02:00", "2024-09-27"),
        ("2020", "2020"),
        ("2011-05", "2011-05"),
        ("27.09.2024", "2024-09-27"),
        ("2024-13-01", None),
        ("i fjor", None),
    ],
)
def test_iso_date_keeps_the_precision_given(value, iso):
    assert iso_date(value) == iso
