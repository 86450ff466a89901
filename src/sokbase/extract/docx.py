"""Word (.docx) → Document with python-docx: headings from Word's heading styles, paragraphs,
list items, tables row by row, and title, author and date from the document's properties.

Headers and footers are left out: they hold letterheads and page numbers, not what a
document is about. So is a table of contents, which would repeat every heading.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

import docx
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..errors import ExtractionError
from ..models import Block, Document
from ..textnorm import join_lines, normalize
from .package import open_package

KIND = "Word-fil"
CELL_SEPARATOR = " – "  # as cells of a web page's table row (extract/html.py)
# Built-in style names are stored in English whatever the language Word runs in; documents
# made from Norwegian templates may carry their own.
_HEADING_STYLE = re.compile(r"(?:heading|overskrift)\s*(\d)", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"title|tittel", re.IGNORECASE)
_CONTENTS_STYLE = re.compile(r"toc\s*(?:\d|heading)|innh\w*\s*\d", re.IGNORECASE)
_LIST_STYLE = re.compile(r"list|liste", re.IGNORECASE)
_PLACEHOLDER_TITLE = re.compile(r"|dokument\d*|document\d*|untitled|uten tittel", re.IGNORECASE)


def extract_docx(data: bytes, source: str) -> Document:
    open_package(data, KIND).close()
    try:
        word = docx.Document(io.BytesIO(data))
    except ValueError as error:  # python-docx: a package of another kind (a spreadsheet renamed)
        raise ExtractionError(f"ikke en {KIND}: pakken har ikke noe Word-dokument") from error
    except KeyError as error:
        raise ExtractionError(f"skadet {KIND}: en del av pakken mangler") from error
    blocks = [block for block in _blocks(word) if block.text]
    properties = word.core_properties
    title = _title(properties.title) or _first_heading(blocks) or PurePosixPath(source).stem
    return Document(
        source=source,
        doc_type="docx",
        title=title,
        blocks=blocks,
        date=_date(properties.modified or properties.created),
        language=(properties.language or "").split("-")[0].lower() or None,
        description=normalize(properties.subject or "") or None,
        author=normalize(properties.author or "") or None,
    )


def _blocks(word) -> Iterator[Block]:
    for item in word.iter_inner_content():
        if isinstance(item, Paragraph):
            yield from _paragraph(item)
        else:
            yield from _table(item)


def _paragraph(paragraph: Paragraph) -> Iterator[Block]:
    names = _style_names(paragraph)
    if any(_CONTENTS_STYLE.fullmatch(name) for name in names):
        return
    text = join_lines(normalize(paragraph.text).split("\n"))
    level = _heading_level(paragraph, names)
    if level:
        yield Block(text, "heading", level=level)
    elif paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None or any(map(_LIST_STYLE.match, names)):
        yield Block(text, "bullet")
    else:
        yield Block(text)


def _style_names(paragraph: Paragraph) -> list[str]:
    """The paragraph's style and the styles it is based on, nearest first."""
    names, style, seen = [], paragraph.style, set()
    while style is not None and style.style_id not in seen:
        seen.add(style.style_id)
        names.append(style.name or "")
        style = style.base_style
    return names


def _heading_level(paragraph: Paragraph, names: list[str]) -> int:
    for name in names:
        if _TITLE_STYLE.fullmatch(name):
            return 1
        if found := _HEADING_STYLE.fullmatch(name):
            return max(1, min(int(found[1]), 6))
    # A paragraph set as a heading by its outline level alone (Word: "Nivå 1" in the paragraph dialog).
    outline = paragraph._p.pPr.find(qn("w:outlineLvl")) if paragraph._p.pPr is not None else None
    value = outline.get(qn("w:val")) if outline is not None else None
    return min(int(value) + 1, 6) if value and value.isdigit() and int(value) < 9 else 0


def _table(table: Table) -> Iterator[Block]:
    """One block per row, its cells joined; a cell spanning several columns counts once."""
    for row in table.rows:
        cells: list[_Cell] = []
        for cell in row.cells:
            if not cells or cell._tc is not cells[-1]._tc:
                cells.append(cell)
        texts = [text for text in (_cell_text(cell) for cell in cells) if text]
        if texts:
            yield Block(CELL_SEPARATOR.join(texts))


def _cell_text(cell: _Cell) -> str:
    parts = []
    for item in cell.iter_inner_content():
        if isinstance(item, Paragraph):
            parts.append(normalize(item.text))
        else:
            parts.extend(block.text for block in _table(item))
    return join_lines(" ".join(parts).split("\n"))


def _title(value: str | None) -> str | None:
    title = normalize(value or "")
    return None if _PLACEHOLDER_TITLE.fullmatch(title) else title


def _first_heading(blocks: list[Block]) -> str | None:
    headings = [block for block in blocks if block.kind == "heading"]
    return min(headings, key=lambda block: block.level).text if headings else None


def _date(value) -> str | None:
    return value.date().isoformat() if value else None
