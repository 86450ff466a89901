"""Corrections to Whoosh's matchers (whoosh-reloaded, pinned in pyproject.toml), applied by search.py.

AndMaybeMatcher ("a, and b if it is there") moves b to the number it was asked to skip to, not to
where a landed. Inside an intersection (the all-words AND, a kommune filter) a lands further on and
b stays behind, so a passage loses b's part of its score. Whoosh turns a word's OR with its extras
(word, +part, ~folded) into this matcher once its collector has enough hits to prune, so a
passage's score depended on how many hits were asked for: "andre land" ranked one passage 22nd with
30 asked and 12th with 60. `next()` of the same class already moves b to a.
"""
from __future__ import annotations

from whoosh.matching import binary, mcore


def _skip_to(self, id):
    if not self.a.is_active():
        raise mcore.ReadTooFar
    moved_a = self.a.skip_to(id)
    moved_b = False
    if self.a.is_active() and self.b.is_active():
        moved_b = self.b.skip_to(self.a.id())
    return moved_a or moved_b


def apply() -> None:
    binary.AndMaybeMatcher.skip_to = _skip_to
