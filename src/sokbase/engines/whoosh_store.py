"""The Whoosh engine's store: numbered generations in a folder (storage.py), one writer by flock.

A run writes a new generation: a full build, or hard links to the live segments plus the changes.
The new generation goes live only when it is complete and synced (storage.publish), so a crash at
any point leaves the old one searchable; the next run removes what the killed one left.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from whoosh import index as whoosh_index

from .. import storage
from ..errors import IndexMissingError, IndexOutdatedError
from ..extract.ocr import CACHE_FOLDER
from ..lawrefs import chapter_of, paragraph_of
from ..locking import IndexLock
from ..models import Document, Passage, doc_id_for, passage_id_for
from ..schema import build_schema, content, preindexed
from ..segment_writer import FastSegmentWriter, merge_policy
from ..storage import FileRecord, Manifest
from .store import LiveIndex, checkpoint, passage_fields

WRITER_LIMIT_MB = 256


class WhooshPostings:
    """The workers' part for Whoosh: each passage's content, heading and title with their postings."""

    def __init__(self, schema):
        self.schema = schema

    def warm_up(self) -> None:
        list(self.schema["content"].index("Områdesatsingen"))  # loads the lexicon and compound splitter

    def __call__(self, document: Document, passages: list[Passage]) -> list[dict]:
        return preindexed(self.schema, document.title, passages, document.short_title)


class WhooshStore:
    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self.location = str(index_dir.resolve())  # a cron log names the folder in full
        self.ocr_cache = index_dir / CACHE_FOLDER
        self._schema = None

    @contextmanager
    def lock(self, wait: float | None) -> Iterator[list[str]]:
        with IndexLock(self.index_dir, wait=wait) as lock:
            notices = []
            if lock.recovered_from:
                notices.append(f"Tok over låsen etter en indeksering som ble avbrutt (pid {lock.recovered_from}).")
            yield notices + storage.clean_leftovers(self.index_dir)

    def live(self, full: bool) -> LiveIndex:
        if full:
            return LiveIndex()
        try:
            generation = storage.current_generation(self.index_dir)
            storage.read_manifest(generation)
        except IndexMissingError:
            return LiveIndex()
        except IndexOutdatedError:
            return LiveIndex(notices=["Indeksen er fra en annen versjon av sokbase; bygger alt på nytt."])
        catalog = storage.read_catalog(generation)
        if catalog is None:
            return LiveIndex(notices=["Indeksen mangler filoversikt; bygger alt på nytt."])
        return LiveIndex(generation.name, catalog)

    def manifest(self) -> tuple[str, Manifest]:
        """The live generation and its manifest, for `sokbase stats`."""
        generation = storage.current_generation(self.index_dir)
        return generation.name, storage.read_manifest(generation)

    def analysis(self) -> WhooshPostings:
        return WhooshPostings(self._new_schema())

    def writer(self, live: LiveIndex) -> WhooshWriter:
        generation = storage.new_generation(self.index_dir)
        try:
            if live.generation:
                storage.link_generation(self.index_dir / live.generation, generation)
                whoosh = whoosh_index.open_dir(str(generation))
            else:
                whoosh = whoosh_index.create_in(str(generation), self._new_schema())
        except BaseException:
            storage.discard(generation)
            raise
        return WhooshWriter(generation, self.index_dir / live.generation if live.generation else None, whoosh)

    def _new_schema(self):
        if self._schema is None:
            self._schema = build_schema()
        return self._schema


class WhooshWriter:
    def __init__(self, generation: Path, live: Path | None, whoosh):
        self.generation, self.live, self.whoosh = generation, live, whoosh
        self.writer = FastSegmentWriter(whoosh, limitmb=WRITER_LIMIT_MB)
        self._live_searcher = None

    def delete(self, record: FileRecord) -> None:
        if record.doc_id:
            self.writer.delete_by_term("doc_id", record.doc_id)

    def move(self, old: FileRecord, new: FileRecord) -> FileRecord:
        """Re-file the stored passages under the new id, path and access rule."""
        doc_id = doc_id_for(new.source)
        self._refile(old, doc_id, new.source, new.access)
        return replace(old, source=new.source, size=new.size, mtime_ns=new.mtime_ns, sidecar=new.sidecar, doc_id=doc_id,
                       access=new.access, access_rule=new.access_rule)

    def update_access(self, record: FileRecord) -> None:
        """Whoosh cannot change a stored field in place: the passages are re-filed as a move re-files them."""
        self._refile(record, record.doc_id, record.source, record.access)

    def _refile(self, old: FileRecord, doc_id: str, source: str, access: list[str]) -> None:
        if self._live_searcher is None:
            self._live_searcher = whoosh_index.open_dir(str(self.live)).searcher()
        self.delete(old)
        for stored in self._live_searcher.documents(doc_id=old.doc_id):
            self.writer.add_document(**_moved_fields(stored, doc_id, source, access))

    def add(self, document: Document, passages: list[Passage], analyzed: list[dict]) -> None:
        for passage, fields in zip(passages, analyzed, strict=True):
            # A Preindexed value pickles with its postings: stored, it would carry them into every hit.
            plain = {f"_stored_{name}": str(value) for name, value in fields.items()}
            self.writer.add_document(**(passage_fields(document, passage) | fields | plain))

    def commit(self, records: list[FileRecord], manifest: Manifest) -> str:
        checkpoint("commit")
        try:
            self.writer.commit(mergetype=merge_policy)
        finally:
            self._close()
        checkpoint("committed")
        storage.write_catalog(self.generation, records)
        storage.write_manifest(self.generation, manifest)
        checkpoint("manifest")
        storage.publish(self.generation)
        return self.generation.name

    def abort(self) -> None:
        if self.whoosh is not None:
            self.writer.cancel()
            self._close()
        storage.discard(self.generation)

    def _close(self) -> None:
        if self._live_searcher is not None:
            self._live_searcher.close()
        self.whoosh.close()
        self.whoosh = None


def _moved_fields(stored: dict, doc_id: str, source: str, access: list[str]) -> dict:
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
        "access": ",".join(access),
    }
