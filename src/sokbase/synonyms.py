"""Words that mean the same to a caseworker: the everyday word and the legal term (leietaker and
leier, inhabil and ugild), an office's former and current name (rådmann and kommunedirektør,
fylkesmannen and statsforvalteren).

The groups are data (data/synonyms.txt), read through the index's own analyzer, so that a member
is stemmed, mapped from nynorsk and split at hyphens exactly as the passages are. A query word in a
group also finds the other members, each counted at SYNONYM_WEIGHT of the word itself, so a passage
using the caseworker's own word still ranks above one using the legal term, other things equal.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources

from . import querytree as qt
from .analysis import AnalysisOptions, analyze, is_extra, norwegian_analyzer

SYNONYM_WEIGHT = 0.5
MEMBER_WINDOW = 3  # a member of several words: each within three positions of the one before (stop words count)

Member = tuple[str, ...]


class Thesaurus:
    """The groups, looked up by the term of a one-word member: a query word is one term."""

    def __init__(self, groups: list[list[Member]]):
        self._others: dict[str, list[Member]] = {}
        for group in groups:
            for member in group:
                if len(member) == 1:
                    others = self._others.setdefault(member[0], [])
                    # "økonomisk sosialhjelp" adds nothing to sosialhjelp: a passage holding it holds the word
                    others.extend(m for m in group if member[0] not in m and m not in others)

    def others(self, term: str) -> list[Member]:
        """The other members of every group that has `term` as a one-word member."""
        return self._others.get(term, [])

    def widen(self, tree: qt.Node, exact: frozenset[str] = frozenset()) -> qt.Node:
        """Each plain word of `tree` also found through its group's other members; not a word the
        user put in quotation marks (`exact`, lower case), which asks for the word as written."""

        def widen_word(word: qt.Word) -> qt.Word:
            if word.main.field != qt.CONTENT or word.surface.lower() in exact:
                return word
            have = {(alt.text,) for alt in word.alternatives if isinstance(alt, qt.Term)}
            added = tuple(_alternative(member) for member in self.others(word.main.text) if member not in have)
            return qt.Word(word.surface, word.alternatives + added, word.partial) if added else word

        return qt.map_words(tree, widen_word)


def _alternative(member: Member) -> qt.Term | qt.AllOf:
    if len(member) == 1:
        return qt.Term(qt.CONTENT, member[0], SYNONYM_WEIGHT)
    return qt.AllOf(tuple(qt.Term(qt.CONTENT, term) for term in member), SYNONYM_WEIGHT, MEMBER_WINDOW)


@lru_cache(maxsize=8)
def thesaurus(options: AnalysisOptions) -> Thesaurus:
    analyzer = norwegian_analyzer(options)
    return read(lambda text: [term for term in analyze(text, analyzer, mode="query") if not is_extra(term)])


def read(terms_of: Callable[[str], list[str]]) -> Thesaurus:
    text = (resources.files("sokbase") / "data" / "synonyms.txt").read_text(encoding="utf-8")
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        members = [tuple(terms_of(word)) for word in line.split(",")]
        groups.append([member for member in dict.fromkeys(members) if member])
    return Thesaurus(groups)
