"""PDF → Document with pypdf: page text rebuilt into headings, paragraphs and bullets.

pypdf reports each run of text with its position, font and size. From those we rebuild lines,
drop running headers and footers, split paragraphs on vertical gaps, and tell headings from
body text by font: larger than the body, or bold where the body is not.
"""
from __future__ import annotations

import hashlib
import io
import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import PurePosixPath
from statistics import median

from pypdf import PasswordType, PdfReader

from ..errors import ExtractionError, NoTextError
from ..models import Block, Document, OcrSummary
from ..textnorm import join_lines, normalize
from .ocr import OcrOptions, OcrPages, read_pages

logger = logging.getLogger(__name__)

MAX_PAGES = 2000
MAX_PAGE_CHARS = 1_000_000
PARAGRAPH_GAP = 1.4  # × the normal line spacing
HEADING_SIZE = 1.15  # × the body font size
HEADING_MAX_CHARS = 200
LEVEL_STEP = 1.0  # points between two heading sizes of different levels
# A running header or footer repeats, at the same height, on this share of the pages.
RUNNING_SHARE = 0.4
RUNNING_Y_TOLERANCE = 3.0
MARGIN_LINES = 2  # lines at the top and at the bottom of a page that may be header or footer
SHORT_LINE = 0.7  # × a full line's length: a line this short ended its paragraph or item
SCANNED_MAX_CHARS = 20  # a page with a picture and less text than this is a scan (a stamp, a page number)
COLUMN_SHIFT = 60.0  # points: a line starting this far right of the one above may begin a new column

_BULLET = re.compile(r"(?:[•▪◦●○■□►▸➢✓∙·]\s*|[-–*]\s+)(?=\S)")
_PAGE_NUMBER = re.compile(
    r"(?:(?:side|page|s\.)\s*)?\d{1,4}(?:\s*(?:av|/|of)\s*\d{1,4})?|[-–]\s*\d{1,4}\s*[-–]", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|,b$", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", ":")
# WinAnsi codes with no glyph of their own print as a bullet; Word's Symbol-font bullet is U+F0B7.
_BULLET_CODES = str.maketrans(dict.fromkeys("\x7f\x81\x8d\x8f\x90\x9d\uf0b7", "•"))
_PLACEHOLDER_TITLE = re.compile(
    r"untitled|unknown|title|dokument\d*|document\d*|uten tittel|ingen tittel|presentasjon\d*"
    r"|microsoft (word|powerpoint|excel) - .*",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(r"\.(docx?|pdf|pptx?|xlsx?|indd|odt|rtf|txt)$|[\\/]", re.IGNORECASE)
# Words in pypdf's messages about a file that stops before its end (an interrupted download).
_TRUNCATED = ("eof marker", "startxref", "ended unexpectedly", "trailer")


@dataclass(frozen=True)
class _Run:
    text: str
    x: float
    y: float
    size: float
    bold: bool


@dataclass(frozen=True)
class _Line:
    text: str
    page: int
    x: float
    y: float
    size: float
    bold: bool


@dataclass(frozen=True)
class _Layout:
    """What body text looks like in this document, so that anything else stands out."""

    body_size: float
    body_bold: bool
    spacing: float
    full_chars: int
    levels: dict[float, int]  # heading size → heading level


class _RunCollector:
    """The `visitor_text` for pypdf: keeps each run of text with its position, size and boldness."""

    def __init__(self) -> None:
        self.runs: list[_Run] = []

    def __call__(self, text, cm, tm, font, font_size) -> None:
        if not text:
            return
        matrix = _multiply(tm, cm)
        scale = math.hypot(matrix[2], matrix[3]) or 1.0
        name = str(font.get("/BaseFont", "")) if hasattr(font, "get") else ""
        self.runs.append(_Run(text, matrix[4], matrix[5], abs(font_size * scale), bool(_BOLD_FONT.search(name))))


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """The product of two PDF transformation matrices [a b c d e f]."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def extract_pdf(data: bytes, source: str, ocr: OcrOptions | None = None) -> Document:
    """The PDF's text; pages that are only a picture (scanned) are read by OCR when `ocr` allows."""
    try:
        reader = _open(data)
        pages = _read_pages(reader, source)
        scanned = _scanned_pages(reader, pages)
    except ExtractionError:
        raise
    except Exception as error:  # pypdf raises anything from PdfReadError to KeyError on a broken file
        logger.debug("%s: pypdf kunne ikke lese filen", source, exc_info=True)
        raise _damaged(error) from error
    read = _ocr(data, scanned, ocr)
    _require_text(pages, scanned, read)
    title, language, author = _facts(reader, source)
    blocks = _blocks(pages, read.blocks)
    title = title or _title_from_blocks(blocks) or PurePosixPath(source).stem
    return Document(
        source=source, doc_type="pdf", title=title, blocks=blocks, language=language, author=author,
        page_count=len(pages), ocr=_summary(scanned, read),
    )


def _scanned_pages(reader: PdfReader, pages: list[tuple[list[_Line], str]]) -> dict[int, float]:
    """Pages with (almost) no text that show a picture: number → the page's longer side in points."""
    found = {}
    for number, (page, (_, plain)) in enumerate(zip(reader.pages, pages), start=1):
        if len("".join(plain.split())) < SCANNED_MAX_CHARS and _has_image(page.get("/Resources")):
            box = page.mediabox
            found[number] = max(abs(float(box.width)), abs(float(box.height)))
    return found


def _has_image(resources, depth: int = 0) -> bool:
    """Whether the resources hold an image, directly or inside a form (as scanners and archive systems nest them)."""
    resources = resources.get_object() if resources is not None else None
    xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
    xobjects = xobjects.get_object() if xobjects is not None else {}
    for reference in xobjects.values() if hasattr(xobjects, "values") else []:
        xobject = reference.get_object()
        subtype = xobject.get("/Subtype") if hasattr(xobject, "get") else None
        if subtype == "/Image" or (subtype == "/Form" and depth < 3 and _has_image(xobject.get("/Resources"), depth + 1)):
            return True
    return False


def _ocr(data: bytes, scanned: dict[int, float], options: OcrOptions | None) -> OcrPages:
    if not scanned or options is None or not options.enabled:
        return OcrPages()
    return read_pages(data, hashlib.sha256(data).hexdigest(), scanned, options)


def _require_text(pages, scanned: dict[int, float], read: OcrPages) -> None:
    if any(plain.strip() for _, plain in pages) or any(read.blocks.values()):
        return
    if read.failed:
        raise ExtractionError(read.failed[0][1])
    if read.blocks:
        raise ExtractionError("ingen tekst, heller ikke med OCR")
    # Without OCR the file is read again on the next run, so it is searchable once Tesseract is there.
    raise NoTextError("ingen tekst — skannet dokument?", ocr_pending=bool(scanned))


def _summary(scanned: dict[int, float], read: OcrPages) -> OcrSummary | None:
    if not scanned:
        return None
    return OcrSummary(
        pages=tuple(sorted(read.blocks)),
        cached=tuple(read.cached),
        failed=tuple(read.failed),
        skipped=tuple(n for n in sorted(scanned) if n not in read.blocks and n not in dict(read.failed)),
    )


def _open(data: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise ExtractionError("passordbeskyttet PDF")
    count = len(reader.pages)
    if count == 0:
        raise ExtractionError("skadet PDF: ingen sider")
    if count > MAX_PAGES:
        raise ExtractionError(f"for mange sider ({count}); grensen er {MAX_PAGES}")
    return reader


def _damaged(error: Exception) -> ExtractionError:
    if any(sign in str(error).lower() for sign in _TRUNCATED):
        return ExtractionError("skadet PDF: filen er avkortet eller ufullstendig")
    return ExtractionError("skadet PDF: innholdet kan ikke tolkes")


def _read_pages(reader: PdfReader, source: str) -> list[tuple[list[_Line], str]]:
    """Lines and plain text of every page; a page pypdf cannot read is skipped with a warning."""
    pages: list[tuple[list[_Line], str]] = []
    failed = 0
    for number, page in enumerate(reader.pages, start=1):
        try:
            pages.append(_read_page(page, number))
        except ExtractionError:
            raise
        except Exception:  # one broken page should not cost the rest of the document
            logger.warning("%s: side %d kunne ikke leses", source, number, exc_info=True)
            pages.append(([], ""))
            failed += 1
    if failed == len(pages):
        raise ExtractionError("skadet PDF: ingen av sidene kan leses")
    return pages


def _read_page(page, number: int) -> tuple[list[_Line], str]:
    collector = _RunCollector()
    plain = page.extract_text(visitor_text=collector)
    if len(plain) > MAX_PAGE_CHARS:
        raise ExtractionError(f"side {number} gir over 1 MB tekst; filen er trolig skadet")
    return _group_lines(collector.runs, number), plain


def _group_lines(runs: list[_Run], page: int) -> list[_Line]:
    """Runs on one baseline make a line. pypdf ends a run with "\n" also between a bullet and
    its text drawn separately, so the baseline decides; a "\n" inside a run is a line break.

    A run of only white space carries no position of its own: pypdf reports the "\n" it adds
    when a text object ends at the origin, and Skia/PDF (Chromium, Google Docs) and some
    generators end a text object after every word; taken for a line break, that made a column
    of single words."""
    lines: list[_Line] = []
    pending: list[_Run] = []
    after_break = False
    for run in runs:
        positioned = bool(run.text.strip())
        for index, piece in enumerate(run.text.split("\n")):
            if pending and ((index > 0 and piece) or (positioned and not _same_baseline(run, pending[-1]))):
                lines.extend(_line(pending, page))
                pending = []
            if piece.strip() or (pending and piece):
                spaced = " " + piece if after_break and pending and not piece[:1].isspace() else piece
                pending.append(_Run(spaced, run.x, run.y, run.size, run.bold))
            after_break = index > 0 or (after_break and not piece)
    lines.extend(_line(pending, page))
    return _in_reading_order(lines)


def _in_reading_order(lines: list[_Line]) -> list[_Line]:
    """Lines sorted top to bottom when the page drew some of them out of order: Skia/PDF draws
    positioned or transformed words (Google Docs, web pages) after the rest of the page. A jump
    back up the page to the same left edge is that; a jump up to the right is the next column,
    so a page in columns keeps the order it was drawn in."""
    if not any(later.y > earlier.y + earlier.size and abs(later.x - earlier.x) < COLUMN_SHIFT
               for earlier, later in pairwise(lines)):
        return lines
    ordered = sorted(lines, key=lambda line: (-line.y, line.x))
    merged: list[_Line] = []
    for line in ordered:
        previous = merged[-1] if merged else None
        if previous and abs(previous.y - line.y) <= 0.5 * max(previous.size, line.size):
            merged[-1] = replace(previous, text=f"{previous.text} {line.text}")
        else:
            merged.append(line)
    return merged


def _same_baseline(run: _Run, other: _Run) -> bool:
    return abs(run.y - other.y) <= 0.5 * max(run.size, other.size)


def _line(runs: list[_Run], page: int) -> list[_Line]:
    """The line the runs make, with the size and boldness of most of its characters; [] if blank."""
    text = normalize("".join(run.text for run in runs).translate(_BULLET_CODES))
    if not text:
        return []
    weight = Counter()
    for run in runs:
        weight[(run.size, run.bold)] += len(run.text.strip())
    (size, _), _ = weight.most_common(1)[0]
    bold_chars = sum(count for (_, bold), count in weight.items() if bold)
    return [_Line(text, page, min(run.x for run in runs), runs[0].y, size, bold_chars * 2 > sum(weight.values()))]


# --- running headers and footers --------------------------------------------------------------


def _drop_running_lines(pages: list[list[_Line]], body_size: float) -> list[list[_Line]]:
    """Remove page numbers and lines that repeat at the same height at the top or bottom of
    many pages ("Side 3 av 7", the document's name): compared with digits masked. Headings
    are kept even when they repeat, as "Kapittel 3" at the top of a chapter's pages would."""
    margins = [[line for line in _margin_lines(lines) if line.size < HEADING_SIZE * body_size] for lines in pages]
    seen: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for number, margin in enumerate(margins):
        for line in margin:
            seen[_mask(line.text)].append((number, line.y))
    running = {key for key, places in seen.items() if _repeats(places, len(pages))}
    dropped = {id(line) for margin in margins for line in margin if _is_running(line, running)}
    return [[line for line in lines if id(line) not in dropped] for lines in pages]


def _margin_lines(lines: list[_Line]) -> list[_Line]:
    by_height = sorted(lines, key=lambda line: line.y)
    return by_height[:MARGIN_LINES] + by_height[-MARGIN_LINES:]


def _mask(text: str) -> str:
    return _DIGITS.sub("#", text.casefold())


def _repeats(places: list[tuple[int, float]], page_count: int) -> bool:
    usual = median(y for _, y in places)
    pages = {number for number, y in places if abs(y - usual) <= RUNNING_Y_TOLERANCE}
    return len(pages) >= max(2, math.ceil(RUNNING_SHARE * page_count))


def _is_running(line: _Line, running: set[str]) -> bool:
    return _mask(line.text) in running or bool(_PAGE_NUMBER.fullmatch(line.text))


# --- layout: body font, line spacing, heading levels ------------------------------------------


def _body_size(pages: list[list[_Line]]) -> float:
    """The font size most of the text is set in."""
    sizes: Counter[float] = Counter()
    for line in (line for page in pages for line in page):
        sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _measure(pages: list[list[_Line]], body_size: float) -> _Layout:
    lines = [line for page in pages for line in page]
    body = [line for line in lines if _is_body_size(line, body_size)]
    body_bold = sum(len(line.text) for line in body if line.bold) * 2 > sum(len(line.text) for line in body)
    lengths = sorted(len(line.text) for line in body) or [80]
    layout = _Layout(body_size, body_bold, _spacing(pages, body_size), lengths[int(0.9 * (len(lengths) - 1))], {})
    return replace(layout, levels=_levels({_style(line)[0] for line in lines if _is_heading(line, layout)}))


def _levels(sizes: set[float]) -> dict[float, int]:
    """Level 1 for the largest heading size; sizes within a point of the next larger one share
    its level, so that 11 and 11.5 pt headings are not told apart."""
    levels: dict[float, int] = {}
    level, previous = 0, None
    for size in sorted(sizes, reverse=True):
        if previous is None or previous - size > LEVEL_STEP:
            level = min(level + 1, 6)
        levels[size] = level
        previous = size
    return levels


def _spacing(pages: list[list[_Line]], body_size: float) -> float:
    """The usual distance between two baselines of body text."""
    gaps: Counter[float] = Counter()
    for page in pages:
        for above, below in pairwise(page):
            gap = above.y - below.y
            both_body = _is_body_size(above, body_size) and _is_body_size(below, body_size)
            if both_body and 0.8 * body_size < gap < 3 * body_size:
                gaps[round(gap * 2) / 2] += 1
    return gaps.most_common(1)[0][0] if gaps else 1.2 * body_size


def _is_body_size(line: _Line, body_size: float) -> bool:
    return abs(line.size - body_size) <= 0.1 * body_size


def _style(line: _Line) -> tuple[float, bool]:
    return round(line.size * 2) / 2, line.bold


def _is_heading(line: _Line, layout: _Layout) -> bool:
    if _BULLET.match(line.text) or len(line.text) > HEADING_MAX_CHARS or line.text.endswith("."):
        return False
    return line.size >= HEADING_SIZE * layout.body_size or (line.bold and not layout.body_bold)


# --- blocks -----------------------------------------------------------------------------------


def _blocks(pages: list[tuple[list[_Line], str]], scanned: dict[int, list[Block]]) -> list[Block]:
    found = [lines for lines, _ in pages]
    body_size = _body_size(found)
    kept = _drop_running_lines(found, body_size)
    layout = _measure(kept, body_size)
    blocks: list[Block] = []
    pending: list[_Line] = []  # lines of consecutive pages: a paragraph or item may go on over a page break
    for number, (lines, (_, plain)) in enumerate(zip(kept, pages), start=1):
        if lines and number not in scanned:
            pending.extend(lines)
            continue
        blocks.extend(_line_blocks(pending, layout))
        blocks.extend(scanned.get(number) or _plain_blocks(plain, number))
        pending = []
    blocks.extend(_line_blocks(pending, layout))
    return blocks


def _line_blocks(lines: list[_Line], layout: _Layout) -> list[Block]:
    blocks: list[Block] = []
    group: list[_Line] = []
    kind = "paragraph"
    for line in lines:
        line_kind = _kind(line, layout)
        if group and _starts_block(group, kind, line, line_kind, layout):
            blocks.append(_block(group, kind, layout))
            group = []
        if not group:
            kind = line_kind
        group.append(line)
    if group:
        blocks.append(_block(group, kind, layout))
    return [block for block in blocks if block.text]


def _kind(line: _Line, layout: _Layout) -> str:
    if _is_heading(line, layout):
        return "heading"
    return "bullet" if _BULLET.match(line.text) else "paragraph"


def _starts_block(group: list[_Line], kind: str, line: _Line, line_kind: str, layout: _Layout) -> bool:
    previous = group[-1]
    new_page = line.page != previous.page
    gap = previous.y - line.y
    if kind == "heading" or line_kind == "heading":
        # A title set over several lines stays one heading.
        return new_page or not (kind == line_kind and _style(line) == _style(previous) and 0 < gap <= 1.6 * line.size)
    if line_kind == "bullet" or (gap <= 0 and not new_page):
        return True
    if kind == "bullet" and line.x > group[0].x + 2:
        # Indented under the item's text: the item goes on, even after some extra space.
        return not new_page and gap > 2 * layout.spacing
    if kind == "bullet" and abs(line.x - group[0].x) > 2:
        return True  # back at the margin, left of the bullet: a paragraph of its own
    # A line ending in a hyphen always goes on; a short line ended its item or sentence.
    short = len(previous.text) < SHORT_LINE * layout.full_chars and not previous.text.endswith("-")
    if new_page:
        return short or previous.text.endswith(_SENTENCE_END)
    if gap > PARAGRAPH_GAP * layout.spacing:
        return True
    return short and (kind == "bullet" or previous.text.endswith(_SENTENCE_END))


def _block(group: list[_Line], kind: str, layout: _Layout) -> Block:
    texts = [line.text for line in group]
    if kind == "bullet":
        texts[0] = texts[0][_BULLET.match(texts[0]).end():]
    level = layout.levels.get(_style(group[0])[0], 1) if kind == "heading" else 0
    return Block(join_lines(texts), kind, page=group[0].page, level=level)


def _plain_blocks(plain: str, page: int) -> list[Block]:
    """Fallback when pypdf reported no positioned text: blank lines separate paragraphs."""
    paragraphs = re.split(r"\n\s*\n", normalize(plain.translate(_BULLET_CODES)))
    return [Block(text, page=page) for text in (join_lines(p.split("\n")) for p in paragraphs) if text]


# --- title and language -------------------------------------------------------------------------


def _facts(reader: PdfReader, source: str) -> tuple[str | None, str | None, str | None]:
    """Title, language and author from the PDF's metadata; broken metadata costs only these."""
    try:
        author = normalize(str(reader.metadata.author)) if reader.metadata and reader.metadata.author else None
        return _metadata_title(reader), _language(reader), author or None
    except Exception:
        logger.debug("%s: metadata kunne ikke leses", source, exc_info=True)
        return None, None, None


def _metadata_title(reader: PdfReader) -> str | None:
    """The /Title of the PDF's metadata, unless it is a placeholder or a file name."""
    metadata = reader.metadata
    title = normalize(str(metadata.title)) if metadata and metadata.title else ""
    if len(title) < 3 or not any(c.isalpha() for c in title):
        return None
    if _PLACEHOLDER_TITLE.fullmatch(title) or _FILE_NAME.search(title):
        return None
    return title


def _title_from_blocks(blocks: list[Block]) -> str | None:
    """The most prominent heading on page 1 (its lines were already joined into one block)."""
    headings = [block for block in blocks if block.kind == "heading" and block.page == 1]
    return min(headings, key=lambda block: block.level).text if headings else None


def _language(reader: PdfReader) -> str | None:
    lang = str(reader.trailer["/Root"].get("/Lang") or "").strip()
    return lang.split("-")[0].lower() if lang else None
