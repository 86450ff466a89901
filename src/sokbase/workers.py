"""Parse files in worker processes, each file under a time and size limit.

A worker that overruns its file's deadline is killed and replaced, and the file is reported;
one pathological PDF can neither stall nor exhaust a nightly run. Workers are started with
`spawn`, so they inherit no descriptors (least of all the index lock), and on Linux they ask the
kernel to kill them when the indexing process dies.
"""
from __future__ import annotations

import collections
import ctypes
import logging
import multiprocessing
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .errors import ExtractionError, NoTextError, SokbaseError
from .extract.ocr import OcrOptions
from .models import Document, Passage
from .storage import Failure

logger = logging.getLogger(__name__)

# A document, its passages, and what the engine's analysis (engines.store.Analysis) made of them.
Parsed = tuple[Document, list[Passage], Any]
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Limits:
    jobs: int = 1
    timeout: float = 120.0  # seconds per file
    max_bytes: int = 200 * 2**20
    ocr: OcrOptions = OcrOptions(enabled=False)


def parse_file(path: Path, corpus: Path, gazetteer, ocr: OcrOptions | None = None) -> tuple[Document, list[Passage]]:
    """One file → its Document and enriched Passages, or an ExtractionError saying why not."""
    from .extract import extract_file
    from .metadata import enrich_document, enrich_passages
    from .passages import split_passages

    document = enrich_document(extract_file(path, corpus, ocr), gazetteer)
    passages = split_passages(document)
    if not passages:
        raise ExtractionError("ingen tekst funnet")
    return document, enrich_passages(passages, document, gazetteer)


def failure_for(source: str, error: BaseException) -> Failure:
    if isinstance(error, SokbaseError):
        reason = str(error)
    else:
        logger.debug("Uventet feil i %s", source, exc_info=error)
        reason = f"uventet feil ved lesing ({type(error).__name__}: {error})"
    needs_ocr = isinstance(error, NoTextError)
    # A scan OCR did not read is read again next run, so that it is searchable once Tesseract is there.
    return Failure(source=source, reason=reason, needs_ocr=needs_ocr, retry=needs_ocr and error.ocr_pending)


def workers_for(corpus: Path, limits: Limits, analysis) -> Workers:
    """`limits.jobs` worker processes, not started yet. Each takes about a second to import sokbase
    and load the lexicons: the indexer starts them at the first file its plan must parse, so they
    load while the rest is planned (an incremental run of 1 % of 16,666 files waited 0.7 s for them),
    and a run with nothing to parse starts none. The passages come analysed by `analysis` (an
    engine's engines.store.Analysis), so the writing process only files the result."""
    return Workers(corpus, limits.jobs, limits.timeout, analysis, limits.ocr)


def parse_all(paths: list[Path], corpus: Path, limits: Limits, workers: Workers) -> Iterator[tuple[Path, Parsed | Failure]]:
    """Yield every path with its parse result, in the order they finish."""
    pending = collections.deque()
    for path in paths:
        too_big = _size_failure(path, corpus, limits.max_bytes)
        if too_big:
            yield path, too_big
        else:
            pending.append(path)
    if pending:
        yield from workers.run(pending)


def _size_failure(path: Path, corpus: Path, max_bytes: int) -> Failure | None:
    try:
        size = path.stat().st_size
    except OSError:
        return None  # the worker reports why the file cannot be read
    if size <= max_bytes:
        return None
    return Failure(
        source=path.relative_to(corpus).as_posix(),
        reason=f"filen er for stor ({size / 2**20:.1f} MB, grensen er {max_bytes / 2**20:g} MB)",
    )


class _Worker:
    def __init__(self, context, corpus: Path, analysis, ocr: OcrOptions):
        self.conn, child = context.Pipe()
        level = logging.getLogger().getEffectiveLevel()
        self.process = context.Process(target=_serve, args=(child, str(corpus), level, analysis, ocr), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.path: Path | None = None
        self.deadline = 0.0

    def give(self, path: Path, timeout: float) -> None:
        self.path, self.deadline = path, time.monotonic() + timeout
        self.conn.send(str(path))

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class Workers:
    """Worker processes, started by start() (or run()) and stopped on leaving the `with`."""

    def __init__(self, corpus: Path, size: int, timeout: float, analysis, ocr: OcrOptions):
        self.corpus, self.timeout, self.analysis, self.ocr = corpus, timeout, analysis, ocr
        self.size = max(1, size)
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[_Worker] = []

    def start(self, files: int = 1) -> None:
        """Enough workers for `files` files (never more than the size asked for): a run that changes one
        file on a many-core server starts one, not one per core."""
        while len(self.workers) < min(self.size, files):
            self.workers.append(_Worker(self.context, self.corpus, self.analysis, self.ocr))

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        for worker in self.workers:
            worker.stop()

    def run(self, pending: collections.deque) -> Iterator[tuple[Path, Parsed | Failure]]:
        self.start(len(pending))
        while pending or any(w.path for w in self.workers):
            for worker in self.workers:
                if worker.ready and worker.path is None and pending:
                    worker.give(pending.popleft(), self.timeout)
            ready = wait([w.conn for w in self.workers], timeout=self._next_deadline())
            for worker in list(self.workers):
                if worker.conn in ready:
                    yield from self._receive(worker, pending)
                # While the caller wrote another file's passages, this one's result may have come in.
                elif worker.path and time.monotonic() > worker.deadline and not worker.conn.poll():
                    yield worker.path, self._replace(worker, f"tok mer enn {self.timeout:g} s å lese")

    def _next_deadline(self) -> float | None:
        deadlines = [w.deadline for w in self.workers if w.path]
        return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None

    def _receive(self, worker: _Worker, pending: collections.deque) -> Iterator[tuple[Path, Parsed | Failure]]:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            if not worker.ready:
                raise SokbaseError("En arbeidsprosess for lesing av filer kunne ikke starte.") from None
            path = worker.path
            failure = self._replace(worker, "lesingen stoppet uventet (prosessen krasjet eller gikk tom for minne)")
            if path:
                yield path, failure
            return
        if message == "ready":
            worker.ready = True
            return
        path, worker.path = worker.path, None
        if pending:  # the worker parses the next file while the caller writes this one
            worker.give(pending.popleft(), self.timeout)
        yield path, message

    def _replace(self, worker: _Worker, reason: str) -> Failure:
        """Kill `worker`, start a fresh one in its place; its file fails but is retried next run."""
        source = worker.path.relative_to(self.corpus).as_posix() if worker.path else ""
        worker.stop()
        self.workers[self.workers.index(worker)] = _Worker(self.context, self.corpus, self.analysis, self.ocr)
        return Failure(source=source, reason=reason, retry=True)


def _serve(conn: Connection, corpus: str, log_level: int, analysis, ocr: OcrOptions) -> None:
    """A worker's life: parse the paths it is sent until the parent closes the pipe."""
    _die_with_parent()
    # The parent reports every failure itself; libraries' warnings show only when it is verbose.
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    from . import extract, metadata, passages  # noqa: F401  imported before "ready" so deadlines time parsing only
    from .municipalities import Gazetteer

    root = Path(corpus)
    gazetteer = Gazetteer.default()
    analysis.warm_up()  # loads the lexicon and compound splitter now, not on a file's clock
    conn.send("ready")
    while True:
        try:
            path = Path(conn.recv())
        except (EOFError, OSError):
            return
        try:
            document, found = parse_file(path, root, gazetteer, ocr)
            result: Parsed | Failure = (document, found, analysis(document, found))
        except Exception as error:  # one bad file must not stop the run
            result = failure_for(path.relative_to(root).as_posix(), error)
        conn.send(result)


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
