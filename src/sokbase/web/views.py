"""Routes: the search page, document view, similar passages, original files, the JSON API and /healthz."""
from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from time import perf_counter

from flask import Blueprint, Response, abort, current_app, g, jsonify, render_template, request, send_file
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.security import safe_join

from .. import render
from ..errors import QueryError
from ..municipalities import Gazetteer
from ..search import DOC_TYPE_LABELS, SearchIndex
from .auth import auth, current_reader
from .shared import SharedIndex

bp = Blueprint("search", __name__)

PAGE_SIZE = 10
MAX_PAGE = 50  # deeper pages cost more and help nobody: narrow the search instead
API_MAX_LIMIT = 50
SIMILAR_LIMIT = 8
DOC_ID = re.compile(r"[0-9a-f]{12}")
PASSAGE_ID = re.compile(r"[0-9a-f]{12}-\d{1,6}")


@dataclass(frozen=True)
class SearchState:
    """Everything a result page shows, read from and written back to the URL, so any page can be shared."""

    q: str = ""
    kommune: str | None = None  # kommune number
    konferanse: str | None = None
    year: int | None = None
    doc_type: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: MultiDict) -> SearchState:
        return cls(
            q=" ".join(args.get("q", "").split()),
            kommune=_kommune_number(args.get("kommune", "").strip()),
            konferanse=args.get("konferanse", "").strip() or None,
            year=_year(args.get("year", "").strip()),
            doc_type=_doc_type(args.get("type", "").strip()),
            page=_whole_number(args.get("page", "1"), "Sidetallet", 1, MAX_PAGE),
        )

    def filters(self) -> dict:
        return dict(kommune=self.kommune, konferanse=self.konferanse, year=self.year, doc_type=self.doc_type)

    def args(self, **changes) -> dict:
        """URL parameters for this state with `changes` applied; a changed filter goes back to page 1."""
        state = replace(self, **changes)
        if set(changes) - {"page"}:
            state = replace(state, page=changes.get("page", 1))
        params = {"q": state.q, "kommune": state.kommune, "konferanse": state.konferanse,
                  "year": state.year, "type": state.doc_type, "page": state.page if state.page > 1 else None}
        return {key: value for key, value in params.items() if value not in (None, "")}

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    def active_filters(self) -> list[tuple[str, str, str]]:
        """(heading, label, field) for each filter in use, for the remove-a-filter links."""
        active = []
        if self.kommune:
            active.append(("Kommune", _kommune_name(self.kommune), "kommune"))
        if self.konferanse:
            active.append(("Konferanse", self.konferanse, "konferanse"))
        if self.year:
            active.append(("År", str(self.year), "year"))
        if self.doc_type:
            active.append(("Dokumenttype", DOC_TYPE_LABELS[self.doc_type], "doc_type"))
        return active


def shared_index() -> SharedIndex:
    return current_app.extensions["sokbase"]


@contextmanager
def reader_index() -> Iterator[SearchIndex]:
    """The index as this request's reader may see it: every route that shows passages goes through here."""
    with shared_index().use() as index:
        yield index.for_reader(current_reader().groups)


@bp.get("/")
def search_page():
    try:
        state = SearchState.from_args(request.args)
    except BadRequest as error:  # a filter or page in the URL that cannot be used: keep the query, say why
        state = SearchState.from_args(MultiDict({"q": request.args.get("q", "")}))
        return render_template("search.html", state=state, error=error.description), 400
    if not state.q:
        with reader_index() as index:
            documents, passages = index.size()
        return render_template("search.html", state=state, documents=documents, passages=passages)
    started = perf_counter()
    try:
        with reader_index() as index:
            results = index.search(state.q, limit=PAGE_SIZE, offset=state.offset, **state.filters())
            facets = index.facets(state.q, **state.filters())
    except QueryError as error:
        return render_template("search.html", state=state, error=str(error)), 400
    g.hits = results.total
    pages = math.ceil(results.total / PAGE_SIZE) + (0 if results.total_exact else 1)  # more past the count
    last_page = max(1, min(MAX_PAGE, pages))
    return render_template(
        "search.html", state=state, results=results, facets=facets, seconds=perf_counter() - started,
        last_page=last_page, suggestions=results.suggestions,
    )


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    if not DOC_ID.fullmatch(doc_id):
        abort(404)
    state = SearchState.from_args(request.args)
    with reader_index() as index:
        view = index.document(doc_id, state.q or None)
    if view is None:
        abort(404)
    g.hits = len(view.passages)
    current = request.args.get("avsnitt", "")
    return render_template("document.html", view=view, state=state, current=current)


@bp.get("/doc/<doc_id>/original")
def original(doc_id: str):
    """The file the document was indexed from, only from inside the corpus folder."""
    if not DOC_ID.fullmatch(doc_id):
        abort(404)
    with reader_index() as index:
        view = index.document(doc_id)
        corpus = current_app.config["SOKBASE_CORPUS"] or index.manifest.corpus
    path = _inside(corpus, view.info.source) if view else None
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=PurePosixPath(view.info.source).name)


@bp.get("/similar/<passage_id>")
def similar(passage_id: str):
    if not PASSAGE_ID.fullmatch(passage_id):
        abort(404)
    state = SearchState.from_args(request.args)
    with reader_index() as index:
        source = index.passage(passage_id, context=0).hit
        hits = index.similar(passage_id, limit=SIMILAR_LIMIT)
    g.hits = len(hits)
    return render_template("similar.html", source=source, hits=hits, state=state)


@bp.get("/api/search")
def api_search():
    """The CLI's --json output over HTTP: the same schema, field for field."""
    state = SearchState.from_args(request.args)
    limit = _whole_number(request.args.get("limit", "10"), "Antall treff (limit)", 1, API_MAX_LIMIT)
    if state.page * limit > MAX_PAGE * PAGE_SIZE:
        abort(400, f"Bare de {MAX_PAGE * PAGE_SIZE} første treffene kan hentes. Avgrens søket i stedet.")
    if not state.q:
        abort(400, "Skriv minst ett ord å søke etter (parameteren q).")
    with reader_index() as index:
        results = index.search(state.q, limit=limit, offset=(state.page - 1) * limit, **state.filters())
    g.hits = results.total
    return Response(render.as_json(results), mimetype="application/json")


@bp.get("/healthz")
def healthz():
    """Answered without signing in, for monitors: with sign-in on, it counts nothing, since even how
    many documents the index holds is not for everyone."""
    with reader_index() as index:
        health = _health(index, counted=auth().mode is None)
        if index.is_current():
            return jsonify(health)
    health["status"] = "stale"
    health["error"] = (f"Indeksen i {index.index_dir} er borte eller kunne ikke åpnes; søkene bruker fortsatt "
                       f"{index.generation}. Bygg den på nytt med `sokbase index`.")
    return jsonify(health), 503


def _health(index: SearchIndex, counted: bool) -> dict:
    manifest = index.manifest
    health = {"status": "ok", "generation": index.generation, "created": manifest.created}
    if not counted:
        return health
    documents, passages = index.size()
    health |= {"documents": documents, "passages": passages}
    if (documents, passages) == (manifest.documents, manifest.passages):  # else they would count hidden ones
        health |= {"conferences": len(manifest.conferences), "municipalities": len(manifest.municipalities)}
    return health


def _inside(corpus: str, source: str) -> Path | None:
    """The file at `source` under `corpus`, or None when it is missing or resolves outside (.., symlinks)."""
    joined = safe_join(corpus, source)
    if joined is None:
        return None
    root, path = Path(corpus).resolve(), Path(joined).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def _kommune_number(raw: str) -> str | None:
    if not raw:
        return None
    try:
        return Gazetteer.default().require(raw).number
    except QueryError as error:
        abort(400, str(error))


def _kommune_name(number: str) -> str:
    municipality = Gazetteer.default().lookup(number)
    return municipality.name if municipality else number


def _year(raw: str) -> int | None:
    if not raw:
        return None
    if not re.fullmatch(r"\d{4}", raw):
        abort(400, "Året må være et årstall med fire sifre, f.eks. 2024.")
    return int(raw)


def _doc_type(raw: str) -> str | None:
    if not raw:
        return None
    if raw.lower() not in DOC_TYPE_LABELS:
        abort(400, "Dokumenttypen må være pdf, docx, odt, html eller text.")
    return raw.lower()


def _whole_number(raw: str, name: str, low: int, high: int) -> int:
    raw = raw.strip() or str(low)
    if not re.fullmatch(r"\d{1,9}", raw) or not low <= int(raw) <= high:
        abort(400, f"{name} må være et helt tall fra {low} til {high}.")
    return int(raw)
