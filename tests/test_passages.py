from pathlib import Path

from sokbase.extract import extract_file
from sokbase.models import Block, Document
from sokbase.passages import MAX_WORDS, split_passages

# Lovdata, NLOD 2.0: see fixtures/lover/LICENSE
FILM_ACT = Path(__file__).parent / "fixtures" / "lover" / "lov-1987-05-15-21.md"

LEAD = (
    "Regjeringen vil legge til rette for gode og inkluderende lokalsamfunn med vekt på sosial "
    "bærekraft i utsatte byområder gjennom områdesatsinger."
)
BODY = (
    "Oslo, Bergen, Trondheim og Drammen jobber sammen med staten om å bedre levekår i utsatte områder. "
    "Mange av disse områdene har også en relativ stor andel innvandrere, som ofte har lavere utdanning, "
    "inntekt og dårligere levekår enn resten av befolkningen. Dette stiller store krav til kommunene, "
    "som må tilpasse offentlige tjenester til en befolkning som har ulike behov og forutsetninger."
)


def document(blocks):
    return Document(source="regjeringen/omradesatsinger.html", doc_type="html", title="Områdesatsinger", blocks=blocks)


def test_a_passage_keeps_its_heading_and_never_crosses_one():
    passages = split_passages(document([
        Block(LEAD),
        Block("Byene jobber godt", kind="heading", level=2),
        Block(BODY),
        Block("Utvikling av nye modeller og arbeidsformer", kind="heading", level=2),
        Block(BODY),
    ]))
    assert [p.heading for p in passages] == [None, "Byene jobber godt", "Utvikling av nye modeller og arbeidsformer"]
    assert passages[1].text == BODY
    assert [p.position for p in passages] == [0, 1, 2]
    assert len({p.passage_id for p in passages}) == 3


def test_bullets_stay_together_and_are_marked():
    passages = split_passages(document([
        Block("Husbanken tar med seg følgende punkter fra konferansen videre.", kind="paragraph"),
        Block("Trygge nær- og bomiljøer.", kind="bullet"),
        Block("Jobbe helhetlig med bærekraftbegrepet.", kind="bullet"),
    ]))
    assert len(passages) == 1
    assert "• Trygge nær- og bomiljøer.\n• Jobbe helhetlig med bærekraftbegrepet." in passages[0].text


def test_long_text_is_split_between_sentences_within_the_word_budget():
    passages = split_passages(document([Block(" ".join([BODY] * 12))]))
    assert len(passages) > 1
    assert all(len(p.text.split()) <= MAX_WORDS for p in passages)
    assert all(p.text.rstrip().endswith(".") for p in passages)


def test_page_is_that_of_the_first_block():
    passages = split_passages(document([
        Block("Bydel Stovner", kind="heading", level=2, page=6),
        Block(BODY, page=6),
        Block(BODY, page=7),
    ]))
    assert passages[0].page == 6


def test_a_passage_knows_the_nearest_heading_above_its_own():
    passages = split_passages(document([
        Block("Områdesatsinger", kind="heading", level=1),  # the title: a section would say nothing
        Block("Del I. Byene", kind="heading", level=2),
        Block(LEAD),
        Block("Kapittel 1. Oslo", kind="heading", level=3),
        Block("Groruddalen", kind="heading", level=5),
        Block(BODY),
        Block("Tøyen", kind="heading", level=5),
        Block(BODY),
        Block("Del II. Tiltak", kind="heading", level=2),
        Block("Møteplasser", kind="heading", level=4),
        Block(BODY),
        Block("Uten kjent nivå", kind="heading"),
        Block(BODY),
    ]))
    assert [(p.section, p.heading) for p in passages] == [
        (None, "Del I. Byene"),
        ("Kapittel 1. Oslo", "Groruddalen"),
        ("Kapittel 1. Oslo", "Tøyen"),
        ("Del II. Tiltak", "Møteplasser"),
        (None, "Uten kjent nivå"),
    ]


def test_every_paragraph_of_a_law_carries_its_heading_and_chapter():
    law = extract_file(FILM_ACT, FILM_ACT.parent)
    passages = split_passages(law)
    sections = {p.heading: p.section for p in passages}
    assert sections["§ 1. Verkeområde og definisjonar"] == "Kapittel I. Innleiande reglar"
    assert sections["§ 13. Straff"] == "Kapittel V. Strafferettslege sanksjonar"
    assert sections["§ 17. Ikraftsetjing"] == "Kapittel VI. Gjennomføring av lova"
    assert sections["Kapittel III. (Oppheva)"] is None  # text right under a chapter heading
    assert all(p.section.startswith("Kapittel") for p in passages if p.heading.startswith("§"))
    chapter_notes = [p.heading for p in passages if not p.heading.startswith("§")]
    assert chapter_notes == ["Kapittel III. (Oppheva)", "Kapittel IV. (Oppheva)"]
    assert not any("tittel:" in p.text or p.text.startswith("---") for p in passages)


# Lovdata, NLOD 2.0: see fixtures/lover-bare-tittel/LICENSE
TITLE_ONLY_LAW = Path(__file__).parent / "fixtures" / "lover-bare-tittel" / "lov-2025-06-20-42.md"


def test_a_law_of_only_its_title_and_empty_parts_is_one_passage_holding_its_title():
    law = extract_file(TITLE_ONLY_LAW, TITLE_ONLY_LAW.parent)
    passages = split_passages(law)
    assert [(p.text, p.heading, p.section) for p in passages] == [(law.title, None, None)]
    assert law.title.startswith("Lov om endringar i krisesenterlova")
