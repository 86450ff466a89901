"""Pick the part of a passage that shows why it matched, and where the query's words are in it.

Highlights come from the same analyzer as the index, so "barnefamiliene" is marked for the
query "barnefamilier". Offsets are returned instead of markup so that every renderer escapes
and marks text in its own way (ANSI in a terminal, <mark> in HTML, plain in JSON).
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from .analysis import TOKEN_PATTERN

SNIPPET_WORDS = 40
WHOLE_PASSAGE_WORDS = 55  # short passages are shown whole
WORD = re.compile(TOKEN_PATTERN)  # the analyzer's tokenizer: a highlight spans what it made one token


@dataclass(frozen=True)
class TermMatcher:
    """The analyzed words a query looks for: exact stems and wildcard patterns."""

    exact: frozenset[str]
    patterns: tuple[re.Pattern, ...] = ()

    def matches(self, stem: str) -> bool:
        return stem in self.exact or any(p.match(stem) for p in self.patterns)

    @classmethod
    def build(cls, words: set[str], wildcards: set[str]) -> TermMatcher:
        patterns = tuple(re.compile(fnmatch.translate(w.lower())) for w in sorted(wildcards))
        return cls(frozenset(words), patterns)


class Highlighter:
    """Where a text holds the words a query looks for.

    Each word's terms are worked out once, by the index's analyzer, and remembered by the word as
    written (case matters: NAV is not nav). Analysing every hit's whole text anew took 0.9 ms a
    hit, most of a typical search; words repeat across passages, so the memory is soon warm.
    """

    MAX_WORDS = 200_000  # forgotten all at once beyond this: a long-running server stays bounded

    def __init__(self, analyzer):
        self._analyzer = analyzer
        self._terms: dict[str, tuple[str, ...]] = {}

    def spans(self, text: str, matcher: TermMatcher) -> tuple[tuple[int, int], ...]:
        if not matcher.exact and not matcher.patterns:
            return ()
        return tuple(
            word.span()
            for word in WORD.finditer(text)
            # One word may yield several terms (stem, compound parts, folded form): marked once.
            if any(matcher.matches(term) for term in self._terms_of(word.group()))
        )

    def _terms_of(self, word: str) -> tuple[str, ...]:
        terms = self._terms.get(word)
        if terms is None:
            if len(self._terms) >= self.MAX_WORDS:
                self._terms.clear()
            terms = self._terms[word] = tuple(token.text for token in self._analyzer(word, mode="index"))
        return terms


def make_snippet(text: str, matcher: TermMatcher, highlighter: Highlighter) -> tuple[str, tuple[tuple[int, int], ...]]:
    flat = " ".join(text.split())
    spans = highlighter.spans(flat, matcher)
    words = [m.span() for m in re.finditer(r"\S+", flat)]
    if len(words) <= WHOLE_PASSAGE_WORDS:
        return flat, spans
    first, last = _best_window(words, spans)
    start, end = words[first][0], words[last][1]
    prefix = "… " if first > 0 else ""
    suffix = " …" if last < len(words) - 1 else ""
    shift = len(prefix) - start
    inside = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return f"{prefix}{flat[start:end]}{suffix}", inside


def _best_window(words: list[tuple[int, int]], spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The run of SNIPPET_WORDS words holding the most matches, started a few words early for context."""
    hit_words = [index for index, (s, e) in enumerate(words) if any(s <= hs < e for hs, _ in spans)]
    best_first, best_count = 0, -1
    for hit in hit_words or [0]:
        first = max(0, hit - 5)
        count = sum(1 for index in hit_words if first <= index < first + SNIPPET_WORDS)
        if count > best_count:
            best_first, best_count = first, count
    best_first = max(0, min(best_first, len(words) - SNIPPET_WORDS))
    return best_first, min(len(words), best_first + SNIPPET_WORDS) - 1
