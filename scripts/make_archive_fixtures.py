"""Files as municipal archives hold them, made the way they are made in the wild.

- a planning description printed to PDF by headless Chromium (the Skia/PDF text layout of
  Chromium and Google Docs), with words positioned one by one as Google Docs draws them;
- a PDF placing one word per text object (reportlab), which pypdf reads as one word per line;
- a scanned page: text rendered to an image with Pillow, a little rotated and noisy, wrapped in
  a PDF with no text layer, and the same page after two typed pages;
- Word files written by python-docx (heading styles, a list, a table, document properties),
  OpenDocument text written as a zip of XML as LibreOffice writes it;
- broken ones: a password-protected .docx (msoffcrypto-tool, ECMA-376 agile encryption as Word
  uses), a truncated .docx, a zip bomb and a web page named .docx.

Used by the tests (tests/test_archives.py) and by scripts/measure_archives.py.
"""
from __future__ import annotations

import html
import io
import random
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
]

PLAN_TITLE = "Planbeskrivelse for detaljregulering av Søgne sentrum"
PLAN_SECTIONS = [
    ("1. Bakgrunn for planarbeidet", [
        "Hensikten med planarbeidet er å legge til rette for en tettere og mer variert boligbebyggelse i Søgne "
        "sentrum, med gode uteoppholdsarealer, trygge skoleveier og en tydelig sammenheng mellom torget, "
        "biblioteket og kollektivknutepunktet.",
        "Planforslaget er utarbeidet av Feste Grenland AS, Pb. 120, 3901 Porsgrunn, på vegne av grunneierne.",
    ]),
    ("2. Planstatus og rammebetingelser", [
        "Kommuneplanens arealdel for Kristiansand viser området som sentrumsformål. Regional plan for "
        "bærekraftig arealpolitikk i Agder gjelder, og eksisterende grøntdrag langs elva skal bevares.",
    ]),
    ("3. Medvirkning", [
        "Oppstart av planarbeidet ble varslet i Fædrelandsvennen og på kommunens nettsider. Det kom inn elleve "
        "merknader, de fleste om trafikksikkerhet langs skoleveien og om høyden på den nye bebyggelsen.",
    ]),
]
SCANNED_LINES = [
    "Vedtak i bystyret 12. mars 2009",
    "",
    "Bystyret vedtar reguleringsplan for Lundsiden",
    "med de endringer som fremgår av saksframlegget.",
    "Rekkefølgekravene om fortau langs Tordenskjolds",
    "gate og ny gang- og sykkelbru skal gjennomføres",
    "før det gis brukstillatelse for nye boliger.",
]


# --- PDFs -------------------------------------------------------------------------------------


def plan_html(positioned_words: bool = False) -> str:
    """The planning description as a web page; with `positioned_words` every word of the body is
    a positioned element of its own, as Google Docs lays out text, so Skia draws it separately."""
    def paragraph(text: str) -> str:
        if not positioned_words:
            return f"<p>{html.escape(text)}</p>"
        words = (f'<span style="position:relative;top:0.01px">{html.escape(word)}</span>' for word in text.split())
        return "<p>" + " ".join(words) + "</p>"

    body = [f"<h1>{html.escape(PLAN_TITLE)}</h1>"]
    for heading, paragraphs in PLAN_SECTIONS:
        body.append(f"<h2>{html.escape(heading)}</h2>")
        body.extend(paragraph(text) for text in paragraphs)
    return (
        '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
        f"<title>{html.escape(PLAN_TITLE)}</title><style>body{{font-family:sans-serif;font-size:11pt;margin:2cm}}"
        "h1{font-size:20pt}h2{font-size:14pt}</style></head><body>" + "".join(body) + "</body></html>"
    )


def chromium_pdf(page_html: str, target: Path, chromium: Path = CHROMIUM) -> Path:
    """Print a web page to PDF with headless Chromium, as "Skriv ut → Lagre som PDF" does."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "side.html")
        source.write_text(page_html, encoding="utf-8")
        subprocess.run(
            [str(chromium), *CHROMIUM_ARGS, f"--user-data-dir={folder}/profil", f"--print-to-pdf={target}",
             source.as_uri()],
            check=True, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
        )
    return target


def word_per_object_pdf(target: Path) -> Path:
    """The planning description with every word in a text object of its own (BT … ET)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(target), pagesize=A4)
    pdf.setTitle(PLAN_TITLE)
    y = 780.0

    def words(text: str, font: str, size: float, gap_after: float) -> None:
        nonlocal y
        x = 72.0
        for word in text.split():
            width = stringWidth(word, font, size)
            if x + width > 520:
                x, y = 72.0, y - size * 1.3
            text_object = pdf.beginText()
            text_object.setFont(font, size)
            text_object.setTextOrigin(x, y)
            text_object.textOut(word)
            pdf.drawText(text_object)
            x += width + stringWidth(" ", font, size)
        y -= size * 1.3 + gap_after

    words(PLAN_TITLE, "Helvetica-Bold", 18, 8)
    for heading, paragraphs in PLAN_SECTIONS:
        words(heading, "Helvetica-Bold", 13, 2)
        for text in paragraphs:
            words(text, "Helvetica", 11, 8)
    pdf.showPage()
    pdf.save()
    return target


def scanned_page_image(lines: list[str] = SCANNED_LINES, seed: int = 7):
    """An A4 page at 200 dpi as a scanner delivers it: grey paper, slightly rotated, specks."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font_file = Path(__import__("reportlab").__file__).parent / "fonts" / "Vera.ttf"
    font = ImageFont.truetype(str(font_file), 30)
    bold = ImageFont.truetype(str(font_file.with_name("VeraBd.ttf")), 36)
    page = Image.new("L", (1654, 2339), 236)
    draw = ImageDraw.Draw(page)
    y = 220
    for number, line in enumerate(lines):
        draw.text((170, y), line, fill=25, font=bold if number == 0 else font)
        y += 62 if line else 40
    rng = random.Random(seed)
    for _ in range(1500):
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        draw.point((x, y), fill=rng.randrange(90, 200))
    return page.rotate(0.6, resample=Image.BICUBIC, fillcolor=236).filter(ImageFilter.GaussianBlur(0.6))


def scanned_pdf(target: Path, lines: list[str] = SCANNED_LINES) -> Path:
    """A PDF of one scanned page and no text layer, as a scanner or a fax server writes it."""
    scanned_page_image(lines).save(target, "PDF", resolution=200.0)
    return target


def typed_then_scanned_pdf(target: Path) -> Path:
    """Two typed pages followed by a scanned appendix, as a case file is put together."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    typed = io.BytesIO()
    pdf = canvas.Canvas(typed, pagesize=A4)
    for number, text in enumerate(["Saksframlegg om reguleringsplan for Lundsiden",
                                   "Rådmannens vurdering av merknadene til planforslaget"], start=1):
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(72, 780, text)
        pdf.setFont("Helvetica", 11)
        pdf.drawString(72, 750, ["Planforslaget anbefales vedtatt med endringene i vedlegget.",
                                 "Merknadene om trafikksikkerhet er tatt til følge i rekkefølgekravene."][number - 1])
        pdf.showPage()
    pdf.save()
    scanned = io.BytesIO()
    scanned_page_image().save(scanned, "PDF", resolution=200.0)
    writer = PdfWriter()
    for part in (typed, scanned):
        for page in PdfReader(part).pages:
            writer.add_page(page)
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


# --- Word and OpenDocument ------------------------------------------------------------------------


LETTER_BODY = (
    "Skien kommune har mottatt varsel om oppstart av områderegulering for Klosterøya. Planområdet ligger "
    "i Skien sentrum, og planen skal legge til rette for boliger, skole og næring langs elva."
)


def planning_docx(target: Path) -> Path:
    """A saksframlegg as Word writes it: properties, heading styles, a bulleted list, a table."""
    import docx
    from datetime import datetime

    word = docx.Document()
    properties = word.core_properties
    properties.title = "Saksframlegg: områdeløft på Lundsiden"
    properties.author = "Kari Nordmann"
    properties.created = datetime(2023, 2, 1, 9, 30)
    properties.modified = datetime(2023, 3, 14, 15, 5)
    word.add_paragraph("Innhold", style="TOC Heading")
    word.add_heading("Saksframlegg: områdeløft på Lundsiden", level=0)
    word.add_heading("Bakgrunn", level=1)
    word.add_paragraph(
        "Kristiansand kommune søker Husbanken om tilskudd til områdeløft på Lundsiden. Området har høy "
        "andel kommunale boliger og barnefamilier som flytter ofte."
    )
    word.add_heading("Tiltak", level=2)
    for item in ["Møteplass i det gamle bibliotekbygget", "Trygg skolevei langs Tordenskjolds gate"]:
        word.add_paragraph(item, style="List Bullet")
    word.add_heading("Økonomi", level=2)
    table = word.add_table(rows=3, cols=2)
    for row, (post, amount) in enumerate([("Post", "Beløp (kr)"), ("Møteplass", "1 200 000"),
                                          ("Skolevei", "850 000")]):
        table.cell(row, 0).text = post
        table.cell(row, 1).text = amount
    word.add_paragraph("Rådmannen anbefaler at søknaden sendes innen fristen 1. april.")
    word.save(target)
    return target


def letter_docx(target: Path) -> Path:
    """A letter from Porsgrunn kommune about Skien: letterhead, recipient, body, signature."""
    import docx

    word = docx.Document()
    for line in ["Porsgrunn kommune", "Postboks 128, 3901 Porsgrunn", "Besøksadresse: Rådhusgata 7, Porsgrunn",
                 "E-post: postmottak@porsgrunn.kommune.no", "", "Skien kommune", "Postboks 158", "3701 Skien"]:
        word.add_paragraph(line)
    word.add_heading("Uttalelse til områderegulering for Klosterøya", level=1)
    word.add_paragraph(LETTER_BODY)
    for line in ["Med vennlig hilsen", "Ola Hansen", "rådgiver, Porsgrunn kommune"]:
        word.add_paragraph(line)
    word.save(target)
    return target


def encrypted_docx(target: Path, password: str = "hemmelig") -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO()
    planning_docx(target)
    plain.write(target.read_bytes())
    plain.seek(0)
    with open(target, "wb") as handle:
        OOXMLFile(plain).encrypt(password, handle)
    return target


def truncated_docx(target: Path) -> Path:
    planning_docx(target)
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def zip_bomb_docx(target: Path, unpacked_mb: int = 300) -> Path:
    """A .docx whose document.xml unpacks a thousandfold: what a bomb in a mail attachment does."""
    chunk = b" " * 2**20
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(unpacked_mb):
                part.write(chunk)
    return target


def html_named_docx(target: Path) -> Path:
    target.write_text(
        '<!DOCTYPE html><html lang="nb"><head><title>Referat</title></head><body>'
        "<p>Referat fra møte om områdeløft i Drammen.</p></body></html>",
        encoding="utf-8",
    )
    return target


ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3">
 <office:automatic-styles>
  <style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>
 </office:automatic-styles>
 <office:body><office:text>
  <text:sequence-decls/>
  <text:p text:style-name="P1">Høringssvar om boligsosial handlingsplan</text:p>
  <text:table-of-content><text:index-body><text:p>Innledning 1</text:p></text:index-body></text:table-of-content>
  <text:h text:outline-level="1">Innledning</text:h>
  <text:p>Arendal kommune<text:s/>støtter planen.<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Fotnote som ikke hører til teksten.</text:p></text:note-body></text:note> Vi ber om at <text:span>bostabilitet for barnefamilier</text:span> får<text:s text:c="3"/>egen omtale.</text:p>
  <text:tracked-changes><text:changed-region><text:deletion><text:p>Slettet tekst om Grimstad.</text:p></text:deletion></text:changed-region></text:tracked-changes>
  <text:h text:outline-level="2">Tiltak</text:h>
  <text:list><text:list-item><text:p>Flere utleieboliger i sentrum</text:p></text:list-item>
   <text:list-item><text:p>Oppfølging i bolig</text:p><text:list><text:list-item><text:p>Bostøtte og startlån</text:p></text:list-item></text:list></text:list-item></text:list>
  <table:table table:name="Tabell1"><table:table-column table:number-columns-repeated="2"/>
   <table:table-header-rows><table:table-row><table:table-cell><text:p>Tiltak</text:p></table:table-cell><table:table-cell><text:p>Ansvar</text:p></table:table-cell></table:table-row></table:table-header-rows>
   <table:table-row><table:table-cell><text:p>Utleieboliger</text:p></table:table-cell><table:table-cell><text:p>Eiendom</text:p></table:table-cell></table:table-row>
  </table:table>
 </office:text></office:body>
</office:document-content>
"""
ODT_META = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">
 <office:meta><meta:initial-creator>Per Olsen</meta:initial-creator><dc:creator>Per Olsen</dc:creator>
  <meta:creation-date>2021-05-03T10:12:00</meta:creation-date><dc:date>2021-06-11T08:00:00</dc:date>
  <dc:language>nb-NO</dc:language></office:meta>
</office:document-meta>
"""
ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def hearing_odt(target: Path, content: str = ODT_CONTENT) -> Path:
    """An .odt as LibreOffice writes it: `mimetype` first and stored, then the XML parts."""
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        for name, text in [("content.xml", content), ("meta.xml", ODT_META), ("META-INF/manifest.xml", ODT_MANIFEST)]:
            archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
    return target


def chromium_available() -> bool:
    return CHROMIUM.exists() or shutil.which("chromium") is not None
