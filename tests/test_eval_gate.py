"""Quality gate: the full analyzer's ranking on real questions must not drop below pinned floors.

Runs the same end-to-end path as `make eval` (documents written as files, build_index, SearchIndex.search)
for sokbase's full analyzer only: NorQuAD's val split (472 questions), the domain queries over corpus/ and
the judged law queries over every Norwegian law (../shared/data/lover, both halves; the laws' index is
built once, about a minute, and reused from .eval-cache/ while nothing that indexes changes).
The floors sit a little under the figures in docs/evaluation.md, so noise passes and a regression fails.
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import evaluate  # noqa: E402

from sokbase.analysis import PRESETS  # noqa: E402

FULL = {"sokbase": PRESETS["sokbase (+ abbreviations)"]}
NORQUAD_FLOORS = {"mrr10": 0.90, "recall10": 0.96, "answer1": 0.73, "answer5": 0.92}
DOMAIN_FLOORS = {"mrr10": 0.95, "recall10": 0.95, "answer1": 0.90, "answer5": 0.90}
MAX_MEDIAN_WORDS = 150


@pytest.mark.parametrize("dataset, floors", [("norquad", NORQUAD_FLOORS), ("domain", DOMAIN_FLOORS)])
def test_ranking_stays_above_its_floors(dataset, floors):
    figures = evaluate.run(dataset, FULL, split="val")[0]
    for name, floor in floors.items():
        assert getattr(figures, name) >= floor, f"{dataset} {name} {getattr(figures, name)} < {floor}"
    assert figures.median_words < MAX_MEDIAN_WORDS


def test_questions_are_searched_as_words():
    assert evaluate.as_typed('Hva betyr "KMD" (og KDD)? NOT this: -x') == "Hva betyr KMD og KDD this x"


# Paragraph nDCG@10 per half, and law references (`pbl § 20-1`) found first.
LAW_FLOORS = {"tune": 0.57, "heldout": 0.57}
REFERENCE_FLOOR = 0.95


def test_law_search_stays_above_its_floors():
    if not evaluate.LAWS.is_dir():
        pytest.fail(f"the laws are missing: {evaluate.LAWS}")
    for figures in evaluate.run_laws(FULL, cache=evaluate.CACHE):
        assert figures.ndcg10 >= LAW_FLOORS[figures.half], f"{figures.half} {figures.ndcg10} < {LAW_FLOORS[figures.half]}"
        assert figures.kinds["reference"] >= REFERENCE_FLOOR, f"{figures.half} reference {figures.kinds['reference']}"
