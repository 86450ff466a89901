"""Word knowledge for the analyzer: stemming fixes, nynorsk → bokmål, æøå folding, public bodies.

Everything here is small and read on first use, because a search loads it too: the -er nouns
(data/stem-exceptions.txt, from Norsk ordbank), the place names of the gazetteer, and two short
hand-written tables of this field's nynorsk words and public bodies.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

import snowballstemmer

# Nynorsk forms of this field's words and their bokmål equivalents. Inflected forms need no entry:
# both sides are stemmed, so kommunane meets kommunene and tenester meets tjenester.

CACHE_WORDS = 500_000

NYNORSK = {
    "bustad": "bolig", "bustadar": "boliger", "heim": "hjem", "tilskot": "tilskudd", "tilskott": "tilskudd",
    "bustønad": "bostøtte", "ikkje": "ikke", "busetjing": "bosetting", "busetting": "bosetting",
    "teneste": "tjeneste", "tenesta": "tjenesten", "tenester": "tjenester", "kommunane": "kommunene",
    "kva": "hva", "kven": "hvem", "korleis": "hvordan", "kvifor": "hvorfor", "eigen": "egen", "eige": "eie",
    "ungdomen": "ungdommen", "born": "barn", "borna": "barna", "nærmiljø": "nærmiljø", "fylkeskommunen": "fylkeskommunen",
    "utval": "utvalg", "vedtak": "vedtak", "søknad": "søknad", "arbeidsløyse": "arbeidsledighet", "levekår": "levekår",
    "fattigdom": "fattigdom", "innvandrarar": "innvandrere", "innvandrar": "innvandrer", "einsleg": "enslig",
    "folkehelse": "folkehelse", "helse": "helse", "samarbeid": "samarbeid", "frivillig": "frivillig", "skule": "skole",
    "skular": "skoler", "stad": "sted", "stader": "steder", "byrjing": "begynnelse", "auke": "øke", "auka": "økt",
    "nedgang": "nedgang", "mykje": "mye", "sjølv": "selv", "òg": "også", "berre": "bare", "medan": "mens",
    "utfordringar": "utfordringer", "tiltaka": "tiltakene", "løysing": "løsning", "løysingar": "løsninger",
    "verkemiddel": "virkemiddel", "verkemidlar": "virkemidler", "bygd": "bygd", "bustadsosial": "boligsosial",
    "bustadsosialt": "boligsosialt", "husleige": "husleie", "leige": "leie", "leigebustad": "leiebolig",
    "kommunal": "kommunal", "tilsette": "ansatte", "tilsett": "ansatt", "tryggleik": "trygghet", "omsorg": "omsorg",
    "rettleiar": "veileder", "rettleiing": "veiledning", "sakshandsamar": "saksbehandler", "handsaming": "behandling",
    "oppfølging": "oppfølging", "område": "område", "områdesatsing": "områdesatsing",
}

# Abbreviations and renamed bodies of this field → one name each; a word that names the body in
# full (its distinctive compound) maps to the same name, so KMD finds Kommunal- og
# moderniseringsdepartementet, and KMD and KDD (its name since 2022) find each other.
BODIES = {
    "kmd": "kdd", "kdd": "kdd", "moderniseringsdepartement": "kdd", "distriktsdepartement": "kdd",
    "kommunaldepartement": "kdd",
    "nav": "nav", "velferdsforvaltning": "nav", "velferdsetat": "nav", "arbeidsogvelferdsetat": "nav",
    "imdi": "imdi", "integreringsdirektorat": "imdi", "mangfoldsdirektorat": "imdi",
    "ks": "ks", "kommunesektor": "ks", "kommunesektorens": "ks",
    "slt": "slt", "kriminalitetsforebygg": "slt",
    "bufdir": "bufdir", "familiedirektorat": "bufdir", "bufetat": "bufdir",
    "husbank": "husbank", "husbanken": "husbank",
    "ssb": "ssb", "sentralbyrå": "ssb",
    "kdi": "kdi", "krd": "kdd", "kommunalogregionaldepartement": "kdd", "regionaldepartement": "kdd",
    "hdir": "hdir", "helsedirektorat": "hdir",
}

_FOLD = str.maketrans({"æ": "a", "ø": "o", "å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ê": "e", "ü": "u", "ó": "o", "ò": "o"})
_NORDIC = frozenset("æøåäöéèêüóò")


def fold(word: str) -> str:
    """What a word looks like typed without æøå: områdeløft → omradeloft, levekår/levekaar → levekar."""
    return word.translate(_FOLD).replace("aa", "a").replace("ae", "a").replace("oe", "o")


def has_nordic_letters(word: str) -> bool:
    return not _NORDIC.isdisjoint(word)


def body_of(stem: str) -> str | None:
    return BODIES.get(stem)


class Stemmer:
    """Snowball Norwegian, optionally with the lexicon's fixes and nynorsk → bokmål, with a cache."""

    def __init__(self, mode: str = "sokbase", nynorsk: bool = True):
        self.mode = mode
        self._snowball = snowballstemmer.stemmer("norwegian").stemWord if mode != "none" else str
        self._keep = (er_exceptions() | place_names()) if mode == "sokbase" else frozenset()
        self._nynorsk = self._nynorsk_stems() if nynorsk else {}
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            stem = self._stem(word)
            if len(self._cache) < CACHE_WORDS:  # bounded: a server meets an endless stream of new words
                self._cache[word] = stem
        return stem

    def _stem(self, word: str) -> str:
        if word in self._keep:  # sommer, minister, Råde, Bergen: Snowball would cut them to another word
            return word
        if word.endswith("s") and word[:-1] in self._keep and len(word) > 4:  # Bergens, Rådes
            return word[:-1]
        stem = self._snowball(word)
        if self.mode == "sokbase" and stem.endswith("itet"):
            # Snowball cuts -et from kvalitet but leaves it when it cuts -en from kvaliteten
            stem = stem[:-2]
        return self._nynorsk.get(stem, stem)

    def _nynorsk_stems(self) -> dict[str, str]:
        pairs = ((self._snowball(nn), self._snowball(nb)) for nn, nb in NYNORSK.items())
        return {nn: nb for nn, nb in pairs if nn != nb}


# -er nouns the derived list leaves out because the word less its -r is also a lemma (somme).
MORE_ER_NOUNS = frozenset(["sommer", "vinter"])


@lru_cache(maxsize=1)
def er_exceptions() -> frozenset[str]:
    text = (resources.files("sokbase") / "data" / "stem-exceptions.txt").read_text(encoding="utf-8")
    return frozenset(text.split()) | MORE_ER_NOUNS


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """One-word kommune and place names, lowercased: Råde must not become råd, nor Bergen berg."""
    names: set[str] = set()
    data = resources.files("sokbase") / "data"
    for file, column in (("kommuner.csv", "name"), ("places.csv", "place")):
        with (data / file).open(encoding="utf-8") as handle:
            names.update(row[column].lower() for row in csv.DictReader(handle))
    return frozenset(name for name in names if name.isalpha())
