"""Norwegian text analysis: tokenize, lowercase, drop stop words, stem.

Whoosh pickles the analyzer into the index, so every piece here is a module-level class
with plain attributes; the stemmer object and its cache are rebuilt after unpickling.
"""
from __future__ import annotations

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter

ANALYZER_VERSION = 1

# Words plus digits; Unicode \w keeps æøå and accented letters in names (Rooth, Bjørge, Sámi).
TOKEN_PATTERN = r"\w+"

# Snowball's Norwegian stop list, less the words that carry meaning in policy text:
# obligation and possibility (skal, kan, kunne, skulle, må, bør), negation (ikke, ikkje,
# inkje, ingen, uten) and time order (før, etter). Written out so it cannot silently
# grow English words, as Whoosh's StopFilter(lang="no") does.
NORWEGIAN_STOP_WORDS = frozenset(
    ["og", "i", "jeg", "det", "at", "en", "et", "den", "til", "er", "som", "på", "de", "med", "han", "av", "der", "så", "var", "meg", "seg", "men", "ett", "har", "om", "vi", "min", "mitt", "ha", "hadde", "hun", "nå", "over", "da", "ved", "fra", "du", "ut", "sin", "dem", "oss", "opp", "man", "hans", "hvor", "eller", "hva", "selv", "sjøl", "her", "alle", "vil", "bli", "ble", "blei", "blitt", "inn", "når", "være", "kom", "noen", "noe", "ville", "dere", "deres", "kun", "ja", "ned", "denne", "for", "deg", "si", "sine", "sitt", "mot", "å", "meget", "hvorfor", "dette", "disse", "hvordan", "din", "ditt", "blir", "samme", "hvilken", "hvilke", "sånn", "inni", "mellom", "vår", "hver", "hvem", "vors", "hvis", "både", "bare", "enn", "fordi", "mange", "også", "slik", "vært", "båe", "begge", "siden", "dykk", "dykkar", "dei", "deira", "deires", "deim", "di", "då", "eg", "ein", "eit", "eitt", "elles", "honom", "hjå", "ho", "hoe", "henne", "hennar", "hennes", "hoss", "hossen", "ingi", "korleis", "korso", "kva", "kvar", "kvarhelst", "kven", "kvi", "kvifor", "me", "medan", "mi", "mine", "mykje", "no", "nokon", "noka", "nokor", "noko", "nokre", "sia", "sidan", "so", "somt", "somme", "um", "upp", "vere", "vore", "verte", "vort", "varte", "vart"]
)


class NorwegianStemFilter(Filter):
    """Snowball Norwegian stemming with a per-process cache of stemmed words."""

    is_morph = True

    def __init__(self, cachesize: int = 100_000):
        self.cachesize = cachesize
        self._reset()

    def _reset(self) -> None:
        self._stemmer = None
        self._cache: dict[str, str] = {}

    def __getstate__(self) -> dict:
        return {"cachesize": self.cachesize}

    def __setstate__(self, state: dict) -> None:
        self.cachesize = state["cachesize"]
        self._reset()

    def __eq__(self, other) -> bool:
        return other.__class__ is self.__class__

    def stem(self, word: str) -> str:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if self._stemmer is None:
            import snowballstemmer

            self._stemmer = snowballstemmer.stemmer("norwegian")
        stemmed = self._stemmer.stemWord(word)
        if len(self._cache) < self.cachesize:
            self._cache[word] = stemmed
        return stemmed

    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                token.text = self.stem(token.text)
            yield token


def norwegian_analyzer(stemming: bool = True):
    """The analyzer used for every searchable text field."""
    chain = (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=NORWEGIAN_STOP_WORDS, minsize=1)
    )
    if stemming:
        chain = chain | NorwegianStemFilter()
    return chain


def analyze(text: str, analyzer=None) -> list[str]:
    """The index terms of a text, in order: what a query or a passage is reduced to."""
    analyzer = analyzer or norwegian_analyzer()
    return [token.text for token in analyzer(text)]
