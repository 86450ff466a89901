"""Split a Document into passages a person can read on their own.

A passage never crosses a heading: it belongs to one section, and carries that section's
heading, the heading of higher level that encloses it (a law's chapter around its §), the page its
first block is on and its position in the document. Within a section,
paragraphs and bullet items are packed together up to a word budget; a paragraph longer than
the budget is split between sentences.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .models import Block, Document, Passage, passage_id_for

MIN_WORDS = 30
MAX_WORDS = 250
TARGET_WORDS = 120

_SENTENCE_END = re.compile(r"(?<=[.!?:;»”\"])\s+(?=[A-ZÆØÅ0-9«\"•–-])")


@dataclass(frozen=True)
class _Place:
    heading: str | None = None
    section: str | None = None


@dataclass
class _Draft:
    place: _Place
    page: int | None
    lines: list[str] = field(default_factory=list)
    words: int = 0
    ocr: bool = False

    def add(self, line: str, page: int | None, ocr: bool = False) -> None:
        if not self.lines:
            self.page = page
        self.lines.append(line)
        self.words += count_words(line)
        self.ocr = ocr


def count_words(text: str) -> int:
    return len(text.split())


def split_passages(document: Document) -> list[Passage]:
    drafts = _pack(_sections(document.blocks, document.title)) or _title_only(document)
    return [
        Passage(
            passage_id=passage_id_for(document.doc_id, position),
            doc_id=document.doc_id,
            position=position,
            text="\n".join(draft.lines),
            heading=draft.place.heading,
            section=draft.place.section,
            page=draft.page,
            ocr=draft.ocr,
        )
        for position, draft in enumerate(drafts)
    ]


def _title_only(document: Document) -> list[_Draft]:
    """A document of headings alone (a law that only amends: its title and empty parts "I", "II")
    is still a document: one passage holding its title, so that a search for its name finds it.
    A document with no text at all never gets here (extract.extract_file refuses it)."""
    headings = [block for block in document.blocks if block.kind == "heading" and block.text.strip()]
    if not headings:
        return []
    draft = _Draft(_Place(), headings[0].page)
    draft.add(document.title, headings[0].page)
    return [draft]


def _sections(blocks: list[Block], title: str) -> list[tuple[_Place, list[Block]]]:
    """Group body blocks under the nearest heading above them."""
    sections: list[tuple[_Place, list[Block]]] = []
    place = _Place()
    enclosing: list[Block] = []  # the headings around this point, outermost first, by rising level
    body: list[Block] = []
    for block in blocks:
        if block.kind == "heading":
            if body:
                sections.append((place, body))
                body = []
            place, enclosing = _enter(block, enclosing, title)
        else:
            body.append(block)
    if body:
        sections.append((place, body))
    return sections


def _enter(heading: Block, enclosing: list[Block], title: str) -> tuple[_Place, list[Block]]:
    """The place a heading opens, and the headings around what follows it. A heading of unknown
    level (0) has no section and leaves the others as they were."""
    if heading.level < 1:
        return _Place(heading.text), enclosing
    enclosing = [outer for outer in enclosing if outer.level < heading.level]
    # The title heading encloses everything; as a section it would say nothing.
    section = enclosing[-1].text if enclosing and enclosing[-1].text != title else None
    return _Place(heading.text, section), enclosing + [heading]


def _pack(sections: list[tuple[_Place, list[Block]]]) -> list[_Draft]:
    drafts: list[_Draft] = []
    for place, body in sections:
        section_drafts: list[_Draft] = [_Draft(place, None)]
        for block in body:
            for piece in _pieces(block):
                current = section_drafts[-1]
                # A note stays with what it remarks on ("Endret ved lov …" is no hit of its own), up to
                # a passage's most; text read by OCR stays apart from typed text, so that only it is marked.
                room = MAX_WORDS if block.kind == "note" else _budget(current)
                if current.lines and (current.words + count_words(piece) > room or current.ocr != block.ocr):
                    current = _Draft(place, None)
                    section_drafts.append(current)
                current.add(piece, block.page, block.ocr)
        drafts.extend(_merge_short_tail(section_drafts))
    return [draft for draft in drafts if draft.lines]


def _budget(draft: _Draft) -> int:
    # Keep filling a passage that is still too short to stand alone.
    return MAX_WORDS if draft.words < MIN_WORDS else TARGET_WORDS


def _pieces(block: Block) -> list[str]:
    text = f"• {block.text}" if block.kind == "bullet" else block.text
    if count_words(text) <= MAX_WORDS:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if current and count_words(" ".join(current + [sentence])) > TARGET_WORDS:
            pieces.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        pieces.append(" ".join(current))
    return [chunk for piece in pieces for chunk in _hard_split(piece)]


def _hard_split(text: str) -> list[str]:
    """Last resort for text with no sentence breaks (tables, lists flattened to one line)."""
    words = text.split()
    return [" ".join(words[i : i + TARGET_WORDS]) for i in range(0, len(words), TARGET_WORDS)]


def _merge_short_tail(drafts: list[_Draft]) -> list[_Draft]:
    short_tail = len(drafts) > 1 and drafts[-1].words < MIN_WORDS and drafts[-2].ocr == drafts[-1].ocr
    if short_tail and drafts[-2].words + drafts[-1].words <= MAX_WORDS:
        tail = drafts.pop()
        drafts[-1].lines.extend(tail.lines)
        drafts[-1].words += tail.words
    return drafts
