import pickle
import re

import pytest

import sokbase

from sokbase.analysis import (
    NORWEGIAN_STOP_WORDS,
    CompositeAnalyzer,
    NorwegianChain,
    PRESETS,
    AnalysisOptions,
    analysis_options,
    analyze,
    norwegian_analyzer,
)
from sokbase.lexicon import Stemmer
from sokbase.municipalities import Gazetteer
from sokbase.query import QueryParser
from sokbase.schema import build_schema, content

from sokbase.workers import parse_file

from conftest import CORPUS, LAWS


def index_terms(text: str, options: AnalysisOptions | None = None) -> set[str]:
    # As Whoosh indexes a field: with positions
    return {t.text for t in norwegian_analyzer(options)(text, mode="index", positions=True)}


def query_terms(text: str, options: AnalysisOptions | None = None) -> set[str]:
    return set(analyze(text, norwegian_analyzer(options), mode="query"))


def finds(query: str, text: str) -> bool:
    """Does a query word meet the passage's index terms (directly or through one of its extras)?"""
    return bool(query_terms(query) & index_terms(text))


def test_inflected_forms_meet_in_one_term():
    assert analyze("barnefamilier") == analyze("barnefamiliene") == analyze("barnefamilie")
    assert analyze("områdesatsingen") == analyze("områdesatsinger")


def test_keeps_æøå_lowercases_and_keeps_place_names_whole():
    assert analyze("Løvstakken Økern Bærum") == ["løvstakken", "økern", "bærum"]


def test_stop_list_keeps_words_that_carry_meaning():
    for word in ["skal", "kan", "må", "bør", "ikke", "uten", "før", "kunne", "skulle"]:
        assert word not in NORWEGIAN_STOP_WORDS
        assert analyze(word), word
    assert analyze("og i på som det er") == []
    assert analyze("Hvilket år ble planen vedtatt?") == analyze("år ble planen vedtatt")


def test_no_english_stop_words_sneak_in():
    # Whoosh's StopFilter(lang="no") would add "a", "an", "the" ...; Norwegian "a" is not a stop word
    assert "the" not in NORWEGIAN_STOP_WORDS and "an" not in NORWEGIAN_STOP_WORDS


@pytest.mark.parametrize("options", list(PRESETS.values()), ids=list(PRESETS))
def test_every_analyzer_survives_pickling_as_whoosh_stores_it(options):
    analyzer = norwegian_analyzer(options)
    restored = pickle.loads(pickle.dumps(analyzer))
    assert restored == analyzer
    text = "Kommunane og områdesatsingen"
    assert [t.text for t in restored(text, mode="index", positions=True)] == [t.text for t in analyzer(text, mode="index", positions=True)]



def _posted(tokens) -> tuple[dict, dict]:
    """Positions and summed boosts per term, as Whoosh's Positions format adds up a value's tokens."""
    positions, weights = {}, {}
    for token in tokens:
        if not token.stopped:
            positions.setdefault(token.text, []).append(token.pos)
            weights[token.text] = weights.get(token.text, 0.0) + token.boost
    return positions, weights


def _through_the_filters(analyzer, value: str) -> tuple[dict, dict]:
    original = NorwegianChain.__call__
    NorwegianChain.__call__ = CompositeAnalyzer.__call__
    try:
        return _posted(analyzer(value, mode="index", positions=True, boosts=True))
    finally:
        NorwegianChain.__call__ = original


@pytest.mark.parametrize("options", list(PRESETS.values()), ids=list(PRESETS))
def test_indexing_by_remembered_words_gives_what_the_filters_give(options):
    """NorwegianChain's shortcut for indexing (each word's terms remembered, elliptic words joined
    across words) posts exactly what running every token through the filters posts: the same
    terms in the same order, at the same positions, with the same weights, for every passage of the
    shipped corpus and the law fixtures as indexed (title, heading and text weighted as parts)."""
    gazetteer = Gazetteer.default()
    values = ["by- og områdeutvikling, barne- og ungdoms- og familieetaten", "helse- og", "NAV og VAR var der, og",
              content("Tittel om by- og", "Overskrift om helse-", "og omsorgstjenester i Løvstakken", "husll")]
    for root in (CORPUS, LAWS):
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".md", ".html", ".pdf", ".txt")):
            document, passages = parse_file(path, root, gazetteer)
            values += [content(document.title, p.heading, p.text, document.short_title) for p in passages]
    assert len(values) > 300
    schema = build_schema(options)
    for field in ("content", "title"):
        analyzer = schema[field].analyzer
        for value in values:
            expected = _through_the_filters(analyzer, value)
            shortcut = analyzer.postings(value)
            as_whoosh_reads_it = _posted(analyzer(value, mode="index", positions=True, boosts=True))
            assert shortcut == as_whoosh_reads_it == expected, (field, value[:60])
            assert list(shortcut[0]) == list(expected[0]), (field, value[:60])


# Compounds


@pytest.mark.parametrize(
    "query, text",
    [
        ("satsing", "Områdesatsingen i Groruddalen"),
        ("utfordringer", "levekårsutfordringer i bydelen"),
        ("bolig", "flere utleieboliger"),
        ("landslaget", "landslagssjefen var irritert"),
        ("Grorud", "Groruddalen"),
        ("byutvikling", "by- og områdeutvikling"),
        ("områdeutvikling", "by- og områdeutvikling"),
    ],
)
def test_a_part_finds_the_compound(query, text):
    assert finds(query, text)


def test_parts_are_extras_so_the_whole_word_ranks_above_a_part():
    terms = index_terms("områdesatsingen")
    assert "områdesatsing" in terms and "+satsing" in terms and "satsing" not in terms


def test_a_part_weighs_less_than_the_word_itself():
    parser = QueryParser(build_schema(), Gazetteer.default())
    word = parser.parse("satsing").tree
    assert word.main.text == "satsing" and word.main.weight == 1.0
    assert ("+satsing", 0.25) in {(term.text, term.weight) for term in word.alternatives}


def test_snippets_do_not_split_compounds():
    # a snippet analyzes without positions; splitting would load the lexicon into every search
    assert "+satsing" not in analyze("områdesatsingen", mode="index")


def test_prefixes_are_not_modifiers():
    assert not any(term.startswith("+") for term in index_terms("forhandling forbindelse utfordringer"))


# Stemming


def test_er_nouns_keep_their_forms_together():
    assert analyze("sommer") == analyze("sommeren")
    assert analyze("samferdselsminister") == analyze("samferdselsministeren")
    snowball = norwegian_analyzer(PRESETS["snowball (ES norwegian)"])
    assert analyze("sommer", snowball) != analyze("sommeren", snowball)


def test_agent_nouns_in_er_keep_their_forms_together():
    # The law writes "utleieren", the caseworker types "utleier"; Snowball cut them to utleier and utlei.
    for forms in (["utleier", "utleieren", "utleiers", "utleierens"], ["søker", "søkeren"]):
        assert len({tuple(analyze(form)) for form in forms}) == 1, forms
    assert analyze("tidligere") != analyze("tid"), "a comparative is no plural of an -er noun"
    assert analyze("karrieren") == analyze("karriere") and analyze("premieren") != analyze("premie")
    assert analyze("sommeren") == analyze("sommer") != analyze("somm")
    snowball = norwegian_analyzer(PRESETS["snowball (ES norwegian)"])
    assert analyze("utleier", snowball) != analyze("utleieren", snowball)


def test_an_eviction_is_no_draft():
    forms = ["utkastelse", "utkastelsen", "utkastelser", "tvangsutkastelsen"]
    assert len({tuple(analyze(form))[:1] for form in forms[:3]}) == 1
    assert analyze("utkastelse") != analyze("utkast") and analyze("tvangsutkastelsen") == analyze("tvangsutkastelse")


def test_itet_nouns_keep_their_forms_together():
    forms = ["bostabilitet", "bostabiliteten", "bostabiliteter", "bostabilitetene", "bostabilitets"]
    assert len({tuple(analyze(form)) for form in forms}) == 1
    assert analyze("kvalitet") == analyze("kvaliteten") != analyze("kvalifisert")
    snowball = norwegian_analyzer(PRESETS["snowball (ES norwegian)"])
    assert analyze("kvalitet", snowball) != analyze("kvaliteten", snowball)


def test_place_names_are_not_stemmed_into_words():
    assert analyze("Råde") != analyze("råd")
    assert analyze("Bergen") == analyze("Bergens") != analyze("berg")
    snowball = norwegian_analyzer(PRESETS["snowball (ES norwegian)"])
    assert analyze("Råde", snowball) == analyze("råd", snowball)


# æøå typed as o/a/ae/aa


@pytest.mark.parametrize(
    "typed, text",
    [("omradeloft", "områdeløftet"), ("Toyen", "på Tøyen"), ("bostotte", "bostøtte"), ("levekaar", "levekår"), ("Groruddalen", "Groruddalen"),
     ("levekar", "levekårsutfordringer i bydelen"), ("levekaar", "levekårsutsatte områder"), ("narmiljo", "nærmiljøskolen")],
)
def test_words_typed_without_æøå_find_the_text(typed, text):
    assert finds(typed, text)


def test_folding_does_not_merge_distinct_words():
    assert analyze("før") != analyze("for") and analyze("får") != analyze("far")
    assert "far" not in index_terms("får") and "får" not in query_terms("far")


# Bokmål and nynorsk


@pytest.mark.parametrize(
    "nynorsk, bokmål",
    [("kommunane", "kommunene"), ("tenester", "tjenester"), ("busetjing", "bosetting"), ("bustad", "bolig"),
     ("tilskot", "tilskudd"), ("bustønad", "bostøtte"), ("ikkje", "ikke")],
)
def test_nynorsk_meets_bokmål(nynorsk, bokmål):
    assert analyze(nynorsk) == analyze(bokmål)


@pytest.mark.parametrize(
    "query, text",
    [("bostøtte", "rett til bustøtte"), ("bostøtte", "bustøtta"), ("boligtilskudd", "kommunale bustadtilskot"),
     ("omsorgsbolig", "omsorgsbustadene"), ("leieforhold", "leigeforholdet"),
     ("bustøtte", "bostøtten"), ("bustadtilskot", "boligtilskuddet"), ("omsorgsbustad", "omsorgsboligene"),
     ("leigeforhold", "leieforholdet")],
)
def test_a_word_finds_its_other_written_language(query, text):
    # bustadtilskot, omsorgsbustad and leigeforhold are in neither word list: they are read through their parts
    assert finds(query, text)


@pytest.mark.parametrize(
    "part, text",
    [("bolig", "bustadtilskot"), ("tilskudd", "bustadtilskot"), ("bolig", "omsorgsbustad"), ("leie", "leigeforhold"),
     ("støtte", "bustøtte"), ("bustad", "boligtilskudd"), ("tilskot", "boligtilskuddet"), ("bustad", "omsorgsboliger"),
     ("leige", "leieforholdet")],
)
def test_a_part_finds_the_compound_in_the_other_written_language(part, text):
    assert finds(part, text)


@pytest.mark.parametrize(
    "typed, text",
    [("bostotte", "bustøtte"), ("bostotte", "bustøtta"), ("bostotte", "bostøtte"), ("bustotte", "bostøtten")],
)
def test_nynorsk_typed_without_æøå_meets_bokmål(typed, text):
    assert finds(typed, text)


def test_false_friends_stay_apart():
    assert analyze("høyre") != analyze("høre")  # right in bokmål; hear (and right) in nynorsk
    assert analyze("skjer") != analyze("skjær")  # happens, in both; skerry in nynorsk
    assert analyze("leiar") == analyze("leder") != analyze("leier")  # a leader, not a tenant
    assert analyze("marknaden") == analyze("markedet") != analyze("merknaden")


def test_bokmål_text_keeps_its_words():
    """The nynorsk map changes no word of two bokmål laws but kom, the past of komme in both languages."""
    from conftest import LAWS

    text = " ".join((LAWS / name).read_text(encoding="utf-8") for name in ("lov-1999-03-26-17.md", "lov-2009-12-18-131.md"))
    words = set(re.findall(r"[^\W\d_]+", text.lower()))
    bokmål, full = Stemmer(nynorsk=False), Stemmer()
    assert len(words) > 2000
    assert {word for word in words if full(word) != bokmål(word)} == {"kom"}
    assert full("kom") == full("komme")


@pytest.mark.parametrize(
    "query, heading",
    [("bostøtte student", "§ 4."), ("bostotte student", "§ 4."), ("boligtilskudd etablering", "§ 14."),
     ("tilskudd til tilpasning av bolig for eldre", "§ 15.")],
)
def test_a_bokmål_query_finds_the_paragraph_of_a_nynorsk_law(law_index, query, heading):
    with sokbase.open_index(law_index) as laws:
        hit = laws.search(query).hits[0]
    assert (hit.source, hit.heading.split(" ", 2)[:2]) == ("lov-2012-08-24-64.md", heading.split(" ")), query


def test_a_nynorsk_query_finds_the_paragraph_of_a_bokmål_law(law_index):
    with sokbase.open_index(law_index) as laws:
        hits = laws.search("leigeforholdet opphøyrer", limit=5).hits
    assert hits[0].source == "lov-1999-03-26-17.md"
    assert any(hit.heading.startswith("§ 10-2.") for hit in hits)


# Abbreviations and renamed bodies


@pytest.mark.parametrize(
    "query, text",
    [("KMD", "Kommunal- og moderniseringsdepartementet"), ("KMD", "KDD har overtatt"), ("KDD", "tilskudd fra KMD"),
     ("NAV", "Arbeids- og velferdsetaten"), ("IMDi", "Integrerings- og mangfoldsdirektoratet"),
     ("Bufdir", "Barne-, ungdoms- og familiedirektoratet"), ("SLT", "kriminalitetsforebyggende tiltak"),
     ("Husbanken", "Husbankens tilskudd")],
)
def test_abbreviations_find_the_body(query, text):
    assert finds(query, text)


# Acronyms vs stop words


def test_acronyms_in_capitals_are_not_stop_words():
    assert analyze("VAR") == ["var"] and analyze("var") == []
    assert analyze("KS og NAV") == ["ks", "nav"]
    es = norwegian_analyzer(PRESETS["snowball (ES norwegian)"])
    assert analyze("VAR", es) == []


def test_the_index_remembers_its_analyzer():
    options = PRESETS["+ compounds"]
    restored = pickle.loads(pickle.dumps(build_schema(options)))
    assert analysis_options(restored["content"].analyzer) == options


def test_title_and_heading_words_count_less_than_body_words_in_one_field():
    from sokbase.schema import content

    field = build_schema()["content"]
    value = content("Områdeløft i Groruddalen", "Program", "Områdeløft gir bedre bomiljø.")
    weights = {term.decode() if isinstance(term, bytes) else term: weight
               for term, _, weight, _ in field.index(value)}
    assert weights["groruddalen"] == pytest.approx(0.2)  # title only
    assert weights["program"] == pytest.approx(0.3)  # heading only
    assert weights["bomiljø"] == pytest.approx(1.0)  # body only
    assert weights["områdeløft"] == pytest.approx(1.2)  # title and body
    positions = {t.text: t.pos for t in field.analyzer(value, mode="index", positions=True)}
    assert positions["områdeløft"] - positions["groruddalen"] > 10  # no phrase spans title and body


def test_the_fast_stemmer_gives_the_reference_snowball_stems():
    """snowballstemmer hands stemming to PyStemmer (C) when it is installed; an index built with one
    must be searchable with the other, so their stems must agree word for word."""
    import gzip
    from importlib import resources

    import snowballstemmer
    from snowballstemmer.norwegian_stemmer import NorwegianStemmer

    lexicon = resources.files("sokbase") / "data" / "lexicon.txt.gz"
    words = gzip.decompress(lexicon.read_bytes()).decode("utf-8").split()[::10]
    fast, reference = snowballstemmer.stemmer("norwegian"), NorwegianStemmer()
    assert type(fast) is not NorwegianStemmer  # PyStemmer is installed, as pyproject.toml asks
    assert [w for w in words if fast.stemWord(w) != reference.stemWord(w)] == []


def test_fields_indexed_in_a_worker_give_the_writer_the_postings_it_would_make_itself():
    from types import SimpleNamespace

    from sokbase.schema import content, preindexed

    schema = build_schema()
    body = "Områdeløftet på Furuset: by- og områdeutvikling med NAV og KMD. Bostøtte og levekår i bydelen."
    passage = SimpleNamespace(heading=None, text=body)
    (values,) = pickle.loads(pickle.dumps(preindexed(schema, "Områdeløft i Groruddalen", [passage])))  # the pipe
    expected = {"content": content("Områdeløft i Groruddalen", None, body),
                "title": "Områdeløft i Groruddalen", "heading": ""}
    for field, value in expected.items():
        assert values[field] == value
        assert list(schema[field].index(values[field])) == list(schema[field].index(value)), field
    assert len(values["content"].postings) > 15


@pytest.mark.parametrize("word", ["barnehageplass", "saksbehandlingsfrist", "boligsosialt", "områdesatsingene",
                                  "kommuneoverlegen", "levekårsutfordringer", "bostøtte", "Hastesaker"])
def test_a_split_asks_only_about_terms_looked_up_beforehand(word):
    """search.py reads the candidates of every split of a query in one look-up; a split that asked
    about another term would find it unknown."""
    from sokbase import compounds
    from sokbase.analysis import AnalysisOptions, stemmer

    stem = stemmer(AnalysisOptions())
    asked = []
    compounds.apart(word, stem, lambda term: asked.append(term) or True)
    compounds.apart(word, stem, lambda term: asked.append(term) or False)
    assert set(asked) <= compounds.apart_candidates(word, stem)
