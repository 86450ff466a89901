"""What an engine supplies to the indexer: a store that holds the index, and how workers analyse for it.

indexer.py plans a run (which files are new, changed, moved or gone), has workers parse files and
reports; every engine-specific step goes through these few methods:

    with store.lock(wait) as notices:          # one writer per index
        live = store.live(full)                # the catalog of the index searches use now
        writer = store.writer(live)
        writer.delete(record) / writer.move(old, new) / writer.update_access(record)
        writer.add(document, passages, analyzed)
        writer.commit(records, manifest)       # searches see all of the run at once, or
        writer.abort()                         # nothing of it

`store.analysis()` is sent to the worker processes (pickled), so that what an engine needs from the
analyzer (Whoosh: postings; PostgreSQL: terms, weights and positions) is worked out there, in
parallel, and the one writing process only files it.
"""
from __future__ import annotations

import json
import os
import signal
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..lawrefs import chapter_of, paragraph_of
from ..models import Document, Passage
from ..schema import content
from ..storage import FileRecord, Manifest

# Tests set this to a checkpoint name to have the run SIGKILL itself there.
KILL_AT_VARIABLE = "SOKBASE_TEST_KILL_AT"


def checkpoint(name: str) -> None:
    """Let a test kill the run at a known point, the way a power cut or `kill -9` would."""
    if os.environ.get(KILL_AT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class LiveIndex:
    """The index searches use when a run starts: its name and catalog (None: build everything)."""

    generation: str | None = None
    catalog: dict[str, FileRecord] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


class Analysis(Protocol):
    """Runs in a worker process: a parsed file's passages → what the store files for each of them."""

    def warm_up(self) -> None: ...

    def __call__(self, document: Document, passages: list[Passage]) -> Any: ...


class StoreWriter(Protocol):
    def delete(self, record: FileRecord) -> None:
        """Take the passages of an indexed file out (its doc_id)."""

    def move(self, old: FileRecord, new: FileRecord) -> FileRecord:
        """Re-file a moved file's passages (old.doc_id) under the new path's doc_id and with the new path's
        access rule (new.access), without parsing; its new record. Whatever the index held at the new
        path was deleted before."""

    def update_access(self, record: FileRecord) -> None:
        """Give the passages of an unchanged file (record.doc_id) the groups of a changed access rule
        (record.access), without parsing."""

    def add(self, document: Document, passages: list[Passage], analyzed: Any) -> None:
        """File a parsed document with what `Analysis` made of its passages."""

    def commit(self, records: list[FileRecord], manifest: Manifest) -> str:
        """Make the run visible to searches, all at once, with its catalog and manifest; its generation."""

    def abort(self) -> None:
        """Leave the live index as it was (safe to call after a failed commit)."""


class IndexStore(Protocol):
    location: str  # as shown in messages and reports: a folder, or a URL without its password
    ocr_cache: Path | None  # where OCR keeps pages it read (extract/ocr.py); None: no cache

    def lock(self, wait: float | None) -> AbstractContextManager[list[str]]:
        """Hold the one-writer lock; yields notices (a lock taken over from a killed run, leftovers removed)."""

    def live(self, full: bool) -> LiveIndex: ...

    def manifest(self) -> tuple[str, Manifest]:
        """The live generation's name and manifest (`sokbase stats`)."""

    def analysis(self) -> Analysis: ...

    def writer(self, live: LiveIndex) -> StoreWriter: ...


def open_store(location) -> IndexStore:
    """The store for an index location (see engines.location): PostgreSQL for a URL, else Whoosh."""
    from .location import location_of, postgres_module

    where = location_of(location)
    if where.is_postgres:
        return postgres_module("store").PostgresStore(where)
    from .whoosh_store import WhooshStore

    return WhooshStore(where.path)



def passage_fields(document: Document, passage: Passage) -> dict:
    """What every engine stores of a passage, by the names of the Whoosh schema's fields."""
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
        "access": ",".join(document.access),
    }


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None
