"""The strong tier: which of a passage's terms it holds so strongly that a search for a common word
must look at it, and the bound every other passage of that word stays under.

BM25's term part, tf·(K1+1) / (tf + K1·(1 − B + B·length/average)), grows with a term's weight in
the passage and shrinks with the passage's length; it never reaches K1+1 = 2.2. A passage's
`strong` terms are those whose term part reaches STRONG (with the index's average length when the
passage was written): a word said three times, or twice in a short passage, or once in a very
short one. GIN indexes them, so a common word's strong passages are found without reading the
rest, about 3 % of them (measured over 84,000 passages). Any other passage holding the word scores
below STRONG·idf for it, times average-now / average-then when passages have grown longer since
(the term part rises with the average, at most in that ratio); the candidate step
(candidates.py) uses that bound to prove that no passage outside its candidates can rank.
"""
from __future__ import annotations

from array import array

from whoosh.util.numeric import byte_to_length, length_to_byte

from ...scoring import B, K1

STRONG = 1.5


def term_part(weight: float, length: float, average: float) -> float:
    return (weight * (K1 + 1)) / (weight + K1 * ((1 - B) + B * length / average))


def strong_terms(terms: list[str], weights: list[float], length: int, average: float) -> list[str]:
    """The terms of one passage at or above STRONG; weights as stored (float32), the length rounded
    to one byte as Whoosh and the scoring round it."""
    rounded = byte_to_length(length_to_byte(length))
    return [term for term, weight in zip(terms, array("f", weights)) if term_part(weight, rounded, average) >= STRONG]


def growth(average_now: float, average_then: float) -> float:
    """How much a term part may have risen since the tier was drawn (1 when passages got shorter)."""
    return max(1.0, average_now / average_then) if average_then > 0 else float("inf")
