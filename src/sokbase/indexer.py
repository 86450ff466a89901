"""Bring the index up to date with a corpus folder: files → Documents → Passages → Whoosh.

A run holds the index lock, compares the folder with the live generation's catalog (size and
mtime first, content hash when those differ), and writes a new generation: a full build, or
hard links to the live segments plus the changes. Only unseen content is parsed; a file moved
to a new path keeps its stored passages under its new id. The new generation goes live only
when it is complete and synced, so a crash at any point leaves the old one searchable.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, UTC
from pathlib import Path

from whoosh import index as whoosh_index

from . import __version__, storage
from .discover import find_files
from .errors import IndexMissingError, IndexOutdatedError, NothingToIndexError, SokbaseError
from .lawrefs import chapter_of, paragraph_of
from .locking import IndexLock
from .models import Document, Passage, doc_id_for, passage_id_for
from .schema import FORMAT, build_schema, content
from .segment_writer import FastSegmentWriter, merge_policy
from .sidecar import sidecar_path
from .storage import Failure, FileRecord, OcrFile
from .workers import Limits, parse_all
from .extract import ocr as ocr_stage

logger = logging.getLogger(__name__)

Progress = Callable[[Path, Failure | None], None]
WRITER_LIMIT_MB = 256
# An mtime this close to the scan may still change within the same tick: hash that file next time.
_FRESH_NS = 2_000_000_000
# Tests set this to a checkpoint name to have the run SIGKILL itself there.
KILL_AT_VARIABLE = "SOKBASE_TEST_KILL_AT"


class IndexWriteError(SokbaseError):
    """The new generation could not be written (disk full, no permission); the old one is kept."""


@dataclass
class IndexReport:
    """What one `sokbase index` run did. `documents` and `passages` count the whole index after it."""

    corpus: str
    index_dir: str
    generation: str | None = None
    mode: str = "full"  # "full", "incremental" or "unchanged" (nothing to write)
    files: int = 0
    documents: int = 0
    passages: int = 0
    added: int = 0
    updated: int = 0
    renamed: int = 0
    removed: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    ocr: list[OcrFile] = field(default_factory=list)  # PDFs of this run with scanned pages
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        if self.documents == 0:
            return 1
        return 3 if self.failures else 0

    def to_dict(self) -> dict:
        return asdict(self) | {"failed": len(self.failures), "exit_code": self.exit_code}


@dataclass
class _Plan:
    parse: list[tuple[Path, FileRecord]] = field(default_factory=list)
    moved: list[tuple[FileRecord, FileRecord]] = field(default_factory=list)  # (old, new path)
    kept: list[FileRecord] = field(default_factory=list)
    deleted: list[FileRecord] = field(default_factory=list)  # old versions to take out of the index
    restat: bool = False  # only sizes/mtimes changed: a new catalog saves hashing next time

    def is_empty(self) -> bool:
        return not (self.parse or self.moved or self.deleted or self.restat)


def build_index(
    corpus: Path | str,
    index_dir: Path | str | None = None,
    progress: Progress | None = None,
    *,
    full: bool = False,
    jobs: int | None = None,
    timeout: float = 120.0,
    max_file_mb: float = 200.0,
    wait: float | None = 0,
    on_start: Callable[[int], None] | None = None,
    ocr: str = "auto",
    ocr_page_timeout: float = ocr_stage.PAGE_TIMEOUT,
) -> IndexReport:
    """Bring the index at `index_dir` up to date with `corpus` (everything again with `full`).

    `progress(path, failure)` is called for every file parsed, `on_start(n)` once with how many
    will be. `wait` is how long to wait for another indexing job (None: as long as it takes).
    `ocr` is "auto" (read scanned pages with Tesseract when it is installed) or "never".
    A run that would leave no document never replaces the live index.
    """
    started = time.perf_counter()
    corpus = Path(corpus)
    index_dir = Path(index_dir) if index_dir is not None else storage.default_index_dir()
    if not corpus.is_dir():
        raise NothingToIndexError(f"Fant ikke katalogen {corpus}.")
    missing_ocr = ocr_stage.missing_tools() if ocr == "auto" else None
    ocr_options = ocr_stage.OcrOptions(enabled=ocr == "auto" and missing_ocr is None, page_timeout=ocr_page_timeout,
                                       cache_dir=index_dir / ocr_stage.CACHE_FOLDER)
    limits = Limits(jobs=max(1, jobs or os.cpu_count() or 1), timeout=timeout, max_bytes=int(max_file_mb * 2**20),
                    ocr=ocr_options)
    report = IndexReport(corpus=str(corpus.resolve()), index_dir=str(index_dir.resolve()))  # a cron log names the folders in full
    with IndexLock(index_dir, wait=wait) as lock:
        if lock.recovered_from:
            report.notices.append(f"Tok over låsen etter en indeksering som ble avbrutt (pid {lock.recovered_from}).")
        report.notices += storage.clean_leftovers(index_dir)
        for notice in report.notices:
            logger.warning(notice)
        started_wall = time.time()
        _update(corpus, index_dir, full, limits, report, progress, on_start)
        if report.mode == "full" and report.generation and ocr_options.enabled:
            ocr_stage.prune_cache(ocr_options.cache_dir, started_wall)  # every file was read: unused entries are gone files
    _ocr_notice(report, missing_ocr)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _update(corpus: Path, index_dir: Path, full: bool, limits: Limits, report: IndexReport, progress, on_start) -> None:
    files = find_files(corpus)
    report.files = len(files)
    if not files:
        raise NothingToIndexError(f"Fant ingen PDF-, Word-, OpenDocument-, HTML- eller tekstfiler i {corpus}.")
    live, previous = _live(index_dir, full, report)
    plan = _plan(files, corpus, previous)
    _count(plan, previous, report)
    if live and plan.is_empty():
        report.mode = "unchanged"
        _finish_report(report, plan.kept, live.name)
        return
    report.mode = "incremental" if live else "full"
    if on_start:
        on_start(len(plan.parse))
    generation = storage.new_generation(index_dir)
    try:
        records = _write(generation, live, plan, corpus, limits, report, progress)
        _finish_report(report, records, None)
        if report.documents == 0:
            storage.discard(generation)
            return
        storage.write_catalog(generation, records)
        storage.write_manifest(generation, _manifest(corpus, records, report))
        _checkpoint("manifest")
        storage.publish(generation)
    except OSError as error:
        storage.discard(generation)
        raise IndexWriteError(f"Kunne ikke skrive indeksen i {index_dir} ({error}). Den forrige indeksen brukes fortsatt.") from None
    except BaseException:
        storage.discard(generation)
        raise
    report.generation = generation.name


def _live(index_dir: Path, full: bool, report: IndexReport) -> tuple[Path | None, dict[str, FileRecord]]:
    """The live generation and its catalog, or (None, {}) when everything must be built."""
    if full:
        return None, {}
    try:
        live = storage.current_generation(index_dir)
        storage.read_manifest(live)
    except IndexMissingError:
        return None, {}
    except IndexOutdatedError:
        report.notices.append("Indeksen er fra en annen versjon av sokbase; bygger alt på nytt.")
        return None, {}
    catalog = storage.read_catalog(live)
    if catalog is None:
        report.notices.append("Indeksen mangler filoversikt; bygger alt på nytt.")
        return None, {}
    return live, catalog


def _plan(files: list[Path], corpus: Path, previous: dict[str, FileRecord]) -> _Plan:
    plan = _Plan()
    candidates: list[tuple[Path, FileRecord]] = []
    now = time.time_ns()
    for path in files:
        record = _scan(path, corpus, now)
        old = previous.get(record.source)
        same_stat = old and (old.size, old.mtime_ns, old.sidecar) == (record.size, record.mtime_ns, record.sidecar)
        if same_stat and old.mtime_ns >= 0:
            plan.kept.append(old)
            continue
        record.fingerprint = _fingerprint(path)
        if old and old.fingerprint == record.fingerprint:
            plan.kept.append(replace(old, size=record.size, mtime_ns=record.mtime_ns, sidecar=record.sidecar))
            plan.restat = plan.restat or not same_stat
        else:
            candidates.append((path, record))
    present = {record.source for _, record in candidates} | {record.source for record in plan.kept}
    gone = [old for source, old in previous.items() if source not in present]
    movable = {old.fingerprint: old for old in gone if old.doc_id}
    for path, record in candidates:
        twin = movable.pop(record.fingerprint, None)
        if twin:
            plan.moved.append((twin, record))
        else:
            plan.parse.append((path, record))
            if record.source in previous:
                plan.deleted.append(previous[record.source])
    moved = {old.source for old, _ in plan.moved}
    plan.deleted += [old for old in gone if old.source not in moved]
    return plan


def _count(plan: _Plan, previous: dict[str, FileRecord], report: IndexReport) -> None:
    report.added = sum(1 for _, record in plan.parse if record.source not in previous)
    report.updated = len(plan.parse) - report.added
    report.renamed = len(plan.moved)
    report.removed = sum(1 for old in plan.deleted if old.source not in {r.source for _, r in plan.parse})
    report.unchanged = len(plan.kept)
    report.failures += [Failure(record.source, record.failure) for record in plan.kept if record.failure]


def _scan(path: Path, corpus: Path, now: int) -> FileRecord:
    source = path.relative_to(corpus).as_posix()
    try:
        stat = path.stat()
    except OSError:
        return FileRecord(source=source, fingerprint="", size=-1, mtime_ns=-1)
    meta = sidecar_path(path)
    sidecar = (meta.stat().st_size, meta.stat().st_mtime_ns) if meta.is_file() else None
    fresh = now - max(stat.st_mtime_ns, sidecar[1] if sidecar else 0) < _FRESH_NS
    return FileRecord(source=source, fingerprint="", size=stat.st_size, mtime_ns=-1 if fresh else stat.st_mtime_ns,
                      sidecar=sidecar)


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    for part in (path, sidecar_path(path)):
        try:
            with open(part, "rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        except OSError:
            digest.update(b"-")  # no sidecar, or an unreadable file the worker will report
    return digest.hexdigest()


def _write(generation: Path, live: Path | None, plan: _Plan, corpus: Path, limits: Limits,
           report: IndexReport, progress: Progress | None) -> list[FileRecord]:
    """Fill `generation`; return the catalog it will carry."""
    if live:
        storage.link_generation(live, generation)
        whoosh = whoosh_index.open_dir(str(generation))
    else:
        whoosh = whoosh_index.create_in(str(generation), build_schema())
    writer = FastSegmentWriter(whoosh, limitmb=WRITER_LIMIT_MB)
    records = list(plan.kept)
    try:
        for old in plan.deleted + [old for old, _ in plan.moved]:
            if old.doc_id:
                writer.delete_by_term("doc_id", old.doc_id)
        if plan.moved:
            records += _move(live, plan.moved, writer)
        records += _add_parsed(plan.parse, corpus, limits, writer, report, progress)
        _checkpoint("commit")
        writer.commit(mergetype=merge_policy)
    except BaseException:
        writer.cancel()
        raise
    finally:
        whoosh.close()
    _checkpoint("committed")
    return sorted(records, key=lambda record: record.source)


def _move(live: Path, moved: list[tuple[FileRecord, FileRecord]], writer) -> list[FileRecord]:
    """Re-file the stored passages of moved files under their new ids and path, without parsing."""
    records = []
    with whoosh_index.open_dir(str(live)).searcher() as searcher:
        for old, new in moved:
            doc_id = doc_id_for(new.source)
            for stored in searcher.documents(doc_id=old.doc_id):
                writer.add_document(**_moved_fields(stored, doc_id, new.source))
            records.append(replace(old, source=new.source, size=new.size, mtime_ns=new.mtime_ns,
                                   sidecar=new.sidecar, doc_id=doc_id))
    return records


def _moved_fields(stored: dict, doc_id: str, source: str) -> dict:
    conference = json.loads(stored["conference"]) if stored.get("conference") else None
    # `konferanse` and `content` are indexed but not stored; they are made from stored fields.
    return stored | {
        "content": content(stored.get("title", ""), stored.get("heading"), stored["text"], stored.get("short_title")),
        "paragraph": paragraph_of(stored.get("heading")) or "",
        "chapter": chapter_of(stored.get("section")) or chapter_of(stored.get("heading")) or "",
        "doc_id": doc_id,
        "passage_id": passage_id_for(doc_id, stored["position"]),
        "source": source,
        "konferanse": conference["name"] if conference else "",
    }


def _add_parsed(parse: list[tuple[Path, FileRecord]], corpus: Path, limits: Limits, writer,
                report: IndexReport, progress: Progress | None) -> list[FileRecord]:
    by_path = dict(parse)
    records = []
    for path, result in parse_all(list(by_path), corpus, limits, writer.schema):
        record = by_path[path]
        failure = result if isinstance(result, Failure) else None
        if failure:
            logger.warning("%s: %s", failure.source, failure.reason)
            report.failures.append(failure)
            if not failure.retry:
                records.append(replace(record, failure=failure.reason))
        else:
            document, passages, preindexed = result
            for passage, fields in zip(passages, preindexed):
                # A Preindexed value pickles with its postings: stored, it would carry them into every hit.
                plain = {f"_stored_{name}": str(value) for name, value in fields.items()}
                writer.add_document(**(_fields(document, passage) | fields | plain))
            records.append(_ocr_record(report, _indexed_record(record, document, passages), document))
        if progress:
            progress(path, failure)
        _checkpoint("parsing")
    return records


def _ocr_record(report: IndexReport, record: FileRecord, document: Document) -> FileRecord:
    """List a PDF's scanned pages in the report; pages OCR failed on make the file a failure too
    (its other pages are indexed), reported on every run until the file changes."""
    summary = document.ocr
    if summary is None:
        return record
    report.ocr.append(OcrFile(document.source, list(summary.pages), list(summary.cached),
                              [list(item) for item in summary.failed], list(summary.skipped)))
    if not summary.failed:
        return record
    reasons = "; ".join(reason for _, reason in summary.failed)
    failure = Failure(document.source, f"{reasons} (resten av dokumentet er indeksert)")
    report.failures.append(failure)
    return replace(record, failure=failure.reason)


def _ocr_notice(report: IndexReport, missing: str | None) -> None:
    unread = sum(1 for failure in report.failures if failure.needs_ocr) + sum(1 for f in report.ocr if f.skipped)
    if missing and unread:
        report.notices.append(
            f"{unread} PDF-er har skannede sider som ikke ble lest fordi {missing}. Installer OCR med "
            f"`{ocr_stage.INSTALL_HINT}` og indekser på nytt med --full."
        )


def _indexed_record(record: FileRecord, document: Document, passages: list[Passage]) -> FileRecord:
    municipalities = Counter(f"{m.name} ({m.number})" for passage in passages for m in passage.municipalities)
    return replace(
        record,
        doc_id=document.doc_id,
        passages=len(passages),
        doc_type=document.doc_type,
        conference=document.conference.name if document.conference else None,
        municipalities=dict(municipalities),
    )


def _fields(document: Document, passage: Passage) -> dict:
    conference = document.conference
    year = conference.year if conference and conference.year else _year(document.date)
    return {
        "passage_id": passage.passage_id,
        "doc_id": passage.doc_id,
        "position": passage.position,
        "content": content(document.title, passage.heading, passage.text, document.short_title),
        "text": passage.text,
        "heading": passage.heading or "",
        "title": document.title,
        "konferanse": conference.name if conference else "",
        "kommune": ",".join(m.number for m in passage.municipalities),
        "year": year,
        "doc_type": document.doc_type,
        "page": passage.page,
        "source": document.source,
        "url": document.url,
        "date": document.date,
        "conference": json.dumps(asdict(conference), ensure_ascii=False) if conference else None,
        "municipalities": json.dumps([asdict(m) for m in passage.municipalities], ensure_ascii=False),
        "ocr": passage.ocr,
        "short_title": document.short_title,
        "section": passage.section,
        "paragraph": paragraph_of(passage.heading) or "",
        "chapter": chapter_of(passage.section) or chapter_of(passage.heading) or "",
    }


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _finish_report(report: IndexReport, records: list[FileRecord], generation: str | None) -> None:
    indexed = [record for record in records if record.doc_id]
    report.documents = len(indexed)
    report.passages = sum(record.passages for record in indexed)
    report.failures.sort(key=lambda failure: failure.source)
    report.generation = generation


def _manifest(corpus: Path, records: list[FileRecord], report: IndexReport) -> storage.Manifest:
    conferences: list[str] = []
    municipalities: Counter[str] = Counter()
    doc_types: Counter[str] = Counter()
    for record in records:
        if not record.doc_id:
            continue
        doc_types[record.doc_type] += 1
        if record.conference and record.conference not in conferences:
            conferences.append(record.conference)
        municipalities.update(record.municipalities)
    return storage.Manifest(
        format=FORMAT,
        sokbase_version=__version__,
        corpus=str(corpus.resolve()),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        documents=report.documents,
        passages=report.passages,
        conferences=conferences,
        municipalities=dict(municipalities.most_common()),
        doc_types=dict(doc_types),
        failures=report.failures,
    )


def _checkpoint(name: str) -> None:
    """Let a test kill the run at a known point, the way a power cut or `kill -9` would."""
    if os.environ.get(KILL_AT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)
