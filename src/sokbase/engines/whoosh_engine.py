"""The Whoosh engine: an index folder of generations (storage.py) searched with Whoosh.

It translates sokbase's query tree into Whoosh queries, hands over candidate passages with
Whoosh's BM25F score, counts, and reads the statistics and stored fields the ranking needs.
Everything that decides what a query means or how passages rank is above it (query.py, ranking.py).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, WrappingMatcher
from whoosh.scoring import BM25F

from .. import querytree as qt
from .. import storage, whoosh_fixes
from ..analysis import is_extra
from ..errors import IndexOutdatedError, SokbaseError
from ..scoring import B, K1, idf
from .base import Candidate, DocumentTerms, FieldTerm, Occurrence, PassageTerms, Statistics

ARRAY_UNION_FROM = 2000  # passages a wildcard's words hold together
EXACT_UP_TO = 2_000  # passages: a word in more has its documents counted only while they are few
CLUSTERED_UP_TO = 50  # documents: a word in more passages and documents has its document count estimated
MAX_CACHED = 100_000  # words whose document frequency is remembered per generation
HIDDEN_CACHED = 16  # readers' group sets whose hidden passages are remembered per generation
CONTENT = qt.CONTENT

log = logging.getLogger(__name__)
whoosh_fixes.apply()


class WhooshEngine:
    """An open index generation. Not safe to share between threads without a lock: Whoosh readers
    seek in shared files."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self.location = str(index_dir)
        self._load()

    def _load(self) -> None:
        """Open the generation CURRENT names; on any failure the previous state stays as it was."""
        stamp = _stamp(self.index_dir)  # before reading CURRENT, so a publish in between is seen next time
        self._tried = stamp
        generation = storage.current_generation(self.index_dir)
        manifest = storage.read_manifest(generation)
        try:
            opened = whoosh_index.open_dir(str(generation))
        except Exception as error:
            raise IndexOutdatedError(
                f"Kunne ikke åpne indeksen i {self.index_dir} ({error}). Bygg den på nytt med `sokbase index`."
            ) from None
        searcher = None
        try:
            searcher = opened.searcher(weighting=LuceneBM25F())
            ranking, deleted = _ranking_searcher(opened, searcher)
        except Exception:
            if searcher is not None:
                searcher.close()
            opened.close()
            raise
        self.generation, self.manifest, self._stamp = generation.name, manifest, stamp
        self.schema = opened.schema
        self._whoosh, self._searcher, self._ranking, self._deleted = opened, searcher, ranking, deleted
        self._reader = searcher.reader()
        self._table: tuple[list[str], list[tuple[str, ...]]] | None = None
        self._runs: tuple[dict[str, list[tuple[int, int]]], list[str]] | None = None
        self._document_lengths: dict[str, int] = {}
        self._document_frequencies: dict[str, float] = {}
        self._hidden: dict[qt.Node, set[int]] = {}  # per reader's access condition: the passages it leaves out

    def refresh(self) -> bool:
        """Switch to the generation CURRENT names if a build published a new one; True when it switched.

        Costs one stat() when nothing changed. A new generation that cannot be opened leaves the current
        one in use, and is not tried again until CURRENT changes once more."""
        stamp = _stamp(self.index_dir)
        if stamp in (self._stamp, self._tried):
            return False
        old_searchers, old_whoosh, old_generation = {self._searcher, self._ranking}, self._whoosh, self.generation
        try:
            self._load()
        except SokbaseError as error:
            log.warning("keeping %s: %s", old_generation, error)
            return False
        for searcher in old_searchers:
            searcher.close()
        old_whoosh.close()
        return self.generation != old_generation

    def release(self) -> None:
        """Nothing to let go of: a generation's files stay open until refresh switches."""

    def is_current(self) -> bool:
        return _stamp(self.index_dir) == self._stamp

    def close(self) -> None:
        for searcher in {self._searcher, self._ranking}:
            searcher.close()
        self._whoosh.close()

    # ------------------------------------------------------------------ finding and counting

    def candidates(self, query: qt.Node, limit: int) -> list[Candidate]:
        """The `limit` passages with the best BM25F for `query`; of equal scores the lower number first,
        which is also the one Whoosh keeps when fewer are asked for, so longer and shorter lists agree."""
        query, hidden = self._reader_query(query)
        compiled = self._compile(query)
        searcher, mask = self._ranking, self._deleted
        if mask and any(isinstance(node, wq.Not) for node in _walk(compiled)):
            # Whoosh's NOT steps over the passages its reader reports deleted, expecting posting lists
            # without them; the ranking searcher's still hold them (`elg NOT registrert`).
            searcher, mask = self._searcher, None
        results = searcher.search(compiled, limit=limit, mask=hidden if hidden is not None else mask)
        return [Candidate(hit.docnum, hit.score) for hit in results]

    def count(self, query: qt.Node, up_to: int) -> tuple[int, bool]:
        """How many passages match, counted up to `up_to`; (count, exact)."""
        enough = up_to + 1
        counted = sum(1 for _ in islice(self._docs(query), enough))
        return (counted, True) if counted < enough else (up_to, False)

    def keys(self, query: qt.Node) -> list[int]:
        return list(self._docs(query))

    def _docs(self, query: qt.Node) -> Iterator[int]:
        query, hidden = self._reader_query(query)
        found = self._searcher.docs_for_query(self._compile(query))
        return found if hidden is None else (docnum for docnum in found if docnum not in hidden)

    def _reader_query(self, query: qt.Node) -> tuple[qt.Node, set[int] | None]:
        """A reader's search (engines/scoped.py: the access condition around the whole query) as the query
        itself and the passages to leave out. Intersecting every query with the condition, which holds
        most of the index, cost a step in two posting lists per match (p50 +27 % at 8k passages); the
        passages it leaves out are found once per reader and generation, and skipped as deleted ones are."""
        if not (isinstance(query, qt.Filter) and _on_access(query.condition)):
            return query, None
        hidden = self._hidden.get(query.condition)
        if hidden is None:
            visible = set(self._searcher.docs_for_query(self._compile(query.condition)))
            hidden = set(range(self._reader.doc_count_all())) - visible  # the deleted ones too: a mask for both searchers
            if len(self._hidden) >= HIDDEN_CACHED:
                self._hidden.clear()
            self._hidden[query.condition] = hidden
        return query.query, hidden

    def _compile(self, node: qt.Node) -> wq.Query:
        compiled = _compile(node, self._reader, self.expand)
        return compiled.accept(_matcher_shape)

    # ------------------------------------------------------------------ statistics for the ranking

    def statistics(self, terms: set[FieldTerm]) -> Statistics:
        reader = self._reader
        passages = reader.doc_count_all()
        fields = {field for field, _ in terms}
        return Statistics(
            passages=passages,
            average_length={field: (reader.field_length(field) / (passages or 1)) or 1.0 for field in fields},
            frequency={term: reader.doc_frequency(*term) for term in terms},
        )

    def frequency(self, term: FieldTerm) -> int:
        return self._reader.doc_frequency(*term)

    def passage_terms(self, keys: list[int], terms: set[FieldTerm]) -> dict[int, PassageTerms]:
        """The weights and positions of `terms` in each of `keys`, read from the postings by skipping
        to each passage: the cost follows the candidates, not how common a word is."""
        reader = self._reader
        found = {key: PassageTerms() for key in keys}
        ordered = sorted(found)
        fields = {field for field, _ in terms}
        for key in ordered:
            found[key].lengths = {field: reader.doc_field_length(key, field, 0) for field in fields}
        for term in terms:
            if term not in reader:
                continue
            postings = reader.postings(*term)
            has_positions = self.schema[term[0]].format.supports("positions")
            for key in ordered:
                if not postings.is_active():
                    break
                if postings.id() < key:
                    postings.skip_to(key)
                    if not postings.is_active():
                        break
                if postings.id() == key:
                    positions = tuple(postings.value_as("positions")) if has_positions else ()
                    found[key].terms[term] = Occurrence(postings.weight(), positions)
        return found

    def document_terms(self, doc_ids: set[str], words: set[str]) -> DocumentTerms:
        """Each document's summed weight of `words` over its passages, read only where the documents'
        passages are (their runs of passage numbers): long reports cost what their matches cost."""
        runs, _ = self._document_runs()
        present = [doc_id for doc_id in doc_ids if doc_id in runs]
        spans = sorted((start, end, doc_id) for doc_id in present for start, end in runs[doc_id])
        weights: dict[str, dict[str, float]] = {doc_id: {} for doc_id in present}
        frequency: dict[str, float] = {}
        for word in words:
            if (CONTENT, word) not in self._reader:
                continue
            frequency[word] = self._document_frequency(word)
            postings = self._reader.postings(CONTENT, word)
            for start, end, doc_id in spans:
                if not postings.is_active():
                    break
                if postings.id() < start:
                    postings.skip_to(start)
                while postings.is_active() and postings.id() <= end:
                    weights[doc_id][word] = weights[doc_id].get(word, 0.0) + postings.weight()
                    postings.next()
        documents = max(1, len(runs))
        return DocumentTerms(
            documents=documents,
            average_length=self._reader.field_length(CONTENT) / documents,
            frequency=frequency,
            lengths={doc_id: self._document_length(doc_id) for doc_id in present},
            weights=weights,
        )

    def _document_frequency(self, word: str) -> float:
        """In how many documents the word occurs. Counted for a word of up to EXACT_UP_TO passages; for
        a more common one, counted a document at a time (its run of passages skipped once the word is
        found in it) up to CLUSTERED_UP_TO documents, so that a word found only in a few long reports
        keeps its weight; beyond that estimated as if its passages were spread at random over the
        documents. Counting every passage of a common word took milliseconds per new word, for a
        weight near zero."""
        found = self._document_frequencies.get(word)
        if found is not None:
            return found
        runs, doc_ids = self._document_runs()
        passages = self._reader.doc_frequency(CONTENT, word)
        postings = self._reader.postings(CONTENT, word)
        if passages <= EXACT_UP_TO:
            found = float(len({doc_ids[n] for n in postings.all_ids()}))
        else:
            documents = 0
            while postings.is_active() and documents < CLUSTERED_UP_TO:
                documents += 1
                postings.skip_to(self._run_end(postings.id()) + 1)
            if not postings.is_active():
                found = float(documents)
            else:
                live = self._reader.doc_count()
                share = min(1.0, passages / max(1, live))
                found = max(documents, len(runs) * (1 - (1 - share) ** (live / max(1, len(runs)))))
        if len(self._document_frequencies) >= MAX_CACHED:
            self._document_frequencies.clear()
        self._document_frequencies[word] = found
        return found

    def _run_end(self, docnum: int) -> int:
        runs, doc_ids = self._document_runs()
        for start, end in runs[doc_ids[docnum]]:
            if start <= docnum <= end:
                return end
        return docnum

    def _document_length(self, doc_id: str) -> int:
        if doc_id not in self._document_lengths:
            runs, _ = self._document_runs()
            self._document_lengths[doc_id] = sum(
                self._reader.doc_field_length(n, CONTENT, 0) for start, end in runs[doc_id] for n in range(start, end + 1)
            )
        return self._document_lengths[doc_id]

    def expand(self, node: qt.Prefix | qt.Pattern, limit: int) -> list[str]:
        """A wildcard's words, the `limit` most common first: "inn*" would otherwise search thousands of
        terms at once, for a ranking no better than its common words give."""
        query = wq.Prefix(node.field, node.prefix) if isinstance(node, qt.Prefix) else wq.Wildcard(node.field, node.pattern)
        frequency = {w.decode("utf-8"): self._reader.doc_frequency(node.field, w) for w in query._btexts(self._reader)}
        return sorted(frequency, key=lambda w: (-frequency[w], w))[:limit]

    # ------------------------------------------------------------------ stored fields

    def stored(self, keys: list[int]) -> list[dict]:
        return [self._searcher.stored_fields(key) for key in keys]

    def documents(self) -> list[dict]:
        """The stored fields of each document's first passage."""
        runs, _ = self._document_runs()
        return self.stored([spans[0][0] for spans in runs.values()])

    def key_of(self, passage_id: str) -> int | None:
        return self._searcher.document_number(passage_id=passage_id)

    def document_keys(self, doc_id: str) -> list[int]:
        return sorted(self._searcher.document_numbers(doc_id=doc_id))

    def facet_table(self) -> tuple[list[str], list[tuple[str, ...]]]:
        """doc_id and kommune numbers of every passage by key, read once per generation."""
        if self._table is None:
            doc_ids = self._document_runs()[1]
            kommuner: list[tuple[str, ...]] = [()] * len(doc_ids)
            for term in self._reader.lexicon("kommune"):
                number = term.decode("utf-8")
                for docnum in self._reader.postings("kommune", term).all_ids():
                    kommuner[docnum] = kommuner[docnum] + (number,)
            self._table = (doc_ids, kommuner)
        return self._table

    def near_words(self, word: str, max_edits: int, limit: int = 1) -> list[str]:
        return self._searcher.suggest(CONTENT, word, limit=limit, maxdist=max_edits, prefix=1)

    def _document_runs(self) -> tuple[dict[str, list[tuple[int, int]]], list[str]]:
        """The live passages of each document as runs of passage numbers (one per segment holding the
        document), and the doc_id of every passage by number ("" for a deleted one); once per generation.

        A document's passages are written one after another and segments are merged in order, so the
        lowest and highest number of a doc_id term's entry span them: reading those entries took
        0.11 s at 84k passages, reading every doc_id's posting list 0.49 s. A term whose span holds
        other passages too is read in full."""
        if self._runs is None:
            runs: dict[str, list[tuple[int, int]]] = {}
            doc_ids = [""] * self._reader.doc_count_all()
            for leaf, offset in self._reader.leaf_readers():
                for term, info in leaf.iter_field("doc_id"):
                    first, last = info.min_id(), info.max_id()
                    if last - first + 1 == info.doc_frequency():
                        spans = [] if leaf.is_deleted(first) else [(offset + first, offset + last)]
                    else:
                        spans = _spans(offset + docnum for docnum in leaf.postings("doc_id", term).all_ids())
                    doc_id = term.decode("utf-8")
                    for start, end in spans:
                        runs.setdefault(doc_id, []).append((start, end))
                        doc_ids[start : end + 1] = [doc_id] * (end + 1 - start)
            self._runs = (runs, doc_ids)
        return self._runs


# ---------------------------------------------------------------------- tree → Whoosh



def _compile(node: qt.Node, reader, expand) -> wq.Query:
    if isinstance(node, qt.Word):
        weak = tuple(qt.Term(t.field, t.text, t.weight) for t in node.partial)
        alternatives = [_alternative(alt) for alt in node.alternatives + weak if not _idle(alt, reader)]
        if not alternatives:
            return _alternative(node.main)
        return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)
    if isinstance(node, qt.Term):
        return wq.Term(node.field, node.text, boost=node.weight)
    if isinstance(node, qt.Phrase):
        return wq.Phrase(node.field, list(node.words), slop=node.slop)
    if isinstance(node, (qt.Prefix, qt.Pattern)):
        return _expansion(node.field, expand(node, qt.MAX_EXPANSIONS), reader)
    if isinstance(node, qt.Match):
        return wq.Term(node.field, node.value)
    if isinstance(node, qt.YearRange):
        return wq.NumericRange("year", node.start, node.end)
    if isinstance(node, qt.And):
        return wq.And([_compile(child, reader, expand) for child in node.children])
    if isinstance(node, qt.Or):
        return wq.Or([_compile(child, reader, expand) for child in node.children])
    if isinstance(node, qt.Not):
        return wq.Not(_compile(node.child, reader, expand))
    if isinstance(node, qt.Filter):
        # The condition goes into the query rather than Whoosh's filter=: that checks every match against
        # a set and cannot skip, while an intersection leaps over the passages a kommune never names
        # ('flere' in Trondheim at 100k passages: 270 → 58 ms). The condition adds nothing to the score.
        return wq.And([_compile(node.query, reader, expand), wq.ConstantScoreQuery(_compile(node.condition, reader, expand), 0.0)])
    raise TypeError(f"not a query node: {node!r}")


def _on_access(condition: qt.Node) -> bool:
    return all(isinstance(node, qt.Match) and node.field == "access" for node in qt.walk(condition)
               if not isinstance(node, (qt.And, qt.Or)))


def _alternative(alternative: qt.Term | qt.AllOf) -> wq.Query:
    if isinstance(alternative, qt.AllOf):
        terms = [wq.Term(t.field, t.text, boost=t.weight * alternative.weight) for t in alternative.terms]
        return wq.SpanNear2(terms, slop=alternative.window, ordered=False)
    return wq.Term(alternative.field, alternative.text, boost=alternative.weight)


def _idle(alternative: qt.Term | qt.AllOf, reader) -> bool:
    """An extra term no passage holds, or any extra outside the content field: left in, extras no
    passage holds are most of the cost of a query."""
    terms = alternative.terms if isinstance(alternative, qt.AllOf) else (alternative,)
    return any(
        (is_extra(term.text) or term.weight < 1) and (term.field != CONTENT or reader.doc_frequency(term.field, term.text) == 0)
        for term in terms
    ) or (isinstance(alternative, qt.AllOf) and any((t.field, t.text) not in reader for t in terms))


def _expansion(field: str, words: list[str], reader) -> wq.Query:
    terms = [wq.Term(field, word) for word in words]
    if len(terms) < 2:
        return terms[0] if terms else wq.NullQuery
    # Whoosh's tree of two-way unions costs a step per level for every passage; past a few thousand
    # passages, reading them into one array is faster (wildcards at 84k passages: p95 105 → 60 ms).
    total = sum(reader.doc_frequency(field, word) for word in words)
    return (_ArrayUnion if total > ARRAY_UNION_FROM else wq.Or)(terms)


def _matcher_shape(node: wq.Query) -> wq.Query:
    """Every AND intersects its rarest parts first, and every OR is Whoosh's tree of unions."""
    if type(node) is wq.And:
        return _RarestFirst(node.subqueries, boost=node.boost)
    if type(node) is wq.Or:
        # In a segment of 5,000 passages or fewer, Whoosh matches an OR of three or more words with
        # its array matcher, whose score bound is too low (see _ArrayUnion): with the collector's
        # pruning, better passages were skipped in the small segments an incremental run adds.
        node.matcher_type = wq.Or.DEFAULT_MATCHER
    return node


class _RarestFirst(wq.And):
    """An AND whose matcher intersects the parts with the fewest passages first.

    Whoosh pairs the parts with the most passages first (its tree is weighted by minus the size), so
    `skala filmene konservative` leapfrogged through thousands of passages holding skal and film
    before konservativ (397 passages) had its say: 21–26 ms for no match at 84k passages, 8 ms this
    way round; 'gamle administrerte tabellen etter' 25.5 → 2.1 ms. Same passages, same scores."""

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return self._tree_matcher(subs, IntersectionMatcher, searcher, context, lambda q: q.estimate_size(reader))


class _ArrayUnion(wq.Or):
    """An OR that Whoosh matches by reading its words' passages into one array.

    Whoosh's ArrayUnionMatcher gives the best of its words' score bounds as its own, where a
    passage holding several of the words scores their sum; a query around it (another word, a
    kommune) would then skip passages that belong among the top hits. The bound is made the sum."""

    matcher_type = wq.Or.ARRAY_MATCHER

    def matcher(self, searcher, context=None):
        matcher = super().matcher(searcher, context)
        words = getattr(matcher, "_submatchers", None)
        if words is None:  # one word or none left: Whoosh's own matcher, with its own bound
            return matcher
        return _SummedBound(matcher, sum(word.max_quality() for word in words) * self.boost)


class _SummedBound(WrappingMatcher):
    def __init__(self, child, bound: float):
        super().__init__(child)
        self.bound = bound

    def _replacement(self, newchild):
        return _SummedBound(newchild, self.bound)

    def copy(self):
        return _SummedBound(self.child.copy(), self.bound)

    def supports_block_quality(self) -> bool:
        return False  # the array's per-block bounds have the same flaw

    def max_quality(self) -> float:
        return self.bound


def _ranking_searcher(opened, searcher):
    """The searcher that ranks, and the passages it must leave out (None when there are none).

    Whoosh hides a segment's deleted passages by wrapping every posting list a query reads in a
    filter: a test per posting. Every incremental run deletes the old passages of changed files, so
    a nightly index nearly always has some. The ranking searcher reads unfiltered posting lists and
    leaves the deleted passages out once per candidate, where hits are collected (Whoosh's mask).
    Lookups (a document's passages, counts, facets) keep the filtering searcher."""
    if not searcher.reader().has_deletions():
        return searcher, None
    ranking = opened.searcher(weighting=LuceneBM25F())
    try:
        deleted = set()  # a set: Whoosh's mask takes no frozenset
        for reader, offset in ranking.reader().leaf_readers():
            deleted.update(offset + docnum for docnum in reader.deleted_docs_set)
            reader.__dict__["deleted_docs_set"] = frozenset()  # what Whoosh's postings() filters by
    except Exception:
        ranking.close()
        raise
    return ranking, deleted


def _walk(node: wq.Query):
    yield node
    for child in node.children():
        yield from _walk(child)


def _spans(docnums) -> list[tuple[int, int]]:
    """Ascending passage numbers as runs of consecutive numbers: 3, 4, 5, 9 → (3, 5), (9, 9)."""
    spans: list[tuple[int, int]] = []
    for docnum in docnums:
        if spans and spans[-1][1] == docnum - 1:
            spans[-1] = (spans[-1][0], docnum)
        else:
            spans.append((docnum, docnum))
    return spans


def _stamp(index_dir: Path) -> tuple[int, int, int] | None:
    """Identity of the CURRENT file: a publish replaces it (new inode), so any change shows here."""
    try:
        status = os.stat(index_dir / storage.CURRENT)
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


class LuceneBM25F(BM25F):
    """Whoosh's BM25F scorer with Lucene's idf (scoring.py): how the Whoosh engine chooses its candidates."""

    def __init__(self, B: float = B, K1: float = K1, **field_b):
        super().__init__(B=B, K1=K1, **field_b)

    def idf(self, searcher, fieldname, text) -> float:
        parent = searcher.get_parent()
        return idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))
