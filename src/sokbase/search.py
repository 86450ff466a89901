"""Search an index: the one Python API behind the CLI and the web.

    with sokbase.open_index("index") as index:
        results = index.search("bostabilitet barnefamilier", limit=5, kommune="Trondheim")
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.scoring import BM25F

from . import storage
from .errors import IndexOutdatedError, PassageNotFoundError, QueryError
from .models import Conference, Hit, Municipality, Passage, Results
from .municipalities import Gazetteer
from .query import QueryParser, _walk
from .schema import SEARCHED_FIELDS
from .snippets import TermMatcher, make_snippet

MAX_LIMIT = 1000


@dataclass(frozen=True)
class PassageContext:
    """A passage with its neighbours in the document, for `sokbase show`."""

    hit: Hit
    before: list[Passage]
    after: list[Passage]


class SearchIndex:
    """An open index generation. Reuse one instance: opening costs far more than a search."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self.generation = storage.current_generation(index_dir)
        self.manifest = storage.read_manifest(self.generation)
        try:
            self._whoosh = whoosh_index.open_dir(str(self.generation))
        except Exception as error:
            raise IndexOutdatedError(
                f"Kunne ikke åpne indeksen i {index_dir} ({error}). Bygg den på nytt med `sokbase index`."
            ) from None
        self._searcher = self._whoosh.searcher(weighting=BM25F(B=0.75, K1=1.2))
        self._gazetteer = Gazetteer.default()
        self._parser = QueryParser(self._whoosh.schema, self._gazetteer)
        self._analyzer = self._whoosh.schema["text"].analyzer

    @classmethod
    def open(cls, path: Path | str | None = None) -> SearchIndex:
        return cls(Path(path) if path is not None else storage.default_index_dir())

    def close(self) -> None:
        self._searcher.close()
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
        parsed = self._parser.parse(query)
        filters = self._filters(kommune, konferanse, year, doc_type)
        results = self._run(parsed.query, filters, limit + offset)
        matched_all = True
        if results.scored_length() == 0 and not parsed.has_operators:
            relaxed = self._parser.parse(query, match_all=False)
            if len(list(relaxed.query.leaves())) > 1:
                results = self._run(relaxed.query, filters, limit + offset)
                matched_all = False
        matcher = _matcher(parsed.query)
        hits = [
            self._hit(rank, hit.score, hit.fields(), matcher)
            for rank, hit in enumerate(list(results)[offset : offset + limit], start=offset + 1)
        ]
        return Results(query=query, total=len(results), hits=hits, matched_all_terms=matched_all)

    def _run(self, query: wq.Query, filters: wq.Query | None, limit: int):
        return self._searcher.search(query, limit=limit, filter=filters)

    def _filters(self, kommune, konferanse, year, doc_type) -> wq.Query | None:
        clauses: list[wq.Query] = []
        if kommune:
            municipality = self._gazetteer.lookup(kommune)
            if municipality is None:
                raise QueryError(f"Kjenner ikke kommunen «{kommune}». Skriv kommunenavn eller -nummer, f.eks. Bergen eller 4601.")
            clauses.append(wq.Term("kommune", municipality.number))
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

    def _hit(self, rank: int, score: float, fields: dict, matcher: TermMatcher) -> Hit:
        snippet, highlights = make_snippet(fields["text"], matcher, self._analyzer)
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
            )
            for f in stored
        ]
        return sorted(passages, key=lambda p: p.position)


def _matcher(query: wq.Query) -> TermMatcher:
    words: set[str] = set()
    wildcards: set[str] = set()
    banned = {id(n) for node in _walk(query) if isinstance(node, wq.Not) for n in _walk(node)}
    banned |= {id(n) for node in _walk(query) if isinstance(node, wq.AndNot) for n in _walk(node.b)}
    for node in _walk(query):
        if id(node) in banned or getattr(node, "fieldname", None) not in SEARCHED_FIELDS:
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


def _conference(raw: str | None) -> Conference | None:
    return Conference(**json.loads(raw)) if raw else None


def _municipalities(raw: str | None) -> tuple[Municipality, ...]:
    return tuple(Municipality(**m) for m in json.loads(raw)) if raw else ()
