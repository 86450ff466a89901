"""Bring an index up to date with a corpus folder: files → Documents → Passages → an engine's store.

A run holds the index's writer lock, compares the folder with the live index's catalog (size and
mtime first, content hash when those differ), and writes the changes through the engine's store
(engines/): a Whoosh generation in a folder, or one PostgreSQL transaction. Only unseen content is
parsed; a file moved to a new path keeps its stored passages under its new id. Searches see the
run only when all of it is in, so a crash at any point leaves the old index searchable.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, UTC
from pathlib import Path

from . import __version__, storage
from .access import Access, AccessRuleError, AccessRules
from .discover import find_files
from .engines.store import KILL_AT_VARIABLE, IndexStore, StoreWriter, checkpoint, open_store
from .errors import NothingToIndexError, SokbaseError
from .models import Document, Passage
from .schema import FORMAT
from .sidecar import sidecar_path
from .storage import Failure, FileRecord, OcrFile
from .workers import Limits, Workers, parse_all, workers_for
from .extract import ocr as ocr_stage

__all__ = ["KILL_AT_VARIABLE", "IndexReport", "IndexWriteError", "build_index"]

logger = logging.getLogger(__name__)

Progress = Callable[[Path, Failure | None], None]
# An mtime this close to the scan may still change within the same tick: hash that file next time.
_FRESH_NS = 2_000_000_000
# What reading a file makes of it (extract/, metadata.py, passages.py). When that changes but the
# index's FORMAT need not, bump this: files read by an older version are read again on the next run,
# while searches keep using the index as it is (a FORMAT change would refuse them until then).
# 1: event words count only as words of their own (conference.py); documents of headings alone are
#    indexed by their title instead of failing (passages.py); a law links to Lovdata by its refid
#    (extract/front_matter.py).
# 2: a Markdown paragraph wholly in italics is a note kept in the passage before it (a law's "Endret ved
#    lov …" was a hit of its own).
EXTRACTION_VERSION = 2


class IndexWriteError(SokbaseError):
    """The run could not be written (disk full, no permission, connection lost); the old index is kept."""


@dataclass
class IndexReport:
    """What one `sokbase index` run did. `documents` and `passages` count the whole index after it."""

    corpus: str
    index_dir: str  # a folder, or a PostgreSQL URL without its password
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
    access_changed: int = 0  # unchanged files whose access rule changed (re-filed without reading them)
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
    reaccess: list[FileRecord] = field(default_factory=list)  # unchanged files whose access rule changed
    refused: list[Failure] = field(default_factory=list)  # files whose access rule cannot be read
    restat: bool = False  # only sizes/mtimes changed: a new catalog saves hashing next time
    outdated: int = 0  # unchanged files read again because an older EXTRACTION_VERSION read them

    def is_empty(self) -> bool:
        return not (self.parse or self.moved or self.deleted or self.reaccess or self.restat)


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
    """Bring the index at `index_dir` (a folder or a postgresql:// URL) up to date with `corpus`
    (everything again with `full`).

    `progress(path, failure)` is called for every file parsed, `on_start(n)` once with how many
    will be. `wait` is how long to wait for another indexing job (None: as long as it takes).
    `ocr` is "auto" (read scanned pages with Tesseract when it is installed) or "never".
    A run that would leave no document never replaces the live index.
    """
    started = time.perf_counter()
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise NothingToIndexError(f"Fant ikke katalogen {corpus}.")
    store = open_store(index_dir)
    missing_ocr = ocr_stage.missing_tools() if ocr == "auto" else None
    ocr_options = ocr_stage.OcrOptions(enabled=ocr == "auto" and missing_ocr is None, page_timeout=ocr_page_timeout,
                                       cache_dir=store.ocr_cache)
    limits = Limits(jobs=max(1, jobs or os.cpu_count() or 1), timeout=timeout, max_bytes=int(max_file_mb * 2**20),
                    ocr=ocr_options)
    report = IndexReport(corpus=str(corpus.resolve()), index_dir=store.location)  # a cron log names the folders in full
    with store.lock(wait) as notices:
        report.notices += notices
        for notice in report.notices:
            logger.warning(notice)
        started_wall = time.time()
        _update(corpus, store, full, limits, report, progress, on_start)
        if report.mode == "full" and report.generation and ocr_options.enabled and ocr_options.cache_dir:
            ocr_stage.prune_cache(ocr_options.cache_dir, started_wall)  # every file was read: unused entries are gone files
    _ocr_notice(report, missing_ocr)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _update(corpus: Path, store: IndexStore, full: bool, limits: Limits, report: IndexReport, progress,
            on_start) -> None:
    files = find_files(corpus)
    report.files = len(files)
    if not files:
        raise NothingToIndexError(f"Fant ingen PDF-, Word-, OpenDocument-, HTML- eller tekstfiler i {corpus}.")
    with workers_for(corpus, limits, store.analysis()) as workers:
        _plan_and_write(corpus, files, store, full, limits, workers, report, progress, on_start)


def _plan_and_write(corpus: Path, files: list[Path], store: IndexStore, full: bool, limits: Limits, workers: Workers,
                    report: IndexReport, progress, on_start) -> None:
    live = store.live(full)
    report.notices += live.notices
    plan = _plan(files, corpus, live.catalog, on_parse=workers.start)
    _count(plan, report)
    if plan.outdated:
        report.notices.append(f"{plan.outdated} uendrede filer ble lest på nytt fordi denne versjonen av sokbase "
                              "leser filer annerledes.")
    if live.generation and plan.is_empty():
        report.mode = "unchanged"
        _finish_report(report, plan.kept, live.generation)
        return
    report.mode = "incremental" if live.generation else "full"
    if on_start:
        on_start(len(plan.parse))
    writer = store.writer(live)
    try:
        records = _write(writer, plan, corpus, limits, workers, report, progress)
        _count_parsed(plan, live.catalog, report)
        _finish_report(report, records, None)
        if report.documents == 0:
            writer.abort()
            return
        report.generation = writer.commit(records, _manifest(corpus, records, report))
    except OSError as error:
        writer.abort()
        raise IndexWriteError(f"Kunne ikke skrive indeksen i {store.location} ({error}). "
                              "Den forrige indeksen brukes fortsatt.") from None
    except BaseException:
        writer.abort()
        raise


def _plan(files: list[Path], corpus: Path, previous: dict[str, FileRecord], on_parse=lambda files: None) -> _Plan:
    plan = _Plan()
    rules = AccessRules(corpus)
    candidates: list[tuple[Path, FileRecord]] = []
    now = time.time_ns()
    for path in files:
        record = _scan(path, corpus, now)
        old = previous.get(record.source)
        current = old is not None and old.extraction == EXTRACTION_VERSION
        try:
            access = _access(path, record, old, rules)
        except AccessRuleError as error:  # never indexed open to all: left out until the rule is fixed
            plan.refused.append(Failure(record.source, str(error)))
            if old and old.doc_id:
                plan.deleted.append(old)
            continue
        record.access, record.access_rule = list(access.groups), access.rule
        same_stat = current and (old.size, old.mtime_ns, old.sidecar) == (record.size, record.mtime_ns, record.sidecar)
        if same_stat and old.mtime_ns >= 0:
            plan.kept.append(_with_access(old, record, plan))
            continue
        record.fingerprint = _fingerprint(path)
        if current and old.fingerprint == record.fingerprint:
            kept = replace(old, size=record.size, mtime_ns=record.mtime_ns, sidecar=record.sidecar)
            plan.kept.append(_with_access(kept, record, plan))
            plan.restat = plan.restat or not same_stat
        else:
            plan.outdated += bool(old and old.fingerprint == record.fingerprint)
            candidates.append((path, record))
            on_parse(len(candidates))  # most likely files to parse (else moved ones): workers load meanwhile
    refused = {failure.source for failure in plan.refused}
    present = {record.source for _, record in candidates} | {record.source for record in plan.kept} | refused
    gone = [old for source, old in previous.items() if source not in present]
    movable = {old.fingerprint: old for old in gone if old.doc_id and old.extraction == EXTRACTION_VERSION}
    for path, record in candidates:
        twin = movable.pop(record.fingerprint, None)
        if twin:
            plan.moved.append((twin, record))
        else:
            plan.parse.append((path, record))
        if record.source in previous:  # changed, or replaced by a file moved onto its path
            plan.deleted.append(previous[record.source])
    moved = {old.source for old, _ in plan.moved}
    plan.deleted += [old for old in gone if old.source not in moved]
    return plan


def _access(path: Path, record: FileRecord, old: FileRecord | None, rules: AccessRules) -> Access:
    """The file's access rule. A sidecar is read again only when it changed; `_access.toml` files are
    read on every run (one per folder), so a changed folder rule reaches every file below it."""
    if record.sidecar is None:
        return rules.folder_rule(path.parent)
    meta = sidecar_path(path)
    unchanged = old is not None and old.mtime_ns >= 0 and old.sidecar == record.sidecar
    if not unchanged:
        return rules.of(path, meta)
    if old.access_rule is not None and old.access_rule == meta.relative_to(rules.corpus).as_posix():
        return Access(tuple(old.access), old.access_rule)
    return rules.folder_rule(path.parent)


def _with_access(kept: FileRecord, record: FileRecord, plan: _Plan) -> FileRecord:
    """A kept file's record with the access rule found now; a changed rule is re-filed without parsing."""
    if (kept.access, kept.access_rule) == (record.access, record.access_rule):
        return kept
    updated = replace(kept, access=record.access, access_rule=record.access_rule)
    if kept.doc_id and kept.access != record.access:
        plan.reaccess.append(updated)
    else:
        plan.restat = True  # the same groups from another file: only the catalog changes
    return updated


def _count(plan: _Plan, report: IndexReport) -> None:
    """Count each file once: a file that failed is counted as failed, not also as unchanged."""
    report.renamed = len(plan.moved)
    replaced = {r.source for _, r in plan.parse} | {failure.source for failure in plan.refused}
    report.removed = sum(1 for old in plan.deleted if old.source not in replaced)
    report.unchanged = sum(1 for record in plan.kept if not record.failure)
    report.access_changed = len(plan.reaccess)
    report.failures += [Failure(record.source, record.failure) for record in plan.kept if record.failure]
    report.failures += plan.refused


def _count_parsed(plan: _Plan, previous: dict[str, FileRecord], report: IndexReport) -> None:
    """New and changed files, once they are read: those that failed are counted as failed only."""
    failed = {failure.source for failure in report.failures}
    read = [record for _, record in plan.parse if record.source not in failed]
    report.added = sum(1 for record in read if record.source not in previous)
    report.updated = len(read) - report.added


def _scan(path: Path, corpus: Path, now: int) -> FileRecord:
    source = path.relative_to(corpus).as_posix()
    try:
        stat = path.stat()
    except OSError:
        return FileRecord(source=source, fingerprint="", size=-1, mtime_ns=-1, extraction=EXTRACTION_VERSION)
    meta = sidecar_path(path)
    sidecar = (meta.stat().st_size, meta.stat().st_mtime_ns) if meta.is_file() else None
    fresh = now - max(stat.st_mtime_ns, sidecar[1] if sidecar else 0) < _FRESH_NS
    return FileRecord(source=source, fingerprint="", size=stat.st_size, mtime_ns=-1 if fresh else stat.st_mtime_ns,
                      sidecar=sidecar, extraction=EXTRACTION_VERSION)


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    except OSError:
        digest.update(b"-")  # an unreadable file the worker will report
    digest.update(_sidecar_digest(sidecar_path(path)))
    return digest.hexdigest()


def _sidecar_digest(meta: Path) -> bytes:
    """The sidecar's values except its access rule, so that a changed rule alone re-files the passages
    (IndexStore.update_access) instead of reading the file again."""
    try:
        raw = meta.read_bytes()
    except OSError:
        return b"-"  # no sidecar
    try:
        values = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return hashlib.sha256(raw).digest()  # the worker reports what is wrong with it
    values.pop("access", None)
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode("utf-8")).digest()


def _write(writer: StoreWriter, plan: _Plan, corpus: Path, limits: Limits, workers: Workers,
           report: IndexReport, progress: Progress | None) -> list[FileRecord]:
    """Send the run's changes to `writer`; return the catalog the index will carry."""
    for old in plan.deleted:
        if old.doc_id:
            writer.delete(old)
    for record in plan.reaccess:
        writer.update_access(record)
    records = list(plan.kept) + [writer.move(old, new) for old, new in plan.moved]
    records += _add_parsed(plan.parse, corpus, limits, writer, workers, report, progress)
    return sorted(records, key=lambda record: record.source)


def _add_parsed(parse: list[tuple[Path, FileRecord]], corpus: Path, limits: Limits, writer: StoreWriter,
                workers: Workers, report: IndexReport, progress: Progress | None) -> list[FileRecord]:
    by_path = dict(parse)
    records = []
    for path, result in parse_all(list(by_path), corpus, limits, workers):
        record = by_path[path]
        failure = result if isinstance(result, Failure) else None
        if failure:
            logger.warning("%s: %s", failure.source, failure.reason)
            report.failures.append(failure)
            if not failure.retry:
                records.append(replace(record, failure=failure.reason))
        else:
            document, passages, analyzed = result
            document.access = tuple(record.access)
            writer.add(document, passages, analyzed)
            records.append(_ocr_record(report, _indexed_record(record, document, passages), document))
        if progress:
            progress(path, failure)
        checkpoint("parsing")
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
    access: Counter[str] = Counter()
    for record in records:
        if not record.doc_id:
            continue
        doc_types[record.doc_type] += 1
        access.update({value: record.passages for value in record.access})
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
        access=dict(access.most_common()),
    )
