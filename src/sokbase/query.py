"""Turn what a caseworker types into a Whoosh query.

Syntax: words (all must match), "phrases", OR/ELLER, AND/OG, NOT/IKKE and -word,
field filters (kommune:Bergen, år:2024, type:pdf, tittel:..., overskrift:...), trailing
wildcard (område*). Anything the parser cannot make sense of becomes a QueryError with a
one-line Norwegian explanation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    MultifieldParser,
    OperatorsPlugin,
    OrGroup,
    PlusMinusPlugin,
)

from .analysis import ALIAS, FOLDED, PART, TOKEN_PATTERN, is_extra
from .errors import QueryError
from .municipalities import Gazetteer
from .schema import DOC_TYPES, FIELD_ALIASES, SEARCHED_FIELDS

MAX_QUERY_LENGTH = 1000
MIN_WILDCARD_PREFIX = 2  # "a*" would expand to a large part of the vocabulary
# How much a match through an extra term counts against the word itself: a passage about
# områdesatsing answers "satsing" less directly than one that says "satsing".
EXTRA_WEIGHTS = {PART: 0.25, FOLDED: 0.6, ALIAS: 0.8}  # tuned on NorQuAD train

_OPERATOR = re.compile(r"(?<!\S)(AND|OG|OR|ELLER|NOT|IKKE|ANDNOT)(?!\S)")
_FIELD = re.compile(r"(?<![\w\"])([^\W\d]\w*):(?=\S)")
# A question mark that ends a word ends a question ("Hva er bostøtte?"); it is no wildcard.
_WORD = re.compile(TOKEN_PATTERN)
# A year typed in the query: four digits, or a range ("år:[2020 TO 2024]"). Whoosh reads anything else
# as no condition at all, so "år:24 levekår" would quietly search every year.
_YEAR_VALUE = re.compile(r"(?<![\w\"])(?:%s):(?![\[{])(\S*)" % "|".join(["year", *FIELD_ALIASES["year"]]))
_QUESTION_MARK = re.compile(r"(?<=\w)\?+(?=[\s)\"]|$)")


@dataclass(frozen=True)
class ParsedQuery:
    query: wq.Query
    has_operators: bool  # the user wrote OR/NOT/-/quotes/fields: no silent relaxing


class QueryParser:
    def __init__(self, schema, gazetteer: Gazetteer | None = None):
        self.schema = schema
        self._gazetteer = gazetteer
        self._all = self._parser(schema, AndGroup)
        self._any = self._parser(schema, OrGroup.factory(0.9))

    @staticmethod
    def _parser(schema, group) -> MultifieldParser:
        parser = MultifieldParser(list(SEARCHED_FIELDS), schema, group=group)
        parser.remove_plugin_class(OperatorsPlugin)
        parser.add_plugin(
            OperatorsPlugin(
                And=r"(?<=\s)(?:AND|OG)(?=\s)",
                Or=r"(?<=\s)(?:OR|ELLER)(?=\s)",
                AndNot=r"(?<=\s)ANDNOT(?=\s)",
                Not=r"(^|(?<=(\s|[()])))(?:NOT|IKKE)(?=\s)",
            )
        )
        # A minus only at the start of a word, so "by- og områdeutvikling" and "NAV-kontor" stay words.
        parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+(?=\S)", minusexpr=r"(?<![^\s(])-(?=\S)"))
        parser.add_plugin(FieldAliasPlugin(FIELD_ALIASES))
        return parser

    def parse(self, text: str, match_all: bool = True) -> ParsedQuery:
        text = _check(text)
        cleaned = _QUESTION_MARK.sub("", text)
        for year in _YEAR_VALUE.findall(re.sub(r'"[^"]*"', " ", cleaned)):  # not inside a phrase
            if not re.fullmatch(r"\d{4}\)*", year):
                raise QueryError(f"Året må være et årstall med fire sifre, f.eks. år:2024 (ikke «{_short(year, 20)}»).")
        parser = self._all if match_all else self._any
        try:
            parsed = parser.parse(cleaned)
        except Exception:  # Whoosh raises assorted errors on odd syntax; its wording means nothing to a user
            raise QueryError(
                f"Kunne ikke tolke søket «{_short(text)}». Sjekk operatorene (ELLER, IKKE, -ord) og parentesene."
            ) from None
        parsed = parsed.accept(lambda node: _over_stop_words(node, cleaned))
        parsed = parsed.accept(self._resolve_filters).accept(_weigh_extras)
        _refuse_expensive(parsed)
        if not _has_positive_terms(parsed):
            raise QueryError(
                f"Søket «{_short(text)}» inneholder ingen ord å søke etter (bare stoppord eller operatorer)."
            )
        return ParsedQuery(parsed, has_operators=_has_operators(text))

    @property
    def gazetteer(self) -> Gazetteer:
        """Read on first use: most queries name no kommune, and building it costs a cold search 40 ms."""
        return self._gazetteer or Gazetteer.default()

    def _resolve_filters(self, node: wq.Query) -> wq.Query:
        """kommune:Trondheim → the kommune number the index holds (5001)."""
        if isinstance(node, wq.Term) and node.fieldname == "kommune":
            municipality = self.gazetteer.require(str(node.text), example="kommune:Bergen")
            return wq.Term("kommune", municipality.number, boost=node.boost)
        if isinstance(node, wq.Term) and node.fieldname == "doc_type":
            doc_type = str(node.text).lower()
            if doc_type not in DOC_TYPES:
                raise QueryError(f"Dokumenttypen må være pdf, docx, odt, html eller text, f.eks. type:pdf (ikke «{_short(str(node.text), 20)}»).")
            return wq.Term("doc_type", doc_type, boost=node.boost)
        return node


def _over_stop_words(node: wq.Query, text: str) -> wq.Query:
    """A phrase may span the stop words it was typed with: "NAV og skole" finds "NAV og skole".

    Stop words leave gaps in the positions of the indexed words, and Whoosh's phrase wants each
    word right after the one before; allow as many words between two of them as were typed there."""
    if not isinstance(node, wq.Phrase) or not node.char_ranges or len(node.char_ranges) != len(node.words):
        return node
    kept = [span for word, span in zip(node.words, node.char_ranges) if not is_extra(word)]
    between = [len(_WORD.findall(text[end:start])) for (_, end), (start, _) in zip(kept, kept[1:])]
    slop = max([node.slop] + [1 + count for count in between])
    if slop == node.slop:
        return node
    return wq.Phrase(node.fieldname, node.words, slop=slop, boost=node.boost, char_ranges=node.char_ranges)


def _weigh_extras(node: wq.Query) -> wq.Query:
    """The analyzer gives a query word its extras (+part, ~folded, =body) as more tokens after it;
    make each word an OR of itself and its extras, the extras weighing less, and keep phrases to
    the words themselves."""
    if isinstance(node, wq.Phrase):
        words = [word for word in node.words if not is_extra(word)]
        return wq.Phrase(node.fieldname, words, slop=node.slop, boost=node.boost) if len(words) > 1 else (
            wq.Term(node.fieldname, words[0], boost=node.boost) if words else wq.NullQuery
        )
    if not isinstance(node, (wq.And, wq.Or)) or not node.subqueries:
        return node
    terms = node.subqueries
    if not any(is_extra(getattr(t, "text", None)) for t in terms):
        return node
    groups: list[list[wq.Query]] = []
    for term in terms:
        if not is_extra(getattr(term, "text", None)):
            groups.append([term])  # a word, or a wildcard, phrase or year range beside the words
        elif type(term) is wq.Term and groups and type(groups[-1][0]) is wq.Term:
            groups[-1].append(wq.Term(term.fieldname, term.text, boost=term.boost * EXTRA_WEIGHTS[term.text[0]]))
        # else the extra of a wildcard (+områd*): a wildcard is the word as typed only
    words = [wq.Or(group) if len(group) > 1 else group[0] for group in groups]
    if len(words) == 1:
        return words[0]
    return wq.And(words) if isinstance(node, wq.And) else wq.Or(words)


def _check(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise QueryError("Skriv minst ett ord å søke etter.")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"Søket er for langt ({len(text)} tegn, maks {MAX_QUERY_LENGTH}).")
    if text.count('"') % 2:
        raise QueryError("Søket har et anførselstegn som ikke er lukket. Frase-søk skrives slik: \"sosial bærekraft\".")
    if text.count("(") != text.count(")"):
        raise QueryError("Søket har parenteser som ikke går opp.")
    return text


def _refuse_expensive(parsed: wq.Query) -> None:
    for node in _walk(parsed):
        if isinstance(node, wq.Every):
            raise QueryError("Skriv minst ett ord å søke etter; * alene kan ikke søkes på.")
        if isinstance(node, wq.TermRange):  # a range over words expands to much of the vocabulary
            raise QueryError("Intervallsøk ([a TO b]) støttes ikke; bruk år:2024 for å avgrense på år.")
        if isinstance(node, (wq.Wildcard, wq.Prefix)):
            prefix = re.split(r"[*?]", node.text, maxsplit=1)[0]
            if len(prefix) < MIN_WILDCARD_PREFIX:
                raise QueryError(
                    f"Jokertegn (* og ?) trenger minst {MIN_WILDCARD_PREFIX} bokstaver foran seg, f.eks. område*."
                )


def _has_positive_terms(parsed: wq.Query) -> bool:
    if isinstance(parsed, wq.Not):
        return False
    if isinstance(parsed, wq.AndNot):
        return _has_positive_terms(parsed.a)
    return any(node.is_leaf() and not isinstance(node, type(wq.NullQuery)) for node in _walk(parsed))


def _walk(node: wq.Query):
    yield node
    for child in node.children():
        yield from _walk(child)


def positive_nodes(query: wq.Query):
    """The nodes of a query that ask for something: none under NOT or after ANDNOT."""
    banned = {id(n) for node in _walk(query) if isinstance(node, wq.Not) for n in _walk(node)}
    banned |= {id(n) for node in _walk(query) if isinstance(node, wq.AndNot) for n in _walk(node.b)}
    return (node for node in _walk(query) if id(node) not in banned)


def _has_operators(text: str) -> bool:
    return bool(_OPERATOR.search(text) or '"' in text or _FIELD.search(text) or re.search(r"(?<![^\s(])[-+]\S", text))


def _short(text: str, limit: int = 60) -> str:
    """The query as quoted in a message: on one line, with no control characters, not too long."""
    text = "".join(c if c.isprintable() else " " for c in " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"
