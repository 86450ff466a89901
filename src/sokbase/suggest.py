"""'Mente du …?': the query with its unknown words replaced by the nearest words the index holds.

The index holds stems ("områdesatsing", "barnefamili"), so a correction is found among the stems
and shown as the word a passage actually uses ("barnefamilier"), which searches the same.
"""
from __future__ import annotations

import re

from . import querytree as qt

# A word, or what no correction touches: an operator ("Oslo AND Bergen" is not «Oslo andre Bergen»)
# and a field with its value (kommune:"Nordre Follo" names a kommune, not a typo of Norge).
TOKEN = re.compile(r'(?P<kept>(?<!\S)[-+]?[^\W\d]\w*:(?:"[^"]*"|\S+)|(?<!\S)(?:AND|OR|NOT|ANDNOT|OG|ELLER|IKKE)(?!\S))|\w+')
FIELD = qt.CONTENT
NEAR_WORDS = 5  # words looked at per form: the nearest may be held only by passages the reader may not see


def suggest(engine, analyzer, query: str) -> list[str]:
    corrections = {}
    for word in dict.fromkeys(match[0] for match in TOKEN.finditer(query) if not match["kept"]):
        terms = [token.text for token in analyzer(word, mode="query")]
        # A word found as itself, a compound part, without æøå or as a body's other name is no typo.
        if not terms or any(_held(engine, term) for term in terms):
            continue
        edits = _edits(word)
        if not edits:
            continue
        # Place names are indexed whole, other words as stems: look near both forms of the word.
        candidates = [found for form in dict.fromkeys([terms[0], word.lower()])
                      for found in engine.near_words(form, edits, NEAR_WORDS) if _held(engine, found)]
        surface = _surface_form(engine, analyzer, candidates[0]) if candidates else None
        if surface and surface.lower() != word.lower():
            corrections[word] = surface if word[:1].isupper() else surface.lower()
        elif written_apart := _apart(engine, analyzer, word):  # depositumsgaranti: its parts are there
            corrections[word] = written_apart
    if not corrections:
        return []
    return [TOKEN.sub(lambda match: match[0] if match["kept"] else corrections.get(match[0], match[0]), query)]


def _apart(engine, analyzer, word: str) -> str | None:
    """The word as two words the index holds, when it is a compound no passage writes."""
    from .compounds import apart_as_written

    def stem(part: str) -> str:
        terms = [token.text for token in analyzer(part, mode="query")]
        return terms[0] if terms else part

    found = apart_as_written(word, stem, lambda term: _held(engine, term))
    return " ".join(found) if found else None


def _held(engine, term: str) -> bool:
    """Whether a passage the searcher may see holds the term (a reader's engine counts only those):
    a correction, or the lack of one, must not tell of a word that only hidden passages hold."""
    return engine.count(qt.Term(FIELD, term), 1)[0] > 0


def _edits(word: str) -> int:
    """How far a correction may be from the word, as Elasticsearch's fuzziness AUTO: one letter in
    words of three to five letters (KMD is not a typo of kl), two in longer ones, none in shorter."""
    return 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2


def _surface_form(engine, analyzer, term: str) -> str | None:
    """The shortest way passages write a word whose index term is `term` (closest to its lemma)."""
    keys = [candidate.key for candidate in engine.candidates(qt.Term(FIELD, term), 5)]
    forms = {
        value[token.startchar : token.endchar]
        for fields in engine.stored(keys)
        for value in (fields.get("title") or "", fields.get("heading") or "", fields["text"])  # what FIELD holds
        for token in analyzer(value, chars=True, mode="index")
        if token.text == term
    }
    return min(forms, key=lambda form: (len(form), form)) if forms else None
