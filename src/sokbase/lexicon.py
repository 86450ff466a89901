"""Word knowledge for the analyzer: stemming fixes, nynorsk → bokmål, æøå folding, public bodies.

Everything here is small and read on first use, because a search loads it too: the -er nouns
(data/stem-exceptions.txt) and the nynorsk words (data/nynorsk.txt), both derived from Norsk
ordbank by scripts/build_lexicon.py, the place names of the gazetteer, and a short hand-written
table of public bodies.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import snowballstemmer

CACHE_WORDS = 500_000

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
        self._nynorsk = nynorsk_words() if nynorsk and mode != "none" else None
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            stem = self._stem(word)
            if len(self._cache) < CACHE_WORDS:  # bounded: a server meets an endless stream of new words
                self._cache[word] = stem
        return stem

    def _stem(self, word: str) -> str:
        stem = self.bokmål_stem(word)
        if self._nynorsk is None or stem in self._keep:  # a place name, or an -er noun that is bokmål
            return stem
        bokmål = self._nynorsk.bokmål(word, self.bokmål_stem)
        return stem if bokmål is None else self.bokmål_stem(bokmål)

    def bokmål_stem(self, word: str) -> str:
        """The stem without the nynorsk map: what the map's keys and targets are made of."""
        if word in self._keep:  # sommer, minister, Råde, Bergen: Snowball would cut them to another word
            return word
        if word.endswith("s") and word[:-1] in self._keep and len(word) > 4:  # Bergens, Rådes
            return word[:-1]
        stem = self._snowball(word)
        if self.mode == "sokbase":
            kept = _KEPT_WHOLE.search(word)
            if kept:
                return word[: kept.end(1)]
            if stem.endswith("itet"):
                # Snowball cuts -et from kvalitet but leaves it when it cuts -en from kvaliteten
                stem = stem[:-2]
            elif stem.endswith("er") and word.endswith(_AFTER_ER) and not _IERE_NOUN.search(word) \
                    and stem not in self._keep:
                # Snowball cuts utleier to utlei but utleieren only to utleier. Not -ere: tidligere and
                # videre are comparatives, and would become tid and vid; and not the -iere nouns, whose
                # karrieren is karriere's, not karri.
                stem = self._snowball(stem)
        return stem


# Nouns in -else that Snowball cuts to another word: utkastelse (eviction) to utkast (a draft).
_KEPT_WHOLE = re.compile(r"(utkastels)(?:e|en|er|ene|es|ens|ers|enes)$")
_AFTER_ER = ("eren", "erens")
_IERE_NOUN = re.compile(r"[^aeiouyæøå]ierens?$")  # karrieren, premieren; not utleieren


# A nynorsk compound needs no entry of its own: omsorgsbustad is omsorgs + bustad → omsorgsbolig.
MIN_COMPOUND = 7
MIN_MODIFIER = 3
MIN_HEAD = 4


@dataclass(frozen=True)
class NynorskMap:
    """Nynorsk → bokmål, derived from Norsk ordbank (scripts/build_lexicon.py): the Snowball stem of a
    nynorsk word → the bokmål word it means, so that bustøtta and bustøtte both become bostøtte.
    A word typed without æøå has entries of its own (bustotte → bostotte), so that the folded forms
    of the two languages meet too."""

    words: dict[str, str]  # every entry
    heads: dict[str, str]  # the entries that may end a compound: omsorgs|bustad → omsorgs|bolig
    modifiers: dict[str, str]  # nynorsk lemmas that may begin one: leige|forhold → leie|forhold
    # A stem begins its word, so a head can only begin where one of these does: most cuts need no stemming.
    head_starts: frozenset[str] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "head_starts", frozenset(key[:MIN_HEAD] for key in self.heads))

    def bokmål(self, word: str, stem: Callable[[str], str]) -> str | None:
        """The bokmål word that `word` means, or None for a bokmål word; `stem` is the bokmål stemmer."""
        found = self.words.get(stem(word))
        if found is None and len(word) >= MIN_COMPOUND:
            found = self._compound(word, stem)
        return found

    def _compound(self, word: str, stem: Callable[[str], str]) -> str | None:
        # The head is stemmed alone: Snowball cuts kontorleige to kontorl, but leige to leig.
        for cut in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):  # the longest head first
            head = self.heads.get(stem(word[cut:])) if word[cut:cut + MIN_HEAD] in self.head_starts else None
            if head is not None:
                return (self._modifier(word[:cut]) or word[:cut]) + head
        for cut in range(len(word) - MIN_HEAD, MIN_MODIFIER - 1, -1):  # then the longest modifier
            modifier = self._modifier(word[:cut])
            if modifier is not None and begins_a_word(word[cut:]):
                return modifier + word[cut:]
        return None

    def _modifier(self, text: str) -> str | None:
        found = self.modifiers.get(text)
        if found is None and text[-1] in "se":  # with the linking -s- or -e-: leige|s|kontrakt
            found = self.modifiers.get(text[:-1])
            return None if found is None else found + text[-1]
        return found


# The consonants a Norwegian word can begin with: utval|gsarbeid is not a compound, utvalgs|arbeid is.
ONSETS = frozenset("b bl br d dr f fj fl fr g gj gl gn gr h hj hv j k kj kl kn kr kv l m n p pl pr r s sj sk skj "
                   "skr sl sm sn sp spl spr st str sv t tj tr tv v vr".split())
VOWELS = frozenset("aeiouyæøåéèêóòôü")


def begins_a_word(text: str) -> bool:
    consonants = next((at for at, letter in enumerate(text) if letter in VOWELS), len(text))
    return consonants == 0 or text[:consonants] in ONSETS


_SECTION = re.compile(r"^\[(\w+)\]\n", re.MULTILINE)


@lru_cache(maxsize=1)
def nynorsk_words() -> NynorskMap:
    text = (resources.files("sokbase") / "data" / "nynorsk.txt").read_text(encoding="utf-8")
    parts = _SECTION.split(text)  # the header, then each section's name and lines
    tables = {name: _pairs(lines) for name, lines in zip(parts[1::2], parts[2::2])}
    return NynorskMap(words=tables["words"] | tables["heads"], heads=tables["heads"], modifiers=tables["modifiers"])


def _pairs(lines: str) -> dict[str, str]:
    fields = lines.split()  # one word per field: nynorsk, bokmål, nynorsk, bokmål …
    return dict(zip(fields[::2], fields[1::2]))


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
