"""Law references in what a caseworker types: `pbl § 20-1`, `pbl. § 20-1`, `§ 20-1 pbl`,
`husleieloven 9-2`, `husleieloven paragraf 9-2`, `fvl 29`, `kommuneloven kap. 14`, and a law named by
its short title (also without a qualifier in brackets: "Grunnloven (bokmål)"), the name in brackets in
its title, or an abbreviation.

Which words name which law comes from the documents themselves (a law's title "Lov om husleieavtaler
(husleieloven)" and short title "Husleieloven – husll") and from data/law-names.csv (other names and
abbreviations in common use, built by scripts/build_law_names.py from Lovdata's data), never from a
list in code. A passage's paragraph and chapter are read from its headings when it is indexed
(`§ 3-2 a. Plikt …` → 3-2a, `Kapittel 14. Økonomiforvaltning` → 14).
"""
from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .lexicon import fold

_PARAGRAPH_HEADING = re.compile(r"^§+\s*(\d+\s?[a-zA-Z]?(?:-\d+\s?[a-zA-Z]?)?)(?![\w-])", re.ASCII)
_CHAPTER_HEADING = re.compile(r"^kap(?:ittel|itel|\.)?\s*(\d+\s?[a-zA-Z]?)(?![\w])", re.IGNORECASE)
# In a query: "§ 20-1", "§§ 3-2 a", "paragraf 20-1", "kap. 14", "kapittel 14"; after a law's name also a
# bare "9-2" or "29", and after the abbreviation's dot caseworkers write in letters ("pbl. § 20-1").
# A letter set apart is the paragraph's ("§ 3-2 a"), except an "i" that more words follow: "fvl § 29 i
# klagesaker" asks for § 29 (a few laws have a § 55 i, asked for as such at the end of a query).
_LETTER = r"(?:[a-zA-Z]|\s(?!i\s+\w)[a-zA-Z])?"
_PARAGRAPH = rf"(?:§+\s*|\bparagraf(?:en)?\s+)(?P<para>\d+{_LETTER}(?:\s?-\s?\d+{_LETTER})?)(?![\w-])"
_BARE = r"(?P<bare>\d+(?:\s?-\s?\d+)?(?:\s(?!i\s+\w)[a-zA-Z](?![\w]))?)(?![\w-])"
_CHAPTER = r"kap(?:ittel|\.)?\s*(?P<chapter>\d+\s?[a-zA-Z]?)(?![\w-])"
_AFTER_NAME = re.compile(rf"\.?\s*(?:{_PARAGRAPH}|{_CHAPTER}|{_BARE})", re.IGNORECASE)
_BEFORE_NAME = re.compile(rf"{_PARAGRAPH}\s*$", re.IGNORECASE)
_WORD = re.compile(r"[\w-]+")
_WORD_ONLY = re.compile(r"\w+")
_LAWLIKE = re.compile(r"(lov|loven|lova|lovens|lovas|lovi|lovo|lovs)$")
MAX_NAME_WORDS = 5  # "lov om sosiale tjenester i Nav" is named by its short title instead
MIN_ABBREVIATION = 3  # shorter abbreviations (dl, vl, al) count only beside a § or a number


def paragraph_of(heading: str | None) -> str | None:
    """The paragraph a heading opens: "§ 3-2 a. Plikt til …" → "3-2a"; None for other headings."""
    found = _PARAGRAPH_HEADING.match((heading or "").strip())
    return _key(found.group(1)) if found else None


def chapter_of(heading: str | None) -> str | None:
    """The chapter a heading opens: "Kapittel 14. Økonomiforvaltning" → "14"."""
    found = _CHAPTER_HEADING.match((heading or "").strip())
    return _key(found.group(1)) if found else None


def _key(number: str) -> str:
    return re.sub(r"\s", "", number).lower()


_NAME_STOP_WORDS = frozenset(["og", "om", "i", "for", "av", "til", "med", "m", "mv", "m.v", "mm", "the", "of"])


def name_key(name: str) -> tuple[str, ...]:
    """A law's name as compared: lower case, without æøå, the definite forms of -lov made one
    ("Plan- og bygningslova" = "plan- og bygningsloven" = ("plan", "bygningslov")). Not stemmed:
    Snowball cuts "kommuneloven" to "kommun", which every "kommunen" would then name."""
    words = (fold(word.lower()) for word in _WORD_ONLY.findall(name))
    return tuple(re.sub(r"lov(?:en|a|ens|as|i)?$", "lov", word) for word in words if word not in _NAME_STOP_WORDS)


@dataclass(frozen=True)
class LawMention:
    """A law named in a query, with the paragraph or chapter asked for if any; `span` is where in the text."""

    doc_ids: tuple[str, ...]
    name: str
    span: tuple[int, int]
    paragraph: str | None = None
    chapter: str | None = None


@dataclass(frozen=True)
class LawDocument:
    doc_id: str
    title: str
    short_title: str | None


class LawNames:
    """Which documents each name of a law names, keyed by the name's analysed words."""

    def __init__(self, names: dict[tuple[str, ...], tuple[str, ...]], normalize: Callable[[str], tuple[str, ...]] = name_key):
        self._names = names
        self._normalize = normalize
        self._longest = max((len(key) for key in names), default=0)

    @classmethod
    def build(cls, documents: Iterable[LawDocument], normalize: Callable[[str], tuple[str, ...]] = name_key) -> LawNames:
        by_name: dict[tuple[str, ...], dict[str, int]] = {}

        def add(name: str, doc_id: str, strength: int) -> None:
            key = normalize(name)
            if key and len(key) <= MAX_NAME_WORDS:
                known = by_name.setdefault(key, {})
                known[doc_id] = max(known.get(doc_id, 0), strength)

        documents = list(documents)
        for document in documents:
            for name, strength in _own_names(document):
                add(name, document.doc_id, strength)
        for alias, name in aliases():  # other names in common use, for the documents already named so
            for doc_id, strength in by_name.get(normalize(name), {}).items():
                add(alias, doc_id, strength - 1)
        # A name several documents share goes to those that carry it most strongly (a law's own short
        # title, not the amendment act whose title mentions it).
        names = {}
        for key, documents_by_strength in by_name.items():
            best = max(documents_by_strength.values())
            names[key] = tuple(sorted(d for d, s in documents_by_strength.items() if s == best))
        return cls(names, normalize)

    def find(self, text: str) -> list[LawMention]:
        """The laws named in `text`, longest name first where names overlap."""
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        mentions: list[LawMention] = []
        i = 0
        while i < len(words):
            found = self._longest_name_at(words, i)
            if found is None:
                i += 1
                continue
            length, doc_ids = found
            start, end = words[i][0], words[i + length - 1][1]
            name = text[start:end]
            after = _AFTER_NAME.match(text, end)
            before = _BEFORE_NAME.search(text[:start])
            paragraph = chapter = None
            if after and (after.group("para") or after.group("chapter") or after.group("bare")):
                paragraph = after.group("para") or after.group("bare")
                chapter = after.group("chapter")
                end = after.end()
            elif before:
                paragraph = before.group("para")
                start = before.start()
            short = len(name) < MIN_ABBREVIATION or name.isdigit()
            if not (short and paragraph is None and chapter is None):
                mentions.append(LawMention(doc_ids, name, (start, end),
                                           _key(paragraph) if paragraph else None, _key(chapter) if chapter else None))
            i += length
        return mentions

    def _longest_name_at(self, words, i: int) -> tuple[int, tuple[str, ...]] | None:
        for length in range(min(self._longest, len(words) - i), 0, -1):
            phrase = " ".join(word for _, _, word in words[i : i + length])
            key = self._normalize(phrase)
            if key in self._names:
                return length, self._names[key]
        return None


def may_name_a_law(text: str) -> bool:
    """Cheap test before the names are read: a word like a law's name, a known abbreviation or a §."""
    if "§" in text:
        return True
    known = alias_words()
    return any(_LAWLIKE.search(word) or word in known for word in (w.lower() for w in _WORD.findall(text)))


def _own_names(document: LawDocument) -> list[tuple[str, int]]:
    """A law's names from its short title ("Husleieloven – husll") and title ("… (husleieloven)")."""
    names: list[tuple[str, int]] = []
    short = (document.short_title or "").strip()
    if short and not short.lower().startswith(("endringslov", "lov om endring")):
        for part in re.split(r"\s+[–-]\s+", short):
            if part.strip():
                names.append((part.strip(), 3))
                names.extend((bare, 2) for bare in _without_qualifier(part))
    title = document.title or ""
    if not title.lower().startswith(("lov om endring", "lov om endringar", "endringslov")):
        for inner in re.findall(r"[(\[]([^()\[\]]+)[)\]]", title):
            if _LAWLIKE.search(inner.strip().lower()):
                names.append((inner.strip(), 2))
    return names


def _without_qualifier(name: str) -> list[str]:
    """"Grunnloven (bokmål)" is also just "Grunnloven". Only where a law's name is left: without its
    bracket, "Lov om informasjon (skjermingsverdige objekter …)" would claim every "lov om informasjon".
    Weaker than a short title, so a law whose own short title is the bare name keeps it."""
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", name).strip()
    return [bare] if bare != name.strip() and _LAWLIKE.search(bare.lower()) else []


@lru_cache(maxsize=1)
def aliases() -> tuple[tuple[str, str], ...]:
    """(alias, name) pairs of data/law-names.csv: an abbreviation or other name and the law's short title."""
    path = resources.files("sokbase") / "data" / "law-names.csv"
    with path.open(encoding="utf-8") as handle:
        return tuple((row["alias"], row["name"]) for row in csv.DictReader(handle))


@lru_cache(maxsize=1)
def alias_words() -> frozenset[str]:
    return frozenset(word.lower() for alias, _ in aliases() for word in _WORD.findall(alias))
