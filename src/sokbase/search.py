"""Search an index: the one Python API behind the CLI and the web, the same over every engine.

    with sokbase.open_index("index") as index:
        results = index.search("bostabilitet barnefamilier", limit=5, kommune="Trondheim")

A search reads the query into sokbase's query tree (query.py), asks the engine for a pool of
candidate passages, orders the pool by sokbase's ranking rules (ranking.py) and builds the hits
from the engine's stored fields. The engine (engines/) only finds, counts and reads.
"""
from __future__ import annotations

import copy
import dataclasses
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import compounds, ranking, storage, synonyms
from . import querytree as qt
from .access import reader_values
from .analysis import PART, analysis_options, stemmer
from .engines.base import Candidate, Engine
from .engines.scoped import ScopedEngine
from .errors import PassageNotFoundError, QueryError
from .models import Conference, Hit, Municipality, Passage, Results
from .municipalities import Gazetteer
from .lawrefs import LawDocument, LawMention, LawNames
from .query import QUOTES_APART, QUOTES_UNWRITTEN, ParsedQuery, QueryParser, quotations, with_compounds_apart, without_quotes
from .schema import HIGHLIGHTED_FIELDS
from .scoring import idf
from .snippets import Highlighter, TermMatcher, make_snippet
from .suggest import suggest

MAX_LIMIT = 1000
# Matches are counted exactly up to this many (or as far as the page asked for), then reported as
# "over N", as Elasticsearch's track_total_hits does: counting every passage a common word matches
# means running the query a second time, which took 40 % of all search time at 100k passages.
COUNT_UP_TO = 100
FEW_HITS = 3  # below this many passages, a corrected query is suggested
SIMILAR_KEY_TERMS = 12  # words taken from a passage to find others like it
READER_CACHE = 64  # group sets whose law names and sizes are kept per generation
# A pasted paragraph is searched by its rarest words: they say what it is about, and each word more
# costs every candidate (140 words took 6 s over the laws). No question of NorQuAD's has as many.
MAX_WORDS = 32


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


@dataclass(frozen=True)
class _Plan:
    """What the engine is asked for: the passages a law reference points at (listed first), the
    pool's query, for a few words also passages with all of them, the laws named in the query, and
    what every page of the search can list together (what the total and the facets count)."""

    referenced: qt.Node | None
    ranked: qt.Node | None
    all_words: qt.Node | None
    counted: qt.Node
    named: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Pool:
    parsed: ParsedQuery
    plan: _Plan
    words: list[ranking.Unit]
    listed: list[int]  # passages a law reference points at: first, in the law's order
    keys: list[int]  # the candidates the ranking rules order
    features: list[ranking.Features]
    rest: list[Candidate]  # later candidates in the engine's order
    weights: ranking.Weights
    # How many passages match, when the candidates tell: (count, exact); None when they were cut short.
    known: tuple[int, bool] | None


class SearchIndex:
    """An open index. Reuse one instance: opening costs far more than a search.

    Not safe to share between threads without a lock (the web keeps one behind a lock)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._reader: frozenset[str] | None = None  # access values of the reader this view is for (None: all)
        self._view_of: SearchIndex | None = None  # the index a reader view was taken from
        self._load()

    def _load(self) -> None:
        schema = self.engine.schema
        self._parser = QueryParser(schema)
        self._analyzer = schema["content"].analyzer
        self._highlighter = Highlighter(self._analyzer)
        self._documents: dict[str, DocumentInfo] = {}
        # Per reader (None: the whole index), for this generation; shared with the reader views.
        self._laws: dict[frozenset[str] | None, LawNames] = {}
        self._sizes: dict[frozenset[str] | None, tuple[int, int]] = {}
        self._options = analysis_options(self._analyzer)

    def for_reader(self, groups: Iterable[str]) -> SearchIndex:
        """This index as a signed-in reader in `groups` may see it on the web page: every search,
        count, facet, similar passage, document, suggestion and law name holds only the passages whose
        access rule names one of the groups or is open to everyone signed in (access.py); what is
        hidden looks exactly like what does not exist. Ranking statistics stay those of the whole
        index (engines/scoped.py says why). Pass no groups for a reader who is not signed in.

        Cheap (no copy of the index); use the view for one request and take a new one after refresh()."""
        values = reader_values(groups)
        view = copy.copy(self)
        view._view_of = self
        if not set(self.manifest.access) <= values:
            view.engine = ScopedEngine(self.engine, values)
            view._reader = values
        return view

    def size(self) -> tuple[int, int]:
        """How many documents and passages this reader may search."""
        key = self._reader
        if key not in self._sizes:
            if key is None:
                self._sizes[key] = (self.manifest.documents, self.manifest.passages)
            else:
                keys = self.engine.keys(self.engine.condition)
                doc_ids, _ = self.engine.facet_table()
                self._remember(self._sizes, key, (len({doc_ids[k] for k in keys}), len(keys)))
        return self._sizes[key]

    def _law_names(self) -> LawNames:
        """The names of the laws this reader may see, read on the first query that may name one: the
        title of a hidden document must not change how a query is read."""
        key = self._reader
        if key not in self._laws:
            documents = [LawDocument(f["doc_id"], f.get("title") or "", f.get("short_title"))
                         for f in self.engine.documents()]
            self._remember(self._laws, key, LawNames.build(documents))
        return self._laws[key]

    @staticmethod
    def _remember(cache: dict, key, value) -> None:
        if len(cache) >= READER_CACHE:  # a proxy may send any groups: keep the memory bounded
            cache.clear()
        cache[key] = value

    def _parse(self, query: str, condition: qt.Node | None = None) -> ParsedQuery:
        """The query as the rules read it. Quotation marks in a sentence are often a quotation
        remembered, not an exact-phrase operator: where they are the query's only operator and nothing
        under the filters matches the query as typed, its words are searched instead, and the user is
        told which quotation was not found, or that it was not found with the other words."""
        parsed = self._interpret(query)
        unquoted = without_quotes(query) if parsed.has_operators and parsed.tree is not None else None
        if unquoted is None or self._matches(parsed, condition):
            return parsed
        words = self._interpret(unquoted)
        if not self._matches(words, condition):
            return parsed
        return _with_notice(words, self._quotes_notice(query, condition))

    def _matches(self, parsed: ParsedQuery, condition: qt.Node | None) -> bool:
        return self.engine.count(_filtered(_plan(parsed).counted, condition), 1)[0] > 0

    def _quotes_notice(self, query: str, condition: qt.Node | None) -> str:
        quoted = quotations(query)
        unwritten = [q for q in quoted if not self._matches(self._interpret(f'"{q}"'), condition)]
        if unwritten:
            return QUOTES_UNWRITTEN.format(quotation=_short_quote(unwritten[0]))
        return QUOTES_APART.format(quotation=_short_quote(quoted[0]))

    def _interpret(self, query: str) -> ParsedQuery:
        """The query as typed: cut to its rarest words when very long, each compound also found with
        its parts written apart, each word also through its synonyms (a quoted word as written only)."""
        parsed = self._shortened(self._parser.parse(query, _LazyNames(self._law_names)))
        if parsed.tree is None or self._options is None:
            return parsed
        if self._options.compounds:
            parsed = self._with_compounds_apart(parsed)
        exact = frozenset(q.lower() for q in quotations(query))
        return dataclasses.replace(parsed, tree=synonyms.thesaurus(self._options).widen(parsed.tree, exact))

    def _with_compounds_apart(self, parsed: ParsedQuery) -> ParsedQuery:
        stem = stemmer(self._options)
        # Every term the splits may ask about, in one look-up (one statement for a database engine).
        surfaces = {node.surface for node in qt.positive(parsed.tree)
                    if isinstance(node, qt.Word) and node.main.field == qt.CONTENT}
        terms = {(qt.CONTENT, term) for surface in surfaces
                 for term in compounds.apart_candidates(surface, stem) | {stem(surface.lower())}}
        known = self.engine.statistics(terms).frequency if terms else {}
        return dataclasses.replace(parsed, tree=with_compounds_apart(parsed.tree, lambda surface: self._split(surface, known)))

    def _shortened(self, parsed: ParsedQuery) -> ParsedQuery:
        """A query of plain words longer than MAX_WORDS, cut to its rarest words in the order typed."""
        tree = parsed.tree
        if parsed.has_operators or not isinstance(tree, qt.And) or len(tree.children) <= MAX_WORDS:
            return parsed
        words = tree.children
        mains = [(word.main.field, word.main.text) if isinstance(word, qt.Word) else None for word in words]
        frequency = self.engine.statistics({main for main in mains if main is not None}).frequency

        def rarity(i: int) -> tuple:
            if mains[i] is None:
                return (0, 0, i)
            found = frequency.get(mains[i], 0)
            return (1 if found else 2, found, i)  # a word no passage holds tells nothing

        kept = sorted(sorted(range(len(words)), key=rarity)[:MAX_WORDS])
        shortened = dataclasses.replace(parsed, tree=qt.And(tuple(words[i] for i in kept)))
        return _with_notice(shortened, f"Søket hadde {len(words)} ord; det ble søkt etter de {MAX_WORDS} sjeldneste av dem.")

    def _split(self, surface: str, known: dict) -> tuple[str, str] | None:
        """A compound's parts, when the compound is rare enough that passages writing it apart matter:
        a compound many passages hold is found as itself, and its parts' postings cost every search."""
        stem = stemmer(self._options)

        def frequency(term: str) -> int:
            found = known.get((qt.CONTENT, term))
            return self.engine.frequency((qt.CONTENT, term)) if found is None else found

        if frequency(stem(surface.lower())) >= compounds.APART_BELOW:
            return None
        return compounds.apart(surface, stem, lambda term: frequency(term) > 0)

    @classmethod
    def open(cls, location: Path | str | None = None) -> SearchIndex:
        """The index at a folder or a postgresql:// URL (default: $SOKBASE_INDEX or ./index)."""
        from .engines.location import location_of, postgres_module

        where = location_of(location)
        if where.is_postgres:
            return cls(postgres_module("engine").PostgresEngine(where))
        from .engines.whoosh_engine import WhooshEngine

        return cls(WhooshEngine(where.path))

    @property
    def index_dir(self) -> str:
        return self.engine.location

    @property
    def generation(self) -> str:
        return self.engine.generation

    @property
    def manifest(self) -> storage.Manifest:
        return self.engine.manifest

    @property
    def _gazetteer(self) -> Gazetteer:
        return Gazetteer.default()  # built on first use: most searches name no kommune

    def refresh(self) -> bool:
        """Switch to a newly published state of the index; True when it switched. Cheap when nothing changed."""
        if self._view_of is not None:
            raise RuntimeError("refresh the index a reader view was taken from, then take a new view")
        switched = self.engine.refresh()
        if switched:
            self._load()
        return switched

    def release(self) -> None:
        """Done for now (a server between requests): the engine may let go of the state it reads
        (PostgreSQL ends its snapshot). Call refresh() before the next use to see a newer state."""
        self.engine.release()

    def is_current(self) -> bool:
        """False when the index is gone or its newest state could not be opened: searches still go
        to the state in use, but whoever watches the server should know."""
        return self.engine.is_current()

    def close(self) -> None:
        if self._view_of is None:  # a reader view shares the engine of the index it came from
            self.engine.close()

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
        condition = self._filters(kommune, konferanse, year, doc_type)
        wanted = offset + limit
        pool = self._pool(query, condition, wanted)
        parsed, plan = pool.parsed, pool.plan
        either = ranking.alternatives_only(parsed.tree) if parsed.has_operators and parsed.tree is not None else frozenset()

        def required(absent: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(word for word in absent if word not in either)

        lacking = ranking.missing(self.engine, pool.listed, pool.words) if pool.listed else {}
        rows = [(key, 0.0, required(lacking[key])) for key in pool.listed]
        order = sorted(range(len(pool.keys)), key=lambda i: (-ranking.score(pool.features[i], pool.weights), i))
        rows += [(pool.keys[i], ranking.score(pool.features[i], pool.weights), required(pool.features[i].missing))
                 for i in order]
        if wanted > len(rows) and pool.rest:
            rest = pool.rest[: wanted - len(rows)]
            absent = ranking.missing(self.engine, [c.key for c in rest], pool.words)
            rows += [(c.key, c.score, required(absent[c.key])) for c in rest]
        shared = len(pool.listed) + len(pool.keys)  # the rows every page shares, whichever is asked for
        if not rows and plan.ranked is None and plan.named:  # only a law's name: the law from its beginning
            rows = [(key, 0.0, ()) for key in sorted(self.engine.keys(_filtered(plan.counted, condition)))[:wanted]]
            shared = len(rows)
        total, exact = pool.known or self.engine.count(_filtered(plan.counted, condition), max(COUNT_UP_TO, wanted))
        total = max(total, len(rows)) if exact else total
        page = rows[offset:wanted]
        matcher = _matcher(parsed.tree) if parsed.tree is not None else TermMatcher.build(set(), set())
        stored = self.engine.stored([key for key, _, _ in page])
        hits = [
            self._hit(rank, score, fields, matcher, absent)
            for rank, ((_, score, absent), fields) in enumerate(zip(page, stored), start=offset + 1)
        ]
        suggestions = suggest(self.engine, self._analyzer, query) if total < FEW_HITS else []
        return Results(query=query, total=total, total_exact=exact, hits=hits,
                       matched_all_terms=any(not absent for _, _, absent in rows[:shared]) or not rows,
                       suggestions=suggestions, notice=_notice(parsed, plan, condition))

    def _pool(self, query: str, condition: qt.Node | None, wanted: int) -> _Pool:
        """The passages a reference points at, and the candidates the ranking rules order, with their
        features; `rest` are the engine's next candidates, for pages past the pool."""
        parsed = self._parse(query, condition)
        plan, listed = self._planned(parsed, condition)
        words = ranking.units(parsed.tree, self.engine.expand) if parsed.tree is not None else []
        keys: list[int] = []
        rest: list[Candidate] = []
        known: tuple[int, bool] | None = None
        if plan.ranked is not None:
            # One more candidate than the count goes: a full list then says "over N" without a count.
            bound = max(COUNT_UP_TO, wanted)
            asked = max(ranking.POOL, wanted, bound + 1)
            found = self.engine.candidates(_filtered(plan.ranked, condition), asked)
            seen = set(listed)
            keys = [c.key for c in found[: ranking.POOL] if c.key not in seen]
            complete = len(found) < asked  # every passage the pool's query matches is in hand
            cut = False  # passages with all the words were left out of the pool
            for extra, counts in ((plan.all_words, True), (_in_laws(plan.ranked, plan.named), False)):
                if extra is not None:
                    seen = set(keys) | set(listed)
                    more = self.engine.candidates(_filtered(extra, condition), ranking.ALL_WORDS_POOL)
                    keys += [c.key for c in more if c.key not in seen]
                    cut = cut or (counts and len(more) >= ranking.ALL_WORDS_POOL)
            complete = complete and not cut
            seen = set(keys) | set(listed)
            later = found[ranking.POOL :]
            if cut and wanted > len(listed) + len(keys):
                # Passages holding the words only inside compounds are not among the pool query's: pages
                # past the pool take them from what the total counts, so every counted passage is listed.
                later = self.engine.candidates(_filtered(plan.counted, condition), asked)
            rest = [c for c in later if c.key not in seen]
            matched = len(set(listed) | set(keys) | {c.key for c in found})
            if matched > bound:
                known = (bound, False)
            elif complete:
                known = (matched, True)
        weights = ranking.QUESTIONS if ranking.is_question(query, words) else ranking.KEYWORDS
        features = ranking.features(self.engine, keys, self._doc_ids(keys), words, plan.named)
        return _Pool(parsed, plan, words, listed, keys, features, rest, weights, known)

    def _planned(self, parsed: ParsedQuery, condition: qt.Node | None) -> tuple[_Plan, list[int]]:
        """The plan, and the passages its law reference points at, in the law's order. A reference to
        no passage (no such paragraph, "kommuneloven 2018", or none left by the filters) only names the law."""
        plan = _plan(parsed)
        if plan.referenced is None:
            return plan, []
        listed = sorted(self.engine.keys(_filtered(plan.referenced, condition)))
        return (plan, listed) if listed else (_plan(parsed, unreferenced=True), [])

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
        parsed = self._parse(query, self._filters(**selected))
        matched: dict[tuple, list[int]] = {}

        def keys(group: str) -> list[int]:
            others = {name: None if name == group else value for name, value in selected.items()}
            key = tuple(others.values())
            if key not in matched:
                condition = self._filters(**others)
                matched[key] = self.engine.keys(_filtered(self._planned(parsed, condition)[0].counted, condition))
            return matched[key]

        _, kommuner = self.engine.facet_table()
        by_kommune = Counter(number for n in keys("kommune") for number in kommuner[n])
        return Facets(
            kommune=self._kommune_facet(by_kommune),
            konferanse=_facet_values(self._per_document(keys("konferanse"), _conference_name), {}),
            year=tuple(sorted(_facet_values(self._per_document(keys("year"), _year_text), {}),
                              key=lambda v: v.value, reverse=True)),
            doc_type=_facet_values(self._per_document(keys("doc_type"), _doc_type), DOC_TYPE_LABELS),
        )

    def _doc_ids(self, keys: list[int]) -> list[str]:
        doc_ids, _ = self.engine.facet_table()
        return [doc_ids[key] for key in keys]

    def _per_document(self, keys: list[int], key) -> Counter:
        """Passages counted by a property of their document (conference, year, type)."""
        counts: Counter[str] = Counter()
        for doc_id, count in Counter(self._doc_ids(keys)).items():
            if (value := key(self._document_info(doc_id))) is not None:
                counts[value] += count
        return counts

    def _kommune_facet(self, counts: Counter) -> tuple[FacetValue, ...]:
        labels = {}
        for number in counts:
            if (municipality := self._gazetteer.lookup(number)) is not None:
                labels[number] = municipality.name
        return _facet_values(Counter({n: c for n, c in counts.items() if n in labels}), labels)

    def _filters(self, kommune, konferanse, year, doc_type) -> qt.Node | None:
        clauses: list[qt.Node] = []
        if kommune:
            clauses.append(qt.Match("kommune", self._gazetteer.require(kommune).number))
        if konferanse:
            words = [t.text for t in self._analyzer(konferanse)]
            if not words:
                raise QueryError(f"Fant ingen ord å filtrere på i «{konferanse}».")
            clauses += [qt.Match("konferanse", word) for word in words]
        if year is not None:
            clauses.append(qt.YearRange(year, year))
        if doc_type:
            clauses.append(qt.Match("doc_type", doc_type.lower()))
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else qt.And(tuple(clauses))

    def _hit(self, rank: int, score: float, fields: dict, matcher: TermMatcher, missing: tuple[str, ...] = ()) -> Hit:
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
            matched_all_terms=not missing,
            missing_words=missing,
            ocr=bool(fields.get("ocr")),
        )

    def passage(self, passage_id: str, context: int = 1) -> PassageContext:
        """A passage by its id, with up to `context` passages before and after it."""
        key = self.engine.key_of(passage_id)
        if key is None:
            raise PassageNotFoundError(f"Fant ikke avsnittet «{passage_id}» i indeksen.")
        found = self.engine.stored([key])[0]
        hit = self._hit(1, 0.0, found, TermMatcher.build(set(), set()))
        neighbours = self._document_passages(found["doc_id"])
        before = [p for p in neighbours if hit.position - context <= p.position < hit.position]
        after = [p for p in neighbours if hit.position < p.position <= hit.position + context]
        return PassageContext(hit=hit, before=before, after=after)

    def similar(self, passage_id: str, limit: int = 5) -> list[Hit]:
        """Passages like the given one, the passage itself left out: those sharing the most of its key
        words, the words it holds most often weighed by how rare they are (more-like-this)."""
        key = self.engine.key_of(passage_id)
        if key is None:
            raise PassageNotFoundError(f"Fant ikke avsnittet «{passage_id}» i indeksen.")
        key_words = self._key_words(self.engine.stored([key])[0]["text"])
        if not key_words:
            return []
        query = qt.Or(tuple(qt.Word(word, (qt.Term(qt.CONTENT, word, weight),)) for word, weight in key_words))
        found = [c for c in self.engine.candidates(query, limit + 1) if c.key != key][:limit]
        matcher = TermMatcher.build({word for word, _ in key_words}, set())
        stored = self.engine.stored([c.key for c in found])
        return [self._hit(rank, c.score, fields, matcher) for rank, (c, fields) in enumerate(zip(found, stored), start=1)]

    def _key_words(self, text: str) -> list[tuple[str, float]]:
        counts = Counter(token.text for token in self._analyzer(text, mode="index") if not token.text.startswith(PART))
        stats = self.engine.statistics({(qt.CONTENT, word) for word in counts})
        scored = {
            word: count * idf(stats.passages, stats.frequency[(qt.CONTENT, word)])
            for word, count in counts.items()
            if stats.frequency.get((qt.CONTENT, word), 0) > 1
        }
        best = sorted(scored, key=lambda word: (-scored[word], word))[:SIMILAR_KEY_TERMS]
        top = scored[best[0]] if best else 1.0
        return [(word, scored[word] / top) for word in best]

    def document(self, doc_id: str, query: str | None = None) -> DocumentView | None:
        """All passages of a document in order, with `query`'s words marked; None for an unknown id.

        A query that cannot be parsed only means nothing is marked."""
        passages = self._document_passages(doc_id)
        if not passages:
            return None
        matcher = TermMatcher.build(set(), set())
        if query:
            try:
                tree = self._parse(query).tree
                matcher = _matcher(tree) if tree is not None else matcher
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
        """Per-document metadata, read once per generation from any of the document's passages (the
        same for every reader; a view asks only for documents it found)."""
        if doc_id not in self._documents:
            keys = self.engine.document_keys(doc_id)
            if not keys:
                return DocumentInfo(doc_id, "", "", None, "", None, None, None)
            fields = self.engine.stored(keys[:1])[0]
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
        passages = [
            Passage(
                passage_id=f["passage_id"],
                doc_id=f["doc_id"],
                position=f["position"],
                text=f["text"],
                heading=f.get("heading") or None,
                page=f.get("page"),
                municipalities=_municipalities(f.get("municipalities")),
                ocr=bool(f.get("ocr")),
            )
            for f in self.engine.stored(self.engine.document_keys(doc_id))
        ]
        return sorted(passages, key=lambda p: p.position)


def _plan(parsed: ParsedQuery, unreferenced: bool = False) -> _Plan:
    """A query with operators is taken as it stands. Plain words are searched as any of them,
    ranked by how many they hold (ranking.py); a passage where a word is only part of another word is
    the weakest evidence a query has, and each part is one more posting list to merge, so the pool of
    any-word passages is found without compound parts, and for two words or more the passages with
    all of them (parts included) join the pool. A law reference's paragraphs come first."""
    references = [_reference(m) for m in parsed.laws if (m.paragraph or m.chapter) and not unreferenced]
    named = frozenset(d for m in parsed.laws if unreferenced or not (m.paragraph or m.chapter) for d in m.doc_ids)
    referenced = _any(references)
    tree = parsed.tree
    if tree is None:
        laws = _any([qt.Match("doc_id", d) for d in sorted(named)])
        return _Plan(referenced, None, None, referenced or laws, named)
    if parsed.has_operators or not isinstance(tree, qt.And):
        tree = _without_partial(tree)
        ranked, all_words, counted = tree, None, tree
    else:
        ranked = qt.Or(tuple(_without_parts(word) for word in tree.children))
        ranked, all_words, counted = ranked, tree, qt.Or((tree, ranked))
    return _Plan(referenced, ranked, all_words, _any([referenced, counted]), named)


def _with_notice(parsed: ParsedQuery, notice: str) -> ParsedQuery:
    return dataclasses.replace(parsed, notice=f"{parsed.notice} {notice}" if parsed.notice else notice)


def _short_quote(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _notice(parsed: ParsedQuery, plan: _Plan, condition: qt.Node | None) -> str | None:
    """How the query was read, and a paragraph or chapter asked for that no passage is (the law's
    passages stand in for it)."""
    asked = [m for m in parsed.laws if m.paragraph or m.chapter]
    if plan.referenced is not None or not asked:
        return parsed.notice
    cited = " eller ".join(f"§ {m.paragraph} i {m.name}" if m.paragraph else f"kapittel {m.chapter} i {m.name}"
                           for m in asked)
    found = f"Fant ikke {cited}{' med filtrene som er valgt' if condition is not None else ''}."
    return f"{parsed.notice} {found}" if parsed.notice else found


def _reference(mention: LawMention) -> qt.Node:
    law = _any([qt.Match("doc_id", d) for d in mention.doc_ids])
    part = qt.Match("paragraph", mention.paragraph) if mention.paragraph else qt.Match("chapter", mention.chapter)
    return qt.Filter(part, law)


def _any(nodes: list[qt.Node | None]) -> qt.Node | None:
    nodes = [node for node in nodes if node is not None]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else qt.Or(tuple(nodes))


def _in_laws(query: qt.Node | None, doc_ids: frozenset[str]) -> qt.Node | None:
    """`query` in the laws the query names, so that their passages are in the pool."""
    laws = _any([qt.Match("doc_id", d) for d in sorted(doc_ids)])
    return qt.Filter(query, laws) if query is not None and laws is not None else None


class _LazyNames:
    """Law names read only when a query looks as if it names a law."""

    def __init__(self, read):
        self._read = read

    def find(self, text: str):
        return self._read().find(text)


def _without_parts(node: qt.Node) -> qt.Node:
    """A word of the any-word query: without its compound parts, its parts written apart (a span
    query, which takes Whoosh's pruning away from the whole union: laws p95 115 → 61 ms) or alone."""
    if not isinstance(node, qt.Word):
        return node  # a wildcard is the word as typed
    kept = tuple(alt for alt in node.alternatives
                 if not (isinstance(alt, qt.Term) and alt.text.startswith(PART)) and not isinstance(alt, qt.AllOf))
    return qt.Word(node.surface, kept or node.alternatives[:1])


def _without_partial(node: qt.Node) -> qt.Node:
    return qt.map_words(node, lambda word: qt.Word(word.surface, word.alternatives) if word.partial else word)


def _filtered(query: qt.Node, condition: qt.Node | None) -> qt.Node:
    return qt.Filter(query, condition) if condition is not None else query


def _matcher(tree: qt.Node) -> TermMatcher:
    words: set[str] = set()
    wildcards: set[str] = set()
    for node in qt.positive(tree):
        if isinstance(node, qt.Word):
            # A compound's parts are marked only as parts of the words that hold them: marked wherever
            # they stand alone, "barn" would light up all over a text searched for "barnefamilier".
            words.update(alt.text for alt in node.alternatives if isinstance(alt, qt.Term) and alt.field in HIGHLIGHTED_FIELDS)
        elif getattr(node, "field", None) not in HIGHLIGHTED_FIELDS:
            continue
        elif isinstance(node, qt.Term):
            words.add(node.text)
        elif isinstance(node, qt.Phrase):
            words.update(node.words)
        elif isinstance(node, qt.Prefix):
            wildcards.add(node.prefix + "*")
        elif isinstance(node, qt.Pattern):
            wildcards.add(node.pattern)
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


def _conference(raw: str | None) -> Conference | None:
    return Conference(**json.loads(raw)) if raw else None


def _municipalities(raw: str | None) -> tuple[Municipality, ...]:
    return tuple(Municipality(**m) for m in json.loads(raw)) if raw else ()

