"""The small typed records that flow between sokbase's stages.

files → Document (extract) → Passage (passages) → index → Hit (search) → renderers.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "bullet", "note"]  # note: a remark on what precedes it (a law's amendments)
DocType = Literal["pdf", "html", "text", "docx", "odt"]


@dataclass(frozen=True)
class Block:
    """A piece of a document's body as the reader sees it: a heading, a paragraph or one bullet item."""

    text: str
    kind: BlockKind = "paragraph"
    page: int | None = None  # 1-based, PDFs only
    level: int = 0  # heading depth (1 = top), 0 for non-headings
    ocr: bool = False  # read by OCR from a scanned page: the text may hold misreadings


@dataclass(frozen=True)
class Municipality:
    """A kommune with its 2024 name and number, e.g. Municipality("Trondheim", "5001")."""

    name: str
    number: str


@dataclass(frozen=True)
class Conference:
    """The conference or meeting a document is from or about."""

    name: str
    year: int | None = None
    date: str | None = None  # ISO 8601, e.g. "2024-09-27"
    venue: str | None = None


@dataclass(frozen=True)
class OcrSummary:
    """What OCR did for one PDF: pages are 1-based numbers."""

    pages: tuple[int, ...] = ()  # read by OCR (from the cache or anew)
    cached: tuple[int, ...] = ()  # of those, the ones whose text came from the OCR cache
    failed: tuple[tuple[int, str], ...] = ()  # (page, reason): too slow, or Tesseract failed
    skipped: tuple[int, ...] = ()  # scanned pages left unread: no Tesseract, or --ocr never


@dataclass
class Document:
    """One source file after extraction, with the metadata found in it or in its sidecar."""

    source: str  # path relative to the corpus root, with forward slashes
    doc_type: DocType
    title: str
    blocks: list[Block]
    url: str | None = None
    date: str | None = None  # publication date, ISO 8601 (may be just a year or year-month); a law's in-force date
    short_title: str | None = None  # as written, e.g. a law's korttittel "Husleieloven – husll"
    modified: str | None = None  # last amended or in force as amended, ISO 8601
    language: str | None = None
    description: str | None = None
    publisher: str | None = None
    author: str | None = None  # from the file's properties (Word, OpenDocument, PDF)
    page_count: int | None = None
    conference: Conference | None = None  # set from the sidecar, or detected later
    municipalities: tuple[Municipality, ...] = ()  # set from the sidecar, or detected later
    content_hash: str = ""  # sha256 of the file's bytes
    ocr: OcrSummary | None = None  # set for PDFs with scanned pages
    access: tuple[str, ...] = ("*",)  # who may read it on the web page (access.py); set by the indexer

    @property
    def doc_id(self) -> str:
        return doc_id_for(self.source)


def doc_id_for(source: str) -> str:
    """A short id that stays the same as long as the file keeps its path in the corpus."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


def passage_id_for(doc_id: str, position: int) -> str:
    return f"{doc_id}-{position}"


@dataclass(frozen=True)
class Passage:
    """A piece of a document a person can read on its own: the unit that is indexed and returned."""

    passage_id: str
    doc_id: str
    position: int  # 0-based order within the document
    text: str
    heading: str | None = None
    # The nearest heading above `heading` of a higher level, e.g. "Kapittel 14. …" for "§ 14-1. …";
    # never the document's title.
    section: str | None = None
    page: int | None = None
    municipalities: tuple[Municipality, ...] = ()
    ocr: bool = False  # some of its text was read by OCR


@dataclass(frozen=True)
class Hit:
    """One ranked passage in a result list: what every renderer (CLI, JSON, web) shows."""

    rank: int
    score: float
    passage_id: str
    doc_id: str
    title: str
    source: str
    url: str | None
    doc_type: str
    page: int | None
    heading: str | None
    text: str
    snippet: str  # the passage's most relevant part, as plain text
    highlights: tuple[tuple[int, int], ...]  # (start, end) character offsets of matched terms in snippet
    conference: Conference | None
    municipalities: tuple[Municipality, ...]
    position: int = 0
    matched_all_terms: bool = True  # False when the passage lacks some of the query's words
    missing_words: tuple[str, ...] = ()  # those words, as typed
    ocr: bool = False  # text read by OCR from a scanned page, which may hold misreadings

    def to_dict(self) -> dict:
        data = asdict(self)
        data["municipalities"] = [asdict(m) for m in self.municipalities]
        data["highlights"] = [list(span) for span in self.highlights]
        data["missing_words"] = list(self.missing_words)
        return data


@dataclass
class Results:
    """A page of hits for one query."""

    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    # False when no passage held every word and the search fell back to passages holding any of them.
    matched_all_terms: bool = True
    suggestions: list[str] = field(default_factory=list)  # corrected queries, when few passages match
    total_exact: bool = True  # False: at least `total` passages match (counting stops there)
    notice: str | None = None  # how the query was read, when not as typed (a bracket left open: as plain words)

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "total_exact": self.total_exact,
            "matched_all_terms": self.matched_all_terms,
            "suggestions": self.suggestions,
            "notice": self.notice,
            "hits": [hit.to_dict() for hit in self.hits],
        }
