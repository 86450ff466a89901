import pickle

from sokbase.analysis import NORWEGIAN_STOP_WORDS, analyze, norwegian_analyzer


def test_inflected_forms_meet_in_one_term():
    assert analyze("barnefamilier") == analyze("barnefamiliene") == analyze("barnefamilie")
    assert analyze("områdesatsingen") == analyze("områdesatsinger")


def test_keeps_æøå_and_lowercases():
    assert analyze("Løvstakken Økern Bærum") == ["løvstakk", "økern", "bærum"]


def test_stop_list_keeps_words_that_carry_meaning():
    for word in ["skal", "kan", "må", "bør", "ikke", "uten", "før", "kunne", "skulle"]:
        assert word not in NORWEGIAN_STOP_WORDS
        assert analyze(word), word
    assert analyze("og i på som det er") == []


def test_no_english_stop_words_sneak_in():
    # Whoosh's StopFilter(lang="no") would add "a", "an", "the" ...; Norwegian "a" is not a stop word
    assert "the" not in NORWEGIAN_STOP_WORDS and "an" not in NORWEGIAN_STOP_WORDS


def test_survives_pickling_as_whoosh_stores_it():
    analyzer = norwegian_analyzer()
    restored = pickle.loads(pickle.dumps(analyzer))
    assert restored == analyzer
    assert analyze("kommunene", restored) == analyze("kommunene", analyzer)
