"""OpenDocument text (.odt) → Document: a zip of XML that lxml reads.

content.xml holds the body: `text:h` headings with their outline level, `text:p` paragraphs,
`text:list` items, `table:table` rows; meta.xml the title, author and dates. Tracked deletions,
footnotes, annotations and tables of contents are left out, as a reader of the text would.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from lxml import etree

from ..errors import ExtractionError
from ..models import Block, Document
from ..textnorm import iso_date, join_lines, normalize
from .package import open_package, read_part

KIND = "OpenDocument-fil"
CELL_SEPARATOR = " – "
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
DC = "http://purl.org/dc/elements/1.1/"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
_NS = {"office": OFFICE, "text": TEXT, "table": TABLE, "style": STYLE, "meta": META, "dc": DC, "manifest": MANIFEST}
TEXT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Containers whose paragraphs belong to the body in reading order.
_SECTIONS = {f"{{{TEXT}}}section", f"{{{TEXT}}}soft-page-break", f"{{{OFFICE}}}text"}
# Inline elements whose text is not part of the sentence around them.
_SKIPPED_INLINE = {f"{{{TEXT}}}note", f"{{{OFFICE}}}annotation", f"{{{TEXT}}}tracked-changes", f"{{{TEXT}}}bookmark-ref"}
_TITLE_STYLES = {"Title", "Tittel"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def extract_odt(data: bytes, source: str) -> Document:
    archive = open_package(data, KIND)
    with archive:
        names = set(archive.namelist())
        if "mimetype" in names and not read_part(archive, "mimetype", KIND).startswith(TEXT_MIMETYPE):
            raise ExtractionError(f"ikke en {KIND} med tekst: {read_part(archive, 'mimetype', KIND)[:60].decode('ascii', 'replace')}")
        if _encrypted(archive, names):
            raise ExtractionError(f"passordbeskyttet {KIND}")
        content = _parse(read_part(archive, "content.xml", KIND))
        meta = _parse(read_part(archive, "meta.xml", KIND)) if "meta.xml" in names else None
    body = content.find("office:body/office:text", _NS)
    if body is None:
        raise ExtractionError(f"ikke en {KIND} med tekst: content.xml har ingen tekstdel")
    blocks = [block for block in _blocks(body, _title_styles(content)) if block.text]
    facts = _meta(meta)
    title = facts.pop("title") or _first_heading(blocks) or PurePosixPath(source).stem
    return Document(source=source, doc_type="odt", title=title, blocks=blocks, **facts)


def _encrypted(archive, names: set[str]) -> bool:
    if "META-INF/manifest.xml" not in names:
        return False
    manifest = _parse(read_part(archive, "META-INF/manifest.xml", KIND))
    return manifest.find(".//manifest:encryption-data", _NS) is not None


def _parse(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise ExtractionError(f"skadet {KIND}: XML-en kan ikke tolkes") from error


def _title_styles(content: etree._Element) -> set[str]:
    """Automatic paragraph styles ("P1") that are the Title style with some direct formatting."""
    styles = set(_TITLE_STYLES)
    for style in content.iterfind("office:automatic-styles/style:style", _NS):
        if style.get(f"{{{STYLE}}}parent-style-name") in _TITLE_STYLES:
            styles.add(style.get(f"{{{STYLE}}}name"))
    return styles


def _blocks(element: etree._Element, title_styles: set[str], in_list: bool = False) -> Iterator[Block]:
    for child in element:
        tag = child.tag
        if tag == f"{{{TEXT}}}h":
            level = child.get(f"{{{TEXT}}}outline-level", "1")
            yield Block(_text(child), "heading", level=max(1, min(int(level) if level.isdigit() else 1, 6)))
        elif tag == f"{{{TEXT}}}p":
            if child.get(f"{{{TEXT}}}style-name") in title_styles:
                yield Block(_text(child), "heading", level=1)
            else:
                yield Block(_text(child), "bullet" if in_list else "paragraph")
        elif tag in (f"{{{TEXT}}}list", f"{{{TEXT}}}list-item", f"{{{TEXT}}}list-header"):
            yield from _blocks(child, title_styles, in_list=True)
        elif tag == f"{{{TABLE}}}table":
            yield from _table(child)
        elif tag in _SECTIONS:
            yield from _blocks(child, title_styles, in_list)


def _table(table: etree._Element) -> Iterator[Block]:
    for row in table.iter(f"{{{TABLE}}}table-row"):
        if row.getparent() is not None and _owning_table(row) is not table:
            continue  # a row of a table nested in a cell: read as part of that cell
        cells = [" ".join(block.text for block in _blocks(cell, set())) for cell in row.iterfind("table:table-cell", _NS)]
        texts = [normalize(text) for text in cells if text.strip()]
        if texts:
            yield Block(CELL_SEPARATOR.join(texts))


def _owning_table(row: etree._Element) -> etree._Element | None:
    parent = row.getparent()
    while parent is not None and parent.tag != f"{{{TABLE}}}table":
        parent = parent.getparent()
    return parent


def _text(element: etree._Element) -> str:
    """A paragraph's text: spans flattened, text:s as its count of spaces, tabs and breaks as spaces."""
    parts: list[str] = []
    _collect(element, parts)
    return join_lines(normalize("".join(parts)).split("\n"))


def _collect(element: etree._Element, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag
        if tag == f"{{{TEXT}}}s":
            count = child.get(f"{{{TEXT}}}c", "1")
            parts.append(" " * min(int(count) if count.isdigit() else 1, 100))
        elif tag in (f"{{{TEXT}}}tab", f"{{{TEXT}}}line-break"):
            parts.append(" ")
        elif tag not in _SKIPPED_INLINE and isinstance(tag, str):
            _collect(child, parts)
        if child.tail:
            parts.append(child.tail)


def _meta(meta: etree._Element | None) -> dict:
    def value(path: str) -> str:
        found = meta.find(f"office:meta/{path}", _NS) if meta is not None else None
        return normalize(found.text or "") if found is not None else ""

    date = value("dc:date") or value("meta:creation-date")
    return {
        "title": value("dc:title") or None,
        "author": value("dc:creator") or value("meta:initial-creator") or None,
        "date": iso_date(date) if date else None,
        "description": value("dc:description") or value("dc:subject") or None,
        "language": value("dc:language").split("-")[0].lower() or None,
    }


def _first_heading(blocks: list[Block]) -> str | None:
    headings = [block for block in blocks if block.kind == "heading"]
    return min(headings, key=lambda block: block.level).text if headings else None
