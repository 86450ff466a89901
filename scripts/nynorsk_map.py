"""Derive src/sokbase/data/nynorsk.txt, the analyzer's nynorsk → bokmål map, from Norsk ordbank's lemma lists.

Called by build_lexicon.py. Four sources, the first that knows a word wins:

1. HAND_PAIRS, lexical pairs no spelling rule reaches (bustad → bolig, tilskot → tilskudd, heim → hjem);
2. spelling correspondences (RULES, read off pairs of near-identical lemmas in the two lists): a
   nynorsk lemma that is not a bokmål lemma gets the cheapest rewrite that is one (teneste →
   tjeneste, offentleg → offentlig, søkjar → søkar → søker); two rewrites of the same cost make it
   ambiguous and it is left out;
3. compounds through their parts: omsorgsbustad = omsorgs + bustad → omsorgsbolig, bustøtte =
   bu + støtte → bostøtte, kept only when the result is a bokmål lemma;
4. at run time, a compound the lists lack (bustadtilskot, leigeforhold) through the map's heads
   and modifiers (lexicon.NynorskMap); a head or modifier that would turn a bokmål lemma into
   another bokmål word is left out.

The map works on Snowball stems, so every inflected form of a word that shares its stem follows
it. A nynorsk stem that is also the stem of a bokmål lemma or of one of its forms is a false
friend (høyre: right in bokmål, hear in nynorsk; skjer: a skerry in nynorsk, happens in both) and is
left out, unless the hand table names it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sokbase.lexicon import MIN_COMPOUND, MIN_HEAD, MIN_MODIFIER, NynorskMap, begins_a_word, fold, has_nordic_letters

# Lexical pairs, which win over everything the rules derive. Inflected forms need no entry when
# they share the lemma's stem (tenesta, tenester → tenest); those that do not are listed.
HAND_PAIRS = {
    "bustad": "bolig", "bustadar": "boliger", "heim": "hjem", "tilskot": "tilskudd", "tilskott": "tilskudd",
    "bustønad": "bostøtte", "ikkje": "ikke", "busetjing": "bosetting", "busetting": "bosetting",
    "teneste": "tjeneste", "kommunane": "kommunene",
    "kva": "hva", "kven": "hvem", "korleis": "hvordan", "kvifor": "hvorfor", "eige": "eie", "eigedom": "eiendom",
    "ungdomen": "ungdommen", "born": "barn", "borna": "barna", "utval": "utvalg", "arbeidsløyse": "arbeidsledighet",
    "innvandrarar": "innvandrere", "innvandrar": "innvandrer", "einsleg": "enslig", "skule": "skole",
    "skular": "skoler", "stad": "sted", "stader": "steder", "byrjing": "begynnelse", "auke": "øke", "auka": "økt",
    "mykje": "mye", "sjølv": "selv", "òg": "også", "berre": "bare", "medan": "mens",
    "utfordringar": "utfordringer", "tiltaka": "tiltakene", "løysing": "løsning", "løysingar": "løsninger",
    "verkemiddel": "virkemiddel", "verkemidlar": "virkemidler", "bustadsosial": "boligsosial",
    "bustadsosialt": "boligsosialt", "husleige": "husleie", "leige": "leie", "leigebustad": "leiebolig",
    "tilsette": "ansatte", "tilsett": "ansatt", "tryggleik": "trygghet",
    "rettleiar": "veileder", "rettleiing": "veiledning", "sakshandsamar": "saksbehandler", "handsaming": "behandling",
    # the law's words: the nynorsk laws' most frequent words that no rule reaches
    "leiar": "leder", "eigendel": "egenandel", "føresegn": "bestemmelse", "avgjerd": "avgjørelse",
    "verksemd": "virksomhet", "løyve": "tillatelse", "heimel": "hjemmel", "føremål": "formål",
    "fråsegn": "uttalelse", "mynde": "myndighet", "samd": "enig", "teieplikt": "taushetsplikt",
    "tilhøve": "forhold", "yting": "ytelse", "godtgjersle": "godtgjørelse", "naudsynt": "nødvendig",
    "veke": "uke", "månad": "måned", "noreg": "norge", "vidaregåande": "videregående", "rekneskap": "regnskap",
    "gje": "gi", "gjev": "gir", "gjeve": "gitt", "kome": "komme", "kjem": "kommer", "teke": "tatt",
    "attlevande": "gjenlevende", "einskild": "enkelt", "stifting": "stiftelse", "vaksen": "voksen",
    "marknad": "marked", "verje": "verge",
}
# Parts that are bokmål words too (bustad, heim), but whose compounds have the bokmål form in
# bokmål: bustadlån → boliglån, aldersheim → aldershjem. bu- only begins one (bustøtte → bostøtte).
COMPOUND_PARTS = {"bustad": "bolig", "heim": "hjem"}
MODIFIER_PARTS = COMPOUND_PARTS | {"bu": "bo", "hovud": "hoved"}  # hovudregel, but hovud alone is hode
NOT_COMPOUNDS = frozenset(["buring"])  # bu + ring is not boring
SHORTEST_COMPOUND = 6  # burett

# nynorsk, bokmål, cost: rewrites read off the data; a more specific rewrite costs less, so that
# leige is leie (eig → ei), not lege (ei → e). A vowel changes only in the syllables where the data
# shows it (skule/skole, utan/uten): one vowel swapped anywhere reaches other words (marknad is not merknad).
RULES = [
    ("heit", "het", 1), ("leg", "lig", 1), ("ande", "ende", 1), ("ar", "er", 1), ("ast", "es", 1),
    ("au", "ø", 1), ("au", "o", 1), ("øy", "ø", 1), ("øy", "jø", 1), ("ei", "e", 1), ("eig", "ei", 0.9),
    ("eigen", "egen", 0.8), ("kj", "k", 1), ("gj", "g", 1), ("tj", "tt", 1), ("tj", "t", 1), ("rj", "rr", 1),
    ("mj", "mm", 1), ("lj", "ll", 1), ("lj", "lg", 1), ("vj", "v", 1), ("kv", "hv", 1), ("mn", "vn", 1),
    ("od", "ud", 1), ("ot", "udd", 1), ("ald", "old", 1), ("sam", "som", 1), ("frå", "fra", 1),
    ("gåve", "gave", 1), ("ê", "æ", 1), ("ber", "bær", 1), ("op", "åp", 1), ("føre", "fore", 1),
    ("gjer", "gjør", 1), ("eik", "eg", 1), ("kn", "gn", 1), ("sjølv", "selv", 1), ("kyrkj", "kirk", 1),
    ("hovud", "hoved", 1), ("hovud", "hode", 1), ("val", "valg", 1), ("spel", "spill", 1),
    ("amal", "ammel", 1), ("aman", "ammen", 1), ("tene", "tjene", 1), ("verds", "verdens", 1),
    ("skul", "skol", 1), ("jol", "jul", 1), ("målar", "maler", 1), ("måleri", "maleri", 1), ("stad", "sted", 1),
    ("veng", "ving", 1), ("verk", "virk", 1), ("ver", "vær", 1), ("nase", "nese", 1), ("skåp", "skap", 1),
    ("skjer", "skjær", 1), ("frukost", "frokost", 1), ("trast", "trost", 1), ("månad", "måned", 1),
    ("vaks", "voks", 1), ("åtferd", "atferd", 1), ("hjart", "hjert", 1), ("klår", "klar", 1), ("sporv", "spurv", 1),
    ("eld", "ild", 1), ("nagl", "negl", 1), ("kjærast", "kjærest", 1), ("månd", "mand", 1), ("atter", "etter", 1),
    ("utan", "uten", 1), ("innan", "innen", 1), ("ovan", "oven", 1), ("nedan", "neden", 1), ("bakan", "baken", 1),
    ("nordan", "norden", 1), ("aftan", "aften", 1), ("annan", "annen", 1),
    ("ing", "ning", 2), ("l", "ll", 2), ("n", "nn", 2), ("m", "mm", 2), ("t", "tt", 2), ("k", "kk", 2), ("p", "pp", 2),
]
MAX_COST = 3
MIN_COSTLY = 6  # a word shorter than this takes only cheap rewrites: rit is not ritt


def spellings(word: str) -> dict[str, float]:
    """Every spelling the rules give the word (rewriting left to right, never twice in one place), at its cheapest cost."""
    best = {word: 0.0}
    frontier = [(word, 0.0, 0)]
    while frontier:
        text, cost, start = frontier.pop()
        for nynorsk, bokmål, price in RULES:
            if cost + price > MAX_COST:
                continue
            at = text.find(nynorsk, start)
            while at >= 0:
                rewritten = text[:at] + bokmål + text[at + len(nynorsk):]
                if best.get(rewritten, MAX_COST + 1) > cost + price:
                    best[rewritten] = cost + price
                    frontier.append((rewritten, cost + price, at + len(bokmål)))
                at = text.find(nynorsk, at + 1)
    del best[word]
    return best


def by_rules(word: str, bokmål: frozenset[str]) -> str | None:
    """The cheapest bokmål lemma the rules reach, or None (none, or two as cheap)."""
    found = sorted((cost, text) for text, cost in spellings(word).items() if text in bokmål)
    if not found or (found[0][0] >= 2 and len(word) < MIN_COSTLY):
        return None
    cheapest = [text for cost, text in found if cost == found[0][0]]
    return cheapest[0] if len(cheapest) == 1 else None


def lemma_pairs(nynorsk: frozenset[str], bokmål: frozenset[str]) -> dict[str, str]:
    """Nynorsk lemma → bokmål lemma: the hand table, then the rules, then compounds (twice, for three parts)."""
    pairs = dict(HAND_PAIRS)
    for word in sorted(nynorsk - bokmål):
        if word not in pairs:
            found = by_rules(word, bokmål)
            if found:
                pairs[word] = found
    lemmas = nynorsk | bokmål
    for _ in range(2):
        pairs |= {word: found for word in sorted(nynorsk - pairs.keys()) if (found := _compound(word, pairs, lemmas, bokmål))}
    return pairs


def _compound(word: str, pairs: dict[str, str], lemmas: frozenset[str], bokmål: frozenset[str]) -> str | None:
    """The one bokmål lemma that the word's parts give (modifier, linking -s-/-e-, head), or None."""
    if len(word) < SHORTEST_COMPOUND or word in NOT_COMPOUNDS:
        return None
    found = set()
    for cut in range(2, len(word) - 2):
        head = word[cut:]
        for modifier, link in ((word[:cut], ""), (word[:cut - 1], word[cut - 1])):
            if link not in ("", "s", "e") or head not in lemmas or not (modifier in lemmas or modifier in MODIFIER_PARTS):
                continue
            if len(modifier) < MIN_MODIFIER and modifier not in MODIFIER_PARTS:
                continue
            parts = (_part(modifier, MODIFIER_PARTS, pairs, bokmål), _part(head, COMPOUND_PARTS, pairs, bokmål))
            if None not in parts and parts != (modifier, head) and parts[0] + link + parts[1] in bokmål:
                found.add(parts[0] + link + parts[1])
    return found.pop() if len(found) == 1 else None


def _part(word: str, shared: dict[str, str], pairs: dict[str, str], bokmål: frozenset[str]) -> str | None:
    """A part's bokmål form: a nynorsk-only word's pair, the bokmål word itself, or None.
    A word of both languages keeps its form (stad in stadfeste is not sted), unless `shared` names it."""
    if word in shared:
        return shared[word]
    if word in bokmål:
        return word
    return pairs.get(word)


@dataclass
class Entries:
    """The map as the analyzer reads it: stem → bokmål word, what may be a compound's head or modifier."""

    words: dict[str, str] = field(default_factory=dict)
    heads: set[str] = field(default_factory=set)
    modifiers: dict[str, str] = field(default_factory=dict)
    spellings: dict[str, str] = field(default_factory=dict)  # stem → the nynorsk word it was made from
    dropped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def as_map(self) -> NynorskMap:
        return NynorskMap(self.words, {key: self.words[key] for key in self.heads}, self.modifiers)


def entries(pairs: dict[str, str], nynorsk: frozenset[str], bokmål: frozenset[str], stem: Callable[[str], str]) -> Entries:
    """Stem-level entries for the lemma pairs, then for their forms typed without æøå; a stem that is
    a false friend or that two pairs send to different words is left out, unless the hand table names it
    (typed without æøå, the hand table's words are checked as the rest: òg typed og is og)."""
    result = Entries()
    known = _stems(bokmål, stem)
    # A word of both lists that the pairs send where its stem goes is no false friend (bustøtte → bostøtte).
    variants = defaultdict(set)
    for word, pair in pairs.items():
        if word in bokmål:
            variants[stem(pair)].add(word)
            variants[stem(fold(pair))].add(word)
    hand = _hand_keys(stem)
    for folded in (False, True):
        keyed: dict[str, dict[str, str]] = defaultdict(dict)  # stem → {the target's stem: target}
        makers = defaultdict(set)  # stem → the nynorsk lemmas it is made from
        for word, pair in pairs.items():
            for spelling, key, target in _forms(word, pair, stem, folded):
                if key != stem(target) and key not in result.words:
                    keyed[key].setdefault(stem(target), target)
                    makers[key].add(word)
                    result.spellings.setdefault(key, spelling)
        for key, targets in sorted(keyed.items()):
            target = next(iter(targets.values()))  # the hand table's, which comes first in pairs
            checked = folded or key not in hand
            friends = known.get(key, set()) - variants[stem(target)] - makers[key]
            if len(targets) > 1 and (checked or _hand_disagrees(key, stem)):
                result.dropped["ambiguous"].append(f"{key} ({', '.join(sorted(targets.values()))})")
            elif checked and friends:
                result.dropped["false friend"].append(f"{key} ({', '.join(sorted(friends)[:3])})")
            else:
                result.words[key] = target
        for word in nynorsk:  # typed without æøå, vêr is not vere
            known[stem(word)].add(word)
    _compound_parts(result, pairs, nynorsk, bokmål, stem)
    return result


def _hand_keys(stem: Callable[[str], str]) -> set[str]:
    return {key for word, pair in HAND_PAIRS.items() for _, key, _ in _forms(word, pair, stem)}


def _hand_disagrees(key: str, stem: Callable[[str], str]) -> bool:
    """Whether two of the hand table's words share the stem but not the meaning (eige, eigen → eig)."""
    return len({stem(pair) for word, pair in HAND_PAIRS.items() if stem(word) == key}) > 1


# Bokmål forms whose stem is not the lemma's: skje → skjer (happens) is no skjer (skerry) → skjær.
BOKMÅL_ENDINGS = ("r", "t", "te", "de", "et", "er", "en", "ene", "a", "s")


def _stems(words: frozenset[str], stem: Callable[[str], str]) -> dict[str, set[str]]:
    """Stem → the lemmas with a form of that stem, as written or typed without æøå (og and òg for og)."""
    known = defaultdict(set)
    for word in words:
        forms = {word} | {word + ending for ending in BOKMÅL_ENDINGS}
        if word.endswith("e"):  # reise → reist, reiste
            forms |= {word[:-1] + ending for ending in BOKMÅL_ENDINGS}
        for form in forms:
            known[stem(form)].add(word)
            known[stem(fold(form))].add(word)
    return known


def _forms(nynorsk: str, bokmål: str, stem: Callable[[str], str], folded: bool = False) -> list[tuple[str, str, str]]:
    """(nynorsk word, its stem, bokmål word) for the lemma and its -ar plural where Snowball stems that apart
    (søkjarar → søkjar, søkere → søker); with `folded`, those typed without æøå instead."""
    forms = [(nynorsk, bokmål)]
    if nynorsk.endswith("ar") and bokmål.endswith("er"):
        forms.append((nynorsk + "ar", bokmål + "e"))
    if folded:  # bustøtte typed bustotte is bostotte; straum, typed as it is, is strøm already
        forms = [(fold(n), fold(b)) for n, b in forms if has_nordic_letters(n)]
    return [(n, stem(n), b) for n, b in forms]


def _compound_parts(result: Entries, pairs: dict[str, str], nynorsk: frozenset[str], bokmål: frozenset[str],
                    stem: Callable[[str], str]) -> None:
    """The heads and modifiers for compounds the lists lack: the nynorsk-only lemmas that end or
    begin a nynorsk compound lemma (so that a word that never does, fauskestuve, costs no start-up time)."""
    lemmas = nynorsk | bokmål
    heads, modifiers = set(), set()
    for word in nynorsk:
        for cut in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
            if word[cut:] in lemmas:
                heads.add(word[cut:])
                modifiers.update((word[:cut], word[:cut - 1]))
    shared = set(COMPOUND_PARTS)
    result.heads = {key for word in (heads - bokmål) | shared if word in pairs or word in shared
                    for folded in (False, True) for _, key, _ in _forms(word, pairs.get(word) or COMPOUND_PARTS[word], stem, folded)
                    if key in result.words and len(key) >= MIN_HEAD}
    result.modifiers = {word: pair for word, pair in (pairs | MODIFIER_PARTS).items() if len(word) >= MIN_MODIFIER
                        and (word in MODIFIER_PARTS or word in modifiers and (word in HAND_PAIRS or word not in bokmål))}
    result.modifiers |= {fold(word): fold(pair) for word, pair in result.modifiers.items() if has_nordic_letters(word)}


# Endings of inflected forms that the run-time compound rule must leave alone too: følgje is
# bokmål and nynorsk, and følgjer must not become føl + gjer → følgjøre.
ENDINGS = ("", "r", "er", "n", "en", "et", "a", "ar", "ane", "ene", "s")


def inflected(word: str, stem: Callable[[str], str]) -> list[str]:
    """The word with each ending that Snowball takes off again (bustadhus + r is no form of it)."""
    own = stem(word)
    return [word + ending for ending in ENDINGS if stem(word + ending) == own]


def keep_bokmål_intact(result: Entries, bokmål: frozenset[str], stem: Callable[[str], str]) -> None:
    """Leave out each head and modifier that changes a bokmål lemma or one of its inflected forms at
    run time (bu- would make budsjett bodsjett, eige- eigenkapital eienkapital), until none does.
    The hand-picked parts stay: foreldreheim is foreldrehjem."""
    forms = [form for word in bokmål for form in inflected(word, stem) if len(form) >= MIN_COMPOUND]
    while True:
        nynorsk_map = result.as_map()
        culprits = set()
        for word in forms:
            own = stem(word)
            if own in nynorsk_map.words:
                continue  # a word of both languages the map takes on purpose (bustøtte)
            found = nynorsk_map.bokmål(word, stem)
            if found is not None and stem(found) != own:
                culprits.add(_culprit(nynorsk_map, word, stem))
        culprits = {(kind, key) for kind, key in culprits if key not in _hand_parts(stem)}
        if not culprits:
            return
        for kind, key in culprits:
            (result.heads.discard(key) if kind == "head" else result.modifiers.pop(key, None))
            result.dropped[f"{kind} changes bokmål"].append(key)


def _hand_parts(stem: Callable[[str], str]) -> set[str]:
    return set(MODIFIER_PARTS) | {stem(word) for word in COMPOUND_PARTS} | {fold(word) for word in MODIFIER_PARTS}


def leave_out_compounds(result: Entries, stem: Callable[[str], str]) -> None:
    """Leave out each word that its parts make as well at run time (omsorgsbustad through bustad), in
    every inflected form the entry stands for: a search reads every entry on start-up."""
    nynorsk_map = result.as_map()  # shares result.words
    for key in sorted(result.words.keys() - result.heads - _hand_keys(stem)):
        target = result.words.pop(key)
        forms = inflected(result.spellings[key], stem)
        found = [nynorsk_map.bokmål(form, stem) for form in forms]
        if not forms or any(word is None or stem(word) != stem(target) for word in found):
            result.words[key] = target


def _culprit(nynorsk_map: NynorskMap, word: str, stem: Callable[[str], str]) -> tuple[str, str]:
    """The head or modifier that NynorskMap._compound uses for the word."""
    for cut in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
        if word[cut:cut + MIN_HEAD] in nynorsk_map.head_starts and stem(word[cut:]) in nynorsk_map.heads:
            return ("head", stem(word[cut:]))
    for cut in range(len(word) - MIN_HEAD, MIN_MODIFIER - 1, -1):
        for key in (word[:cut], word[:cut - 1] if word[cut - 1] in "se" else ""):
            if key in nynorsk_map.modifiers and begins_a_word(word[cut:]):
                return ("modifier", key)
    raise AssertionError(word)


def render(result: Entries) -> str:
    lines = [
        "# nynorsk → bokmål for sokbase's analyzer, derived from Norsk ordbank (Språkbanken,",
        "# Nasjonalbiblioteket, CC-BY 4.0) by scripts/build_lexicon.py; see LICENSE-ordbank.txt.",
        "# [heads]: Snowball stem → bokmål word, also as a compound's last part; [words]: whole words only;",
        "# [modifiers]: nynorsk lemma → bokmål lemma as a compound's first part.",
    ]
    heads = {key: result.words[key] for key in result.heads}
    words = {key: word for key, word in result.words.items() if key not in result.heads}
    for name, table in (("heads", heads), ("words", words), ("modifiers", result.modifiers)):
        lines.append(f"[{name}]")
        lines += [f"{key}\t{value}" for key, value in sorted(table.items())]
    return "\n".join(lines) + "\n"
