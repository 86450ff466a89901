from sokbase.analysis import norwegian_analyzer
from sokbase.snippets import SNIPPET_WORDS, Highlighter, TermMatcher, make_snippet

HIGHLIGHTER = Highlighter(norwegian_analyzer())
TRONDHEIM = (
    "Trondheim kommune deler funn i forskningsrapport fra Sintef. Trondheim opplever at barnefamilier "
    "flytter ut av sentrale bydeler. Samtidig opplever bydelene en økende grad av hyblifisering. Hva sier "
    "forskningsrapporten om hva som skal til for at barnefamilier skal ønske å bo sentralt?"
)


def marked(snippet, spans):
    return [snippet[s:e] for s, e in spans]


def test_inflected_forms_are_highlighted():
    matcher = TermMatcher.build({"barnefamili"}, set())
    snippet, spans = make_snippet(TRONDHEIM, matcher, HIGHLIGHTER)
    assert marked(snippet, spans) == ["barnefamilier", "barnefamilier"]


def test_wildcards_are_highlighted():
    matcher = TermMatcher.build(set(), {"forskning*"})
    snippet, spans = make_snippet(TRONDHEIM, matcher, HIGHLIGHTER)
    assert marked(snippet, spans) == ["forskningsrapport", "forskningsrapporten"]


def test_long_passage_is_cut_around_the_matches_with_ellipses():
    filler = "Dette er en setning om noe helt annet enn saken. " * 20
    text = filler + "Frivilligbørs er et internasjonalt konsept. " + filler
    snippet, spans = make_snippet(text, TermMatcher.build({"frivilligbør"}, set()), HIGHLIGHTER)
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet.split()) <= SNIPPET_WORDS + 2
    assert marked(snippet, spans) == ["Frivilligbørs"]
