"""Whoosh's segment writer without two per-posting costs of its commit, and how segments merge.

Profiling a 16,846-passage build (docs/benchmarks.md) put a quarter of the writer's time in two
places that do the same work per posting, in pure Python, over a million times:

- the posting pool, once it outgrows memory, pickles every posting on its own into sorted runs on
  disk and unpickles them one by one at commit; here a run is pickled in chunks of postings;
- the commit looks up each posting's field length in the segment's length column; here the lengths
  of every document are read once per field.

What is written is unchanged: the same segment files, read by an unmodified Whoosh.

Segments merge as Whoosh merges small ones (MERGE_SMALL), and besides, as Lucene's merge policy does,
a segment with more than EXPUNGE_DELETED_FROM of its passages deleted is rewritten without them.
Every incremental run deletes the old passages of changed files, and Whoosh never rewrites its large
first segment: over months of nightly runs the deleted passages would outnumber the live ones, in
disk space, in every search's work and in the word statistics ranking relies on.
"""
from __future__ import annotations

import pickle
from itertools import islice

from whoosh.reading import SegmentReader
from whoosh.writing import MERGE_SMALL, PostingPool, SegmentWriter

RUN_CHUNK = 10_000  # postings per pickle: large enough for C speed, small enough to merge runs lazily
EXPUNGE_DELETED_FROM = 0.25  # a nightly 1 % run rewrites the big segment about once a month


class ChunkedPostingPool(PostingPool):
    def _write_run(self, f, items):
        items = iter(items)
        while chunk := list(islice(items, RUN_CHUNK)):
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                yield from pickle.load(f)
        except EOFError:
            return
        finally:
            f.close()
            self._remove_run(path)


class FieldLengths:
    """The `doc_field_length` of a segment's per-document reader, read into lists once."""

    def __init__(self, reader, schema):
        self._lengths = {
            name: [reader.doc_field_length(docnum, name) for docnum in range(reader.doc_count_all())]
            for name in schema.scorable_names()
        }

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get(fieldname)
        return lengths[docnum] if lengths is not None else default


class FastSegmentWriter(SegmentWriter):
    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = ChunkedPostingPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def _flush_segment(self):
        # SegmentWriter._flush_segment, with the lengths read once instead of once per posting.
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        lengths = FieldLengths(reader, self.schema) if reader else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if reader:
            reader.close()


def merge_policy(writer: SegmentWriter, segments: list) -> list:
    """Whoosh's MERGE_SMALL, then the remaining segments that are mostly deleted rewritten into the new one."""
    kept = []
    for segment in MERGE_SMALL(writer, segments):
        if segment.deleted_count() == segment.doc_count_all():
            continue  # nothing left to copy; read, it would leave an empty segment behind
        if segment.deleted_count() > EXPUNGE_DELETED_FROM * segment.doc_count_all():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)  # copies the live passages only
            reader.close()
        else:
            kept.append(segment)
    return kept
