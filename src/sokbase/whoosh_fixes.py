"""Corrections to Whoosh's matchers (whoosh-reloaded, pinned in pyproject.toml), applied by search.py.

AndMaybeMatcher ("a, and b if it is there") moves b to the number it was asked to skip to, not to
where a landed. Inside an intersection (the all-words AND, a kommune filter) a lands further on and
b stays behind, so a passage loses b's part of its score. Whoosh turns a word's OR with its extras
(word, +part, ~folded) into this matcher once its collector has enough hits to prune, so a
passage's score depended on how many hits were asked for: "andre land" ranked one passage 22nd with
30 asked and 12th with 60. `next()` of the same class already moves b to a.

InverseMatcher (a NOT beside other words: "områder IKKE buss") scores every passage it matches with
its weight, 1, but reported the best score of the words it excludes as its most (WrappingMatcher's),
which is 0 once they are read to the end. An OR around it then dropped passages that would have
ranked: "tittel:erfaringskonferanse ELLER (områder IKKE buss)" missed its second best passage when
three were asked for and listed it when ten were.
"""
from __future__ import annotations

from whoosh.matching import binary, mcore, wrappers


def _skip_to(self, id):
    if not self.a.is_active():
        raise mcore.ReadTooFar
    moved_a = self.a.skip_to(id)
    moved_b = False
    if self.a.is_active() and self.b.is_active():
        moved_b = self.b.skip_to(self.a.id())
    return moved_a or moved_b


def _inverse_max_quality(self):
    return self._weight


def apply() -> None:
    binary.AndMaybeMatcher.skip_to = _skip_to
    wrappers.InverseMatcher.max_quality = _inverse_max_quality
