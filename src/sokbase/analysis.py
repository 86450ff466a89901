"""Norwegian text analysis: tokenize, drop stop words, stem, and index what caseworkers type.

The chain, each step switchable through AnalysisOptions so the evaluation can show what it adds:

  tokens → case-aware stop words (VAR, NAV, KS are acronyms, not "var") → stemming (Snowball, with
  place names kept whole, -er nouns kept whole, nynorsk words and compounds mapped to bokmål:
  bustøtta → bostøtte, omsorgsbustad → omsorgsbolig) → index-time extras
  at the same position: compound parts (+satsing for områdesatsingen), an æøå-folded form
  (~omradeloft for områdeløftet) and the name of a body (=kdd for KMD).

Extras carry a prefix so they never collide with ordinary terms; the query parser gives them a
lower weight (query.py), so a passage with the word itself ranks above one where it is a part.

Whoosh pickles the analyzer into the index, so every piece here is a module-level class with
plain attributes; stemmers, lexicons and caches are module-level and rebuilt on first use.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from whoosh.analysis import Analyzer, CompositeAnalyzer, Filter, RegexTokenizer, Token

from . import lexicon as lex

ANALYZER_VERSION = 11  # 3: -itet nouns stemmed alike; 4: folded compound parts; 5: hvilket a stop word; 6: nynorsk from Norsk ordbank; 7: -eren and -ere forms of -er nouns as the noun; 8: -eren only; 9: not -ieren; 10: utkastelse; 11: mye a stop word

# Words plus digits; Unicode \w keeps æøå and accented letters in names (Rooth, Bjørge, Sámi).
# A hyphen directly after a word and before a space is kept, to spot the elliptic "by- og områdeutvikling".
TOKEN_PATTERN = r"\w+(?:-(?![\w-]))?"

PART, FOLDED, ALIAS = "+", "~", "="
EXTRA_PREFIXES = PART + FOLDED + ALIAS

# Snowball's Norwegian list less the words that carry meaning in this field (SNOWBALL_STOP_WORDS below).
NORWEGIAN_STOP_WORDS = frozenset(
    ["og", "i", "jeg", "det", "at", "en", "et", "den", "til", "er", "som", "på", "de", "med", "han", "av", "der", "så", "var", "meg", "seg", "men", "ett", "har", "om", "vi", "min", "mitt", "ha", "hadde", "hun", "nå", "over", "da", "ved", "fra", "du", "ut", "sin", "dem", "oss", "opp", "man", "hans", "hvor", "eller", "hva", "selv", "sjøl", "her", "alle", "vil", "bli", "ble", "blei", "blitt", "inn", "når", "være", "kom", "noen", "noe", "ville", "dere", "deres", "kun", "ja", "ned", "denne", "for", "deg", "si", "sine", "sitt", "mot", "å", "meget", "hvorfor", "dette", "disse", "hvordan", "din", "ditt", "blir", "samme", "hvilken", "hvilke", "sånn", "inni", "mellom", "vår", "hver", "hvem", "vors", "hvis", "både", "bare", "enn", "fordi", "mange", "også", "slik", "vært", "båe", "begge", "siden", "dykk", "dykkar", "dei", "deira", "deires", "deim", "di", "då", "eg", "ein", "eit", "eitt", "elles", "honom", "hjå", "ho", "hoe", "henne", "hennar", "hennes", "hoss", "hossen", "ingi", "korleis", "korso", "kva", "kvar", "kvarhelst", "kven", "kvi", "kvifor", "me", "medan", "mi", "mine", "mykje", "no", "nokon", "noka", "nokor", "noko", "nokre", "sia", "sidan", "so", "somt", "somme", "um", "upp", "vere", "vore", "verte", "vort", "varte", "vart"]
)

# The rest of Snowball's list, which Elasticsearch's `norwegian` analyzer drops as well.
SNOWBALL_STOP_WORDS = NORWEGIAN_STOP_WORDS | {"skal", "kan", "kunne", "skulle", "må", "ikke", "ikkje", "inkje", "ingen", "uten", "før", "etter", "eit", "nokre"}
# hvilket beside hvilken and hvilke, which Snowball's list lacks (101 of 3,808 NorQuAD train questions begin with it);
# mye beside its nynorsk mykje, which the list has ("Hvor mye kan utleier kreve i depositum?").
NORWEGIAN_STOP_WORDS = NORWEGIAN_STOP_WORDS | {"hvilket", "mye"}

# Written in capitals these are names, not the stop words var, mot, nav ...: VAR (vann, avløp,
# renovasjon), MOT (the youth programme), KS, NAV, SLT.
ACRONYMS = frozenset(["VAR", "MOT", "KS", "NAV", "SLT", "DEI", "SIN", "DA"])


@dataclass(frozen=True)
class AnalysisOptions:
    """Which pieces of the chain are on. The default is sokbase's full analyzer."""

    stemming: str = "sokbase"  # "none", "snowball" or "sokbase" (Snowball plus lexicon fixes)
    stop_words: str = "sokbase"  # "snowball" (the full list, as Elasticsearch) or "sokbase"
    acronyms: bool = True
    nynorsk: bool = True
    compounds: bool = True
    folding: bool = True
    abbreviations: bool = True

    @property
    def extras(self) -> bool:
        return self.compounds or self.folding or self.abbreviations


# The analyzers the evaluation compares, from plain to full; each adds one piece to the one before.
PRESETS: dict[str, AnalysisOptions] = {
    "no stemming": AnalysisOptions("none", "snowball", False, False, False, False, False),
    "snowball (ES norwegian)": AnalysisOptions("snowball", "snowball", False, False, False, False, False),
}
PRESETS["+ sokbase stop list, acronyms"] = replace(PRESETS["snowball (ES norwegian)"], stop_words="sokbase", acronyms=True)
PRESETS["+ lemma fixes"] = replace(PRESETS["+ sokbase stop list, acronyms"], stemming="sokbase")
PRESETS["+ nynorsk"] = replace(PRESETS["+ lemma fixes"], nynorsk=True)
PRESETS["+ compounds"] = replace(PRESETS["+ nynorsk"], compounds=True)
PRESETS["+ æøå folding"] = replace(PRESETS["+ compounds"], folding=True)
PRESETS["sokbase (+ abbreviations)"] = AnalysisOptions()


class CaseStopFilter(Filter):
    """Lowercase and drop stop words, but keep acronyms written in capitals that spell a stop word."""

    def __init__(self, stop_words: str = "sokbase", acronyms: bool = True):
        self.stop_words = stop_words
        self.acronyms = acronyms

    def __call__(self, tokens):
        stoplist = SNOWBALL_STOP_WORDS if self.stop_words == "snowball" else NORWEGIAN_STOP_WORDS
        for token in tokens:
            text = token.text
            token.elliptic = text.endswith("-")
            text = text.rstrip("-")
            token.text = lower = text.lower()
            token.stopped = lower in stoplist and not (self.acronyms and text in ACRONYMS)
            if token.stopped and token.removestops:
                continue
            yield token


class NorwegianStemFilter(Filter):
    """Snowball Norwegian stemming; with lexicon fixes and nynorsk → bokmål when asked."""

    is_morph = True

    def __init__(self, fixes: bool = True, nynorsk: bool = True):
        self.fixes = fixes
        self.nynorsk = nynorsk

    def __setstate__(self, state: dict) -> None:
        # Indexes of analyzer version 1 pickled only a cache size; they are refused by version anyway.
        self.fixes = state.get("fixes", False)
        self.nynorsk = state.get("nynorsk", False)

    def __call__(self, tokens):
        stem = stemmer(AnalysisOptions(stemming="sokbase" if self.fixes else "snowball", nynorsk=self.nynorsk))
        for token in tokens:
            if not token.stopped:
                token.surface = token.text
                token.text = stem(token.text)
            yield token


class ExtrasFilter(Filter):
    """Add compound parts, folded forms and body names at the position of the word they come from.

    At index time the extras describe the text; at query time (mode "query") the same word gets the
    extras a passage would carry for what the caseworker meant, which query.py turns into a
    weighted OR. Snippets and filters call the analyzer without a mode and get plain terms.
    """

    def __init__(self, options: AnalysisOptions):
        self.options = options

    def __call__(self, tokens):
        pending: list = []
        for token in tokens:
            mode = getattr(token, "mode", "")
            if mode not in ("index", "query") or token.stopped:
                yield token
                continue
            surface = getattr(token, "surface", token.text)
            if mode == "index" and token.elliptic and self.options.compounds:
                pending.append(token.copy())
                continue
            # Indexing records positions; a snippet does not, and must not load the compound lexicon.
            extras = self._extras(surface, token.text, mode, token.positions)
            if pending:
                yield from self._elliptic(pending, extras)
                pending = []
            yield token
            main = token.text
            for extra in extras:
                token.text = extra
                yield token
            token.text = main
        for token in pending:
            yield token

    def _extras(self, surface: str, stem: str, mode: str, positions: bool) -> list[str]:
        """The extras of one word, remembered: a corpus says the same words again and again, and
        splitting and folding them anew was half of the time indexing spent analysing."""
        known = _EXTRAS.setdefault(self.options, {})
        key = (surface, stem, mode, positions)
        found = known.get(key)
        if found is None:
            if len(known) >= MAX_REMEMBERED:
                known.clear()
            found = known[key] = tuple(self._work_out_extras(surface, stem, mode, positions))
        return list(found)

    def _work_out_extras(self, surface: str, stem: str, mode: str, positions: bool) -> list[str]:
        options = self.options
        extras: list[str] = []
        if not surface.isalpha():
            return extras
        if options.compounds:
            if mode == "index" and positions:
                parts = [part for part in splitter(options).parts(surface) if part != stem]
                if options.folding:  # levekar, typed without å, finds levekårsutfordringer
                    folded_parts = {stemmer(options)(lex.fold(part)) for part in parts if lex.has_nordic_letters(part)}
                    extras += [PART + part for part in sorted(folded_parts - set(parts))]
                extras += [PART + part for part in parts]  # last, ending with the head (see _elliptic)
            else:
                extras.append(PART + stem)
        if options.folding:
            folded = lex.fold(surface)
            # A query typed with æøå already matches the word itself; one typed without may mean it.
            if (mode == "index" and folded != surface) or (mode == "query" and not lex.has_nordic_letters(surface)):
                folded_stem = stemmer(options)(folded)
                extras.append(FOLDED + folded_stem)
                if mode == "query" and options.compounds and folded_stem != stem:  # levekaar → +levek
                    extras.append(PART + folded_stem)
        if options.abbreviations:
            body = lex.body_of(stem)
            if body:
                extras.append(ALIAS + body)
        return extras

    def _elliptic(self, pending: list, extras: list[str]):
        """"by- og områdeutvikling": "by-" borrows the head of the compound that ends the phrase."""
        parts = [extra[1:] for extra in extras if extra.startswith(PART)]
        for token in pending:
            yield token
            if parts:
                token.text = token.text + parts[-1]
                yield token


# Per options, kept at module level: the filter itself is pickled with a Whoosh index's schema.
_EXTRAS: dict[AnalysisOptions, dict[tuple, tuple[str, ...]]] = {}
MAX_REMEMBERED = 200_000  # words per options: about 80 MB when full (measured)


@lru_cache(maxsize=8)
def stemmer(options: AnalysisOptions) -> lex.Stemmer:
    return lex.Stemmer(mode=options.stemming, nynorsk=options.nynorsk)


@lru_cache(maxsize=8)
def splitter(options: AnalysisOptions):
    from .compounds import Splitter  # its lexicon is only needed to index

    fixes = options.stemming == "sokbase"
    return Splitter(
        stemmer(options),
        extra_words=lex.place_names(),
        extra_heads=lex.er_exceptions() if fixes else (),
        stop_words=SNOWBALL_STOP_WORDS,
    )


def norwegian_analyzer(options: AnalysisOptions | None = None):
    """The Norwegian chain with `options`; schema.build_schema gives each searchable field one, the
    content field's wrapped in a FieldAnalyzer that weights title, heading and body."""
    options = options or AnalysisOptions()
    chain = RegexTokenizer(TOKEN_PATTERN) | CaseStopFilter(options.stop_words, options.acronyms)
    if options.stemming != "none":
        chain = chain | NorwegianStemFilter(fixes=options.stemming == "sokbase", nynorsk=options.nynorsk)
    if options.extras:
        chain = chain | ExtrasFilter(options)
    return NorwegianChain(*chain.items)


class NorwegianChain(CompositeAnalyzer):
    """The chain, with a shortcut for indexing: what it makes of a word depends on the word alone
    (its stop-word test, stem and extras), so each word as written is run through the filters once
    and its terms remembered. Four generators per token were half of a worker's time per passage.

    Only indexing (mode "index", positions, stop words removed) takes the shortcut; queries,
    snippets and highlights run the filters. The one thing that crosses words, an elliptic
    "by- og områdeutvikling", is joined here as ExtrasFilter._elliptic joins it.
    """

    def __call__(self, value, **kwargs):
        if not _plain_indexing(kwargs):
            return super().__call__(value, **kwargs)
        return self._index(value, kwargs.get("start_pos", 0))

    def __getstate__(self) -> dict:
        return {"items": self.items}  # the words remembered are rebuilt in each process

    def _index(self, value: str, start_pos: int):
        token = Token(positions=True, removestops=True, mode="index", boosts=True)
        token.stopped = False
        for token.pos, token.text in self.terms_at(value, start_pos):
            token.boost = 1.0
            yield token

    def terms_at(self, value: str, start_pos: int = 0):
        """(position, term) of every term indexing gives `value`, in the order the filters give them."""
        words = self.__dict__.setdefault("_words", {})
        pending: list[tuple[int, str]] = []  # elliptic words waiting for the head of the next compound
        for pos, match in enumerate(self.items[0].expression.finditer(value), start_pos):
            raw = match.group(0)
            word = words.get(raw)
            if word is None:
                if len(words) >= WORDS_REMEMBERED:
                    words.clear()
                word = words[raw] = self._word(raw)
            elliptic, terms, head = word
            if not terms:
                continue
            if elliptic:
                pending.append((pos, terms[0]))
                continue
            for at, text in pending:
                yield at, text
                if head:
                    yield at, text + head
            pending = []
            for text in terms:
                yield pos, text
        yield from pending

    def _word(self, raw: str) -> tuple[bool, tuple[str, ...], str | None]:
        """Whether `raw` waits as an elliptic word, its terms as the filters make them, and the last
        compound part among them (what an elliptic word before it borrows)."""
        terms = tuple(token.text for token in super().__call__(raw, mode="index", positions=True))
        extras = self.items[-1]
        elliptic = bool(terms) and raw.endswith("-") and isinstance(extras, ExtrasFilter) and extras.options.compounds
        parts = [term[len(PART):] for term in terms[1:] if term.startswith(PART)]
        return elliptic, terms, parts[-1] if parts else None


# Words as written per chain, in each indexing process: about 40 MB when full (78 MB measured at 200,000);
# the bench corpus of 84,000 passages has fewer distinct words.
WORDS_REMEMBERED = 100_000


def _plain_indexing(kwargs: dict) -> bool:
    return (kwargs.get("mode") == "index" and kwargs.get("positions", False) and kwargs.get("tokenize", True)
            and kwargs.get("removestops", True) and not kwargs.get("chars") and not kwargs.get("keeporiginal")
            and not kwargs.get("no_morph"))


# Joins the parts of a weighted value (title, heading, body); a private-use character no text holds.
SEGMENT = "\ue000"


class FieldAnalyzer(Analyzer):
    """The analyzer of a searchable field: the Norwegian chain, with the parts of a value weighted.

    A value made of parts joined by SEGMENT (the content field's title, heading and body) gives each
    part's tokens that part's weight as boost. Whoosh sums a word's boosts into its weight in the
    passage, so a title word adds 0.2 and a body word 1.0, and BM25 saturates the sum as BM25F does;
    one field instead of three makes a query word one term to look up instead of three. A query, or
    any text without SEGMENT, is analyzed as one part of weight 1.
    """

    def __init__(self, analyzer, weights: tuple[float, ...] = (1.0,), gap: int = 100):
        self.analyzer = analyzer
        self.weights = weights
        self.gap = gap  # positions between parts, so that no phrase spans a title and a body

    @property
    def items(self):
        return self.analyzer.items

    def postings(self, value: str) -> tuple[dict[str, list[int]], dict[str, float]]:
        """Each term's positions and summed boost, as Whoosh's Positions format adds up an indexed
        value's tokens, straight from the chain's remembered words (a schema built by build_schema)."""
        positions: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        weighted = [(value, 1.0)]
        if len(self.weights) > 1 and SEGMENT in value:  # as __call__: title, heading, body
            weighted = zip(value.split(SEGMENT), self.weights)
        start = 0
        for part, weight in weighted:
            last = start
            for last, term in self.analyzer.terms_at(part, start):
                positions.setdefault(term, []).append(last)
                weights[term] = weights.get(term, 0.0) + weight
            start = last + self.gap
        return positions, weights

    def __call__(self, value, **kwargs):
        if len(self.weights) == 1 or SEGMENT not in value:  # a title's stray SEGMENT separates words
            yield from self.analyzer(value, **kwargs)
            return
        start = kwargs.pop("start_pos", 0)
        for part, weight in zip(value.split(SEGMENT), self.weights):
            end = start
            for token in self.analyzer(part, start_pos=start, **kwargs):
                token.boost = weight
                end = getattr(token, "pos", end)
                yield token
            start = end + self.gap


def analysis_options(analyzer) -> AnalysisOptions | None:
    """The options an index's analyzer was built with (None for a chain without extras)."""
    for item in getattr(analyzer, "items", ()):
        if isinstance(item, ExtrasFilter):
            return item.options
    return None


def is_extra(term: object) -> bool:
    """Whether a query term is an extra (+part, ~folded, =body); a year (år:2024) is a number."""
    return isinstance(term, str) and bool(term) and term[0] in EXTRA_PREFIXES


def analyze(text: str, analyzer=None, mode: str = "") -> list[str]:
    """The index terms of a text, in order: what a query or a passage is reduced to."""
    analyzer = analyzer or norwegian_analyzer()
    return [token.text for token in analyzer(text, mode=mode)]
