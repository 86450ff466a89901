"""Find the kommuner a Norwegian text is about, and resolve what a user types as a kommune.

A text mentions a kommune by its name, a parallel Sami or Kven form, the name of a former kommune
merged into it, or one of its bydeler or well-known neighbourhoods. Matching is on capitalised
words only, so "moss" and "time" never count. Names that are also ordinary words (Moss, Sel, Time,
Ski; the `ambiguous` columns of the package data) count only when the context makes them a place:

- followed by "kommune", "kommunes" or "kommuner" (this alone is enough, even first in a sentence);
- otherwise never first in a sentence or line, nor right after a capitalised word that is not a
  place ("Trine Lund"), and then only after a place preposition ("i Ski"), after "Bydel"/"bydelen",
  or in a comma/"og" list with a place that counts on its own ("Moss, Halden og Sarpsborg").

Any name between two capitalised words ("Maren Alstad Johansen") is taken for a middle name.
"""
from __future__ import annotations

import csv
import functools
import io
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources

from .errors import QueryError
from .models import Municipality

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:og|eller)?|og|eller|samt|&|/)\s*")
_KOMMUNE_WORDS = frozenset({"kommune", "kommunes", "kommuner"})
_PLACE_WORDS = frozenset({"i", "på", "fra", "til", "ved", "mellom", "bydel", "bydelen"})
# Capitalised words that start a sentence before a place ("Både Moss og Halden"): not first names.
_FUNCTION_WORDS = _PLACE_WORDS | {
    "og", "eller", "men", "både", "også", "hele", "om", "for", "med", "mot", "hos", "etter",
    "under", "over", "rundt", "utenfor", "gjennom", "av", "der", "her", "som", "når", "da",
}
_CONTINUING_WORDS = _PLACE_WORDS | {"og", "eller", "samt"}
_SENTENCE_BREAKS = frozenset(".!?:;•·–—-*«»\"“”")
_QUERY_KOMMUNE = re.compile(r"\s+(?:kommunes?|herad)$", re.IGNORECASE)
_QUERY_BYDEL = re.compile(r"^bydel(?:en)?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class _Form:
    """What one spelling refers to: kommuner when read as a kommune name, and as a place."""

    kommune: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    ambiguous: bool = False

    def numbers(self, as_kommune: bool) -> tuple[str, ...]:
        # "Fjell" is a neighbourhood of Drammen, but "Fjell kommune" is today's Øygarden.
        if as_kommune and self.kommune:
            return self.kommune
        return self.place or self.kommune

    def merge(self, other: _Form) -> _Form:
        return _Form(
            tuple(dict.fromkeys(self.kommune + other.kommune)),
            tuple(dict.fromkeys(self.place + other.place)),
            self.ambiguous or other.ambiguous,
        )


@dataclass(frozen=True)
class _Mention:
    first: int  # token indexes, inclusive
    last: int
    form: _Form


class Gazetteer:
    """Kommune names, former names, bydeler and neighbourhoods, compiled once for fast lookups."""

    def __init__(self, kommuner_csv: str, places_csv: str) -> None:
        self._by_number: dict[str, Municipality] = {}
        forms: dict[str, _Form] = {}
        self._by_former_number: dict[str, Municipality] = {}  # 1201 (Bergen before 2020) → 4601
        self._told_apart: dict[str, str] = {}  # 1818 → "Herøy (Nordland)": a name two kommuner share, made one
        for row in csv.DictReader(io.StringIO(kommuner_csv)):
            self._by_number[row["number"]] = municipality = Municipality(row["name"], row["number"])
            qualified = [alias for alias in _split(row["aliases"]) if alias.startswith(row["name"] + " (")]
            if qualified:
                self._told_apart[row["number"]] = qualified[0]
            for former in _split(row.get("former_numbers") or ""):
                self._by_former_number[former] = municipality
            ambiguous = set(_split(row["ambiguous"]))
            for name in [row["name"], *_split(row["aliases"])]:
                _add(forms, name, _Form(kommune=(row["number"],), ambiguous=name in ambiguous))
        for row in csv.DictReader(io.StringIO(places_csv)):
            _add(forms, row["place"], _Form(place=(row["number"],), ambiguous=row["ambiguous"] == "1"))
        _add_genitives(forms)
        self._forms = forms
        self._lengths = _lengths_by_first_word(forms)
        self._casefolded = _index(forms, str.casefold)
        self._folded = _index(forms, _fold)
        logger.debug("gazetteer: %d kommuner, %d spellings", len(self._by_number), len(forms))

    @staticmethod
    @functools.cache
    def default() -> Gazetteer:
        """The gazetteer of the data shipped with sokbase, built on first use."""
        data = resources.files("sokbase") / "data"
        return Gazetteer(
            (data / "kommuner.csv").read_text(encoding="utf-8"),
            (data / "places.csv").read_text(encoding="utf-8"),
        )

    def all(self) -> tuple[Municipality, ...]:
        """Every 2024 kommune, in kommunenummer order."""
        return tuple(self._by_number[number] for number in sorted(self._by_number))

    def find(self, text: str) -> tuple[Municipality, ...]:
        """The kommuner a text mentions, in order of first mention, each once."""
        words = list(_WORD.finditer(text))
        scan = _Scan(text, words, list(self._mentions(text, words)))
        found: dict[str, Municipality] = {}
        for group in scan.lists():
            for mention, as_kommune in scan.accepted(group):
                numbers = mention.form.numbers(as_kommune)
                if len(numbers) == 1:  # two Herøy: without "i Nordland" the text does not say which
                    found.setdefault(numbers[0], self._by_number[numbers[0]])
        return tuple(found.values())

    def require(self, query: str, example: str = "Bergen eller 4601") -> Municipality:
        """`lookup`, or a QueryError a user can read when nothing answers to `query`."""
        municipality = self.lookup(query)
        if municipality is None:
            shown = " ".join("".join(c if c.isprintable() else " " for c in query).split())[:60]
            several = self._sharing(query)
            if len(several) > 1:
                listed = " og ".join(f"{m.number} {self._told_apart.get(m.number, m.name)}" for m in several)
                raise QueryError(f"«{shown}» er navnet på flere kommuner: {listed}. Skriv nummeret.")
            raise QueryError(f"Kjenner ikke kommunen «{shown}». Skriv kommunenavn eller -nummer, f.eks. {example}.")
        return municipality

    def _sharing(self, query: str) -> tuple[Municipality, ...]:
        """The kommuner that share the name `query` (Herøy, Våler), in number order."""
        form = self._spelling(_SPACES.sub(" ", query).strip())
        return tuple(self._by_number[number] for number in sorted(form.kommune)) if form else ()

    def lookup(self, query: str) -> Municipality | None:
        """The kommune a user means: a name in any case or without æøå, a number (also one from before
        a merger: 1201 is Bergen), a former name,
        a bydel or a neighbourhood. None when unknown or when it names several kommuner ("Herøy")."""
        text = _SPACES.sub(" ", query).strip()
        if text.isdigit():
            number = text.zfill(4)
            return self._by_number.get(number) or self._by_former_number.get(number)
        name, kommune_words = _QUERY_KOMMUNE.subn("", text)
        form = self._spelling(text) or self._spelling(_QUERY_BYDEL.sub("", name))
        numbers = form.numbers(as_kommune=kommune_words > 0) if form else ()
        return self._by_number[numbers[0]] if len(numbers) == 1 else None

    def _spelling(self, name: str) -> _Form | None:
        return self._casefolded.get(name.casefold()) or self._folded.get(_fold(name))

    def _mentions(self, text: str, words: list[re.Match[str]]) -> Iterator[_Mention]:
        """Known spellings in the text, longest first, so "Søndre Nordstrand" beats "Nordstrand"."""
        i = 0
        while i < len(words):
            lengths = self._lengths.get(words[i].group())  # most words start no name: skip them fast
            mention = self._mention_at(text, words, i, lengths) if lengths else None
            if mention:
                yield mention
                i = mention.last
            i += 1

    def _mention_at(
        self, text: str, words: list[re.Match[str]], i: int, lengths: tuple[int, ...]
    ) -> _Mention | None:
        for length in lengths:
            last = i + length - 1
            if last < len(words):
                spelling = _SPACES.sub(" ", text[words[i].start() : words[last].end()])
                if spelling in self._forms:
                    return _Mention(i, last, self._forms[spelling])
        return None


def _split(cell: str) -> list[str]:
    return [name for name in cell.split("|") if name]


def _add(forms: dict[str, _Form], name: str, form: _Form) -> None:
    forms[name] = forms[name].merge(form) if name in forms else form


def _add_genitives(forms: dict[str, _Form]) -> None:
    """"Oslos", "Bergens": only for names that are not ordinary words, and never over a real name."""
    for name, form in list(forms.items()):
        if not form.ambiguous and name[-1] not in "sxz":
            forms.setdefault(name + "s", form)


def _lengths_by_first_word(forms: dict[str, _Form]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = defaultdict(set)
    for name in forms:
        words = _WORD.findall(name)
        lengths[words[0]].add(len(words))
    return {word: tuple(sorted(n, reverse=True)) for word, n in lengths.items()}


def _index(forms: dict[str, _Form], key: Callable[[str], str]) -> dict[str, _Form]:
    index: dict[str, _Form] = {}
    for name, form in forms.items():
        _add(index, key(name), form)
    return index


def _fold(name: str) -> str:
    """A spelling without æøå and accents, so "Barum", "Baerum" and "Bærum" meet."""
    text = name.casefold()
    for old, new in (("aa", "a"), ("ae", "a"), ("oe", "o"), ("æ", "a"), ("ø", "o"), ("å", "a")):
        text = text.replace(old, new)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@dataclass(frozen=True)
class _Scan:
    """One text being read: its words and the spellings found in it, with the context rules."""

    text: str
    words: list[re.Match[str]]
    mentions: list[_Mention]

    def lists(self) -> Iterator[list[_Mention]]:
        """Mentions grouped into lists ("Oslo, Bergen og Drammen"); a lone mention is a list of one."""
        group: list[_Mention] = []
        for mention in self.mentions:
            if group and not self._list_gap(group[-1], mention):
                yield group
                group = []
            group.append(mention)
        if group:
            yield group

    def accepted(self, group: list[_Mention]) -> Iterator[tuple[_Mention, bool]]:
        """The mentions of a list that count as places, each with whether it was read as a kommune."""
        # "Moss og Sande kommuner": the word after the list covers every name in it.
        as_kommune = self.word_after(group[-1].last).lower() in _KOMMUNE_WORDS
        counted = [m for m in group if as_kommune or not self.person_name(m)]
        anchored = any(self._counts_alone(m) for m in counted)
        for mention in counted:
            if as_kommune or not mention.form.ambiguous:
                yield mention, as_kommune
            elif anchored and not self.sentence_start(mention.first):
                yield mention, False

    def _counts_alone(self, mention: _Mention) -> bool:
        return not mention.form.ambiguous or self.word_before(mention.first).lower() in _PLACE_WORDS

    def person_name(self, mention: _Mention) -> bool:
        """Part of a person's name: an ambiguous name after a first name ("Trine Lund"), or any name
        between two capitalised words ("Maren Alstad Johansen")."""
        before = self.word_before(mention.first)
        if not _name_like(before) or self._in_mention(mention.first - 1):
            return False
        after = self.word_after(mention.last)
        return mention.form.ambiguous or (_name_like(after) and after.lower() not in _KOMMUNE_WORDS)

    def word_before(self, i: int) -> str:
        """The word right before word i when only whitespace separates them, else ""."""
        return self.words[i - 1].group() if i > 0 and self._spaced(i - 1) else ""

    def word_after(self, i: int) -> str:
        return self.words[i + 1].group() if i + 1 < len(self.words) and self._spaced(i) else ""

    def _spaced(self, i: int) -> bool:
        """Whether only whitespace separates word i from the next."""
        return self.text[self.words[i].end() : self.words[i + 1].start()].isspace()

    def sentence_start(self, i: int) -> bool:
        """First in a sentence or a line; a line that wraps after "i", "og" or a comma goes on."""
        if self.word_before(i).lower() in _CONTINUING_WORDS:
            return False
        start = position = self.words[i].start()
        while position > 0 and self.text[position - 1].isspace():
            position -= 1
        if position == 0 or self.text[position - 1] in _SENTENCE_BREAKS:
            return True
        return "\n" in self.text[position:start] and self.text[position - 1] != ","

    def _list_gap(self, before: _Mention, after: _Mention) -> bool:
        gap = (self.words[before.last].end(), self.words[after.first].start())
        return bool(_LIST_GAP.fullmatch(self.text, *gap))

    def _in_mention(self, i: int) -> bool:
        return any(m.first <= i <= m.last for m in self.mentions)


def _name_like(word: str) -> bool:
    """Could be a first name or surname: capitalised, not an acronym, not a capitalised function word."""
    capitalised = bool(word) and word[0].isupper() and not word.isupper()
    return capitalised and word.lower() not in _FUNCTION_WORDS
