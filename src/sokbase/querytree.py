"""What a query means, as small records that no engine owns.

query.py reads what a caseworker types into this tree; ranking.py scores passages by it; each engine
(engines/) only translates it into its own way of finding passages. A query word is a `Word`: the
word itself and the other index terms that count as finding it (compound parts, the form without
æøå, a body's other name, its parts written apart), each with the weight it counts with.

Fields are those of the index (schema.py): `content` (title, heading and body, weighted), `title`
and `heading` as written, `konferanse`, and the exact-match fields `kommune`, `doc_type`, `doc_id`,
`paragraph` and `chapter`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

CONTENT = "content"
MAX_EXPANSIONS = 20  # a wildcard means its 20 most common words: "inn*" would otherwise search thousands


@dataclass(frozen=True)
class Term:
    """One index term of one field, counted with `weight` against the word itself."""

    field: str
    text: str
    weight: float = 1.0


@dataclass(frozen=True)
class AllOf:
    """A compound typed as one word, found written apart: `barnehageplass` in "plass i barnehagen":
    every term, in any order, each within `window` positions of the next (stop words count)."""

    terms: tuple[Term, ...]
    weight: float
    window: int = 3


@dataclass(frozen=True)
class Word:
    """A word as typed, found when any of its alternatives is; the first alternative is the word itself.

    `partial` are terms that tell something of the word without finding it: each part of a compound
    on its own (saksbehandlingsfrist: frist in "Frister for behandling av søknad"). A passage holding
    one of them matches as the word does, but the ranking counts it as still lacking the word. Only a
    query of several words carries them (search.py): alone, "barn" would match "barnefamilier"."""

    surface: str
    alternatives: tuple[Term | AllOf, ...]
    partial: tuple[Term, ...] = ()

    @property
    def main(self) -> Term:
        return self.alternatives[0]  # type: ignore[return-value]

    def terms(self) -> Iterator[Term]:
        for alternative in self.alternatives:
            yield from alternative.terms if isinstance(alternative, AllOf) else (alternative,)
        yield from self.partial


@dataclass(frozen=True)
class Phrase:
    """Words in this order, at most `slop` positions apart (stop words typed inside leave gaps)."""

    field: str
    words: tuple[str, ...]
    slop: int = 1


@dataclass(frozen=True)
class Prefix:
    """Words beginning with `prefix` (område*); engines expand it to the most common such words."""

    field: str
    prefix: str


@dataclass(frozen=True)
class Pattern:
    """A wildcard inside a word (bo?tte, om*føring): `*` any letters, `?` one letter."""

    field: str
    pattern: str


@dataclass(frozen=True)
class Match:
    """An exact value of a keyword field (a kommune number, a document type, a paragraph); no score."""

    field: str
    value: str


@dataclass(frozen=True)
class YearRange:
    start: int | None
    end: int | None


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """Passages without `child`; only meaningful inside an And beside something positive."""

    child: Node


@dataclass(frozen=True)
class Filter:
    """`query` among the passages that match `condition`; the condition adds nothing to the score."""

    query: Node
    condition: Node


Leaf = Term | Word | Phrase | Prefix | Pattern | Match | YearRange
Node = Leaf | And | Or | Not | Filter


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (And, Or)):
        return node.children
    if isinstance(node, Not):
        return (node.child,)
    if isinstance(node, Filter):
        return (node.query, node.condition)
    return ()


def walk(node: Node) -> Iterator[Node]:
    yield node
    for child in children(node):
        yield from walk(child)


def positive(node: Node) -> Iterator[Node]:
    """The nodes that ask for something the score counts: none under NOT or in a filter's condition."""
    yield node
    if isinstance(node, Not):
        return
    if isinstance(node, Filter):
        yield from positive(node.query)
        return
    for child in children(node):
        if not isinstance(child, Not):
            yield from positive(child)


def is_scored(node: Node) -> bool:
    """Whether a passage's match of `node` says anything about how well it answers (not a filter)."""
    return any(isinstance(item, (Word, Term, Phrase, Prefix, Pattern)) for item in positive(node))


def map_words(node: Node, change: Callable[[Word], Word]) -> Node:
    """`node` with `change` applied to each Word that asks for something (not under NOT, not in a
    filter's condition): how a query's words are widened or narrowed after parsing."""
    if isinstance(node, Word):
        return change(node)
    if isinstance(node, (And, Or)):
        return type(node)(tuple(map_words(child, change) for child in node.children))
    if isinstance(node, Filter):
        return Filter(map_words(node.query, change), node.condition)
    return node
