"""Scanned PDF pages → text blocks, with Tesseract and its Norwegian model.

Each page is rendered by `pdftoppm` (poppler-utils) and read by `tesseract -l nor … tsv`, as two
plain processes under one deadline per page: a page that takes too long or a Tesseract that crashes
costs that page, never the run. OCRmyPDF would wrap the same two programs but writes a new PDF
with a text layer, which sokbase would then read again; we only need the words and where they are.

What Tesseract read is cached by the file's sha256 in the index folder (`index/ocr-cache/`): the
index folder is the one place sokbase writes (the corpus may be a read-only share), it outlives
every generation, and a schema change that makes every file be parsed again then costs no OCR.
A page is cached as soon as it is read, so a scan cut off by the worker's --timeout goes on where
it stopped on the next run.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from ..models import Block
from ..textnorm import join_lines, normalize

logger = logging.getLogger(__name__)

LANGUAGE = "nor"
DPI = 300
MAX_PIXELS = 5000  # along a page's longer side: an A0 plan is read at a lower resolution, not in 1 GB of pixels
PAGE_TIMEOUT = 60.0  # seconds per page, rendering and reading together
CACHE_FOLDER = "ocr-cache"
CACHE_VERSION = f"1/{LANGUAGE}/{DPI}"  # a change here makes cached pages be read again
INSTALL_HINT = "sudo apt-get install tesseract-ocr tesseract-ocr-nor poppler-utils"
MIN_CONFIDENCE = 30  # Tesseract's word confidence (0-100) below which a line of specks is noise
HEADING_HEIGHT = 1.3  # × the page's usual letter height


@dataclass(frozen=True)
class OcrOptions:
    """How scanned pages are read: `enabled` is False for --ocr never or without Tesseract."""

    enabled: bool = True
    page_timeout: float = PAGE_TIMEOUT
    cache_dir: Path | None = None


@dataclass(frozen=True)
class _Line:
    paragraph: tuple[int, int]  # Tesseract's (block, paragraph) numbers
    height: float
    text: str
    confidence: float


@dataclass
class OcrPages:
    """What OCR gave for a document's scanned pages."""

    blocks: dict[int, list[Block]] = field(default_factory=dict)  # page → its blocks
    cached: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)  # (page, reason)


def missing_tools() -> str | None:
    """Why OCR cannot run on this machine (in Norwegian), or None when it can."""
    return _missing_tools()


@functools.cache
def _missing_tools() -> str | None:
    for tool in ("tesseract", "pdftoppm"):
        if shutil.which(tool) is None:
            return f"{tool} er ikke installert"
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30,
                                stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as error:
        return f"tesseract kan ikke startes ({error})"
    if LANGUAGE not in listed.stdout.split():
        return "Tesseract mangler den norske språkmodellen (tesseract-ocr-nor)"
    return None


def read_pages(data: bytes, content_hash: str, pages: dict[int, float], options: OcrOptions) -> OcrPages:
    """OCR the given pages (number → the page's longer side in points) of the PDF `data`."""
    result = OcrPages()
    cache = _Cache(options.cache_dir, content_hash)
    with tempfile.TemporaryDirectory(prefix="sokbase-ocr-") as folder:
        pdf = Path(folder, "dokument.pdf")
        pdf.write_bytes(data)
        for number, long_side in sorted(pages.items()):
            lines = cache.get(number)
            if lines is not None:
                result.cached.append(number)
            else:
                try:
                    lines = _read_page(pdf, number, long_side, options.page_timeout)
                except _PageFailed as failure:
                    result.failed.append((number, str(failure)))
                    continue
                cache.put(number, lines)
            result.blocks[number] = _blocks(lines, number)
    return result


class _PageFailed(Exception):
    pass


def _read_page(pdf: Path, number: int, long_side: float, timeout: float) -> list[_Line]:
    deadline = time.monotonic() + timeout
    dpi = max(50, min(DPI, int(MAX_PIXELS * 72 / max(long_side, 1.0))))
    image = pdf.with_name(f"side-{number}")
    _run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(dpi), "-gray", "-png", "-singlefile",
          str(pdf), str(image)], deadline, timeout, number, "pdftoppm")
    tsv = _run(["tesseract", f"{image}.png", "stdout", "-l", LANGUAGE, "--psm", "3", "tsv"],
               deadline, timeout, number, "Tesseract")
    Path(f"{image}.png").unlink(missing_ok=True)
    return _lines(tsv)


def _run(command: list[str], deadline: float, timeout: float, page: int, name: str) -> str:
    # Workers already run in parallel, one per core: Tesseract's own threads would only compete.
    environment = os.environ | {"OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(command, capture_output=True, timeout=max(0.01, deadline - time.monotonic()),
                              stdin=subprocess.DEVNULL, env=environment)
    except subprocess.TimeoutExpired:
        raise _PageFailed(f"OCR av side {page} tok mer enn {timeout:g} s") from None
    except OSError as error:
        raise _PageFailed(f"{name} kunne ikke startes for side {page} ({error.strerror})") from None
    if done.returncode < 0:
        raise _PageFailed(f"{name} krasjet på side {page} ({signal.Signals(-done.returncode).name})")
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f": {message[-1][:120]}" if message else ""
        raise _PageFailed(f"{name} stoppet med feil på side {page} (kode {done.returncode}{detail})")
    return done.stdout.decode("utf-8", "replace")


def _lines(tsv: str) -> list[_Line]:
    """Tesseract's words grouped into its lines, each with its paragraph, letter height and confidence."""
    words: dict[tuple[int, int, int], list[tuple[str, float, float]]] = defaultdict(list)
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        block, paragraph, line = int(cells[2]), int(cells[3]), int(cells[4])
        words[(block, paragraph, line)].append((cells[11].strip(), float(cells[9]), float(cells[10])))
    lines = []
    for (block, paragraph, _), found in words.items():
        text = normalize(" ".join(word for word, _, _ in found))
        confidence = max(conf for _, _, conf in found)
        if confidence >= MIN_CONFIDENCE and sum(c.isalnum() for c in text) >= 2:
            lines.append(_Line((block, paragraph), median(height for _, height, _ in found), text, confidence))
    return lines


def _blocks(lines: list[_Line], page: int) -> list[Block]:
    """Tesseract's paragraphs as blocks; a one-line paragraph in larger letters is a heading."""
    if not lines:
        return []
    usual = median(line.height for line in lines)
    paragraphs: dict[tuple[int, int], list[_Line]] = defaultdict(list)
    for line in lines:
        paragraphs[line.paragraph].append(line)
    blocks = []
    for group in paragraphs.values():
        text = join_lines(line.text for line in group)
        heading = len(group) == 1 and group[0].height >= HEADING_HEIGHT * usual and not text.endswith(".")
        blocks.append(Block(text, "heading" if heading else "paragraph", page=page, level=1 if heading else 0, ocr=True))
    return blocks


class _Cache:
    """Per file, a JSON of the lines Tesseract read on each page; unreadable entries are ignored."""

    def __init__(self, folder: Path | None, content_hash: str):
        self.path = folder / content_hash[:2] / f"{content_hash}.json" if folder and content_hash else None
        self.pages: dict[str, list] = self._load()

    def _load(self) -> dict[str, list]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            os.utime(self.path)  # used in this run: a --full run prunes what it did not use
        except (OSError, ValueError):
            return {}
        return data.get("pages", {}) if isinstance(data, dict) and data.get("version") == CACHE_VERSION else {}

    def get(self, page: int) -> list[_Line] | None:
        stored = self.pages.get(str(page))
        if stored is None:
            return None
        try:
            return [_Line((int(b), int(p)), float(h), str(t), float(c)) for b, p, h, t, c in stored]
        except (TypeError, ValueError):
            return None

    def put(self, page: int, lines: list[_Line]) -> None:
        if self.path is None:
            return
        self.pages[str(page)] = [[*line.paragraph, line.height, line.text, line.confidence] for line in lines]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"version": CACHE_VERSION, "pages": self.pages}, ensure_ascii=False),
                                 encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            logger.warning("Kunne ikke lagre OCR-teksten i %s", self.path, exc_info=True)


def prune_cache(folder: Path, used_since: float) -> int:
    """Remove cache entries no file used since `used_since` (a time.time()); call after a run that
    read every file (--full). Returns how many were removed."""
    removed = 0
    for entry in folder.glob("*/*.json") if folder.is_dir() else []:
        try:
            if entry.stat().st_mtime < used_since:
                entry.unlink()
                removed += 1
        except OSError:
            continue
    for leftover in folder.glob("*/.*.tmp") if folder.is_dir() else []:
        leftover.unlink(missing_ok=True)
    return removed
