"""A caseworker's own word finds the law's term (data/synonyms.txt), on real laws and on both engines."""
import pytest

import sokbase
from sokbase import querytree as qt
from sokbase.analysis import AnalysisOptions
from sokbase.synonyms import SYNONYM_WEIGHT, thesaurus

from conftest import FORVALTNINGSLOVEN, HUSLEIELOVEN, SOSIALTJENESTELOVEN


@pytest.mark.parametrize("query, source, heading", [
    # The 1967 forvaltningsloven says "ugild", never "inhabil".
    ("inhabil", FORVALTNINGSLOVEN, "§ 6. (habilitetskrav)."),
    # Husleieloven says "leier", not "leietaker".
    ("leietaker død", HUSLEIELOVEN, "§ 8-2. Leierens død"),
    # "Sosialhjelp" is "økonomisk stønad" in sosialtjenesteloven.
    ("Kan NAV kreve tilbake sosialhjelp?", SOSIALTJENESTELOVEN, "§ 26. Refusjon i ytelser fra folketrygden m.m."),
])
def test_a_caseworkers_word_finds_the_paragraph_written_with_the_laws_term(laws, query, source, heading):
    hits = laws.search(query, limit=3).hits
    assert (source, heading) in [(hit.source, hit.heading) for hit in hits]


def test_a_passage_found_through_a_synonym_is_not_said_to_lack_the_word(laws):
    found = [hit for hit in laws.search("leietaker død", limit=10).hits if hit.heading == "§ 8-2. Leierens død"]
    assert found and all(hit.missing_words == () for hit in found)


def test_a_word_in_quotation_marks_is_found_as_written(laws):
    assert laws.search("leietaker").total > 0
    assert laws.search('"leietaker"').total == 0, "husleieloven writes leier; quoted, leietaker is asked for as written"


def test_the_word_as_typed_ranks_above_its_synonym(tmp_path, new_index):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, word in (("a.txt", "leier"), ("b.txt", "leietaker")):
        (corpus / name).write_text(f"Husleie\n\nEn {word} som vil flytte, må si opp avtalen skriftlig.\n", encoding="utf-8")
    sokbase.build_index(corpus, new_index, jobs=1)
    with sokbase.open_index(new_index) as index:
        assert [hit.source for hit in index.search("leietaker").hits] == ["b.txt", "a.txt"]
        assert [hit.source for hit in index.search("leier").hits] == ["a.txt", "b.txt"]


def test_members_are_read_as_the_passages_are():
    words = thesaurus(AnalysisOptions())
    # A member is stemmed as a passage is; a member of several words needs each of them.
    assert words.others("taushetsbelagt") == [("underlagt", "taushetsplikt")]
    assert words.others("statsforvalter") == [("fylkesmann",)] and words.others("fylkesmann") == [("statsforvalter",)]
    widened = words.widen(qt.Word("inhabil", (qt.Term(qt.CONTENT, "inhabil"),)))
    assert qt.Term(qt.CONTENT, "ugild", SYNONYM_WEIGHT) in widened.alternatives
    several = words.widen(qt.Word("sosialhjelp", (qt.Term(qt.CONTENT, "sosialhjelp"),)))
    assert qt.AllOf((qt.Term(qt.CONTENT, "økonomisk"), qt.Term(qt.CONTENT, "stønad")), SYNONYM_WEIGHT, 3) in several.alternatives
    assert len(several.alternatives) == 2, "økonomisk sosialhjelp holds the word itself and adds nothing"
    field = qt.Word("inhabil", (qt.Term("heading", "inhabil"),))
    assert words.widen(field) == field, "a word asked of one field stays as typed"
