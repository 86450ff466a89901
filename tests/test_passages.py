from sokbase.models import Block, Document
from sokbase.passages import MAX_WORDS, split_passages

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
