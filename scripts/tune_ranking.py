"""Tune the weights of sokbase's ranking rules (ranking.Weights) on training data only.

Questions and keyword queries get a weight set each (ranking.QUESTIONS, ranking.KEYWORDS). Both are
tuned by coordinate ascent on: NorQuAD's train split (document MRR@10) and the `tune` half of the
judged law queries (paragraph nDCG@10), never on NorQuAD val or the held-out law queries, which
`make eval` reports. Each query's pool of candidates and their features are worked out once through
the search's own pool step; only the weights vary.

    .venv/bin/python scripts/tune_ranking.py                  # prints the weights and training figures
    .venv/bin/python scripts/tune_ranking.py --norquad 800    # a sample of train, for a quick look
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from dataclasses import dataclass, fields, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evaluate  # noqa: E402

import sokbase  # noqa: E402
from sokbase import ranking  # noqa: E402
from sokbase.analysis import PRESETS  # noqa: E402

GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0)
ROUNDS = 3


@dataclass
class Case:
    """One training query: its candidates' features and what each is worth."""

    question: bool
    listed: list  # labels of the passages a reference lists first
    labels: list  # one per candidate: a document id (NorQuAD) or (law, paragraph key) (laws)
    features: list[ranking.Features]
    judge: object  # labels in ranked order → the figure (MRR@10 or nDCG@10)


def norquad_cases(index_dir: Path, limit: int | None) -> list[Case]:
    questions = evaluate.norquad_questions("train")
    if limit:
        questions = random.Random(7).sample(questions, limit)
    cases = []
    with sokbase.open_index(index_dir) as index:
        for question in questions:
            pool = index._pool(evaluate.as_typed(question.text), None, evaluate.TOP)
            labels = [(f["source"], evaluate._contains(f["text"], question.answer))
                      for f in index.engine.stored(pool.listed + pool.keys)]
            cases.append(Case(pool.weights is ranking.QUESTIONS, labels[: len(pool.listed)], labels[len(pool.listed):],
                              pool.features, _mrr(question.doc)))
    return cases


def law_cases(index_dir: Path) -> list[Case]:
    cases = []
    with sokbase.open_index(index_dir) as index:
        for query in evaluate.law_queries():
            if query.half != "tune":
                continue
            pool = index._pool(evaluate.as_typed(query.text), None, evaluate.TOP)
            keys = [
                evaluate.paragraph_key(evaluate.Ranked(f["source"], f.get("heading"), f["text"]))
                for f in index.engine.stored(pool.listed + pool.keys)
            ]
            cases.append(Case(pool.weights is ranking.QUESTIONS, keys[: len(pool.listed)], keys[len(pool.listed):],
                              pool.features, _ndcg(query.judged)))
    return cases


def _mrr(doc: str):
    """Document MRR@10 and answer@1 together: the issue's targets count both."""
    def judge(labels: list[tuple[str, bool]]) -> float:
        rank = next((r for r, (source, _) in enumerate(labels[: evaluate.TOP], start=1) if source == doc), None)
        answered = bool(labels) and labels[0] == (doc, True)
        return ((1 / rank if rank else 0.0) + answered) / 2
    return judge


def _ndcg(judged: dict[str, int]):
    def judge(keys: list[str | None]) -> float:
        return evaluate.ndcg(evaluate.first_gains(keys, judged), judged.values())
    return judge


def figure(cases: list[Case], weights: ranking.Weights) -> float:
    total = 0.0
    for case in cases:
        order = sorted(range(len(case.labels)), key=lambda i: (-ranking.score(case.features[i], weights), i))
        total += case.judge(case.listed + [case.labels[i] for i in order])
    return total / max(1, len(cases))


def tune(sets: dict[str, list[Case]], start: ranking.Weights) -> tuple[ranking.Weights, float]:
    """Coordinate ascent on the mean of the sets' figures (each set counts the same)."""
    def objective(weights: ranking.Weights) -> float:
        return sum(figure(cases, weights) for cases in sets.values() if cases) / max(1, sum(1 for c in sets.values() if c))

    best, best_value = start, objective(start)
    for _ in range(ROUNDS):
        improved = False
        for name in (f.name for f in fields(ranking.Weights) if f.name != "passage"):
            for value in GRID:
                candidate = replace(best, **{name: value})
                found = objective(candidate)
                if found > best_value + 1e-5:
                    best, best_value, improved = candidate, found, True
        if not improved:
            break
    return best, best_value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--norquad", type=int, help="only a sample of this many train questions")
    parser.add_argument("--shared", action="store_true", help="one weight set for questions and keywords alike")
    args = parser.parse_args(argv)
    full = {"sokbase": PRESETS["sokbase (+ abbreviations)"]}
    with tempfile.TemporaryDirectory(prefix="sokbase-tune-") as tmp:
        corpus = Path(tmp)
        evaluate.write_norquad_corpus(corpus)
        norquad = evaluate.build_all("norquad", corpus, full, evaluate.CACHE)[0].index_dir
    laws = evaluate.build_all("lover", evaluate.LAWS, full, evaluate.CACHE)[0].index_dir
    print("reading pools …", file=sys.stderr, flush=True)
    nq, lv = norquad_cases(norquad, args.norquad), law_cases(laws)
    if args.shared:
        sets = {"norquad train": nq, "laws tune": lv}
        start = ranking.QUESTIONS
        before = {name: round(figure(cases, start), 4) for name, cases in sets.items()}
        weights, _ = tune(sets, start)
        after = {name: round(figure(cases, weights), 4) for name, cases in sets.items()}
        print(f"one set for all: {before} → {after}\n  {weights}")
        return 0
    for kind, start in (("questions", ranking.QUESTIONS), ("keywords", ranking.KEYWORDS)):
        is_question = kind == "questions"
        chosen = [c for c in nq + lv if c.question == is_question]
        sets = {"norquad train": [c for c in nq if c.question == is_question],
                "laws tune": [c for c in lv if c.question == is_question]}
        before = {name: round(figure(cases, start), 4) for name, cases in sets.items() if cases}
        weights, _ = tune({"all": chosen}, start)  # every query counts the same: a set of 7 would otherwise decide
        after = {name: round(figure(cases, weights), 4) for name, cases in sets.items() if cases}
        sizes = {name: len(cases) for name, cases in sets.items()}
        print(f"{kind} ({sizes}): {before} → {after}\n  {weights}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
