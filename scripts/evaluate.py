"""Measure sokbase's ranking on real questions, end to end, for several analyzers in one run.

NorQuAD (tests/data/norquad): its 755 documents are written as text files (title on the first line),
indexed with sokbase.build_index and each question is run through SearchIndex.search as a caseworker
would type it: as words, with no query operators. The domain set (tests/data/domain_queries.json)
does the same over corpus/.

    .venv/bin/python scripts/evaluate.py                    # val split, every analyzer, both sets
    .venv/bin/python scripts/evaluate.py --split train      # tune here, never on val
    .venv/bin/python scripts/evaluate.py --analyzer sokbase --limit 200 --json

Figures: document MRR@10 and Recall@10 (a hit is right when it comes from the question's document),
answer@1 and answer@5 (a returned passage from that document contains the answer string), the median
length in words of the top-5 passages, the indexing time and the mean time per search.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import sokbase
from sokbase.analysis import PRESETS, AnalysisOptions
from sokbase.schema import analysis_for_new_indexes

ROOT = Path(__file__).resolve().parent.parent
NORQUAD = ROOT / "tests" / "data" / "norquad"
DOMAIN = ROOT / "tests" / "data" / "domain_queries.json"
TOP = 10
_SYNTAX = re.compile(r"[\"()\[\]{}*?:^~+]|(?<!\S)-|\b(?:AND|OR|NOT|ANDNOT|OG|ELLER|IKKE)\b")


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


@dataclass(frozen=True)
class Question:
    text: str
    doc: str  # the source file the right passages come from
    answer: str  # a string the right passage contains


def as_typed(question: str) -> str:
    """A question as plain words: what is query syntax to sokbase is punctuation to the asker."""
    return " ".join(_SYNTAX.sub(" ", question).split())


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


def measure(name: str, options: AnalysisOptions, corpus: Path, questions: list[Question], workdir: Path) -> Figures:
    index_dir = workdir / f"index-{abs(hash(options))}"
    started = time.perf_counter()
    with analysis_for_new_indexes(options):
        report = sokbase.build_index(corpus, index_dir, full=True)
    index_seconds = time.perf_counter() - started
    if report.documents == 0:
        raise SystemExit(f"nothing indexed from {corpus}")
    ranks, answers, lengths, seconds = [], [], [], 0.0
    with sokbase.open_index(index_dir) as index:
        for question in questions:
            started = time.perf_counter()
            hits = index.search(as_typed(question.text), limit=TOP).hits
            seconds += time.perf_counter() - started
            ranks.append(next((h.rank for h in hits if h.source == question.doc), None))
            answers.append(next((h.rank for h in hits if h.source == question.doc and _contains(h.text, question.answer)), None))
            lengths += [len(h.text.split()) for h in hits[:5]]
    n = len(questions)
    return Figures(
        analyzer=name,
        questions=n,
        mrr10=round(sum(1 / r for r in ranks if r) / n, 3),
        recall10=round(sum(1 for r in ranks if r) / n, 3),
        answer1=round(sum(1 for r in answers if r == 1) / n, 3),
        answer5=round(sum(1 for r in answers if r and r <= 5) / n, 3),
        median_words=statistics.median(lengths) if lengths else 0,
        index_seconds=round(index_seconds, 2),
        query_ms=round(1000 * seconds / n, 1),
    )


def _contains(text: str, answer: str) -> bool:
    return " ".join(answer.split()).casefold() in " ".join(text.split()).casefold()


def run(dataset: str, analyzers: dict[str, AnalysisOptions], split: str = "val", limit: int | None = None) -> list[Figures]:
    with tempfile.TemporaryDirectory(prefix="sokbase-eval-") as tmp:
        workdir = Path(tmp)
        if dataset == "norquad":
            corpus = workdir / "corpus"
            corpus.mkdir()
            write_norquad_corpus(corpus)
            questions = norquad_questions(split, limit)
        else:
            corpus, questions = ROOT / "corpus", domain_questions()
        return [measure(name, options, corpus, questions, workdir) for name, options in analyzers.items()]


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
            f"| {f.median_words:g} | {f.index_seconds:.1f} | {f.query_ms:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="val", choices=["train", "val"])
    parser.add_argument("--analyzer", action="append", help="only these analyzers (names from analysis.PRESETS, or 'sokbase')")
    parser.add_argument("--limit", type=int, help="only the first N questions of the split")
    parser.add_argument("--dataset", action="append", choices=["norquad", "domain"], help="default: both")
    parser.add_argument("--json", action="store_true", help="one JSON object per analyzer and dataset")
    args = parser.parse_args(argv)
    analyzers = _select(args.analyzer)
    for dataset in args.dataset or ["norquad", "domain"]:
        figures = run(dataset, analyzers, args.split, args.limit)
        if args.json:
            for f in figures:
                print(json.dumps({"dataset": dataset, "split": args.split, **asdict(f)}, ensure_ascii=False))
        else:
            title = f"NorQuAD, {args.split} split" if dataset == "norquad" else "Domain queries over corpus/"
            print(table(f"{title} ({figures[0].questions} questions)", figures), end="\n\n", flush=True)
    return 0


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
