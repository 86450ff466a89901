"""Write the hostile-input fixture set: broken and strange files sokbase must survive.

    .venv/bin/python scripts/make_hostile_fixtures.py                 # small files → tests/fixtures/hostile/
    .venv/bin/python scripts/make_hostile_fixtures.py --large DIR     # also the large and odd-named ones → DIR

The small files are committed. The large ones (a 50 MB web page, a PDF of thousands of empty pages),
and those git cannot hold well (names with newlines, symlinks), are written by the tests into a
temporary folder with `write_generated()`.
"""
from __future__ import annotations

import argparse
import io
import os
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/fixtures/hostile"
GOOD_PDF = ROOT / "corpus/husbanken/erfaringskonferansen-omradesatsinger-2024-program.pdf"
PARAGRAPH = (
    "Områdesatsingen i Loddefjord og Olsvik har et særlig fokus på skole og utdanning. Vi vet at frafall fra "
    "utdanning er en av de største risikofaktorene for å havne i utenforskap."
)


def _reportlab_pdf(draw, **canvas_options) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1, **canvas_options)
    draw(pdf)
    pdf.save()
    return buffer.getvalue()


def _scanned(pdf) -> None:
    """A page that is only a picture: grey bars where a scanner would have put text."""
    for row in range(30):
        pdf.setFillGray(0.2 + (row % 3) * 0.1)
        pdf.rect(60, 780 - row * 22, 470 - (row * 37) % 120, 12, stroke=0, fill=1)
    pdf.showPage()


def _one_word_per_line(pdf) -> None:
    """Text as Google Docs sometimes exports it: every word on a line of its own."""
    y = 800
    for word in PARAGRAPH.split():
        if y < 60:
            pdf.showPage()
            y = 800
        pdf.drawString(72, y, word)
        y -= 14
    pdf.showPage()


def _text_page(pdf) -> None:
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 780, "Frafall i skolen – notat fra Bergen kommune")
    pdf.drawString(72, 760, PARAGRAPH[:90])
    pdf.drawString(72, 746, PARAGRAPH[90:])
    pdf.showPage()


def _encrypted(algorithm: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_reportlab_pdf(_text_page))))
    writer.encrypt(user_password="hemmelig", owner_password="eier", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _broken_xref(good: bytes) -> bytes:
    """The same PDF with its cross-reference offsets pointing to the wrong places."""
    start = good.rindex(b"startxref")
    head, tail = good[:start], good[start:]
    return head.replace(b"0000000", b"0000009") + tail.replace(b"startxref\n", b"startxref\n9")


def small_fixtures() -> dict[str, bytes]:
    good = GOOD_PDF.read_bytes()
    noise = random.Random(5).randbytes(20_000)
    cp1252_html = (
        '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Bostøtte – veiledning</title></head>'
        "<body><main><h1>Bostøtte – veiledning</h1><p>Søknad om bostøtte for barnefamilier i Trondheim "
        "behandles fortløpende. Husbanken gir råd om økonomi og bolig.</p></main></body></html>"
    ).encode("cp1252")
    return {
        "avkuttet.pdf": good[: len(good) // 3],
        "odelagt-xref.pdf": _broken_xref(good),
        "passord-rc4.pdf": _reportlab_pdf(_text_page, encrypt="hemmelig"),
        "passord-aes.pdf": _encrypted("AES-256"),
        "skannet.pdf": _reportlab_pdf(_scanned),
        "ett-ord-per-linje.pdf": _reportlab_pdf(_one_word_per_line),
        "tom.pdf": b"",
        "tom.html": b"",
        "tom.txt": b"",
        "feil-tegnsett.html": cp1252_html,
        "uten-body.html": (
            '<html lang="nb"><head><title>Kunngjøring</title></head>'
            "<p>Frivilligsentralen på Romsås holder åpent hus for alle i bydelen.</p></html>"
        ).encode(),
        "dypt-nostet.html": (
            "<html><body>" + "<div>" * 10_000 + "<p>Møteplass for ungdom på Holmlia.</p>" + "</div>" * 10_000
            + "</body></html>"
        ).encode(),
        "binaer-stoy.html": noise,
        "latin1.txt": "Bostøtte og bomiljø\n\nKommunene på Østlandet vurderer tiltak for økt bostabilitet.\n".encode(
            "latin-1"
        ),
        "navn med mellomrom og æøå.txt": "Områdeløft på Tøyen\n\nNabolaget på Tøyen har fått nye møteplasser.\n".encode(),
        "-ledende-strek.txt": "Ledende strek\n\nEt notat om boligsosialt arbeid i Drammen.\n".encode(),
    }


def write_small(folder: Path = FIXTURES) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in small_fixtures().items():
        (folder / name).write_bytes(data)


def _empty_pages(count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def write_generated(folder: Path, outside: Path) -> None:
    """The fixtures that are too large for git, or that git cannot hold: written at test time.
    `outside` is a folder beside the corpus that a symlink points into (it must not be followed)."""
    folder.mkdir(parents=True, exist_ok=True)
    paragraph = f"<p>{PARAGRAPH}</p>\n".encode()
    with open(folder / "stor-side.html", "wb") as page:
        page.write(b'<!DOCTYPE html><html lang="nb"><head><title>Stor side</title></head><body><main>')
        for _ in range(50 * 2**20 // len(paragraph) + 1):
            page.write(paragraph)
        page.write(b"</main></body></html>")
    (folder / "tusen-tomme-sider.pdf").write_bytes(_empty_pages(3000))
    (folder / "linje\nskift.txt").write_text("Linjeskift i navnet\n\nNotat om levekår på Furuset.\n", encoding="utf-8")
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "hemmelig.txt").write_text("Hemmelig\n\nDette skal aldri indekseres.\n", encoding="utf-8")
    os.symlink(outside / "hemmelig.txt", folder / "lenke-ut.txt")
    os.symlink(outside, folder / "mappe-ut")
    loop = folder / "lokke"
    loop.mkdir()
    os.symlink("..", loop / "tilbake")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", type=Path, help="also write the generated fixtures into this folder")
    args = parser.parse_args()
    write_small()
    if args.large:
        write_generated(args.large, args.large.parent / f"{args.large.name}-utenfor")


if __name__ == "__main__":
    main()
