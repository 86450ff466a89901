"""Law references and law names, as a caseworker types them, over real laws (tests/fixtures/lover)."""
import pytest

from sokbase.lawrefs import chapter_of, paragraph_of

from conftest import FORVALTNINGSLOVEN, HUSLEIELOVEN, SOSIALTJENESTELOVEN

BUSTOTTELOVA = "lov-2012-08-24-64.md"
GRUNNLOVEN = "lov-1814-05-17.md"
NAV_LOVEN = "lov-2006-06-16-20.md"


@pytest.mark.parametrize("heading, paragraph", [
    ("§ 20-1. Tiltak som omfattes av byggesaksbestemmelsene", "20-1"),
    ("§ 3-2 a. Plikt til å tilby", "3-2a"),
    ("§ 14 a. Særlige regler", "14a"),
    ("§ 2A-1. Formål", "2a-1"),
    ("§ 6", "6"),
    ("§ 6 Foreldreansvar", "6"),
    ("Kapittel 1. Alminnelige bestemmelser", None),
    (None, None),
])
def test_a_paragraph_is_read_from_its_heading(heading, paragraph):
    assert paragraph_of(heading) == paragraph


@pytest.mark.parametrize("heading, chapter", [
    ("Kapittel 14. Økonomiforvaltning", "14"),
    ("Kapittel 2A. Særlige regler", "2a"),
    ("Kap. 3. Klage", "3"),
    ("§ 14-1. Grunnleggende krav", None),
])
def test_a_chapter_is_read_from_its_heading(heading, chapter):
    assert chapter_of(heading) == chapter


@pytest.mark.parametrize("query, source, heading", [
    ("husleieloven § 9-2", HUSLEIELOVEN, "§ 9-2."),
    ("husleieloven 9-2", HUSLEIELOVEN, "§ 9-2."),
    ("§ 9-2 husll", HUSLEIELOVEN, "§ 9-2."),
    ("husll 9-3", HUSLEIELOVEN, "§ 9-3."),
    ("bustøttelova § 4", BUSTOTTELOVA, "§ 4."),
    ("fvl 29", FORVALTNINGSLOVEN, "§ 29."),
    ("forvaltningsloven § 42", FORVALTNINGSLOVEN, "§ 42."),
    ("sosialtjenesteloven 27", SOSIALTJENESTELOVEN, "§ 27."),
    ("sotjl § 27", SOSIALTJENESTELOVEN, "§ 27."),
    ("fvl § 29 i klagesaker", FORVALTNINGSLOVEN, "§ 29."),  # "i" is the word, not § 29 i
    ("husleieloven 9-2 i praksis", HUSLEIELOVEN, "§ 9-2."),
])
def test_a_reference_finds_that_paragraph_first(laws, query, source, heading):
    hit = laws.search(query).hits[0]
    assert (hit.source, _paragraph(hit)) == (source, heading), query


def _paragraph(hit) -> str:
    return " ".join(hit.heading.split()[:2])


@pytest.mark.parametrize("query, source, heading", [
    ("husll. § 9-2", HUSLEIELOVEN, "§ 9-2."),  # the dot caseworkers write after an abbreviation in letters
    ("husll. 9-2", HUSLEIELOVEN, "§ 9-2."),
    ("fvl. § 29", FORVALTNINGSLOVEN, "§ 29."),
    ("§ 29 fvl.", FORVALTNINGSLOVEN, "§ 29."),
    ("husleieloven paragraf 9-2", HUSLEIELOVEN, "§ 9-2."),
    ("husleieloven paragrafen 9-2", HUSLEIELOVEN, "§ 9-2."),
    ("paragraf 27 sotjl", SOSIALTJENESTELOVEN, "§ 27."),
    ("Grunnloven § 100", GRUNNLOVEN, "§ 100"),  # its short title is "Grunnloven (bokmål) – Grl."
    ("Grl. § 100", GRUNNLOVEN, "§ 100"),
    ("grunnlova § 100", GRUNNLOVEN, "§ 100"),
])
def test_a_reference_as_written_in_letters_lists_only_that_paragraph(laws, query, source, heading):
    """Before, the dot, the word "paragraf" or the "(bokmål)" of Grunnloven's short title hid the
    reference: over a hundred passages came back, led by others that cite the paragraph."""
    hits = laws.search(query).hits
    assert hits and {(hit.source, _paragraph(hit)) for hit in hits} == {(source, heading)}, query


@pytest.mark.parametrize("query, source, paragraph", [
    ("navl § 14 a", NAV_LOVEN, "14a"),
    ("navl. § 14 a", NAV_LOVEN, "14a"),
    ("sosialtenestelova § 27", SOSIALTJENESTELOVEN, "27"),
])
def test_a_name_from_the_lists_of_common_names_finds_its_paragraph(laws, query, source, paragraph):
    """Names Lovdata's data does not carry (scripts/build_law_names.py): Nav-loven has no abbreviation in
    its short title, sosialtjenesteloven no nynorsk name."""
    hits = laws.search(query).hits
    assert hits and {(hit.source, paragraph_of(hit.heading)) for hit in hits} == {(source, paragraph)}, query


@pytest.mark.parametrize("query, source", [
    ("fvl. klagefrist", FORVALTNINGSLOVEN),
    ("husleieloven. Depositum", HUSLEIELOVEN),
    ("Grunnloven. Stortinget", GRUNNLOVEN),
])
def test_a_word_after_a_laws_name_and_dot_is_searched_in_that_law(laws, query, source):
    results = laws.search(query, limit=5)
    assert results.total > 1 and all(hit.source == source for hit in results.hits), query


@pytest.mark.parametrize("query, paragraph", [
    ("husll § 3-2 a", "3-2a"),
    ("husll § 3-2 a plikt", "3-2a"),
    ("husll § 55 i", "55i"),
    ("husll § 55i om frister", "55i"),
    ("husll § 9-2 i praksis", "9-2"),
    ("husll 9-2 i praksis", "9-2"),
    ("husll § 9 - 2 b", "9-2b"),
])
def test_a_paragraphs_letter_is_told_from_the_word_i(query, paragraph):
    from sokbase.lawrefs import LawDocument, LawNames

    names = LawNames.build([LawDocument("a", "Lov om husleieavtaler (husleieloven)", "Husleieloven – husll")])
    assert [m.paragraph for m in names.find(query)] == [paragraph]


def test_a_chapter_reference_lists_the_chapters_paragraphs_in_order(laws):
    hits = laws.search("husleieloven kap. 9", limit=20).hits
    paragraphs = [hit.heading.split(".")[0] for hit in hits]
    assert paragraphs[0] == "§ 9-1" and all(p.startswith("§ 9-") for p in paragraphs)
    assert all(hit.source == HUSLEIELOVEN for hit in hits)


def test_a_law_named_by_its_abbreviation_ranks_its_passages_first(laws):
    hits = laws.search("husll oppsigelse", limit=5).hits
    assert all(hit.source == HUSLEIELOVEN for hit in hits)
    assert any("oppsigelse" in hit.heading.lower() for hit in hits)


def test_a_year_after_a_law_is_no_paragraph(laws):
    hits = laws.search("husleieloven 1999").hits
    assert hits and hits[0].source == HUSLEIELOVEN


def test_an_amendment_act_does_not_take_the_name_of_the_law_it_amends():
    from sokbase.lawrefs import LawDocument, LawNames

    names = LawNames.build([
        LawDocument("a", "Lov om husleieavtaler (husleieloven)", "Husleieloven – husll"),
        LawDocument("b", "Lov om endring i lov om husleieavtaler (husleieloven)", "Endringslov til husleieloven"),
    ], lambda name: tuple(name.lower().split()))
    assert [m.doc_ids for m in names.find("husleieloven § 9-2")] == [("a",)]
    assert [(m.doc_ids, m.paragraph) for m in names.find("husll 9-2")] == [(("a",), "9-2")]


def test_a_question_ending_in_a_bracketed_abbreviation_is_searched(laws):
    results = laws.search("Hva sier forvaltningsloven om klagefrist (fvl)?")
    assert results.hits and results.hits[0].source == FORVALTNINGSLOVEN


@pytest.mark.parametrize("query, filters", [
    ("husleieloven § 99-99", {}),  # no such paragraph: the law is only named
    ("husleieloven 1999", {}),
    ("husleieloven § 9-2", {"year": 1970}),  # the paragraph is filtered away
    ("husleieloven § 9-2", {}),
])
def test_the_facets_count_what_a_reference_query_lists(laws, query, filters):
    results = laws.search(query, limit=1000, **filters)
    facets = laws.facets(query, **filters)
    assert results.total == len(results.hits) == sum(value.count for value in facets.doc_type)
    for value in facets.year:
        assert laws.search(query, limit=1000, **{**filters, "year": int(value.value)}).total == value.count, value


@pytest.mark.parametrize("query", ["husleieloven", "husll", "husleieloven § 99-99"])
def test_a_query_that_only_names_a_law_does_not_say_words_are_missing(laws, query):
    from click.testing import CliRunner

    from sokbase.cli import cli

    results = laws.search(query)
    assert results.hits and results.matched_all_terms
    output = CliRunner().invoke(cli, ["search", query, "--index", str(laws.index_dir)]).output
    assert "Ingen avsnitt inneholdt alle ordene" not in output


@pytest.mark.parametrize("query, sources, absent", [
    ("husleieloven IKKE depositum", {HUSLEIELOVEN}, "depositum"),
    ("husll -depositum", {HUSLEIELOVEN}, "depositum"),
    ("bolig IKKE husleieloven", {BUSTOTTELOVA, SOSIALTJENESTELOVEN}, None),
    ("-husleieloven frist", {FORVALTNINGSLOVEN, GRUNNLOVEN}, None),  # Grunnloven: "foreldelsesfrist"
    ("husleieloven ELLER fvl", {HUSLEIELOVEN, FORVALTNINGSLOVEN}, None),
    ("tittel:husleieloven", {HUSLEIELOVEN}, None),
])
def test_a_law_name_under_an_operator_keeps_the_operators_meaning(laws, query, sources, absent):
    """A law's name negated, beside ELLER or in a field is taken as the query says (before, the name was
    cut out of the query: 'husleieloven IKKE depositum' was refused, '-husll leie' ranked husll first)."""
    results = laws.search(query, limit=1000)
    assert {hit.source for hit in results.hits} == sources, query
    assert results.total == len(results.hits) == sum(value.count for value in laws.facets(query).doc_type)
    if absent:
        assert not any(absent in hit.text.lower() for hit in results.hits)


def test_a_listed_paragraph_says_which_words_it_lacks(laws):
    hits = laws.search("husleieloven § 9-2 depositum").hits
    assert hits[0].heading.startswith("§ 9-2") and hits[0].missing_words == ("depositum",)
    # § 9-2 and its amendment note ("Endret ved lov 16 jan 2009 …", in italics) are one passage
    assert [hit.missing_words for hit in laws.search("husleieloven § 9-2").hits] == [()]


@pytest.mark.parametrize("query, filters, notice", [
    ("husleieloven § 99-99", {}, "Fant ikke § 99-99 i husleieloven."),
    ("fvl kap. 40 klage", {}, "Fant ikke kapittel 40 i fvl."),
    ("husleieloven § 9-2", {"year": 1970}, "Fant ikke § 9-2 i husleieloven med filtrene som er valgt."),
    ("husleieloven § 9-2", {}, None),
    ("husleieloven", {}, None),
])
def test_a_reference_to_no_paragraph_says_so(laws, query, filters, notice):
    """The law's passages stand in for a paragraph it does not have; the caseworker is told."""
    assert laws.search(query, **filters).notice == notice


def test_a_short_titles_bracketed_qualifier_may_be_left_out_where_a_laws_name_is_left():
    from sokbase.lawrefs import LawDocument, LawNames

    names = LawNames.build([
        LawDocument("grl", "Kongeriket Norges Grunnlov", "Grunnloven (bokmål) – Grl."),
        LawDocument("info", "Lov om informasjon om bestemt angitte områder, skjermingsverdige objekter og bunnforhold",
                    "Lov om informasjon (skjermingsverdige objekter og bunnforhold mv)"),
        LawDocument("husll", "Lov om husleieavtaler (husleieloven)", "Husleieloven – husll"),
        LawDocument("svalbard", "Lov om husleie på Svalbard", "Husleieloven (Svalbard)"),  # none such yet
    ])
    assert [(m.doc_ids, m.paragraph) for m in names.find("Grunnloven § 100")] == [(("grl",), "100")]
    assert names.find("lov om informasjon til pasienter") == []
    assert [m.doc_ids for m in names.find("husleieloven § 9-2")] == [("husll",)]
    assert [m.doc_ids for m in names.find("husleieloven (Svalbard) § 2")] == [("svalbard",)]


def test_the_readmes_sample_question_finds_the_deposit_paragraph_and_lacks_no_filler_word(laws):
    hits = laws.search("Hvor mye kan utleier kreve i depositum?", limit=5).hits
    assert (hits[0].source, hits[0].heading) == (HUSLEIELOVEN, "§ 3-5. Depositum")
    assert not any("mye" in hit.missing_words or "utleier" in hit.missing_words for hit in hits[:3])
