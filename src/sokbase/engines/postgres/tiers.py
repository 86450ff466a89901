"""The tiers: which of a passage's terms it holds so strongly that a search for a common word must
look at it, and the bound every other passage of that word stays under.

BM25's term part, tf·(K1+1) / (tf + K1·(1 − B + B·length/average)), grows with a term's weight in
the passage and shrinks with the passage's length; it never reaches K1+1 = 2.2. A passage's
`strong` terms are those whose term part reaches STRONG (with the index's average length when the
passage was written): a word said three times, or twice in a short passage, or once in a very
short one. GIN indexes them, so a common word's strong passages are found without reading the
rest, about 3 % of them (measured over 84,000 passages). Any other passage holding the word scores
below STRONG·idf for it, times average-now / average-then when passages have grown longer since
(the term part rises with the average, at most in that ratio); the candidate step
(candidates.py) uses that bound to prove that no passage outside its candidates can rank.

A word that is common but seldom repeated has almost no strong passages ("brukt": 26 of 27,976 at
842,000 passages), and its best passages then all score just under the strong bound: the proof fails
and every passage holding it is scored (180 ms). A passage's `medium` terms are those just under
STRONG, at MEDIUM or above: a word in at most MEDIUM_UP_TO passages is read through both (its best
101 passages at 842,000 all reach 1.496, so MEDIUM proves the answer from a few percent of them). A
very common word uses its strong tier alone: with the medium one it would read tens of thousands.
Only the band is stored, not every term from MEDIUM up: each term a tier holds is one more GIN
posting to build.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass

from whoosh.util.numeric import byte_to_length, length_to_byte

from ...scoring import B, K1

STRONG = 1.5
MEDIUM = 1.4  # 2.0 % of all postings fall in [MEDIUM, STRONG), 2.4 % at STRONG or above (1M bench corpus)
MEDIUM_UP_TO = 60_000  # passages: a word in at most this many is read through its medium tier


def term_part(weight: float, length: float, average: float) -> float:
    return (weight * (K1 + 1)) / (weight + K1 * ((1 - B) + B * length / average))


def tier_terms(terms: list[str], weights: list[float], length: int, average: float) -> tuple[list[str], list[str]]:
    """The terms of one passage at or above STRONG, and those at or above MEDIUM but below STRONG;
    weights as stored (float32), the length rounded to one byte as Whoosh and the scoring round it."""
    norm = K1 * ((1 - B) + B * byte_to_length(length_to_byte(length)) / average)
    # term_part(w) = w·(K1+1) / (w + norm) reaches a floor f exactly when w ≥ f·norm / (K1+1−f): one
    # comparison a term, in the writing process, where a call a term cost the build 3 %.
    strong_from, medium_from = STRONG * norm / (K1 + 1 - STRONG), MEDIUM * norm / (K1 + 1 - MEDIUM)
    strong, medium = [], []
    for term, weight in zip(terms, array("f", weights)):
        if weight >= medium_from:
            (strong if weight >= strong_from else medium).append(term)
    return strong, medium


@dataclass(frozen=True)
class Tier:
    """Where a common word's candidates are: the passages holding it at `floor` or above, whose terms
    are in `columns`. Every other passage holding it has a term part below `floor`."""

    floor: float
    columns: tuple[str, ...]

    def sql(self, words: str) -> str:
        """SQL true for the passages holding one of `words` (an array parameter) in this tier."""
        return "(" + " OR ".join(f"{column} && {words}::text[]" for column in self.columns) + ")"


def tier_of(passages: int) -> Tier:
    """A word in at most MEDIUM_UP_TO passages is read from MEDIUM up, a more common one from STRONG."""
    if passages <= MEDIUM_UP_TO:
        return Tier(MEDIUM, ("p.strong", "p.medium"))
    return Tier(STRONG, ("p.strong",))


def growth(average_now: float, average_then: float) -> float:
    """How much a term part may have risen since the tier was drawn (1 when passages got shorter)."""
    return max(1.0, average_now / average_then) if average_then > 0 else float("inf")
