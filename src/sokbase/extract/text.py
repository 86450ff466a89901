"""Plain text and Markdown → Document: blank lines separate paragraphs, the first line is the title,
unless a Markdown file's front matter gives one (front_matter.py)."""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..errors import ExtractionError
from ..models import Block, Document
from ..textnorm import decode, join_lines, looks_binary, normalize
from .front_matter import split_front_matter

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_BULLET = re.compile(r"[-*•]\s+")
_MD_HEADING = re.compile(r"(#{1,6})\s+(.*?)[\s#]*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"\*\*|__")
# *italic* or _italic_ within one paragraph; not a bullet's "* ", not "5*3" or snake_case.
_MD_ITALIC = re.compile(r"(?<![\w*])([*_])(?![\s*_])((?:(?!\n\n).)+?)(?<![\s*_])\1(?![\w*])", re.DOTALL)
_WHOLE_ITALIC = re.compile(r"([*_])(?![\s*_])[^*_]+(?<![\s*_])\1")
TITLE_MAX_CHARS = 150


def extract_text(data: bytes, source: str) -> Document:
    return _extract(data, source, markdown=False)


def extract_markdown(data: bytes, source: str) -> Document:
    return _extract(data, source, markdown=True)


def _extract(data: bytes, source: str, markdown: bool) -> Document:
    text = decode(data)
    if looks_binary(text):
        raise ExtractionError("ikke en lesbar tekstfil (binært innhold)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Before normalising: that strips each line's indentation, which YAML reads as structure.
    facts, text = split_front_matter(text, source) if markdown else ({}, text)
    text = normalize(text)
    groups = _PARAGRAPH_BREAK.split(text)
    shown = [_without_marks(group) for group in groups] if markdown else groups
    # A Markdown paragraph wholly in italics is a note on what precedes it, as Lovdata sets a
    # paragraph's amendments ("*Endret ved lov 16 jan 2009 nr. 6 …*").
    blocks = [block for group, plain in zip(groups, shown)
              for block in _group_blocks(plain, markdown, note=markdown and bool(_WHOLE_ITALIC.fullmatch(group.strip())))]
    if "title" not in facts and blocks and blocks[0].kind == "paragraph" and _is_title_line(shown[0]):
        blocks[0] = Block(blocks[0].text, "heading", level=1)
    title = facts.pop("title", None) or _own_title(blocks, "\n\n".join(shown)) or PurePosixPath(source).stem
    return Document(source=source, doc_type="text", title=title, blocks=blocks, **facts)


def _without_marks(group: str) -> str:
    return _MD_ITALIC.sub(r"\2", _MD_EMPHASIS.sub("", _MD_LINK.sub(r"\1", group)))


def _group_blocks(group: str, markdown: bool, note: bool = False) -> list[Block]:
    """The blocks of one blank-line-separated group: a bullet runs on over its wrapped lines; in a
    `note`, what would be paragraphs are notes."""
    paragraph = "note" if note else "paragraph"
    blocks: list[Block] = []
    kind, lines = paragraph, []
    for line in group.split("\n"):
        heading = _MD_HEADING.match(line) if markdown else None
        bullet = _BULLET.match(line)
        if (heading or bullet) and lines:
            blocks.append(Block(join_lines(lines), kind))
            kind, lines = paragraph, []
        if heading:
            blocks.append(Block(normalize(heading[2]), "heading", level=len(heading[1])))
        elif bullet:
            kind, lines = "bullet", [line[bullet.end():]]
        else:
            lines.append(line)
    if lines:
        blocks.append(Block(join_lines(lines), kind))
    return [block for block in blocks if block.text]


def _own_title(blocks: list[Block], text: str) -> str:
    """The opening heading, else the first line."""
    if blocks and blocks[0].kind == "heading":
        return blocks[0].text
    return next((line.lstrip("#").strip() for line in text.split("\n") if line.strip()), "")


def _is_title_line(group: str) -> bool:
    """A first paragraph of one short line without a final period is the document's heading."""
    line = group.strip()
    return "\n" not in line and len(line) <= TITLE_MAX_CHARS and not line.endswith(".")
