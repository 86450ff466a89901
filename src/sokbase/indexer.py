"""Build a new index generation from a corpus folder: files → Documents → Passages → Whoosh."""
from __future__ import annotations

import json
import logging
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, UTC
from pathlib import Path
from collections.abc import Callable, Iterable

from whoosh import index as whoosh_index

from . import __version__, storage
from .discover import find_files
from .errors import ExtractionError, NothingToIndexError, SokbaseError
from .extract import extract_file
from .metadata import enrich_document, enrich_passages
from .models import Document, Passage
from .municipalities import Gazetteer
from .passages import split_passages
from .schema import FORMAT, build_schema

logger = logging.getLogger(__name__)

Progress = Callable[[Path, storage.Failure | None], None]


@dataclass
class IndexReport:
    """What one `sokbase index` run did."""

    corpus: str
    index_dir: str
    generation: str | None = None
    files: int = 0
    documents: int = 0
    passages: int = 0
    failures: list[storage.Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        if self.documents == 0:
            return 1
        return 3 if self.failures else 0

    def to_dict(self) -> dict:
        return asdict(self)


def build_index(corpus: Path | str, index_dir: Path | str | None = None, progress: Progress | None = None) -> IndexReport:
    """Index every supported file under `corpus`; the new generation goes live only if at least
    one document was indexed, so a run over a broken or empty folder never empties the index."""
    started = time.perf_counter()
    corpus = Path(corpus)
    index_dir = Path(index_dir) if index_dir is not None else storage.default_index_dir()
    if not corpus.is_dir():
        raise NothingToIndexError(f"Fant ikke katalogen {corpus}.")
    report = IndexReport(corpus=str(corpus), index_dir=str(index_dir))
    files = find_files(corpus)
    report.files = len(files)
    if not files:
        raise NothingToIndexError(f"Fant ingen PDF-, HTML- eller tekstfiler i {corpus}.")

    generation = storage.new_generation(index_dir)
    try:
        documents = _write_generation(generation, corpus, files, report, progress)
    except BaseException:
        storage.discard(generation)
        raise
    report.seconds = round(time.perf_counter() - started, 3)
    if report.documents == 0:
        storage.discard(generation)
        return report
    storage.write_manifest(generation, _manifest(corpus, documents, report))
    storage.publish(generation)
    report.generation = generation.name
    return report


def _write_generation(generation: Path, corpus: Path, files: list[Path], report: IndexReport, progress) -> list:
    gazetteer = Gazetteer.default()
    whoosh = whoosh_index.create_in(str(generation), build_schema())
    writer = whoosh.writer(limitmb=256)
    indexed: list[tuple[Document, list[Passage]]] = []
    try:
        for path in files:
            failure = None
            try:
                document, passages = _process(path, corpus, gazetteer)
            except Exception as error:  # one bad file must not stop the run
                failure = _failure(path, corpus, error)
                report.failures.append(failure)
            else:
                for passage in passages:
                    writer.add_document(**_fields(document, passage))
                indexed.append((document, passages))
                report.documents += 1
                report.passages += len(passages)
            if progress:
                progress(path, failure)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        whoosh.close()
    return indexed


def _process(path: Path, corpus: Path, gazetteer: Gazetteer) -> tuple[Document, list[Passage]]:
    document = extract_file(path, corpus)
    document = enrich_document(document, gazetteer)
    passages = split_passages(document)
    if not passages:
        raise ExtractionError("ingen tekst funnet")
    return document, enrich_passages(passages, document, gazetteer)


def _failure(path: Path, corpus: Path, error: Exception) -> storage.Failure:
    source = path.relative_to(corpus).as_posix()
    if isinstance(error, SokbaseError):
        reason = str(error)
    else:
        logger.debug("Uventet feil i %s", source, exc_info=True)
        reason = f"uventet feil ved lesing ({type(error).__name__}: {error})"
    logger.warning("%s: %s", source, reason)
    return storage.Failure(source=source, reason=reason)


def _fields(document: Document, passage: Passage) -> dict:
    conference = document.conference
    year = conference.year if conference and conference.year else _year(document.date)
    return {
        "passage_id": passage.passage_id,
        "doc_id": passage.doc_id,
        "position": passage.position,
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
    }


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _manifest(corpus: Path, indexed: Iterable[tuple[Document, list[Passage]]], report: IndexReport) -> storage.Manifest:
    conferences: list[str] = []
    municipalities: Counter[str] = Counter()
    doc_types: Counter[str] = Counter()
    for document, passages in indexed:
        doc_types[document.doc_type] += 1
        if document.conference and document.conference.name not in conferences:
            conferences.append(document.conference.name)
        for passage in passages:
            municipalities.update(f"{m.name} ({m.number})" for m in passage.municipalities)
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
