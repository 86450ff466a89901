"""Read what a caseworker types into a query tree (querytree.py) that any engine can run.

Syntax: words, "phrases", OR/ELLER, AND/OG, NOT/IKKE and -word, field filters (kommune:Bergen,
år:2024, type:pdf, tittel:..., overskrift:...), wildcards (område*). Whoosh's query parser reads the
syntax and the index's analyzer turns each word into its index terms; the result is translated into
sokbase's own tree at once, so no engine sees Whoosh's query objects.

Natural text is never refused: a query the syntax cannot read (a bracket left open, a question that
ends in "(NKP (MLM))?") is searched as its plain words, with a notice saying so. Only a misuse of an
operator that has no plain reading stays an error: an unclosed quote, `*` alone, nothing but stop words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.qparser import AndGroup, FieldAliasPlugin, MultifieldParser, OperatorsPlugin, PlusMinusPlugin

from . import querytree as qt
from .analysis import ALIAS, FOLDED, PART, TOKEN_PATTERN, is_extra
from .compounds import APART_WEIGHT, PART_ALONE_WEIGHT
from .lawrefs import LawMention, LawNames, may_name_a_law
from .errors import QueryError
from .municipalities import Gazetteer
from .schema import DOC_TYPES, FIELD_ALIASES, SEARCHED_FIELDS
from .textnorm import normalize

MAX_QUERY_LENGTH = 1000
MIN_WILDCARD_PREFIX = 2  # "a*" would expand to a large part of the vocabulary
# How much a match through an extra term counts against the word itself: a passage about
# områdesatsing answers "satsing" less directly than one that says "satsing".
EXTRA_WEIGHTS = {PART: 0.25, FOLDED: 0.6, ALIAS: 0.8}  # tuned on NorQuAD train

_OPERATOR = re.compile(r"(?<!\S)(AND|OG|OR|ELLER|NOT|IKKE|ANDNOT)(?!\S)")
_FIELD = re.compile(r"(?<![\w\"])([^\W\d]\w*):(?=\S)")
_WORD = re.compile(TOKEN_PATTERN)
# A question mark that ends a word or a bracket ends a question ("Hva er bostøtte?", "… (NKP)?"); it is no wildcard.
_QUESTION_MARK = re.compile(r"(?<=[\w)\]»\"])\?+(?=[\s)\"]|$)")
# A year typed in the query: four digits, or a range ("år:[2020 TO 2024]"). Whoosh reads anything else
# as no condition at all, so "år:24 levekår" would quietly search every year.
_YEAR_VALUE = re.compile(r"(?<![\w\"])(?:%s):(?![\[{])(\S*)" % "|".join(["year", *FIELD_ALIASES["year"]]))
# What the syntax means to the parser; read as plain words, these are only punctuation.
_SYNTAX = re.compile(r"[()\[\]{}^~+]|(?<!\S)-|(?<=\s)(?:AND|OR|NOT|ANDNOT|OG|ELLER|IKKE)(?=\s)")

# Word and phones type «» or “” for Norwegian, so a phrase pasted from a letter arrives in them.
_PHRASE_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})

QUOTES_UNWRITTEN = "Ingen avsnitt har «{quotation}» slik det står i anførselstegnene; det ble søkt etter ordene hver for seg."
QUOTES_APART = "Ingen avsnitt har «{quotation}» sammen med de andre ordene; det ble søkt etter ordene hver for seg."
PLAIN_WORDS_NOTICE = "Søket kunne ikke leses som søkesyntaks ({reason}); det ble søkt etter ordene i det."


@dataclass(frozen=True)
class ParsedQuery:
    tree: qt.Node | None  # None when the query only names a law or a paragraph of one
    has_operators: bool  # the user wrote OR/NOT/-/quotes/fields: the query is taken as it stands
    notice: str | None = None  # why the query was read otherwise than typed, for the user
    laws: tuple[LawMention, ...] = ()  # laws named, with the paragraph or chapter asked for


class QueryParser:
    def __init__(self, schema, gazetteer: Gazetteer | None = None):
        self.schema = schema
        self._gazetteer = gazetteer
        self._parser = self._whoosh_parser(schema)
        self._surfaces: dict[str, str] = {}

    @staticmethod
    def _whoosh_parser(schema) -> MultifieldParser:
        parser = MultifieldParser(list(SEARCHED_FIELDS), schema, group=AndGroup)
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

    @property
    def gazetteer(self) -> Gazetteer:
        """Read on first use: most queries name no kommune, and building it costs a cold search 40 ms."""
        return self._gazetteer or Gazetteer.default()

    def parse(self, text: str, laws: LawNames | None = None) -> ParsedQuery:
        """`laws` names the laws of the index; a law named in the query is taken out of its words."""
        text = _check(text)
        cleaned = _QUESTION_MARK.sub("", text)
        mentions = _named(cleaned, laws.find(cleaned)) if laws is not None and may_name_a_law(cleaned) else ()
        if not mentions:
            return self._parse(text, cleaned)
        rest = _without_spans(cleaned, [mention.span for mention in mentions])
        if not _WORD.search(_OPERATOR.sub(" ", rest)):  # only laws, perhaps joined by ELLER
            return ParsedQuery(None, False, laws=mentions)
        try:
            found = self._parse(text, rest)
        except QueryError:  # only a negation is left ("husleieloven IKKE depositum"): the name is a word too
            found = self._parse(text, cleaned)
        return ParsedQuery(found.tree, found.has_operators, found.notice, mentions)

    def _parse(self, text: str, cleaned: str) -> ParsedQuery:
        for year in _YEAR_VALUE.findall(re.sub(r'"[^"]*"', " ", cleaned)):  # not inside a phrase
            if not re.fullmatch(r"\d{4}\)*", year):
                raise QueryError(f"Året må være et årstall med fire sifre, f.eks. år:2024 (ikke «{_short(year, 20)}»).")
        if cleaned.count("(") != cleaned.count(")"):
            return self._as_plain_words(cleaned, "parentesene går ikke opp")
        try:
            parsed = self._parser.parse(cleaned)
        except Exception:  # Whoosh raises assorted errors on odd syntax; its wording means nothing to a user
            return self._as_plain_words(cleaned, "operatorene kunne ikke tolkes")
        return self._finish(parsed, text, cleaned, has_operators=_has_operators(text))

    def _as_plain_words(self, cleaned: str, reason: str) -> ParsedQuery:
        words = " ".join(_SYNTAX.sub(" ", cleaned).replace(":", " ").split())
        if not words:
            raise QueryError(f"Kunne ikke tolke søket «{_short(cleaned)}». Sjekk operatorene (ELLER, IKKE, -ord) og parentesene.")
        try:
            parsed = self._parser.parse(words)
        except Exception:
            raise QueryError(
                f"Kunne ikke tolke søket «{_short(cleaned)}». Sjekk operatorene (ELLER, IKKE, -ord) og parentesene."
            ) from None
        found = self._finish(parsed, cleaned, words, has_operators=False)
        return ParsedQuery(found.tree, False, PLAIN_WORDS_NOTICE.format(reason=reason))

    def _finish(self, parsed: wq.Query, text: str, cleaned: str, has_operators: bool) -> ParsedQuery:
        parsed = parsed.accept(lambda node: _over_stop_words(node, cleaned))
        _refuse_expensive(parsed)
        self._surfaces = self._surface_forms(cleaned)
        tree = self._convert(parsed)
        if tree is not None and not qt.is_scored(tree) and any(isinstance(n, (qt.Match, qt.YearRange)) for n in qt.walk(tree)):
            raise QueryError(f"Søket «{_short(text)}» har bare filtre; skriv minst ett ord å søke etter i tillegg.")
        if tree is None or not qt.is_scored(tree) or isinstance(tree, qt.Not):
            raise QueryError(
                f"Søket «{_short(text)}» inneholder ingen ord å søke etter (bare stoppord eller operatorer)."
            )
        return ParsedQuery(tree, has_operators)

    def _surface_forms(self, text: str) -> dict[str, str]:
        """Each index term of the query as the user wrote it (barnefamili → barnefamilier)."""
        forms: dict[str, str] = {}
        for token in self.schema["content"].analyzer(text, mode="query", chars=True):
            if not is_extra(token.text):
                forms.setdefault(token.text, text[token.startchar : token.endchar])
        return forms

    def _convert(self, node: wq.Query) -> qt.Node | None:
        """Whoosh's parse → sokbase's tree; None for what asks for nothing (a stop word alone)."""
        if isinstance(node, (wq.And, wq.Or)) and type(node) in (wq.And, wq.Or):
            children = [child for child in map(self._convert_group, _groups(node.subqueries)) if child is not None]
            if not children:
                return None
            if len(children) == 1:
                return children[0]
            return qt.And(tuple(children)) if type(node) is wq.And else qt.Or(tuple(children))
        if isinstance(node, wq.AndNot):
            positive, negative = self._convert(node.a), self._convert(node.b)
            if positive is None:
                return None
            return qt.And((positive, qt.Not(negative))) if negative is not None else positive
        if isinstance(node, wq.AndMaybe):  # +required optional
            required, optional = self._convert(node.a), self._convert(node.b)
            if required is None or optional is None:
                return required or optional
            return qt.Filter(qt.Or((required, optional)), required)
        if isinstance(node, wq.Not):
            child = self._convert(node.query)
            return qt.Not(child) if child is not None else None
        return self._convert_group([node])

    def _convert_group(self, group: list[wq.Query]) -> qt.Node | None:
        """A word and the extras the analyzer gave it, or one other node."""
        head = group[0]
        if type(head) is wq.Term:
            return self._term(head, group[1:])
        if isinstance(head, wq.Phrase):
            words = tuple(word for word in head.words if not is_extra(word))
            if len(words) > 1:
                return qt.Phrase(head.fieldname, words, head.slop)
            return qt.Word(self._surfaces.get(words[0], words[0]), (qt.Term(head.fieldname, words[0]),)) if words else None
        if isinstance(head, wq.Prefix):
            return qt.Prefix(head.fieldname, head.text)
        if isinstance(head, wq.Wildcard):
            return qt.Pattern(head.fieldname, head.text)
        if isinstance(head, wq.NumericRange) and head.fieldname == "year":
            return qt.YearRange(head.start, head.end)
        if head is wq.NullQuery or isinstance(head, type(wq.NullQuery)):
            return None
        return self._convert(head)

    def _term(self, term: wq.Term, extras: list[wq.Query]) -> qt.Node:
        field, text = term.fieldname, term.text
        if field == "kommune":
            return qt.Match("kommune", self.gazetteer.require(str(text), example="kommune:Bergen").number)
        if field == "doc_type":
            doc_type = str(text).lower()
            if doc_type not in DOC_TYPES:
                raise QueryError(f"Dokumenttypen må være pdf, docx, odt, html eller text, f.eks. type:pdf (ikke «{_short(str(text), 20)}»).")
            return qt.Match("doc_type", doc_type)
        if field == "year":
            year = self.schema["year"].from_bytes(text)
            return qt.YearRange(year, year)
        if field == "konferanse":
            return qt.Match("konferanse", str(text))
        alternatives = [qt.Term(field, str(text))] + [
            qt.Term(extra.fieldname, extra.text, EXTRA_WEIGHTS[extra.text[0]])
            for extra in extras
            if type(extra) is wq.Term and is_extra(extra.text)
        ]
        return qt.Word(self._surfaces.get(str(text), str(text)), tuple(alternatives))


def with_compounds_apart(tree: qt.Node, split) -> qt.Node:
    """Each compound word of `tree` also found with its parts written apart, counted less
    (compounds.apart); `split(surface)` gives the parts' terms or None."""

    def widen(word: qt.Word) -> qt.Word:
        if word.main.field != qt.CONTENT or any(isinstance(alt, qt.AllOf) for alt in word.alternatives):
            return word
        parts = split(word.surface)
        if not parts:
            return word
        apart = qt.AllOf(tuple(qt.Term(qt.CONTENT, part) for part in parts), APART_WEIGHT)
        # Each part alone, as a word and as part of another compound (frist; hast- in Hastesaker).
        partial = tuple(qt.Term(qt.CONTENT, form, PART_ALONE_WEIGHT) for part in parts for form in (part, PART + part))
        return qt.Word(word.surface, word.alternatives + (apart,), partial)

    return qt.map_words(tree, widen)


_NOT_NAMING = re.compile(r"(?:(?<!\S)(?:NOT|IKKE|ANDNOT)[\s(]+|:)$")


def _named(text: str, mentions: list[LawMention]) -> tuple[LawMention, ...]:
    """The laws the query asks for. A law's name that an operator excludes (-pbl, IKKE pbl) or a field
    holds (tittel:husleieloven) is a word of the query, read as the syntax says."""
    return tuple(m for m in mentions
                 if not text.startswith("-", m.span[0]) and not _NOT_NAMING.search(text[: m.span[0]]))


def _without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return " ".join(text.split())


def _groups(subqueries: list[wq.Query]) -> list[list[wq.Query]]:
    """The analyzer gives a query word its extras (+part, ~folded, =body) as more terms right after it."""
    groups: list[list[wq.Query]] = []
    for node in subqueries:
        if type(node) in (wq.Term, wq.Prefix, wq.Wildcard) and is_extra(node.text) and groups:
            groups[-1].append(node)  # the extras of a wildcard (+områd*) are dropped with the group's tail
        else:
            groups.append([node])
    return groups


def _over_stop_words(node: wq.Query, text: str) -> wq.Query:
    """A phrase may span the stop words it was typed with: "NAV og skole" finds "NAV og skole".

    Stop words leave gaps in the positions of the indexed words, and a phrase wants each word
    right after the one before; allow as many words between two of them as were typed there."""
    if not isinstance(node, wq.Phrase) or not node.char_ranges or len(node.char_ranges) != len(node.words):
        return node
    kept = [span for word, span in zip(node.words, node.char_ranges) if not is_extra(word)]
    between = [len(_WORD.findall(text[end:start])) for (_, end), (start, _) in zip(kept, kept[1:])]
    slop = max([node.slop] + [1 + count for count in between])
    if slop == node.slop:
        return node
    return wq.Phrase(node.fieldname, node.words, slop=slop, boost=node.boost, char_ranges=node.char_ranges)


def _check(text: str) -> str:
    text = _as_typed(text)
    if not text:
        raise QueryError("Skriv minst ett ord å søke etter.")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"Søket er for langt ({len(text)} tegn, maks {MAX_QUERY_LENGTH}).")
    if text.count('"') % 2:
        raise QueryError("Søket har et anførselstegn som ikke er lukket. Frase-søk skrives slik: \"sosial bærekraft\".")
    return text


def _refuse_expensive(parsed: wq.Query) -> None:
    for node in _walk(parsed):
        if isinstance(node, wq.Every):
            raise QueryError("Skriv minst ett ord å søke etter; * alene kan ikke søkes på.")
        if isinstance(node, wq.TermRange):  # a range over words expands to much of the vocabulary
            raise QueryError("Intervallsøk ([a TO b]) støttes ikke; bruk år:2024 for å avgrense på år.")
        if isinstance(node, (wq.Wildcard, wq.Prefix)) and not is_extra(node.text):
            prefix = re.split(r"[*?]", node.text, maxsplit=1)[0]
            if len(prefix) < MIN_WILDCARD_PREFIX:
                raise QueryError(
                    f"Jokertegn (* og ?) trenger minst {MIN_WILDCARD_PREFIX} bokstaver foran seg, f.eks. område*."
                )


def _walk(node: wq.Query):
    yield node
    for child in node.children():
        yield from _walk(child)


def _as_typed(text: str | None) -> str:
    # As the indexed text was cleaned (NFC, no control or invisible characters): a NUL typed or pasted
    # into a query cannot be in any passage, and PostgreSQL refuses it in a statement.
    return normalize(text or "").translate(_PHRASE_QUOTES)


def quotations(text: str) -> list[str]:
    """What the query has in quotation marks, in the order typed."""
    return [q.strip() for q in re.findall(r'"([^"]*)"', _as_typed(text)) if q.strip()]


def without_quotes(text: str) -> str | None:
    """The query with its quotation marks taken away, when they are its only operator and it has
    words to search apart; else None ("Groruddalen" alone asks for that word as written)."""
    text = _as_typed(text)
    if not quotations(text):  # no quotes, or only empty ones: nothing quoted to be read otherwise
        return None
    # A mark between two letters parts two words ('boken"Store'); any other goes without a trace,
    # so that a question's "?" after a closing mark stays on its word and is no wildcard.
    rest = re.sub(r'(?<=\w)"(?=\w)', " ", text).replace('"', "")
    if _has_operators(rest) or re.search(r"[*()\[\]{}^~]|\?(?=\w)", rest) or len(_WORD.findall(rest)) < 2:
        return None
    return rest


def _has_operators(text: str) -> bool:
    return bool(_OPERATOR.search(text) or '"' in text or _FIELD.search(text) or re.search(r"(?<![^\s(])[-+]\S", text))


def _short(text: str, limit: int = 60) -> str:
    """The query as quoted in a message: on one line, with no control characters, not too long."""
    text = "".join(c if c.isprintable() else " " for c in " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"
