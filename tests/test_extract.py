import logging
import random
import re
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from sokbase.errors import ExtractionError
from sokbase.extract import extract_file
from sokbase.models import Conference

WIDTH, HEIGHT = A4
LEFT = 57


def write_programme(path):
    """A three-page programme like the ones caseworkers get: running header and footer,
    a title over two lines, bold numbered headings, bullets with hanging indent, hyphenation."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pages = [
        (
            ["Erfaringskonferansen om", "områdesatsinger 2024"],
            "1. Gode boliger og bomiljø",
            [
                ("bullet", "Områdesatsing på Løvstakken, v/ Bergen kommune"),
                ("text", "Løvstakksiden i Bergen har lenge vært et levekårs-"),
                ("text", "utsatt område, men gjennom flere års områdesatsing har nærmiljøet"),
                ("text", "opplevd forbedringer og planer kan skape et bedre bo-"),
                ("text", "og nærmiljø for alle."),
                ("gap", ""),
                ("text", "Oppsummering og spørsmål i plenum."),
            ],
        ),
        (
            [],
            "2. Gode møteplasser",
            [
                ("bullet", "Gode møteplasser som kobler ressurser i lokalmiljøet. Vi får til mer sammen,"),
                ("wrap", "men hvordan gjør vi det i praksis? Eksempler fra Nord-"),
                ("wrap", "Norge og Drammen, v/ Frivilligbørs"),
                ("bullet", "Forskerens perspektiv, v/ Norce"),
                ("gap", ""),
                ("text", "Frivilligbørs legger til rette for samarbeid på tvers av sektorer."),
            ],
        ),
        (
            [],
            "3. Bostabilitet for barnefamilier",
            [("text", "Trondheim kommune deler funn fra forskningsrapporten om Møllenberg.")],
        ),
    ]
    for number, (title, heading, lines) in enumerate(pages, start=1):
        pdf.setFont("Helvetica", 8)
        pdf.drawString(LEFT, HEIGHT - 40, "Husbanken – Erfaringskonferansen 2024")
        pdf.drawCentredString(WIDTH / 2, 36, f"Side {number} av 3")
        y = HEIGHT - 90
        pdf.setFont("Helvetica-Bold", 20)
        for line in title:
            pdf.drawString(LEFT, y, line)
            y -= 25
        y -= 12 if title else 0
        pdf.setFont("Helvetica-Bold", 11)
        pdf.drawString(LEFT, y, heading)
        y -= 22
        pdf.setFont("Helvetica", 10)
        for kind, text in lines:
            if kind == "gap":
                y -= 8
                continue
            if kind == "bullet":
                pdf.drawString(LEFT + 4, y, "•")
                pdf.drawString(LEFT + 16, y, text)
            else:
                pdf.drawString(LEFT + 16 if kind == "wrap" else LEFT, y, text)
            y -= 13.6
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    root = tmp_path_factory.mktemp("pdf")
    write_programme(root / "program.pdf")
    return extract_file(root / "program.pdf", root)


def texts(document, kind=None):
    return [block.text for block in document.blocks if kind is None or block.kind == kind]


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_drops_running_header_and_footer(programme):
    body = " ".join(texts(programme))
    assert "Side" not in body
    assert "Husbanken – Erfaringskonferansen" not in body


def test_pdf_joins_hyphenated_words_but_keeps_bo_og_naermiljo(programme):
    body = " ".join(texts(programme))
    assert "levekårsutsatt område" in body
    assert "et bedre bo- og nærmiljø for alle." in body
    assert "Nord-Norge" in body


def test_pdf_title_spans_two_lines_and_headings_come_from_bold_fonts(programme):
    assert programme.title == "Erfaringskonferansen om områdesatsinger 2024"
    headings = [(block.text, block.level, block.page) for block in programme.blocks if block.kind == "heading"]
    assert headings == [
        ("Erfaringskonferansen om områdesatsinger 2024", 1, 1),
        ("1. Gode boliger og bomiljø", 2, 1),
        ("2. Gode møteplasser", 2, 2),
        ("3. Bostabilitet for barnefamilier", 2, 3),
    ]


def test_pdf_bullets_run_over_their_wrapped_lines_and_paragraphs_split_on_gaps(programme):
    assert texts(programme, "bullet") == [
        "Områdesatsing på Løvstakken, v/ Bergen kommune",
        (
            "Gode møteplasser som kobler ressurser i lokalmiljøet. Vi får til mer sammen, men hvordan gjør vi "
            "det i praksis? Eksempler fra Nord-Norge og Drammen, v/ Frivilligbørs"
        ),
        "Forskerens perspektiv, v/ Norce",
    ]
    paragraphs = texts(programme, "paragraph")
    assert paragraphs[0].startswith("Løvstakksiden i Bergen")
    assert paragraphs[1] == "Oppsummering og spørsmål i plenum."


def test_pdf_blocks_carry_their_page_and_the_document_its_page_count(programme):
    pages = {block.text: block.page for block in programme.blocks}
    assert pages["Oppsummering og spørsmål i plenum."] == 1
    assert pages["Forskerens perspektiv, v/ Norce"] == 2
    assert pages["Trondheim kommune deler funn fra forskningsrapporten om Møllenberg."] == 3
    assert programme.page_count == 3
    assert programme.doc_type == "pdf"
    assert programme.date is None  # creation dates are file dates, not publication dates


def test_pdf_metadata_title_wins_unless_it_is_a_placeholder(tmp_path):
    for name, meta_title, expected in [
        ("med-tittel.pdf", "Boligsosial handlingsplan 2024", "Boligsosial handlingsplan 2024"),
        ("word.pdf", "Microsoft Word - handlingsplan_v3.docx", "Overskrift i dokumentet"),
        ("untitled.pdf", "untitled", "Overskrift i dokumentet"),
    ]:
        pdf = canvas.Canvas(str(tmp_path / name))
        pdf.setTitle(meta_title)
        pdf.setFont("Helvetica-Bold", 18)
        pdf.drawString(72, 750, "Overskrift i dokumentet")
        pdf.setFont("Helvetica", 10)
        pdf.drawString(72, 720, "Brødtekst om boligsosialt arbeid i kommunene.")
        pdf.save()
        assert extract_file(tmp_path / name, tmp_path).title == expected


def test_a_pdf_without_headings_is_titled_by_its_file_name(tmp_path):
    pdf = canvas.Canvas(str(tmp_path / "notat-2024.pdf"))
    pdf.drawString(72, 750, "Bare brødtekst her.")
    pdf.save()
    assert extract_file(tmp_path / "notat-2024.pdf", tmp_path).title == "notat-2024"


# --- files that cannot be read --------------------------------------------------------------------


def reason(path, root):
    with pytest.raises(ExtractionError) as caught:
        extract_file(path, root)
    return str(caught.value)


def test_a_truncated_pdf_is_reported_as_damaged(tmp_path):
    whole = write_programme(tmp_path / "hel.pdf").read_bytes()
    (tmp_path / "avkortet.pdf").write_bytes(whole[: len(whole) // 2])
    assert reason(tmp_path / "avkortet.pdf", tmp_path) == "skadet PDF: filen er avkortet eller ufullstendig"


def test_garbage_named_pdf_is_reported_as_damaged(tmp_path):
    (tmp_path / "tull.pdf").write_bytes(b"%PDF-1.4\n" + random.Random(1).randbytes(3000))
    assert reason(tmp_path / "tull.pdf", tmp_path).startswith("skadet PDF: ")


def test_an_empty_file_says_so(tmp_path):
    for name in ["tom.pdf", "tom.html", "tom.txt"]:
        (tmp_path / name).write_bytes(b"")
        assert reason(tmp_path / name, tmp_path) == "tom fil (0 byte)"


def test_a_password_protected_pdf_says_so(tmp_path):
    pdf = canvas.Canvas(str(tmp_path / "hemmelig.pdf"), encrypt="secret")
    pdf.drawString(72, 750, "Unntatt offentlighet")
    pdf.save()
    assert reason(tmp_path / "hemmelig.pdf", tmp_path) == "passordbeskyttet PDF"


def test_a_pdf_encrypted_with_an_empty_password_is_read(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption

    pdf = canvas.Canvas(str(tmp_path / "kopisperre.pdf"), encrypt=StandardEncryption("", ownerPassword="eier"))
    pdf.drawString(72, 750, "Åpen tekst med kopisperre.")
    pdf.save()
    assert texts(extract_file(tmp_path / "kopisperre.pdf", tmp_path)) == ["Åpen tekst med kopisperre."]


def test_a_pdf_with_only_a_drawing_looks_scanned(tmp_path):
    pdf = canvas.Canvas(str(tmp_path / "skannet.pdf"))
    pdf.rect(100, 100, 300, 400, fill=1)
    pdf.save()
    assert reason(tmp_path / "skannet.pdf", tmp_path) == "ingen tekst — skannet dokument?"


def test_binary_noise_named_html_is_not_a_web_page(tmp_path):
    (tmp_path / "side.html").write_bytes(random.Random(7).randbytes(5000))
    assert reason(tmp_path / "side.html", tmp_path) == "ikke en lesbar HTML-fil (binært innhold)"


def test_binary_noise_named_txt_is_not_text(tmp_path):
    (tmp_path / "notat.txt").write_bytes(b"PK\x03\x04\x00\x00" + random.Random(3).randbytes(500))
    assert reason(tmp_path / "notat.txt", tmp_path) == "ikke en lesbar tekstfil (binært innhold)"


def test_html_without_any_text(tmp_path):
    (tmp_path / "tom-side.html").write_text("<html><head><title>Tittel</title></head></html>", encoding="utf-8")
    (tmp_path / "bare-meny.html").write_text(
        "<html><body><nav><a href='/'>Forsiden</a></nav><script>var x = 1;</script></body></html>", encoding="utf-8"
    )
    assert reason(tmp_path / "tom-side.html", tmp_path) == "ingen tekst funnet"
    assert reason(tmp_path / "bare-meny.html", tmp_path) == "ingen tekst funnet"


def test_an_unsupported_file_type(tmp_path):
    (tmp_path / "rapport.pptx").write_bytes(b"PK\x03\x04")
    assert reason(tmp_path / "rapport.pptx", tmp_path) == "filtypen .pptx støttes ikke"


# --- HTML -------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="nb-NO">
<head>
  <meta charset="utf-8">
  <title>Områdesatsinger - regjeringen.no</title>
  <meta name="description" content="Regjeringens politikk for områdesatsinger.">
  <meta property="og:url" content="https://www.regjeringen.no/og-adresse/">
  <meta property="article:published_time" content="2019-03-05T09:00:00+01:00">
  <link rel="canonical" href="https://www.regjeringen.no/no/tema/omradesatsinger/id2539226/">
  <style>.meny { color: red }</style>
  <script>var sporing = "MENYSKRIPT";</script>
</head>
<body class="cookie-consent-pending">
  <a class="skip-link" href="#main">Hopp til hovedinnhold</a>
  <div id="cookie-banner"><p>Vi bruker informasjonskapsler.</p><button>Godta alle</button></div>
  <header class="site-header"><a href="/">Regjeringen.no</a>
    <form role="search"><input name="q"><button>Søk</button></form></header>
  <nav class="main-nav"><ul><li><a href="/aktuelt">Aktuelt</a></li><li><a href="/tema">Tema</a></li></ul></nav>
  <div class="breadcrumbs"><a href="/">Forsiden</a> › <a href="/tema">Tema</a></div>
  <main class="main has-header">
    <article>
      <header class="article-header"><h1>Områdesatsinger</h1>
        <p>Publisert <time datetime="2018-01-01">1. januar 2018</time></p></header>
      <p class="lead">Regjeringen vil legge til rette for gode lokalsamfunn.</p>
      <h2>Byene jobber godt</h2>
      <p>Oslo, Bergen, Trondheim og <b>Drammen</b> jobber sammen med staten om å bedre levekår.</p>
      <ul><li>Trygge nær- og bomiljøer.</li><li>Medvirkning<ul><li>barn og unge</li></ul></li></ul>
      <figure><img src="x.jpg" alt=""><figcaption>Befaring på Tøyen. Foto: KMD</figcaption></figure>
      <table><tr><th>Kommune</th><th>Område</th></tr><tr><td>Oslo</td><td>Groruddalen</td></tr></table>
      <div class="del-artikkel share-buttons"><a href="#">Del på Facebook</a></div>
      <aside class="related"><h2>Relatert</h2><ul><li><a href="/x">Relatert sak</a></li></ul></aside>
    </article>
  </main>
  <footer class="site-footer"><p>Kommunal- og distriktsdepartementet, Postboks 8112 Dep</p></footer>
  <script>document.write("SLUTTSKRIPT")</script>
</body>
</html>
"""


@pytest.fixture
def page(tmp_path):
    (tmp_path / "side.html").write_text(PAGE, encoding="utf-8")
    return extract_file(tmp_path / "side.html", tmp_path)


def test_html_keeps_only_the_article(page):
    body = " ".join(texts(page))
    for chrome in ["Hopp til", "informasjonskapsler", "Godta", "Søk", "Aktuelt", "Forsiden", "MENYSKRIPT",
                   "SLUTTSKRIPT", "color", "Del på", "Relatert", "Postboks", "Regjeringen.no"]:
        assert chrome not in body


def test_html_blocks_follow_the_markup(page):
    assert [(block.kind, block.level, block.text) for block in page.blocks] == [
        ("heading", 1, "Områdesatsinger"),
        ("paragraph", 0, "Publisert 1. januar 2018"),
        ("paragraph", 0, "Regjeringen vil legge til rette for gode lokalsamfunn."),
        ("heading", 2, "Byene jobber godt"),
        ("paragraph", 0, "Oslo, Bergen, Trondheim og Drammen jobber sammen med staten om å bedre levekår."),
        ("bullet", 0, "Trygge nær- og bomiljøer."),
        ("bullet", 0, "Medvirkning"),
        ("bullet", 0, "barn og unge"),
        ("paragraph", 0, "Befaring på Tøyen. Foto: KMD"),
        ("paragraph", 0, "Kommune – Område"),
        ("paragraph", 0, "Oslo – Groruddalen"),
    ]


def test_html_metadata(page):
    assert page.title == "Områdesatsinger"
    assert page.url == "https://www.regjeringen.no/no/tema/omradesatsinger/id2539226/"
    assert page.date == "2019-03-05"
    assert page.language == "nb"
    assert page.description == "Regjeringens politikk for områdesatsinger."
    assert page.doc_type == "html"
    assert page.page_count is None


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Kunnskapsmøte om planlegging - Husbanken", "Kunnskapsmøte om planlegging"),  # og:site_name
        ("Områdesatsinger - regjeringen.no", "Områdesatsinger"),
        ("Områdeløft | Boligsosialt arbeid", "Områdeløft"),
        ("Bydelsarbeid – Oslo kommune", "Bydelsarbeid"),
        ("Erfaringskonferansen 2024 – verksteder og befaringer", "Erfaringskonferansen 2024 – verksteder og befaringer"),
        ("Områdeløft - Groruddalen", "Områdeløft - Groruddalen"),
    ],
)
def test_html_title_falls_back_to_the_title_tag_without_the_site_name(tmp_path, title, expected):
    head = f'<title>{title}</title><meta property="og:site_name" content="Husbanken">'
    (tmp_path / "side.html").write_text(f"<html><head>{head}</head><body><p>Tekst.</p></body></html>", encoding="utf-8")
    assert extract_file(tmp_path / "side.html", tmp_path).title == expected


def test_html_date_keeps_its_precision(tmp_path):
    (tmp_path / "side.html").write_text(
        '<html><head><meta name="DC.date" content="2011-05"></head><body><p>Tekst.</p></body></html>', encoding="utf-8"
    )
    assert extract_file(tmp_path / "side.html", tmp_path).date == "2011-05"


def test_html_in_latin1_declared_or_not(tmp_path):
    declared = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>Bærum og Tøyen</p>'
    (tmp_path / "deklarert.html").write_bytes(declared.encode("latin-1"))
    (tmp_path / "udeklarert.htm").write_bytes("<p>Åsane – «bydel»</p>".encode("cp1252"))
    assert texts(extract_file(tmp_path / "deklarert.html", tmp_path)) == ["Bærum og Tøyen"]
    assert texts(extract_file(tmp_path / "udeklarert.htm", tmp_path)) == ["Åsane – «bydel»"]


def test_html_nested_ten_thousand_levels_deep(tmp_path):
    deep = "<html><body><main>" + "<div>" * 10_000 + "dypt nede" + "</div>" * 10_000 + "<p>etterpå</p></main></body></html>"
    (tmp_path / "dyp.html").write_text(deep, encoding="utf-8")
    document = extract_file(tmp_path / "dyp.html", tmp_path)
    assert "etterpå" in texts(document)


def test_html_without_main_uses_the_body_minus_chrome(tmp_path):
    (tmp_path / "gammel.html").write_text(
        "<html><body><div id='topp'><nav>Meny</nav></div><h1>Boligsosialt arbeid</h1>"
        "<p>Kommunen har en plan.</p><div class='footer-social'>Følg oss</div></body></html>",
        encoding="utf-8",
    )
    document = extract_file(tmp_path / "gammel.html", tmp_path)
    assert texts(document) == ["Boligsosialt arbeid", "Kommunen har en plan."]


# --- text and Markdown ------------------------------------------------------------------------------


def test_txt_in_cp1252_is_decoded_and_split(tmp_path):
    text = "Områdesatsinger\r\n\r\nBærum og Tøyen har levekårs-\r\nutfordringer.\r\n\r\n- første punkt\r\n  går videre\r\n• andre punkt\r\n"
    (tmp_path / "notat.txt").write_bytes(text.encode("cp1252"))
    document = extract_file(tmp_path / "notat.txt", tmp_path)
    assert document.title == "Områdesatsinger"
    assert document.doc_type == "text"
    assert [(block.kind, block.text) for block in document.blocks] == [
        ("heading", "Områdesatsinger"),
        ("paragraph", "Bærum og Tøyen har levekårsutfordringer."),
        ("bullet", "første punkt går videre"),
        ("bullet", "andre punkt"),
    ]


def test_markdown_headings_bullets_and_links(tmp_path):
    text = "# Områdeløft\n\nTekst om **Groruddalen** og [Husbanken](https://husbanken.no).\n\n## Tiltak\n\n* Møteplasser\n* Boliger\n"
    (tmp_path / "les.md").write_text(text, encoding="utf-8")
    document = extract_file(tmp_path / "les.md", tmp_path)
    assert document.title == "Områdeløft"
    assert [(block.kind, block.level, block.text) for block in document.blocks] == [
        ("heading", 1, "Områdeløft"),
        ("paragraph", 0, "Tekst om Groruddalen og Husbanken."),
        ("heading", 2, "Tiltak"),
        ("bullet", 0, "Møteplasser"),
        ("bullet", 0, "Boliger"),
    ]


def test_markdown_italics_lose_their_asterisks_but_bullets_and_sums_keep_theirs(tmp_path):
    text = "# Notat\n\n*Endra med lov 6 jan 1995 nr. 3\n(ikr. 1 feb 1995).* Se _vedlegg_ og 5*3.\n\n* Punkt\n"
    (tmp_path / "notat.md").write_text(text, encoding="utf-8")
    assert texts(extract_file(tmp_path / "notat.md", tmp_path))[1:] == [
        "Endra med lov 6 jan 1995 nr. 3 (ikr. 1 feb 1995). Se vedlegg og 5*3.", "Punkt"
    ]


# --- Markdown front matter ----------------------------------------------------------------------------

LAWS = Path(__file__).parent / "fixtures" / "lover"
FILM_ACT = "lov-1987-05-15-21.md"  # Lovdata, NLOD 2.0: see fixtures/lover/LICENSE


def markdown(tmp_path, text, name="notat.md"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return extract_file(tmp_path / name, tmp_path)


def test_a_law_takes_its_title_short_title_ministry_and_dates_from_the_front_matter():
    law = extract_file(LAWS / FILM_ACT, LAWS)
    assert law.title == "Lov om film og videogram"
    assert law.short_title == "Film- og videogramlova – filml"
    assert law.publisher == "Kultur- og likestillingsdepartementet"
    assert (law.date, law.modified) == ("1988-01-01", "2022-01-01")
    # Lovdata's short address from `refid` (an ELI path is not known to resolve on lovdata.no)
    assert law.url == "https://lovdata.no/lov/1987-05-15-21"


def test_only_a_lovdata_reference_becomes_a_lovdata_address(tmp_path):
    note = markdown(tmp_path, '---\ntittel: "Notat"\nrefid: "notat/2024-1"\n---\n\nTekst om bostøtte.\n')
    assert note.url is None
    own = markdown(tmp_path, '---\nrefid: "lov/1999-03-26-17"\nurl: "https://example.no/husleie"\n---\n\nTekst.\n', "l.md")
    assert own.url == "https://example.no/husleie"  # a url the file gives wins


def test_a_laws_amendment_notes_in_italics_are_notes_kept_with_their_paragraph():
    from sokbase.passages import split_passages

    law = extract_file(LAWS / FILM_ACT, LAWS)
    notes = [block.text for block in law.blocks if block.kind == "note"]
    # "Endra med lov 6 jan 1995 nr. 3 …", "Oppheva med …", "Føyd til …", and a footnote "1 Frå 1 jan 1988 …"
    assert len(notes) == 18 and all(re.search(r"\b(19|20)\d\d\b", note) for note in notes)
    passages = split_passages(law)
    assert not any(re.match(r"(Endra|Endret) (ved|med) lov", p.text) for p in passages if p.heading == passages[1].heading)
    assert all(any(note in p.text for p in passages) for note in notes)


def test_a_law_shows_no_front_matter_and_keeps_its_heading_levels():
    law = extract_file(LAWS / FILM_ACT, LAWS)
    body = "\n".join(texts(law))
    assert "---" not in body and "tittel" not in body and "departement:" not in body
    assert "*" not in body  # Lovdata's amendment notes are in italics
    headings = [(block.level, block.text) for block in law.blocks if block.kind == "heading"]
    assert headings[:3] == [
        (1, "Lov om film og videogram"),
        (2, "Kapittel I. Innleiande reglar"),
        (4, "§ 1. Verkeområde og definisjonar"),
    ]
    assert len([text for level, text in headings if level == 4 and text.startswith("§ ")]) == 18


@pytest.mark.parametrize(
    "in_force, date",
    [
        ('"2009-07-01, 2010-07-01, 2013-01-01"', "2009-07-01"),
        ('"1993-09-15, 1993-03-12 (§ 30)"', "1993-09-15"),
        ('"Kongen bestemmer, 2020-01-01"', "2020-01-01"),
        ('"Kongen bestemmer"', None),
        ('""', None),
        ("2024-09-27", "2024-09-27"),  # unquoted: YAML reads it as a date
    ],
)
def test_the_in_force_date_is_the_first_date_given(tmp_path, in_force, date):
    document = markdown(tmp_path, f"---\ntittel: Lov om noe\nikrafttredelse: {in_force}\n---\n\n§ 1. Tekst.\n")
    assert document.date == date


def test_front_matter_in_english_with_a_folded_title_authors_and_a_url(tmp_path):
    document = markdown(
        tmp_path,
        "---\ntitle: >\n  Boligsosialt arbeid\n  i Groruddalen\ndate: 2024-05-02\n"
        "author:\n  - Ola Nordmann\n  - Kari Nordmann\nurl: https://example.no/notat\ntags: [bolig]\n---\n"
        "Tekst om bostøtte.\n",
    )
    assert (document.title, document.date, document.publisher, document.url) == (
        "Boligsosialt arbeid i Groruddalen", "2024-05-02", "Ola Nordmann, Kari Nordmann", "https://example.no/notat"
    )
    assert texts(document) == ["Tekst om bostøtte."]


def test_front_matter_is_found_after_a_byte_order_mark_and_with_windows_line_ends(tmp_path):
    text = "\ufeff---\r\ntittel: Husleieloven\r\n---\r\n\r\n# Husleieloven\r\n\r\nLoven gjelder leie.\r\n"
    (tmp_path / "lov.md").write_bytes(text.encode("utf-8"))
    document = extract_file(tmp_path / "lov.md", tmp_path)
    assert (document.title, texts(document)) == ("Husleieloven", ["Husleieloven", "Loven gjelder leie."])


@pytest.mark.parametrize(
    "front_matter",
    [
        'tittel: "uavsluttet\nkorttittel: x',  # not YAML
        "tittel: Lov\nikrafttredelse: 2024-13-45",  # a date that cannot be
        "tittel: " + "[" * 3000 + "]" * 3000,  # nested deeper than the parser's recursion
    ],
)
def test_broken_front_matter_is_dropped_and_the_file_still_read(tmp_path, caplog, front_matter):
    caplog.set_level(logging.DEBUG, logger="sokbase")
    document = markdown(tmp_path, f"---\n{front_matter}\n---\n# Overskrift\n\nTekst.\n")
    assert (document.title, document.short_title, texts(document)) == ("Overskrift", None, ["Overskrift", "Tekst."])
    assert "notat.md: front matter er ikke gyldig YAML" in caplog.text


def test_front_matter_too_long_to_be_metadata_is_dropped_unread(tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="sokbase")
    keys = "".join(f"felt{number}: verdi\n" for number in range(10_000))
    document = markdown(tmp_path, f"---\ntittel: Lov\n{keys}---\n# Overskrift\n\nTekst.\n")
    assert (document.title, texts(document)) == ("Overskrift", ["Overskrift", "Tekst."])
    assert "front matter er for lang" in caplog.text


@pytest.mark.parametrize("front_matter", ["", "- en liste\n- ikke nøkler", "bare en setning"])
def test_empty_or_keyless_front_matter_gives_nothing_and_is_not_text(tmp_path, front_matter):
    document = markdown(tmp_path, f"---\n{front_matter}\n---\n# Overskrift\n\nTekst.\n")
    assert (document.title, document.date, texts(document)) == ("Overskrift", None, ["Overskrift", "Tekst."])


def test_front_matter_in_a_text_file_is_text(tmp_path):
    (tmp_path / "notat.txt").write_text("---\ntittel: Ikke metadata\n---\n\nTekst.\n", encoding="utf-8")
    document = extract_file(tmp_path / "notat.txt", tmp_path)
    assert document.short_title is None
    assert "tittel: Ikke metadata" in texts(document)[0]


def test_a_thematic_break_further_down_is_not_front_matter(tmp_path):
    document = markdown(tmp_path, "# Notat\n\n---\ntittel: Annet\n---\n\nTekst.\n")
    assert document.title == "Notat"


def test_a_markdown_file_of_only_front_matter_has_no_text(tmp_path):
    (tmp_path / "tom.md").write_text("---\ntittel: Lov om ingenting\n---\n\n", encoding="utf-8")
    assert reason(tmp_path / "tom.md", tmp_path) == "ingen tekst funnet"


def test_a_sidecar_overrides_the_front_matter(tmp_path):
    (tmp_path / "lov.meta.toml").write_text(
        'short_title = "Husleieloven – husll"\nmodified = 2026-01-01\npublisher = "KDD"\n', encoding="utf-8"
    )
    document = markdown(
        tmp_path, "---\nkorttittel: Husll\ndepartement: KMD\nsist-endret-ikrafttredelse: 2020-01-01\n---\nTekst.\n",
        name="lov.md",
    )
    assert (document.short_title, document.modified, document.publisher) == (
        "Husleieloven – husll", "2026-01-01", "KDD"
    )


# --- source, hash and sidecar -------------------------------------------------------------------------


def test_source_is_relative_with_forward_slashes_and_hash_is_of_the_bytes(tmp_path):
    import hashlib

    path = tmp_path / "oslo" / "notat.txt"
    path.parent.mkdir()
    path.write_text("Tittel\n\nTekst.", encoding="utf-8")
    document = extract_file(path, tmp_path)
    assert document.source == "oslo/notat.txt"
    assert document.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_sidecar_values_override_the_file(tmp_path):
    (tmp_path / "side.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "side.meta.toml").write_text(
        'title = "Riktig tittel"\nurl = "https://example.no/riktig"\ndate = 2020-06-01\npublisher = "Husbanken"\n'
        'municipalities = ["5001", 301]\n'
        '[conference]\nname = "Erfaringskonferansen om områdesatsinger 2024"\ndate = "2024-09-27"\nvenue = "Hotell 33, Oslo"\n',
        encoding="utf-8",
    )
    document = extract_file(tmp_path / "side.html", tmp_path)
    assert (document.title, document.url, document.date, document.publisher) == (
        "Riktig tittel", "https://example.no/riktig", "2020-06-01", "Husbanken"
    )
    assert document.conference == Conference("Erfaringskonferansen om områdesatsinger 2024", 2024, "2024-09-27", "Hotell 33, Oslo")
    assert document.language == "nb"  # not in the sidecar: kept from the page


def test_sidecar_municipalities_are_kept_as_numbers(tmp_path):
    from sokbase.sidecar import read_sidecar

    (tmp_path / "a.meta.toml").write_text('municipalities = ["5001", 301]\n', encoding="utf-8")
    assert read_sidecar(tmp_path / "a.pdf") == {"municipalities": ["5001", "0301"]}
    assert read_sidecar(tmp_path / "uten.pdf") == {}


def test_an_unknown_sidecar_key_is_a_warning(tmp_path, caplog):
    from sokbase.sidecar import read_sidecar

    (tmp_path / "a.meta.toml").write_text('forfatter = "Ola"\npublisher = "KDD"\n', encoding="utf-8")
    assert read_sidecar(tmp_path / "a.txt") == {"publisher": "KDD"}
    assert "forfatter" in caplog.text


@pytest.mark.parametrize(
    "toml, why",
    [
        ('title = "uavsluttet\n', "feil på linje 1"),
        ("title = 3\n", "title må være en tekst"),
        ('date = "i fjor"\n', "date må være en dato som 2024-09-27, 2024-09 eller 2024"),
        ('[conference]\nvenue = "Oslo"\n', "[conference] mangler name"),
        ('municipalities = "5001"\n', "municipalities må være en liste med kommunenumre"),
    ],
)
def test_a_broken_sidecar_is_an_extraction_error(tmp_path, toml, why):
    (tmp_path / "notat.txt").write_text("Tittel\n\nTekst.", encoding="utf-8")
    (tmp_path / "notat.meta.toml").write_text(toml, encoding="utf-8")
    assert reason(tmp_path / "notat.txt", tmp_path) == f"ugyldig metadatafil notat.meta.toml: {why}"
