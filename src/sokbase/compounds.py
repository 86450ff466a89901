"""Split Norwegian compounds into their parts: områdesatsing → område + satsing.

A compound is a known modifier (a lemma of Norsk ordbank, bokmål or nynorsk, optionally with the
linking -s- or -e-: levekår-s-utfordring) followed by a head whose stem is the stem of a lemma.
The most balanced cut wins, so arbeidsledighet is arbeids + ledighet, not arbeid + sledighet. The lexicon
(data/lexicon.txt.gz, built by scripts/build_lexicon.py) is read on first use: only indexing
splits words, so a search never pays for it.
"""
from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


CACHE_WORDS = 500_000

MIN_COMPOUND = 8  # a word shorter than this is almost never a compound (satsing, bolig, kommune)
MIN_MODIFIER = 3  # two letters are mostly prefixes (be-, er-), except these:
# byutvikling, bostøtte, bosetting; nynorsk bu- is bokmål bo- (bustøtte has the parts of bostøtte)
SHORT_MODIFIERS = {"by": "by", "bo": "bo", "bu": "bo"}
# Prefixes that are also words: forhandling is not "for" + handling, overgang not "over" + gang.
NOT_MODIFIERS = frozenset(["for", "fore", "over", "under", "til", "mot", "med", "inn", "opp", "ned", "sam", "gjen", "ute", "ved", "mis", "van", "bak", "om", "ube", "uten", "bos", "bus"])
MIN_HEAD = 4
LINKS = "se"
# Lemmas that are also derivational endings: "-else" in forbindelse is not a head.
NOT_HEADS = frozenset(["else", "heten", "ning", "ende", "ande", "ling", "skap", "sjon", "ering", "inne", "aktig", "messig"])


@dataclass(frozen=True)
class Lexicon:
    lemmas: dict[str, str]  # lemma → its Snowball stem
    heads: frozenset[str]  # the Snowball stems of all lemmas


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = resources.files("sokbase") / "data" / "lexicon.txt.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        rows = [line.split("\t") for line in handle.read().split("\n") if line]
    lemmas = {word: stem or word for word, stem in rows}
    return Lexicon(lemmas=lemmas, heads=frozenset(lemmas.values()))


class Splitter:
    """Splits words with one stemmer, so that parts are the same terms a query for them gives."""

    def __init__(
        self,
        stem: Callable[[str], str],
        extra_words: Iterable[str] = (),
        extra_heads: Iterable[str] = (),
        stop_words: Iterable[str] = (),
    ):
        self.stem = stem
        lex = lexicon()
        self.modifiers = (lex.lemmas.keys() | set(extra_words) | SHORT_MODIFIERS.keys()) - NOT_MODIFIERS - set(stop_words)
        self.heads = lex.heads | set(extra_heads)
        self._cache: dict[str, tuple[str, ...]] = {}

    def parts(self, word: str) -> tuple[str, ...]:
        """The stems of a compound's parts (modifier first, head last), or () for a simple word."""
        found = self._cache.get(word)
        if found is None:
            found = self._split(word, depth=1)
            if len(self._cache) < CACHE_WORDS:  # bounded: a server meets an endless stream of new words
                self._cache[word] = found
        return found

    def _split(self, word: str, depth: int) -> tuple[str, ...]:
        """Of all the ways to cut the word, the most balanced one: arbeids|ledighet, not arbeid|sledighet."""
        if len(word) < MIN_COMPOUND:
            return ()
        best: tuple[str, ...] = ()
        best_rank = (0, 0)
        for cut in range(2, len(word) - MIN_HEAD + 1):
            rank = (min(cut, len(word) - cut), len(word) - cut)
            if rank <= best_rank:
                continue
            modifier = self._modifier(word[:cut], depth)
            head = self.stem(word[cut:]) if modifier else ""
            if head in self.heads and head not in NOT_HEADS:
                best, best_rank = modifier + (head,), rank
        return best

    def _modifier(self, text: str, depth: int) -> tuple[str, ...]:
        candidates = [text] + ([text[:-1]] if text[-1] in LINKS and len(text) > MIN_MODIFIER else [])
        for candidate in candidates:
            if candidate in SHORT_MODIFIERS:
                return (SHORT_MODIFIERS[candidate],)
            if candidate in self.modifiers and len(candidate) >= MIN_MODIFIER:
                return (self.stem(candidate),)
        if depth > 0:
            for candidate in candidates:
                parts = self._split(candidate, depth - 1)
                if parts:
                    return (self.stem(candidate),) + parts
        return ()


APART_WEIGHT = 0.5  # a compound found written apart counts half the compound itself
PART_ALONE_WEIGHT = 0.25  # each of its parts found on its own, a quarter
APART_BELOW = 50  # passages: a compound in more is searched as itself only
MIN_APART_PART = 3


def apart_candidates(word: str, stem: Callable[[str], str]) -> set[str]:
    """Every term `apart` may ask `known` about, so that an engine can look them up in one go."""
    word = word.lower()
    if len(word) < MIN_COMPOUND or not word.isalpha():
        return set()
    found = set()
    for cut in range(MIN_APART_PART, len(word) - MIN_APART_PART + 1):
        found.add(stem(word[cut:]))
        for modifier in (word[:cut], word[: cut - 1] if word[cut - 1] in LINKS and cut > MIN_APART_PART else None):
            if modifier and modifier not in NOT_MODIFIERS:
                found.add(stem(modifier))
    return found


def apart(word: str, stem: Callable[[str], str], known: Callable[[str], bool]) -> tuple[str, str] | None:
    """A compound typed as one word, cut where both sides are words the index holds: barnehageplass →
    (barnehag, plass), so that it finds "plass i barnehagen". The index is the dictionary here, so a
    search needs no lexicon; the most balanced cut wins, as in Splitter."""
    lower = word.lower()
    found = _cut(lower, stem, known)
    return (stem(lower[: found[0]]), stem(lower[found[1] :])) if found else None


def apart_as_written(word: str, stem: Callable[[str], str], known: Callable[[str], bool]) -> tuple[str, str] | None:
    """`apart`'s two words as typed: depositumsgaranti → (depositums, garanti)."""
    lower = word.lower()
    found = _cut(lower, stem, known)
    shown = word if len(word) == len(lower) else lower  # a letter whose lower case is longer shifts the cut
    return (shown[: found[0]], shown[found[1] :]) if found else None


def _cut(lower: str, stem: Callable[[str], str], known: Callable[[str], bool]) -> tuple[int, int] | None:
    """Where the modifier ends and the head begins (they differ by a linking letter), or None."""
    if len(lower) < MIN_COMPOUND or not lower.isalpha():
        return None
    best, best_rank = None, 0
    for cut in range(MIN_APART_PART, len(lower) - MIN_APART_PART + 1):
        rank = min(cut, len(lower) - cut)
        if rank <= best_rank:
            continue
        if not known(stem(lower[cut:])):
            continue
        for end in (cut, cut - 1 if lower[cut - 1] in LINKS and cut > MIN_APART_PART else None):
            modifier = lower[:end] if end else None
            if modifier and modifier not in NOT_MODIFIERS and known(stem(modifier)):
                best, best_rank = (end, cut), rank
                break
    return best
