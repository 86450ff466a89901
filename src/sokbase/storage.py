"""Where an index lives on disk: numbered generations, a CURRENT pointer and a manifest.

index/
  CURRENT               name of the generation readers use, replaced atomically
  gen-000002/           Whoosh segment files + manifest.json
  gen-000003/           ... + files.json: what each source file was when it was indexed
  .lock                 held by the one job writing (see locking.py)

A build writes a new generation and only then points CURRENT at it, so readers always see
either the old or the new index, never one half-written. An incremental build starts from
hard links to the live generation's segment files: Whoosh never rewrites a file it has
written, it only adds new ones, so the two generations can share them safely.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import IndexMissingError, IndexOutdatedError
from .schema import FORMAT

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
CATALOG = "files.json"
_GENERATION = re.compile(r"^gen-(\d{6})$")
KEEP_GENERATIONS = 2  # the live one and the one before, for readers still open on it


@dataclass
class Failure:
    source: str
    reason: str
    retry: bool = False  # a time limit or a crash, not the file itself: the next run tries again
    needs_ocr: bool = False  # a PDF with no text layer: searchable only after OCR


@dataclass
class OcrFile:
    """A PDF of this run whose scanned pages were read by OCR, or would have been."""

    source: str
    pages: list[int] = field(default_factory=list)  # read by OCR
    cached: list[int] = field(default_factory=list)  # of those, taken from the OCR cache
    failed: list[tuple[int, str]] = field(default_factory=list)  # (page, reason)
    skipped: list[int] = field(default_factory=list)  # scanned pages not read (no Tesseract, --ocr never)


@dataclass
class FileRecord:
    """One source file as the generation holds it; enough to skip, move or count it without parsing."""

    source: str
    fingerprint: str  # sha256 of the file's bytes and of its sidecar's
    size: int
    mtime_ns: int  # -1 when the file was too fresh for its mtime to be trusted next time
    sidecar: tuple[int, int] | None = None  # (size, mtime_ns) of NAME.meta.toml
    doc_id: str | None = None  # None when the file could not be indexed
    passages: int = 0
    doc_type: str = ""
    conference: str | None = None
    municipalities: dict[str, int] = field(default_factory=dict)  # "Oslo (0301)" → passages
    failure: str | None = None
    access: list[str] = field(default_factory=lambda: ["*"])  # the groups that may read it (access.py)
    access_rule: str | None = None  # the file the rule came from, relative to the corpus; None: no rule
    extraction: int = 0  # the indexer's EXTRACTION_VERSION the file was read with; 0: read before it existed


@dataclass
class Manifest:
    format: str
    sokbase_version: str
    corpus: str
    created: str
    documents: int
    passages: int
    conferences: list[str] = field(default_factory=list)
    municipalities: dict[str, int] = field(default_factory=dict)  # "Oslo (0301)" → passages
    doc_types: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    access: dict[str, int] = field(default_factory=dict)  # access value ("*": everyone signed in) → passages

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        data["failures"] = [Failure(**f) for f in data.get("failures", [])]
        return cls(**data)


def default_index_dir() -> Path:
    return Path(os.environ.get("SOKBASE_INDEX") or "index")


def current_generation(index_dir: Path) -> Path:
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexMissingError(
            f"Fant ingen indeks i {index_dir}. Bygg den med `sokbase index KATALOG --index {index_dir}`."
        ) from None
    generation = index_dir / name
    if not _GENERATION.match(name) or not generation.is_dir():
        raise IndexMissingError(f"Indeksen i {index_dir} er ufullstendig. Bygg den på nytt med `sokbase index`.")
    return generation


def read_manifest(generation: Path) -> Manifest:
    try:
        manifest = Manifest.from_json((generation / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError) as error:
        raise IndexOutdatedError(
            f"Indeksen i {generation.parent} mangler eller har en ugyldig {MANIFEST} ({error}). "
            "Bygg den på nytt med `sokbase index`."
        ) from None
    if manifest.format != FORMAT:
        raise IndexOutdatedError(
            f"Indeksen i {generation.parent} ble bygget av en annen versjon av sokbase "
            f"({manifest.format}, denne bruker {FORMAT}). Bygg den på nytt med `sokbase index`."
        )
    return manifest


def new_generation(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    numbers = [int(m.group(1)) for p in index_dir.iterdir() if (m := _GENERATION.match(p.name))]
    generation = index_dir / f"gen-{max(numbers, default=0) + 1:06d}"
    generation.mkdir()
    return generation


def write_manifest(generation: Path, manifest: Manifest) -> None:
    _write_atomically(generation / MANIFEST, manifest.to_json())


def write_catalog(generation: Path, records: list[FileRecord]) -> None:
    # vars(), not asdict(): a record holds no dataclass, and asdict's deep copy of every record took
    # 0.9 s of a 4.6 s re-index of 16,666 files.
    data = {"format": FORMAT, "files": [vars(record) for record in records]}
    _write_atomically(generation / CATALOG, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def read_catalog(generation: Path) -> dict[str, FileRecord] | None:
    """The files of `generation` by source, or None when it has no usable catalog (then build it all)."""
    try:
        data = json.loads((generation / CATALOG).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        records = [FileRecord(**entry) for entry in data["files"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    for record in records:
        record.sidecar = tuple(record.sidecar) if record.sidecar else None
    return {record.source: record for record in records}


def link_generation(live: Path, generation: Path) -> None:
    """Give `generation` the Whoosh files of `live`, as hard links (copies where links are refused)."""
    for path in live.iterdir():
        if path.name in (MANIFEST, CATALOG) or path.name.endswith("WRITELOCK") or not path.is_file():
            continue
        try:
            os.link(path, generation / path.name)
        except OSError:
            shutil.copy2(path, generation / path.name)


def publish(generation: Path) -> None:
    """Make a finished generation durable, point readers at it, then remove generations no reader needs."""
    index_dir = generation.parent
    _sync_tree(generation)
    _write_atomically(index_dir / CURRENT, generation.name + "\n")
    _sync_directory(index_dir)
    _remove_old_generations(index_dir, keep=generation.name)


def clean_leftovers(index_dir: Path) -> list[str]:
    """Remove what a killed run left: generations never published, half-written temporary files.
    Call it only while holding the index lock. Returns one message per thing removed."""
    if not index_dir.is_dir():
        return []
    try:
        live = current_generation(index_dir).name
    except IndexMissingError:
        live = ""
    messages = []
    for path in sorted(index_dir.iterdir()):
        if _GENERATION.match(path.name) and path.is_dir() and path.name > live:
            shutil.rmtree(path, ignore_errors=True)
            messages.append(f"Fjernet {path.name}, som en avbrutt indeksering ikke gjorde ferdig.")
        elif path.name.startswith(f".{CURRENT}.") and path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)
    return messages


def discard(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


def _remove_old_generations(index_dir: Path, keep: str) -> None:
    generations = sorted(p for p in index_dir.iterdir() if _GENERATION.match(p.name) and p.is_dir())
    live = [p for p in generations if p.name <= keep]
    for stale in live[:-KEEP_GENERATIONS] + [p for p in generations if p.name > keep]:
        shutil.rmtree(stale, ignore_errors=True)


def _sync_tree(generation: Path) -> None:
    """Whoosh does not fsync; without this a power cut could leave CURRENT naming empty files."""
    for path in generation.iterdir():
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _sync_directory(generation)


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
