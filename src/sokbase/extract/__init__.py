"""The extraction stage: one file → one Document, or an ExtractionError that says why not.

    document = extract_file(Path("corpus/husbanken/program.pdf"), Path("corpus"))
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from ..errors import ExtractionError
from ..models import Document, Municipality
from ..municipalities import Gazetteer
from ..sidecar import read_sidecar, sidecar_path
from .docx import extract_docx
from .html import extract_html
from .ocr import OcrOptions
from .odt import extract_odt
from .pdf import extract_pdf
from .text import extract_markdown, extract_text

logger = logging.getLogger(__name__)

Extractor = Callable[[bytes, str], Document]
EXTRACTORS: dict[str, Extractor] = {
    ".pdf": extract_pdf,
    ".html": extract_html,
    ".htm": extract_html,
    ".txt": extract_text,
    ".md": extract_markdown,
    ".docx": extract_docx,
    ".odt": extract_odt,
}
# Real web pages and notes are well under a megabyte; past this a file is a dump or an error, and
# indexing it would bury real passages under tens of thousands of copies. PDFs carry images and
# are limited by page count instead (extract/pdf.py), office files by what their package unpacks
# to (extract/package.py).
MAX_MARKUP_BYTES = 20 * 2**20
_MARKUP = frozenset({extract_html, extract_text, extract_markdown})
# Sidecar keys that replace what was found in the file.
SIDECAR_FIELDS = (
    "title", "short_title", "url", "date", "modified", "language", "publisher", "description", "conference"
)


def extract_file(path: Path, root: Path, ocr: OcrOptions | None = None) -> Document:
    """Read `path` (inside the corpus folder `root`) into a Document with its sidecar applied;
    scanned PDF pages are read by OCR as `ocr` says (not at all without it)."""
    source = path.relative_to(root).as_posix()
    extractor = EXTRACTORS.get(path.suffix.lower())
    if extractor is None:
        raise ExtractionError(f"filtypen {path.suffix or '(uten endelse)'} støttes ikke")
    data = _read(path)
    if extractor in _MARKUP and len(data) > MAX_MARKUP_BYTES:
        raise ExtractionError(
            f"filen er for stor for en nettside eller tekstfil ({len(data) / 2**20:.0f} MB; "
            f"grensen er {MAX_MARKUP_BYTES // 2**20} MB)"
        )
    sidecar = read_sidecar(path)
    if extractor is extract_pdf:
        extractor = functools.partial(extract_pdf, ocr=ocr)
    document = _run(extractor, data, source)
    if not any(block.text.strip() for block in document.blocks):
        raise ExtractionError("ingen tekst funnet")
    overrides = {key: sidecar[key] for key in SIDECAR_FIELDS if key in sidecar}
    if sidecar.get("municipalities"):
        overrides["municipalities"] = _resolve_municipalities(sidecar["municipalities"], path)
    return dataclasses.replace(document, content_hash=hashlib.sha256(data).hexdigest(), **overrides)


def _resolve_municipalities(numbers: list[str], path: Path) -> tuple[Municipality, ...]:
    gazetteer = Gazetteer.default()
    found: list[Municipality] = []
    for number in numbers:
        municipality = gazetteer.lookup(number)
        if municipality is None:
            raise ExtractionError(f"ugyldig metadatafil {sidecar_path(path).name}: ukjent kommune «{number}»")
        if municipality not in found:
            found.append(municipality)
    return tuple(found)


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except PermissionError as error:
        raise ExtractionError("kunne ikke lese filen: ingen tilgang") from error
    except OSError as error:
        raise ExtractionError("kunne ikke lese filen") from error
    if not data:
        raise ExtractionError("tom fil (0 byte)")
    return data


def _run(extractor: Extractor, data: bytes, source: str) -> Document:
    """Call the extractor; whatever pypdf, bs4 or lxml raise becomes a reason a user can read."""
    try:
        return extractor(data, source)
    except ExtractionError:
        raise
    except RecursionError as error:
        raise ExtractionError("filen er for dypt nøstet til å leses") from error
    except Exception as error:
        logger.debug("%s: uventet feil under lesing", source, exc_info=True)
        raise ExtractionError(f"kunne ikke lese filen ({type(error).__name__})") from error
