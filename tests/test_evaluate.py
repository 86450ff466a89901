"""The scoring of scripts/evaluate.py: paragraphs read from real law headings, nDCG worked out by hand,
the fixed halves of the law queries, the bm25s baseline and the index cache."""
import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import evaluate  # noqa: E402
from evaluate import Ranked  # noqa: E402

from sokbase.analysis import PRESETS, SEGMENT  # noqa: E402

HUSLEIE = "lov-1999-03-26-17"
TVANG = "lov-1992-06-26-86"


def hit(law: str, heading: str | None, text: str = "") -> Ranked:
    return Ranked(f"{law}.md", heading, text)


@pytest.mark.parametrize(
    "heading, paragraph",
    [
        ("§ 4. Unntak for visse personar", "§ 4"),
        ("§ 3-2 a. Kommunens ansvar for tilbud om opphold i sykehjem eller tilsvarende bolig", "§ 3-2 a"),
        ("§ 9-3 a. Midlertidig unntak ved utleie av fritidsbolig som bolig", "§ 9-3 a"),
        ("§ 29-7b. Tvangsmulkt", "§ 29-7b"),
        ("§ 20 a. Bruk av vilkår for personer under 30 år", "§ 20 a"),
        ("§ 120 a", "§ 120 a"),
        ("§ 8 A-1. Verkeområdet", "§ 8 A-1"),
        ("§ 13 a-4. Tvangsmulkt", "§ 13 a-4"),
        ("§ 1-1. (barns ansvar.)", "§ 1-1"),
        ("§ 9-9. (Opphevet)", "§ 9-9"),
        ("§§ 14 til 91. (Endrer prosessuelle bestemmelser i en rekke eldre lover)", "§ 14"),
        ("Kapittel I. Bustøtte", None),
        (None, None),
    ],
)
def test_a_hits_paragraph_is_read_from_its_heading(heading, paragraph):
    assert evaluate.paragraph_of(heading) == paragraph


def test_paragraph_ndcg_counts_each_judged_paragraph_once_at_its_first_hit():
    judged = {f"{HUSLEIE} § 9-3": 2, f"{HUSLEIE} § 9-2": 1}
    ranked = [
        hit(HUSLEIE, "§ 9-2. Tidsbestemte leieavtaler"),  # gain 1 at rank 1
        hit(HUSLEIE, "§ 9-3 a. Midlertidig unntak ved utleie av fritidsbolig som bolig"),  # not § 9-3
        hit(HUSLEIE, "§ 9-3. Adgangen til å inngå tidsbestemt leieavtale for bolig"),  # gain 2 at rank 3
        hit(HUSLEIE, "§ 9-3. Adgangen til å inngå tidsbestemt leieavtale for bolig"),  # counted already
    ]
    # DCG = 1/log2(2) + 2/log2(4) = 2; ideal = 2/log2(2) + 1/log2(3)
    assert evaluate.paragraph_ndcg(ranked, judged) == pytest.approx(2 / (2 + 1 / math.log2(3)))
    assert evaluate.paragraph_ndcg(ranked, judged) == pytest.approx(0.760, abs=5e-4)
    assert evaluate.paragraph_ndcg(ranked[2:3], judged) == pytest.approx(2 / (2 + 1 / math.log2(3)))
    assert evaluate.paragraph_ndcg([], judged) == 0


def test_law_ndcg_gives_each_law_the_best_grade_of_its_paragraphs_at_its_first_hit():
    judged = {f"{TVANG} § 13-2": 2, f"{HUSLEIE} § 9-9": 1, f"{HUSLEIE} § 9-11": 1}
    ranked = [
        hit(HUSLEIE, "§ 9-10. Leierens død"),  # husleieloven: grade 1, though not a judged paragraph
        hit("lov-2022-12-20-121", "§ 4. Vanskeligstilte"),  # an unjudged law
        hit(TVANG, "§ 13-6. Varsel"),  # tvangsloven: grade 2
        hit(TVANG, "§ 13-2. Særlige tvangsgrunnlag"),  # tvangsloven again: counted already
    ]
    assert evaluate.law_ndcg(ranked, judged) == pytest.approx(2 / (2 + 1 / math.log2(3)))
    assert evaluate.paragraph_ndcg(ranked, judged) == pytest.approx((2 / math.log2(5)) / (2 + 1 / math.log2(3) + 1 / 2))


def test_only_the_top_ten_count():
    judged = {f"{HUSLEIE} § 9-2": 2}
    ranked = [hit(HUSLEIE, f"§ {n}-1. Annet") for n in range(1, 11)] + [hit(HUSLEIE, "§ 9-2. Tidsbestemte")]
    assert evaluate.paragraph_ndcg(ranked, judged) == 0
    assert evaluate.paragraph_ndcg(ranked[1:], judged) == pytest.approx(1 / math.log2(11))


def test_a_judged_key_no_heading_names_is_reported():
    passages = [hit("lov-2008-06-27-71", "§ 29-7b. Tvangsmulkt"), hit("lov-2008-06-27-71", "§ 29-7. Krav")]
    written_otherwise = evaluate.LawQuery("L1", "tvangsmulkt", "topic", "tune", {"lov-2008-06-27-71 § 29-7 b": 1})
    as_in_heading = evaluate.LawQuery("L2", "tvangsmulkt", "topic", "tune", {"lov-2008-06-27-71 § 29-7b": 1})
    assert evaluate.missing_judged_keys([written_otherwise, as_in_heading], passages) == ["lov-2008-06-27-71 § 29-7 b"]


def test_the_halves_of_the_law_queries_are_fixed_and_disjoint(tmp_path):
    assert not evaluate.HELDOUT & evaluate.TUNED
    assert (len(evaluate.TUNED), len(evaluate.HELDOUT)) == (42, 40)
    rows = [{"id": "L001", "query": "a", "kind": "inflection", "relevant": {}},
            {"id": "L006", "query": "b", "kind": "reference", "relevant": {}}]
    path = tmp_path / "queries.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert [q.half for q in evaluate.law_queries(path)] == ["tune", "heldout"]
    path.write_text(json.dumps({"id": "L999", "query": "c", "kind": "topic", "relevant": {}}), encoding="utf-8")
    with pytest.raises(SystemExit, match="L999"):
        evaluate.law_queries(path)


def test_the_baseline_stems_drops_stop_words_and_keeps_paragraph_numbers():
    passages = [
        hit(HUSLEIE, "§ 9-2. Tidsbestemte leieavtaler", "En tidsbestemt leieavtale opphører ved leietidens utløp."),
        hit(HUSLEIE, "§ 9-3. Adgangen til å inngå tidsbestemt leieavtale", "Minstetiden er tre år."),
        hit(TVANG, "§ 13-2. Særlige tvangsgrunnlag", "Tvangsfravikelse kan kreves når leien ikke er betalt."),
    ]
    baseline = evaluate.Bm25Baseline([(p, f"{p.heading} {p.text}") for p in passages])
    assert baseline.search("tvangsfravikelsen")[0] == passages[2]
    assert baseline.search("minstetiden")[0] == passages[1]
    assert baseline.search("§ 9-2")[0] == passages[0]
    assert baseline.search("ikke det og i") == []
    assert baseline.search("ukjent") == []


def test_an_index_is_built_once_per_content_and_rebuilt_when_a_file_changes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    front_matter = '---\ntittel: "Lov om bustøtte (bustøttelova)"\nkorttittel: "Bustøttelova"\n---\n\n'
    (corpus / "a.md").write_text(front_matter + "## § 4. Unntak\n\nStudenter uten barn har ikke rett til bostøtte.\n",
                                 encoding="utf-8")
    options = PRESETS["sokbase (+ abbreviations)"]

    def built():
        return evaluate.index_for("t", "sokbase", options, corpus, evaluate.corpus_digest(corpus), tmp_path / "cache")

    first, again = built(), built()
    assert (first.cached, again.cached, again.index_dir) == (False, True, first.index_dir)
    [(passage, content)] = evaluate.indexed_passages(first.index_dir)
    assert passage == Ranked("a.md", "§ 4. Unntak", "Studenter uten barn har ikke rett til bostøtte.")
    title, short_title, heading = "Lov om bustøtte (bustøttelova)", "Bustøttelova", "§ 4. Unntak"
    assert content.replace(SEGMENT, " ").split() == f"{title} {short_title} {heading} {passage.text}".split()
    (corpus / "a.md").write_text(front_matter + "Studenter med barn kan ha rett til bostøtte.\n", encoding="utf-8")
    changed = built()
    assert not changed.cached and changed.index_dir != first.index_dir
    assert not first.index_dir.exists(), "the superseded build is removed"
