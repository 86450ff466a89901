"""Search an index: the one Python API behind the CLI and the web.

    with sokbase.open_index("index") as index:
        results = index.search("bostabilitet barnefamilier", limit=5, kommune="Trondheim")
"""
from __future__ import annotations

import copy
import json
import logging
import os
from collections import Counter
from itertools import islice
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, WrappingMatcher

from . import context, storage, whoosh_fixes
from .analysis import PART, is_extra
from .errors import IndexOutdatedError, PassageNotFoundError, QueryError, SokbaseError
from .models import Conference, Hit, Municipality, Passage, Results
from .municipalities import Gazetteer
from .query import QueryParser, _walk, positive_nodes
from .scoring import LuceneBM25F
from .schema import HIGHLIGHTED_FIELDS
from .snippets import Highlighter, TermMatcher, make_snippet
from .suggest import suggest

MAX_LIMIT = 1000
MAX_EXPANSIONS = 20
ARRAY_UNION_FROM = 2000  # passages a wildcard's words hold together
# Matches are counted exactly up to this many (or as far as the page asked for), then reported as
# "over N", as Elasticsearch's track_total_hits does: counting every passage a common word matches
# means running the query a second time, which took 40 % of all search time at 100k passages.
COUNT_UP_TO = 100
FEW_HITS = 3  # below this many passages, a corrected query is suggested
SIMILAR_KEY_TERMS = 12  # words taken from a passage to find others like it

log = logging.getLogger(__name__)
whoosh_fixes.apply()


@dataclass(frozen=True)
class PassageContext:
    """A passage with its neighbours in the document, for `sokbase show`."""

    hit: Hit
    before: list[Passage]
    after: list[Passage]


@dataclass(frozen=True)
class FacetValue:
    """One value to narrow a result list by: `value` goes into the filter, `label` is what a person reads."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facets:
    """How the passages matching a query spread over kommuner, conferences, years and document types."""

    kommune: tuple[FacetValue, ...] = ()
    konferanse: tuple[FacetValue, ...] = ()
    year: tuple[FacetValue, ...] = ()
    doc_type: tuple[FacetValue, ...] = ()


@dataclass(frozen=True)
class DocumentInfo:
    """What is known about one indexed document, as stored with each of its passages."""

    doc_id: str
    title: str
    source: str  # path relative to the corpus folder
    url: str | None
    doc_type: str
    date: str | None
    year: int | None
    conference: Conference | None


@dataclass(frozen=True)
class MarkedPassage:
    passage: Passage
    highlights: tuple[tuple[int, int], ...]  # offsets of the query's words in passage.text


@dataclass(frozen=True)
class DocumentView:
    """A whole document as indexed: its metadata and every passage in reading order."""

    info: DocumentInfo
    passages: list[MarkedPassage]
    municipalities: tuple[Municipality, ...]  # every kommune its passages are about, most mentioned first


class SearchIndex:
    """An open index generation. Reuse one instance: opening costs far more than a search.

    Not safe to share between threads without a lock: Whoosh readers seek in shared files.
    """

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
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
            parser = QueryParser(opened.schema)
        except Exception:
            if searcher is not None:
                searcher.close()
            opened.close()
            raise
        self.generation, self.manifest, self._stamp = generation, manifest, stamp
        self._whoosh, self._searcher, self._parser = opened, searcher, parser
        self._ranking, self._deleted = ranking, deleted
        self._analyzer = opened.schema["content"].analyzer
        self._highlighter = Highlighter(self._analyzer)
        self._documents: dict[str, DocumentInfo] = {}
        self._table: tuple[list[str], list[tuple[str, ...]]] | None = None
        self._runs: tuple[dict[str, list[tuple[int, int]]], list[str]] | None = None
        self._context: context.DocumentScorer | None = None

    @property
    def _gazetteer(self) -> Gazetteer:
        return Gazetteer.default()  # built on first use: most searches name no kommune

    def refresh(self) -> bool:
        """Switch to the generation CURRENT names if a build published a new one; True when it switched.

        Costs one stat() when nothing changed, so a server can call it before every request.
        A new generation that cannot be opened leaves the current one in use, and is not tried
        again until CURRENT changes once more.
        """
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

    def is_current(self) -> bool:
        """False when CURRENT is gone or names a generation that could not be opened: searches still
        go to the generation in use, but whoever watches the server should know."""
        return _stamp(self.index_dir) == self._stamp

    @classmethod
    def open(cls, path: Path | str | None = None) -> SearchIndex:
        return cls(Path(path) if path is not None else storage.default_index_dir())

    def close(self) -> None:
        for searcher in {self._searcher, self._ranking}:
            searcher.close()
        self._whoosh.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        kommune: str | None = None,
        konferanse: str | None = None,
        year: int | None = None,
        doc_type: str | None = None,
    ) -> Results:
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"Antall treff må være mellom 1 og {MAX_LIMIT}.")
        filters = self._filters(kommune, konferanse, year, doc_type)
        parsed, rows, matched_all, (total, exact) = self._matching(query, filters, limit + offset)
        if offset < context.WINDOW:  # later pages show rows the re-ranking leaves in place
            rows = context.rerank(rows, self._document_scores(parsed.query, rows))
        matcher = _matcher(parsed.query)
        hits = [
            self._hit(rank, score, fields, matcher, all_terms)
            for rank, (score, fields, all_terms) in enumerate(rows[offset : offset + limit], start=offset + 1)
        ]
        suggestions = suggest(self._searcher, self._analyzer, query) if total < FEW_HITS else []
        return Results(query=query, total=total, total_exact=exact, hits=hits, matched_all_terms=matched_all,
                       suggestions=suggestions)

    def facets(
        self,
        query: str,
        *,
        kommune: str | None = None,
        konferanse: str | None = None,
        year: int | None = None,
        doc_type: str | None = None,
    ) -> Facets:
        """Counts of the passages `search` would find with the same arguments, by kommune, conference,
        year and document type; each value's `value` narrows the search when passed back as that filter.

        A group whose filter is set is counted without it, so its other values show what choosing them
        instead would give (the filters hold one value each)."""
        selected = dict(kommune=kommune, konferanse=konferanse, year=year, doc_type=doc_type)
        matched: dict[tuple, list[int]] = {}

        def docnums(group: str) -> list[int]:
            others = {name: None if name == group else value for name, value in selected.items()}
            key = tuple(others.values())
            if key not in matched:
                matched[key] = self._matching_docnums(query, self._filters(**others))
            return matched[key]

        _, kommuner = self._facet_table()
        by_kommune = Counter(number for n in docnums("kommune") for number in kommuner[n])
        return Facets(
            kommune=self._kommune_facet(by_kommune),
            konferanse=_facet_values(self._per_document(docnums("konferanse"), _conference_name), {}),
            year=tuple(sorted(_facet_values(self._per_document(docnums("year"), _year_text), {}),
                              key=lambda v: v.value, reverse=True)),
            doc_type=_facet_values(self._per_document(docnums("doc_type"), _doc_type), DOC_TYPE_LABELS),
        )

    def _document_scores(self, query: wq.Query, rows) -> dict[str, float]:
        if self._context is None:
            self._context = context.DocumentScorer(self._searcher.reader(), *self._document_runs())
        return self._context.scores(context.query_words(query), {fields["doc_id"] for _, fields, _ in rows[: context.WINDOW]})

    def _per_document(self, docnums: list[int], key) -> Counter:
        """Passages counted by a property of their document (conference, year, type)."""
        doc_ids, _ = self._facet_table()
        counts: Counter[str] = Counter()
        for doc_id, count in Counter(doc_ids[n] for n in docnums).items():
            if (value := key(self._document_info(doc_id))) is not None:
                counts[value] += count
        return counts

    def _matching_docnums(self, query: str, filters: wq.Query | None) -> list[int]:
        """The passages `search` can return, unscored: counting them is far cheaper than collecting them."""
        parsed = self._parser.parse(query)
        relaxed = self._relaxed(query, parsed)
        return self._docnums(relaxed.counted if relaxed else parsed.query, filters)

    def _docnums(self, query: wq.Query, filters: wq.Query | None) -> list[int]:
        query = self._prepared(query)
        return list(self._searcher.docs_for_query(wq.And([query, filters]) if filters else query))

    def _facet_table(self) -> tuple[list[str], list[tuple[str, ...]]]:
        """doc_id and kommune numbers of every passage by document number, read once per generation
        from the index instead of from each hit's stored fields."""
        if self._table is None:
            reader = self._searcher.reader()
            doc_ids = self._document_runs()[1]
            kommuner: list[tuple[str, ...]] = [()] * len(doc_ids)
            for term in reader.lexicon("kommune"):
                number = term.decode("utf-8")
                for docnum in reader.postings("kommune", term).all_ids():
                    kommuner[docnum] = kommuner[docnum] + (number,)
            self._table = (doc_ids, kommuner)
        return self._table

    def _document_runs(self) -> tuple[dict[str, list[tuple[int, int]]], list[str]]:
        """The live passages of each document as runs of passage numbers (one per segment holding the
        document), and the doc_id of every passage by number ("" for a deleted one); once per generation.

        A document's passages are written one after another and segments are merged in order, so the
        lowest and highest number of a doc_id term's entry span them: reading those entries took
        0.11 s at 84k passages, reading every doc_id's posting list 0.49 s, which the first search of
        every `sokbase search` paid for document context. A term whose span holds other passages too
        is read in full."""
        if self._runs is None:
            reader = self._searcher.reader()
            runs: dict[str, list[tuple[int, int]]] = {}
            doc_ids = [""] * reader.doc_count_all()
            for leaf, offset in reader.leaf_readers():
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

    def _kommune_facet(self, counts: Counter) -> tuple[FacetValue, ...]:
        labels = {}
        for number in counts:
            if (municipality := self._gazetteer.lookup(number)) is not None:
                labels[number] = municipality.name
        return _facet_values(Counter({n: c for n, c in counts.items() if n in labels}), labels)

    def _matching(self, query: str, filters: wq.Query | None, limit: int):
        """Passages with all the words first. When fewer than `limit` hold them all and no operators
        were typed, passages with some of the words follow, marked as such: a question in plain words
        rarely repeats every word of the passage that answers it."""
        parsed = self._parser.parse(query)
        wanted = max(limit, context.WINDOW)  # the rows that document context re-ranks come from here
        exact = self._run(parsed.query, filters, wanted)
        rows = _rows(exact, all_terms=True)
        relaxed = self._relaxed(query, parsed)
        if relaxed is None:
            return parsed, rows[:wanted], exact.scored_length() > 0, self._count(exact, limit)
        if len(rows) < limit:
            partial = self._run(relaxed.ranked, filters, wanted)
            seen = {fields["passage_id"] for _, fields, _ in rows}
            rows += [row for row in _rows(partial, all_terms=False) if row[1]["passage_id"] not in seen]
        # What every page of this search can show, as facets count it: the passages with some of the
        # words follow those with all of them on later pages.
        counted = self._prepared(relaxed.counted)
        counted = self._count_matches(wq.And([counted, filters]) if filters is not None else counted, limit)
        return parsed, rows[:wanted], exact.scored_length() > 0, counted

    def _count(self, results, limit: int) -> tuple[int, bool]:
        """How many passages match, and whether that is exact or a lower bound."""
        # Behind a mask Whoosh claims an exact length and then counts it by visiting every match;
        # the collector it wraps knows whether its own count is exact.
        collector = getattr(results.collector, "child", results.collector)
        if collector is not None and collector.computes_count():
            return collector.count(), True
        return self._count_matches(results.q, limit)

    def _count_matches(self, query: wq.Query, limit: int) -> tuple[int, bool]:
        enough = max(COUNT_UP_TO, limit) + 1
        counted = sum(1 for _ in islice(self._searcher.docs_for_query(query), enough))
        return (counted, True) if counted < enough else (enough - 1, False)

    def _relaxed(self, query: str, parsed) -> _AnyWord | None:
        """The query with any of its words instead of all, when that is a different query."""
        if parsed.has_operators:
            return None
        relaxed = self._parser.parse(query, match_all=False).query
        if relaxed == parsed.query:
            return None
        ranked = _without_parts(relaxed)
        # Without the parts it left out, it may miss passages the all-words query matched by them.
        return _AnyWord(ranked, ranked if ranked == relaxed else wq.Or([parsed.query, ranked]))

    def _prepared(self, query: wq.Query) -> wq.Query:
        """`query` as it runs: wildcards cut to their most common words, extras no passage holds
        dropped, and every OR matched by Whoosh's tree of unions unless sokbase chose otherwise."""
        reader = self._searcher.reader()
        query = _without_idle_extras(query.accept(lambda node: _capped_expansion(node, reader)), reader)
        return query.accept(_matcher_shape)

    def _run(self, query: wq.Query, filters: wq.Query | None, limit: int):
        query = self._prepared(query)
        # Filters go into the query rather than Whoosh's filter=: that checks every match against a
        # set and cannot skip, while an intersection leaps over the passages a kommune never names
        # ('flere' in Trondheim at 100k passages: 270 → 58 ms). The filter adds nothing to the score.
        if filters is not None:
            query = _RarestFirst([query, wq.ConstantScoreQuery(filters, 0.0)])
        searcher, mask = self._ranking, self._deleted
        if mask and any(isinstance(node, wq.Not) for node in _walk(query)):
            # Whoosh's NOT steps over the passages its reader reports deleted, expecting posting lists
            # without them; the ranking searcher's still hold them (`elg NOT registrert`).
            searcher, mask = self._searcher, None
        return searcher.search(query, limit=limit, mask=mask)

    def _filters(self, kommune, konferanse, year, doc_type) -> wq.Query | None:
        clauses: list[wq.Query] = []
        if kommune:
            clauses.append(wq.Term("kommune", self._gazetteer.require(kommune).number))
        if konferanse:
            words = [t.text for t in self._analyzer(konferanse)]
            if not words:
                raise QueryError(f"Fant ingen ord å filtrere på i «{konferanse}».")
            clauses.append(wq.And([wq.Term("konferanse", w) for w in words]))
        if year is not None:
            clauses.append(wq.NumericRange("year", year, year))
        if doc_type:
            clauses.append(wq.Term("doc_type", doc_type.lower()))
        return wq.And(clauses) if clauses else None

    def _hit(self, rank: int, score: float, fields: dict, matcher: TermMatcher, all_terms: bool = True) -> Hit:
        snippet, highlights = make_snippet(fields["text"], matcher, self._highlighter)
        return Hit(
            rank=rank,
            score=round(float(score), 4),
            passage_id=fields["passage_id"],
            doc_id=fields["doc_id"],
            title=fields["title"],
            source=fields["source"],
            url=fields.get("url"),
            doc_type=fields["doc_type"],
            page=fields.get("page"),
            heading=fields.get("heading") or None,
            text=fields["text"],
            snippet=snippet,
            highlights=highlights,
            conference=_conference(fields.get("conference")),
            municipalities=_municipalities(fields.get("municipalities")),
            position=fields["position"],
            matched_all_terms=all_terms,
            ocr=bool(fields.get("ocr")),  # issue 15
        )

    def passage(self, passage_id: str, context: int = 1) -> PassageContext:
        """A passage by its id, with up to `context` passages before and after it."""
        found = self._searcher.document(passage_id=passage_id)
        if found is None:
            raise PassageNotFoundError(f"Fant ikke avsnittet «{passage_id}» i indeksen.")
        hit = self._hit(1, 0.0, found, TermMatcher.build(set(), set()))
        neighbours = self._document_passages(found["doc_id"])
        before = [p for p in neighbours if hit.position - context <= p.position < hit.position]
        after = [p for p in neighbours if hit.position < p.position <= hit.position + context]
        return PassageContext(hit=hit, before=before, after=after)

    def similar(self, passage_id: str, limit: int = 5) -> list[Hit]:
        """Passages like the given one (Whoosh more-like-this on the text), the passage itself left out.

        The snippets highlight the key words the passages share."""
        docnum = self._searcher.document_number(passage_id=passage_id)
        if docnum is None:
            raise PassageNotFoundError(f"Fant ikke avsnittet «{passage_id}» i indeksen.")
        text = self._searcher.stored_fields(docnum)["text"]
        key_terms = self._searcher.key_terms_from_text("content", text, numterms=SIMILAR_KEY_TERMS)
        if not key_terms:
            return []
        found = self._searcher.more_like(docnum, "content", text=text, top=limit, numterms=SIMILAR_KEY_TERMS)
        matcher = TermMatcher.build({word for word, _ in key_terms}, set())
        return [self._hit(rank, hit.score, hit.fields(), matcher) for rank, hit in enumerate(found, start=1)]

    def document(self, doc_id: str, query: str | None = None) -> DocumentView | None:
        """All passages of a document in order, with `query`'s words marked; None for an unknown id.

        A query that cannot be parsed only means nothing is marked."""
        passages = self._document_passages(doc_id)
        if not passages:
            return None
        matcher = TermMatcher.build(set(), set())
        if query:
            try:
                matcher = _matcher(self._parser.parse(query).query)
            except QueryError:
                pass
        marked = [MarkedPassage(p, self._highlighter.spans(p.text, matcher)) for p in passages]
        mentions = Counter(m for p in passages for m in p.municipalities)
        return DocumentView(
            info=self._document_info(doc_id),
            passages=marked,
            municipalities=tuple(m for m, _ in mentions.most_common()),
        )

    def _document_info(self, doc_id: str) -> DocumentInfo:
        """Per-document metadata, read once per generation from any of the document's passages."""
        if doc_id not in self._documents:
            fields = self._searcher.document(doc_id=doc_id) or {}
            self._documents[doc_id] = DocumentInfo(
                doc_id=doc_id,
                title=fields.get("title", ""),
                source=fields.get("source", ""),
                url=fields.get("url"),
                doc_type=fields.get("doc_type", ""),
                date=fields.get("date"),
                year=fields.get("year"),
                conference=_conference(fields.get("conference")),
            )
        return self._documents[doc_id]

    def _document_passages(self, doc_id: str) -> list[Passage]:
        stored = self._searcher.documents(doc_id=doc_id)
        passages = [
            Passage(
                passage_id=f["passage_id"],
                doc_id=f["doc_id"],
                position=f["position"],
                text=f["text"],
                heading=f.get("heading") or None,
                page=f.get("page"),
                municipalities=_municipalities(f.get("municipalities")),
                ocr=bool(f.get("ocr")),  # issue 15
            )
            for f in stored
        ]
        return sorted(passages, key=lambda p: p.position)


@dataclass(frozen=True)
class _AnyWord:
    ranked: wq.Query  # what the any-word pass ranks
    counted: wq.Query  # what it and the all-words pass can list together


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


def _ranking_searcher(opened, searcher):
    """The searcher that ranks, and the passages it must leave out (None when there are none).

    Whoosh hides a segment's deleted passages by wrapping every posting list a query reads in a
    filter: a test per posting. Every incremental run deletes the old passages of changed files, so
    a nightly index nearly always has some. The ranking searcher reads unfiltered posting lists and
    leaves the deleted passages out once per candidate, where hits are collected (Whoosh's mask).
    Lookups (a document's passages, counts, facets, similar passages) keep the filtering searcher."""
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


def _capped_expansion(node: wq.Query, reader) -> wq.Query:
    """A wildcard as its MAX_EXPANSIONS most common words: "inn*" would otherwise search thousands of
    terms at once and take seconds on a large index, for a ranking no better than its common words give."""
    if not isinstance(node, (wq.Prefix, wq.Wildcard)):
        return node
    field = node.fieldname
    frequency = {w.decode("utf-8"): reader.doc_frequency(field, w) for w in node._btexts(reader)}
    words = sorted(frequency, key=lambda w: -frequency[w])[:MAX_EXPANSIONS]
    terms = [wq.Term(field, word, boost=node.boost) for word in words]
    if len(terms) < 2:
        return terms[0] if terms else wq.NullQuery
    # Whoosh's tree of two-way unions costs a step per level for every passage; past a few thousand
    # passages, reading them into one array is faster (wildcards at 84k passages: p95 105 → 60 ms).
    return (_ArrayUnion if sum(frequency[w] for w in words) > ARRAY_UNION_FROM else wq.Or)(terms)


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


def _without_idle_extras(node: wq.Query, reader) -> wq.Query:
    """Drop a query's extra terms (+part, ~folded, =alias) that no passage holds, and all those
    outside the content field (konferanse: matches a conference's name by its words as written):
    left in, extras no passage holds are most of the cost of a query."""
    return _without_alternatives(node, lambda child: _idle_extra(child, reader))


def _without_parts(node: wq.Query) -> wq.Query:
    """The any-word query without its words' compound parts (+satsing for områdesatsingen). A passage
    where a word is only part of another word is the weakest evidence a query has, and each part is
    one more posting list for Whoosh to merge and score. Measured with parts in over 0.5 % of the
    passages left out, then with all of them: NorQuAD train MRR@10 .915 and answer@5 .945 either way,
    val and the domain queries exactly the same, and a NorQuAD question 10.5–11.1 → 9.3–9.6 ms (1.53–
    1.57 → 1.38–1.39× the Snowball chain). The all-words pass keeps every part, so a part still finds
    its compounds there."""
    return _without_alternatives(node, lambda child: type(child) is wq.Term and child.text.startswith(PART))


def _without_alternatives(node: wq.Query, drop) -> wq.Query:
    """`node` without the children of its ORs for which `drop` is true; an OR left with one child
    becomes that child."""
    if not isinstance(node, wq.CompoundQuery):
        return node
    children = [
        _without_alternatives(child, drop)
        for child in node.subqueries
        if not (isinstance(node, wq.Or) and drop(child))
    ]
    if isinstance(node, wq.Or) and len(children) == 1:
        return children[0].with_boost(children[0].boost * node.boost)
    pruned = copy.copy(node)
    pruned.subqueries = children
    return pruned


def _idle_extra(node: wq.Query, reader) -> bool:
    return (
        type(node) is wq.Term
        and is_extra(node.text)
        and (node.fieldname != "content" or reader.doc_frequency(node.fieldname, node.text) == 0)
    )


def _spans(docnums) -> list[tuple[int, int]]:
    """Ascending passage numbers as runs of consecutive numbers: 3, 4, 5, 9 → (3, 5), (9, 9)."""
    spans: list[tuple[int, int]] = []
    for docnum in docnums:
        if spans and spans[-1][1] == docnum - 1:
            spans[-1] = (spans[-1][0], docnum)
        else:
            spans.append((docnum, docnum))
    return spans


def _rows(results, all_terms: bool) -> list[tuple[float, dict, bool]]:
    """Hits as (score, stored fields, all words matched), in Whoosh's order: of passages with equal
    scores the lower number first, which is also the one it keeps when fewer are asked for, so pages
    cut from shorter and longer lists agree (sorted by passage id instead, 28 of 80 NorQuAD questions
    had pages of 7 and a list of 60 disagree)."""
    return [(hit.score, hit.fields(), all_terms) for hit in results]


def _matcher(query: wq.Query) -> TermMatcher:
    words: set[str] = set()
    wildcards: set[str] = set()
    for node in positive_nodes(query):
        if getattr(node, "fieldname", None) not in HIGHLIGHTED_FIELDS:
            continue
        if isinstance(node, wq.Term):
            words.add(node.text)
        elif isinstance(node, wq.Phrase):
            words.update(node.words)
        elif isinstance(node, wq.Prefix):
            wildcards.add(node.text + "*")
        elif isinstance(node, wq.Wildcard):
            wildcards.add(node.text)
    return TermMatcher.build(words, wildcards)


DOC_TYPE_LABELS = {"pdf": "PDF", "html": "Nettside", "text": "Tekst", "docx": "Word", "odt": "OpenDocument"}


def _conference_name(info: DocumentInfo) -> str | None:
    return info.conference.name if info.conference else None


def _year_text(info: DocumentInfo) -> str | None:
    return str(info.year) if info.year else None


def _doc_type(info: DocumentInfo) -> str | None:
    return info.doc_type or None


def _facet_values(counts: Counter, labels: dict[str, str]) -> tuple[FacetValue, ...]:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], labels.get(item[0], item[0])))
    return tuple(FacetValue(value, labels.get(value, value), count) for value, count in ordered)


def _stamp(index_dir: Path) -> tuple[int, int, int] | None:
    """Identity of the CURRENT file: a publish replaces it (new inode), so any change shows here."""
    try:
        status = os.stat(index_dir / storage.CURRENT)
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


def _conference(raw: str | None) -> Conference | None:
    return Conference(**json.loads(raw)) if raw else None


def _municipalities(raw: str | None) -> tuple[Municipality, ...]:
    return tuple(Municipality(**m) for m in json.loads(raw)) if raw else ()
