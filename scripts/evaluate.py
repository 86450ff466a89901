"""Measure sokbase's ranking on real questions, end to end, for several analyzers in one run.

Three data sets, each searched through SearchIndex.search as a caseworker would type the queries (as words,
with no query operators), beside a baseline on the very same passages:

- NorQuAD (tests/data/norquad): its 755 documents are written as text files (title on the first line) and
  indexed with sokbase.build_index.
- The domain set (tests/data/domain_queries.json) over corpus/.
- The laws: every current Norwegian law (../shared/data/lover, ~46k passages) with judged caseworker queries
  (../shared/eval/lover/queries-dev.jsonl), split once into a `tune` and a `heldout` half (HELDOUT below).

    .venv/bin/python scripts/evaluate.py                    # every data set, every analyzer (NorQuAD: val)
    .venv/bin/python scripts/evaluate.py --split train      # tune here, never on val
    .venv/bin/python scripts/evaluate.py --analyzer sokbase --dataset lover --half heldout
    .venv/bin/python scripts/evaluate.py --analyzer sokbase --per-query per-query.jsonl
    .venv/bin/python scripts/evaluate.py --engine both      # also PostgreSQL, in a throwaway server

With --engine postgresql or both, the same files are indexed into PostgreSQL (tests/pgserver.py starts a server
in /tmp, or --postgres-url names an empty database) and searched the same way; with both, for sokbase's full
analyzer only, and each PostgreSQL table row says for how many queries its top ten equals the Whoosh row's.

The baseline row is bm25s with Snowball's Norwegian stemmer and stop list over sokbase's own passages, read
back from the index sokbase built (title, heading and text, as sokbase's content field holds them): every
figure sokbase reaches is a margin over that row. Indexes are cached in .eval-cache/, keyed by the corpus's
bytes, the index FORMAT, sokbase's source files and the analyzer, so a second run indexes nothing.

NorQuAD and domain figures: document MRR@10 and Recall@10 (a hit is right when it comes from the question's
document), answer@1 and answer@5 (a returned passage from that document contains the answer string), the
median length in words of the top-5 passages. Law figures: nDCG@10 over paragraphs (a hit's paragraph is read
from its heading, each paragraph counted once at its first hit, gains 2/1 from the judgments), per kind, and
nDCG@10 over laws (each law once at its first hit, gain the best grade of its judged paragraphs). Every table
shows the indexing time (* built by an earlier run) and the mean time per search after one warm-up search.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import logging
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import sokbase
from sokbase.analysis import PRESETS, SNOWBALL_STOP_WORDS, AnalysisOptions
from sokbase.discover import find_files
from sokbase.errors import SokbaseError
from sokbase.schema import FORMAT, analysis_for_new_indexes, content

ROOT = Path(__file__).resolve().parent.parent
NORQUAD = ROOT / "tests" / "data" / "norquad"
DOMAIN = ROOT / "tests" / "data" / "domain_queries.json"
LAWS = ROOT.parent / "shared" / "data" / "lover"
LAW_QUERIES = ROOT.parent / "shared" / "eval" / "lover" / "queries-dev.jsonl"
CACHE = ROOT / ".eval-cache"
DATASETS = ("norquad", "domain", "lover")
TOP = 10
BASELINE = "bm25s + Snowball (baseline)"
KINDS = ("inflection", "compound", "nynorsk", "ascii", "abbreviation", "reference", "question", "topic")
# The law queries nobody tunes on, chosen once (2026-12) by a rule: within each kind, sorted by id, every
# second query (the 2nd, 4th, ...) is held out and the rest are `tune`. Written out, so that a query added
# later never moves an old one to the other half; a new id must be placed here (or left to `tune`) by hand.
HELDOUT = frozenset(
    "L006 L009 L011 L012 L015 L019 L020 L023 L030 L033 L035 L039 L042 L043 L044 L054 L055 L057 L059 L063 "
    "L067 L070 L075 L076 L078 L085 L089 L092 L094 L097 L102 L103 L106 L109 L111 L114 L118 L122 L125 L129".split()
)
TUNED = frozenset(
    "L001 L002 L003 L004 L005 L007 L008 L013 L016 L018 L022 L025 L028 L029 L031 L040 L046 L047 L048 L049 "
    "L051 L056 L058 L060 L062 L071 L072 L079 L080 L081 L082 L086 L090 L093 L098 L104 L107 L112 L116 L120 "
    "L124 L127".split()
)
HALVES = ("tune", "heldout")
_SYNTAX = re.compile(r"[\"()\[\]{}*?:^~+]|(?<!\S)-|\b(?:AND|OR|NOT|ANDNOT|OG|ELLER|IKKE)\b")
# "§ 4. Unntak …" → "§ 4", "§ 3-2 a. …" → "§ 3-2 a", "§ 29-7b. Tvangsmulkt" → "§ 29-7b", "§ 8 A-1. …" →
# "§ 8 A-1": the number as the heading writes it, a letter only where it stands alone ("§ 5 første ledd" is § 5).
_PARAGRAPH = re.compile(r"§+\s*(\d+(?:\s?[A-Za-z](?=-)|\s?[A-Z](?![\wæøå]))?(?:-\d+[A-Z]?)*(?:\s?[a-z])?)(?![\wæøå])")
_BUILT = "eval-built.json"
_BUILDING = ".building-"


@dataclass
class Figures:
    analyzer: str
    questions: int
    mrr10: float
    recall10: float
    answer1: float
    answer5: float
    median_words: float
    index_seconds: float
    query_ms: float
    cached: bool = False
    same_top10: int | None = None  # a PostgreSQL row: queries whose top ten equal the Whoosh row's


@dataclass
class LawFigures:
    analyzer: str
    half: str
    queries: int
    ndcg10: float  # over paragraphs
    doc_ndcg10: float  # over laws
    kinds: dict[str, float]  # paragraph nDCG@10 per kind
    index_seconds: float
    query_ms: float
    cached: bool = False
    same_top10: int | None = None


@dataclass(frozen=True)
class Question:
    text: str
    doc: str  # the source file the right passages come from
    answer: str  # a string the right passage contains


@dataclass(frozen=True)
class LawQuery:
    id: str
    text: str
    kind: str
    half: str
    judged: dict[str, int] = field(hash=False)  # "lov-2012-08-24-64 § 4" → 2 (answers) or 1 (relevant)


@dataclass(frozen=True)
class Ranked:
    """A passage as a system returns it and as every figure reads it."""

    source: str
    heading: str | None
    text: str


@dataclass(frozen=True)
class Answer:
    """One query's top hits from one system, and how long the search took."""

    ranked: list[Ranked]
    seconds: float
    error: str | None = None


@dataclass(frozen=True)
class Built:
    name: str
    index_dir: Path | None  # None for the baseline, which keeps its index in memory
    index_seconds: float
    cached: bool


Search = Callable[[str], list[Ranked]]
Sink = Callable[[dict], None]


def as_typed(question: str) -> str:
    """A question as plain words: what is query syntax to sokbase is punctuation to the asker."""
    return " ".join(_SYNTAX.sub(" ", question).split())


# ---------------------------------------------------------------- data sets


def write_norquad_corpus(target: Path) -> None:
    for line in (NORQUAD / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        body = doc["text"]
        if body.startswith(doc["title"]):
            body = body[len(doc["title"]) :]
        paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
        (target / f"{doc['id']}.txt").write_text("\n\n".join([doc["title"], *paragraphs]) + "\n", encoding="utf-8")


def norquad_questions(split: str, limit: int | None = None) -> list[Question]:
    rows = [json.loads(line) for line in (NORQUAD / "queries-dev.jsonl").read_text(encoding="utf-8").splitlines()]
    questions = [Question(r["question"], f"{r['doc']}.txt", r["answer"]) for r in rows if r["split"] == split]
    return questions[:limit] if limit else questions


def domain_questions() -> list[Question]:
    rows = json.loads(DOMAIN.read_text(encoding="utf-8"))
    return [Question(r["query"], r["source"], r["contains"]) for r in rows]


def law_queries(path: Path = LAW_QUERIES) -> list[LawQuery]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    unplaced = sorted(r["id"] for r in rows if r["id"] not in HELDOUT | TUNED)
    if unplaced:
        raise SystemExit(f"law queries in no half: {', '.join(unplaced)}; add them to HELDOUT or TUNED")
    return [
        LawQuery(r["id"], r["query"], r["kind"], "heldout" if r["id"] in HELDOUT else "tune", r["relevant"])
        for r in rows
    ]


# ---------------------------------------------------------------- law scoring


def paragraph_of(heading: str | None) -> str | None:
    """The paragraph a law passage belongs to, as the judgments name it: "§ 3-2 a. Rett til …" → "§ 3-2 a"."""
    found = _PARAGRAPH.match(heading or "")
    return f"§ {' '.join(found[1].split())}" if found else None


def law_of(source: str) -> str:
    return Path(source).stem


def paragraph_key(hit: Ranked) -> str | None:
    paragraph = paragraph_of(hit.heading)
    return f"{law_of(hit.source)} {paragraph}" if paragraph else None


def ndcg(gains: list[float], ideal: Iterable[float], k: int = TOP) -> float:
    """nDCG@k with linear gains: gains[i] is the gain of rank i + 1, ideal the gains a perfect list could have."""
    best = dcg(sorted(ideal, reverse=True)[:k])
    return dcg(gains[:k]) / best if best else 0.0


def dcg(gains: Iterable[float]) -> float:
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def first_gains(keys: list[str | None], grades: dict[str, int]) -> list[float]:
    """The gain of each rank, counting every judged key once, at its first rank."""
    seen: set[str] = set()
    gains = []
    for key in keys:
        gains.append(grades.get(key, 0) if key not in seen else 0)
        if key is not None:
            seen.add(key)
    return gains


def law_grades(judged: dict[str, int]) -> dict[str, int]:
    """Each judged law's grade: the best grade of its judged paragraphs."""
    grades: dict[str, int] = {}
    for key, grade in judged.items():
        law = key.split(" ", 1)[0]
        grades[law] = max(grade, grades.get(law, 0))
    return grades


def paragraph_ndcg(ranked: list[Ranked], judged: dict[str, int]) -> float:
    return ndcg(first_gains([paragraph_key(hit) for hit in ranked], judged), judged.values())


def law_ndcg(ranked: list[Ranked], judged: dict[str, int]) -> float:
    grades = law_grades(judged)
    return ndcg(first_gains([law_of(hit.source) for hit in ranked], grades), grades.values())


def first_relevant(keys: list[str | None], judged: dict[str, int]) -> int | None:
    return next((rank for rank, key in enumerate(keys, start=1) if key in judged), None)


def missing_judged_keys(queries: list[LawQuery], passages: list[Ranked]) -> list[str]:
    """Judged paragraphs no passage's heading names: a key written otherwise than the heading would never score."""
    present = {paragraph_key(p) for p in passages}
    return sorted({key for q in queries for key in q.judged if key not in present})


# ---------------------------------------------------------------- indexes, cached by content


def index_for(dataset: str, name: str, options: AnalysisOptions, corpus: Path, corpus_digest: str, root: Path) -> Built:
    """The index of `corpus` with `options` under `root`, built unless an earlier run left the same one there."""
    folder = root / dataset / _digest([repr(options)])[:12]
    target = folder / _digest([corpus_digest, FORMAT, source_digest(), repr(options), _engine_versions()])[:24]
    if (target / _BUILT).exists():
        return Built(name, target, json.loads((target / _BUILT).read_text())["index_seconds"], cached=True)
    staging = folder / f"{target.name}{_BUILDING}{os.getpid()}"
    started = time.perf_counter()
    with analysis_for_new_indexes(options):
        report = sokbase.build_index(corpus, staging, full=True)
    seconds = round(time.perf_counter() - started, 2)
    if report.documents == 0:
        raise SystemExit(f"nothing indexed from {corpus}")
    if report.failures:
        first = report.failures[0]
        print(f"{dataset}, {name}: {len(report.failures)} of {report.files} files not indexed "
              f"({first.source}: {first.reason}, …)", file=sys.stderr)
    (staging / _BUILT).write_text(json.dumps({"analyzer": name, "options": repr(options), "index_seconds": seconds}))
    try:
        staging.rename(target)
    except OSError:  # another run finished the same build first
        shutil.rmtree(staging)
    _prune(folder, keep=target)
    return Built(name, target, seconds, cached=False)


def _prune(folder: Path, keep: Path) -> None:
    """Remove the builds of this analyzer for other code or data, and what interrupted runs left behind,
    but not a build another run is making now."""
    for path in folder.iterdir():
        pid = path.name.partition(_BUILDING)[2]
        if path != keep and not (pid and _running(int(pid))):
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    return True


def corpus_digest(corpus: Path) -> str:
    """A hash of every file sokbase would index under `corpus`: its path and its bytes."""
    files = find_files(corpus)
    return _digest([part for path in files for part in (path.relative_to(corpus).as_posix(), path.read_bytes())])


# Modules that only search or show what an index holds: a change to them (a ranking weight) needs no new build.
SEARCH_ONLY = frozenset([
    "query.py", "querytree.py", "ranking.py", "context.py", "search.py", "suggest.py", "snippets.py", "render.py",
    "cli.py", "cli_messages.py", "engines/whoosh_engine.py", "engines/base.py",
])


@lru_cache(maxsize=1)
def source_digest() -> str:
    """A hash of sokbase's code and data files that make an index, so that a change to them builds the
    indexes again."""
    package = Path(sokbase.__file__).parent
    files = sorted(
        p for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and "web" not in p.relative_to(package).parts
        and p.relative_to(package).as_posix() not in SEARCH_ONLY
    )
    return _digest([part for p in files for part in (p.relative_to(package).as_posix().encode(), p.read_bytes())])


def _engine_versions() -> str:
    return f"whoosh-reloaded {importlib.metadata.version('whoosh-reloaded')}, python {sys.version_info[:2]}"


def _digest(parts: Iterable[str | bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


# Which engines build and answer: set by main() from --engine; `database(name)` gives an empty database.
ENGINES = {"whoosh": True, "postgresql": None}
POSTGRESQL = " · PostgreSQL"  # after the analyzer's name in a PostgreSQL row


def build_all(dataset: str, corpus: Path, analyzers: dict[str, AnalysisOptions], root: Path) -> list[Built]:
    built = []
    if ENGINES["whoosh"]:
        digest = corpus_digest(corpus)
        built = [index_for(dataset, name, options, corpus, digest, root) for name, options in analyzers.items()]
    database = ENGINES["postgresql"]
    if database is not None:
        full = [name for name, options in analyzers.items() if options == AnalysisOptions()]
        for name in analyzers if not ENGINES["whoosh"] else full:
            url = database(f"eval_{dataset}_{len(built)}")
            started = time.perf_counter()
            with analysis_for_new_indexes(analyzers[name]):
                sokbase.build_index(corpus, url, full=True)
            built.append(Built(name + POSTGRESQL, url, round(time.perf_counter() - started, 2), cached=False))
    return built


def same_top10(results: list, answers: dict[str, list[Answer]]) -> None:
    """On each PostgreSQL row, for how many queries its top ten equal the Whoosh row's."""
    for figures_ in results:
        whoosh = answers.get(figures_.analyzer.removesuffix(POSTGRESQL))
        if figures_.analyzer.endswith(POSTGRESQL) and whoosh is not None:
            figures_.same_top10 = sum(a.ranked == b.ranked for a, b in zip(answers[figures_.analyzer], whoosh))


def indexed_passages(index_dir: Path) -> list[tuple[Ranked, str]]:
    """Every passage of the index as sokbase stored it, with the value its content field was given
    (title and short title, heading, text: what the indexer rebuilds a kept passage from)."""
    with sokbase.open_index(index_dir) as index:
        engine = index.engine
        stored = [f for doc in engine.documents() for f in engine.stored(engine.document_keys(doc["doc_id"]))]
    stored.sort(key=lambda f: (f["source"], f["position"]))
    return [
        (Ranked(f["source"], f.get("heading") or None, f["text"]),
         content(f.get("title") or "", f.get("heading"), f["text"], f.get("short_title")))
        for f in stored
    ]


# ---------------------------------------------------------------- the systems


class Bm25Baseline:
    """bm25s (Lucene's BM25, k1 1.5, b .75) with Snowball's Norwegian stemmer and full stop list.

    Tokens are runs of word characters, single ones included, so that "§ 9-2" keeps its 9 and 2 as
    sokbase's tokenizer does (bm25s's default pattern drops one-character tokens)."""

    TOKENS = r"(?u)\b\w+\b"

    def __init__(self, passages: list[tuple[Ranked, str]]):
        """`passages`: each passage with the text to index for it."""
        import bm25s
        import Stemmer

        self._bm25s, self._stemmer = bm25s, Stemmer.Stemmer("norwegian")
        self.passages = [passage for passage, _ in passages]
        started = time.perf_counter()
        self._retriever = bm25s.BM25()
        self._retriever.index(self._tokenize([text for _, text in passages], return_ids=True), show_progress=False)
        self.index_seconds = round(time.perf_counter() - started, 2)

    def _tokenize(self, texts: list[str], return_ids: bool):
        return self._bm25s.tokenize(texts, token_pattern=self.TOKENS, stopwords=sorted(SNOWBALL_STOP_WORDS),
                                    stemmer=self._stemmer, return_ids=return_ids, show_progress=False)

    def search(self, query: str) -> list[Ranked]:
        tokens = self._tokenize([query], return_ids=False)
        if not tokens[0]:
            return []
        found, scores = self._retriever.retrieve(tokens, k=min(TOP, len(self.passages)), show_progress=False)
        return [self.passages[i] for i, score in zip(found[0], scores[0]) if score > 0]


def ask(search: Search, texts: list[str]) -> list[Answer]:
    """Every query as typed through `search`, timed one by one after one search that warms caches up."""
    if texts:
        _answer(search, texts[0])
    return [_answer(search, text) for text in texts]


def _answer(search: Search, text: str) -> Answer:
    started = time.perf_counter()
    try:
        ranked = search(as_typed(text))[:TOP]
    except SokbaseError as error:  # a refused query is a miss, and says so in --per-query
        return Answer([], time.perf_counter() - started, str(error))
    return Answer(ranked, time.perf_counter() - started)


def answers_of(built: list[Built], passages: list[tuple[Ranked, str]] | None,
               texts: list[str]) -> Iterator[tuple[Built, list[Answer]]]:
    """Each built index's answers to `texts`, then (given its passages) the baseline's."""
    for one in built:
        with sokbase.open_index(one.index_dir) as index:
            yield one, ask(lambda text: [_ranked(h) for h in index.search(text, limit=TOP).hits], texts)
    if passages is not None:
        baseline = Bm25Baseline(passages)
        yield Built(BASELINE, None, baseline.index_seconds, cached=False), ask(baseline.search, texts)


def _ranked(hit) -> Ranked:
    return Ranked(hit.source, hit.heading, hit.text)


# ---------------------------------------------------------------- NorQuAD and the domain set


def run(dataset: str, analyzers: dict[str, AnalysisOptions], split: str = "val", limit: int | None = None, *,
        baseline: bool = False, cache: Path | None = None, per_query: Sink | None = None) -> list[Figures]:
    """NorQuAD's `split` or the domain set through every analyzer (and the baseline), one Figures each."""
    with tempfile.TemporaryDirectory(prefix="sokbase-eval-") as tmp:
        workdir = Path(tmp)
        if dataset == "norquad":
            corpus = workdir / "corpus"
            corpus.mkdir()
            write_norquad_corpus(corpus)
            questions = norquad_questions(split, limit)
        else:
            corpus, questions = ROOT / "corpus", domain_questions()
        built = build_all(dataset, corpus, analyzers, cache or workdir)
        passages = indexed_passages(built[0].index_dir) if baseline else None
        results, by_system = [], {}
        for one, answers in answers_of(built, passages, [q.text for q in questions]):
            results.append(figures(one, questions, answers))
            by_system[one.name] = answers
            if per_query:
                for question, answer in zip(questions, answers):
                    per_query(_question_record(dataset, one.name, question, answer))
        same_top10(results, by_system)
        return results


def figures(built: Built, questions: list[Question], answers: list[Answer]) -> Figures:
    ranks = [_doc_rank(q, a) for q, a in zip(questions, answers)]
    found = [_answer_rank(q, a) for q, a in zip(questions, answers)]
    lengths = [len(hit.text.split()) for a in answers for hit in a.ranked[:5]]
    n = len(questions)
    return Figures(
        analyzer=built.name,
        questions=n,
        mrr10=round(sum(1 / r for r in ranks if r) / n, 3),
        recall10=round(sum(1 for r in ranks if r) / n, 3),
        answer1=round(sum(1 for r in found if r == 1) / n, 3),
        answer5=round(sum(1 for r in found if r and r <= 5) / n, 3),
        median_words=statistics.median(lengths) if lengths else 0,
        index_seconds=built.index_seconds,
        query_ms=round(1000 * sum(a.seconds for a in answers) / n, 1),
        cached=built.cached,
    )


def _doc_rank(question: Question, answer: Answer) -> int | None:
    return next((rank for rank, hit in enumerate(answer.ranked, 1) if hit.source == question.doc), None)


def _answer_rank(question: Question, answer: Answer) -> int | None:
    return next((rank for rank, hit in enumerate(answer.ranked, 1)
                 if hit.source == question.doc and _contains(hit.text, question.answer)), None)


def _contains(text: str, answer: str) -> bool:
    return " ".join(answer.split()).casefold() in " ".join(text.split()).casefold()


def _question_record(dataset: str, system: str, question: Question, answer: Answer) -> dict:
    return {
        "dataset": dataset, "system": system, "query": question.text, "kind": None, "half": None,
        "hits": [[hit.source, hit.heading] for hit in answer.ranked],
        "first_relevant": _doc_rank(question, answer), "answer_rank": _answer_rank(question, answer),
        "error": answer.error,
    }


# ---------------------------------------------------------------- laws


def run_laws(analyzers: dict[str, AnalysisOptions], *, baseline: bool = False, cache: Path | None = None,
             per_query: Sink | None = None, corpus: Path = LAWS, queries_file: Path = LAW_QUERIES) -> list[LawFigures]:
    """The law queries through every analyzer (and the baseline): one LawFigures per system and half."""
    queries = law_queries(queries_file)
    with tempfile.TemporaryDirectory(prefix="sokbase-eval-") as tmp:
        built = build_all("lover", corpus, analyzers, cache or Path(tmp))
        passages = indexed_passages(built[0].index_dir)
        missing = missing_judged_keys(queries, [passage for passage, _ in passages])
        if missing:
            raise SystemExit(f"judged paragraphs no heading names: {', '.join(missing)}")
        results, by_system = [], {}
        for one, answers in answers_of(built, passages if baseline else None, [q.text for q in queries]):
            results += [law_figures(one, half, queries, answers) for half in HALVES]
            by_system[one.name] = answers
            if per_query:
                for query, answer in zip(queries, answers):
                    per_query(_law_record(one.name, query, answer))
        for half in HALVES:
            chosen = [i for i, q in enumerate(queries) if q.half == half]
            same_top10([f for f in results if f.half == half],
                       {name: [answers[i] for i in chosen] for name, answers in by_system.items()})
        return results


def law_figures(built: Built, half: str, queries: list[LawQuery], answers: list[Answer]) -> LawFigures:
    chosen = [(q, a) for q, a in zip(queries, answers) if q.half == half]
    by_kind = defaultdict(list)
    for query, answer in chosen:
        by_kind[query.kind].append(paragraph_ndcg(answer.ranked, query.judged))
    return LawFigures(
        analyzer=built.name,
        half=half,
        queries=len(chosen),
        ndcg10=_mean(paragraph_ndcg(a.ranked, q.judged) for q, a in chosen),
        doc_ndcg10=_mean(law_ndcg(a.ranked, q.judged) for q, a in chosen),
        kinds={kind: _mean(by_kind[kind]) for kind in KINDS if by_kind[kind]},
        index_seconds=built.index_seconds,
        query_ms=round(1000 * sum(a.seconds for _, a in chosen) / max(1, len(chosen)), 1),
        cached=built.cached,
    )


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return round(sum(values) / len(values), 3) if values else 0.0


def _law_record(system: str, query: LawQuery, answer: Answer) -> dict:
    keys = [paragraph_key(hit) for hit in answer.ranked]
    return {
        "dataset": "lover", "system": system, "id": query.id, "query": query.text, "kind": query.kind,
        "half": query.half, "hits": [[law_of(hit.source), paragraph_of(hit.heading)] for hit in answer.ranked],
        "ndcg10": round(paragraph_ndcg(answer.ranked, query.judged), 3),
        "doc_ndcg10": round(law_ndcg(answer.ranked, query.judged), 3),
        "first_relevant": first_relevant(keys, query.judged),
        "first_relevant_law": first_relevant([law_of(h.source) for h in answer.ranked], law_grades(query.judged)),
        "judged": query.judged, "error": answer.error,
    }


# ---------------------------------------------------------------- report


def table(title: str, figures: list[Figures]) -> str:
    lines = [
        f"### {title}",
        "",
        "| analyzer | MRR@10 | R@10 | answer@1 | answer@5 | median words | index s | ms/query |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.analyzer} | {f.mrr10:.3f} | {f.recall10:.3f} | {f.answer1:.3f} | {f.answer5:.3f} "
            f"| {f.median_words:g} | {_seconds(f)} | {f.query_ms:.1f} |"
        )
    return "\n".join(lines + _cache_note(figures) + _parity_note(figures))


def law_table(half: str, figures: list[LawFigures], queries: list[LawQuery]) -> str:
    counts = {kind: sum(1 for q in queries if q.half == half and q.kind == kind) for kind in KINDS}
    kinds = [kind for kind in KINDS if counts[kind]]
    lines = [
        f"### Laws, {half} half ({sum(counts.values())} queries): nDCG@10",
        "",
        "| analyzer | paragraphs | laws | " + " | ".join(f"{k} ({counts[k]})" for k in kinds) + " | index s | ms/query |",
        "|---" * (len(kinds) + 5) + "|",
    ]
    for f in figures:
        per_kind = " | ".join(f"{f.kinds.get(kind, 0):.3f}" for kind in kinds)
        lines.append(f"| {f.analyzer} | {f.ndcg10:.3f} | {f.doc_ndcg10:.3f} | {per_kind} | {_seconds(f)} | {f.query_ms:.1f} |")
    return "\n".join(lines + _cache_note(figures) + _parity_note(figures))


def _seconds(figures: Figures | LawFigures) -> str:
    return f"{figures.index_seconds:.1f}" + ("*" if figures.cached else "")


def _cache_note(figures: list) -> list[str]:
    return ["", "\\* built by an earlier run and reused from .eval-cache/"] if any(f.cached for f in figures) else []


def _parity_note(figures: list) -> list[str]:
    """Under a table with PostgreSQL rows: how alike they are to the Whoosh row of the same analyzer."""
    notes = []
    for f in figures:
        whoosh = next((w for w in figures if w.analyzer == f.analyzer.removesuffix(POSTGRESQL)), None)
        if f.same_top10 is None or whoosh is None:
            continue
        ours, theirs = _quality(f), _quality(whoosh)
        gap = max(abs(ours[name] - theirs.get(name, 0.0)) for name in ours)
        count = f.questions if isinstance(f, Figures) else f.queries
        notes.append(f"{f.analyzer}: top ten identical to Whoosh's for {f.same_top10} of {count} queries "
                     f"({f.same_top10 / max(1, count):.1%}); figures differ by at most {gap:.3f}")
    return ["", *notes] if notes else []


def _quality(f) -> dict[str, float]:
    if isinstance(f, Figures):
        return {"mrr10": f.mrr10, "recall10": f.recall10, "answer1": f.answer1, "answer5": f.answer5}
    return {"ndcg10": f.ndcg10, "doc_ndcg10": f.doc_ndcg10, **f.kinds}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.getLogger("sokbase").setLevel(logging.ERROR)  # index_for sums up the files a build could not read
    analyzers = _select(args.analyzer)
    per_query = args.per_query.open("w", encoding="utf-8") if args.per_query else None
    sink = (lambda record: per_query.write(json.dumps(record, ensure_ascii=False) + "\n")) if per_query else None
    server = _engines(args.engine, args.postgres_url)
    try:
        for dataset in args.dataset or DATASETS:
            if dataset == "lover" and not LAWS.is_dir():
                if args.dataset:
                    raise SystemExit(f"the laws are not at {LAWS}")
                print(f"(no laws at {LAWS}: left out)\n", file=sys.stderr)
                continue
            _report(dataset, analyzers, args, sink)
    finally:
        if per_query:
            per_query.close()
        if server is not None:
            server.remove()
    return 0


def _engines(engine: str, url: str | None):
    """Set ENGINES from --engine; the throwaway server started for PostgreSQL, if any (to remove at the end)."""
    ENGINES["whoosh"] = engine in ("whoosh", "both")
    if engine == "whoosh":
        return None
    if url:
        ENGINES["postgresql"] = lambda name: url
        return None
    sys.path.insert(0, str(ROOT / "tests"))
    import pgserver

    try:
        server = pgserver.start_server({"fsync": "off", "shared_buffers": "512MB"})
    except pgserver.PostgresMissing as missing:
        print(f"(PostgreSQL is not installed here, {missing}: Whoosh only)", file=sys.stderr)
        ENGINES["whoosh"] = True
        return None

    ENGINES["postgresql"] = server.new_database
    return server


def _report(dataset: str, analyzers: dict[str, AnalysisOptions], args, sink: Sink | None) -> None:
    options = {"baseline": not args.no_baseline, "cache": None if args.no_cache else CACHE, "per_query": sink}
    if dataset == "lover":
        results = [f for f in run_laws(analyzers, **options) if args.half in ("both", f.half)]
        tables = [law_table(half, [f for f in results if f.half == half], law_queries())
                  for half in HALVES if args.half in ("both", half)]
        extra = {}
    else:
        results = run(dataset, analyzers, args.split, args.limit, **options)
        title = f"NorQuAD, {args.split} split" if dataset == "norquad" else "Domain queries over corpus/"
        tables = [table(f"{title} ({results[0].questions} questions)", results)]
        extra = {"split": args.split} if dataset == "norquad" else {}
    if args.json:
        for f in results:
            print(json.dumps({"dataset": dataset, **extra, **asdict(f)}, ensure_ascii=False), flush=True)
    else:
        print("\n\n".join(tables), end="\n\n", flush=True)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="val", choices=["train", "val"], help="NorQuAD's split (default: val)")
    parser.add_argument("--analyzer", action="append", help="only these analyzers (names from analysis.PRESETS, or 'sokbase')")
    parser.add_argument("--limit", type=int, help="only the first N questions of NorQuAD's split")
    parser.add_argument("--dataset", action="append", choices=DATASETS, help="default: all three")
    parser.add_argument("--half", default="both", choices=["tune", "heldout", "both"], help="which law queries to report")
    parser.add_argument("--per-query", type=Path, metavar="FILE", help="write one JSON line per query and system")
    parser.add_argument("--no-baseline", action="store_true", help="leave out the bm25s row")
    parser.add_argument("--no-cache", action="store_true", help="build every index afresh, in a temporary folder")
    parser.add_argument("--json", action="store_true", help="one JSON object per analyzer and dataset (and half)")
    parser.add_argument("--engine", default="whoosh", choices=["whoosh", "postgresql", "both"],
                        help="which engines build and answer (default: whoosh)")
    parser.add_argument("--postgres-url", help="an empty database for PostgreSQL, rebuilt for each data set "
                                               "(default: a throwaway server)")
    return parser.parse_args(argv)


def _select(names: list[str] | None) -> dict[str, AnalysisOptions]:
    if not names:
        return dict(PRESETS)
    chosen = {}
    for name in names:
        matches = [key for key in PRESETS if key.startswith(name)]
        if not matches:
            raise SystemExit(f"unknown analyzer {name!r}; choose from: {', '.join(PRESETS)}")
        chosen[matches[0]] = PRESETS[matches[0]]
    return chosen


if __name__ == "__main__":
    sys.exit(main())
