"""Find the conference or meeting a document is from or about.

Only the title decides whether a document is about an event, so that a policy page that
merely mentions a conference is not labelled as one. Year, date and venue are then read
from the title and the first blocks, where programmes and event pages state them.
"""
from __future__ import annotations

import re

from .models import Conference, Document

# An event word counts only as the head of its word: standing alone or ending a compound, with
# an inflection ("Erfaringskonferansen", "seminarene") or a document about the event after it
# ("konferanseprogram"). As the first part of another word it names something else
# ("samlingsregjering", "linjekonferanseloven"). What comes before the head decides the rest:
# - "samling" mostly names a collection once compounded ("innsamling", "generalforsamling",
#   "lovsamling", "kunstsamling"), so as a compound head it is an event only after a modifier that
#   makes it a gathering ("fagsamling", "nettverkssamling");
# - the other event words name an event whatever precedes them, except after a modifier that makes
#   them something else ("linjekonferanse": a cartel of shipping lines; "bilverksted": a garage).
_EVENT_HEADS = (
    "konferanse|konferense|kunnskapsmøte|dialogmøte|årsmøte|frokostmøte|seminar|webinar|workshop|"
    "fagdag|verksted|befaring|samling"
)
_EVENT_WORD = re.compile(
    rf"(?P<modifier>\w*?)(?P<head>{_EVENT_HEADS})"
    r"(?:en|et|er|ene|ne|n|r|t|s)?"  # konferansen, seminaret, samlinger, møtene, workshops
    r"(?:s?(?:program|rapport|referat|dokumentasjon)\w*)?"
)
_GATHERING_MODIFIERS = frozenset({
    "fag", "nettverk", "nettverks", "leder", "region", "regions", "kurs", "dag", "oppstart", "oppstarts",
    "høst", "vår",
})
_NON_EVENT_MODIFIERS = ("linje", "bil")
_WORD = re.compile(r"[^\W\d_]+")  # hyphens and digits part words: "KS-konferansen", "2024-samling"

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januar", "jan"), ("februar", "feb"), ("mars", "mar"), ("april", "apr"), ("mai",),
            ("juni", "jun"), ("juli", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("oktober", "okt"), ("november", "nov"), ("desember", "des"),
        ],
        start=1,
    )
    for name in names
}
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_WORD_DATE = re.compile(
    r"\b(\d{1,2})\.\s*(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?(?:\s+(\d{4}))?\b",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_STREET_ADDRESS = re.compile(
    r"\b\w*(vei|veien|veg|vegen|gate|gata|gaten|plass|allé|alle|torg|brygge)\s+\d+", re.IGNORECASE
)
# "ble gjennomført på Vulkan i Oslo", "holdes i Bodø", "arrangeres på Hotell 33 i Oslo"
_VENUE_SENTENCE = re.compile(
    r"\b(?:gjennomført|gjennomføres|holdt|holdes|avholdt|avholdes|arrangert|arrangeres|"
    r"finner sted|fant sted)\s+(?:på|i)\s+"
    r"(?P<place>[A-ZÆØÅ][\w-]*(?:\s+(?:[A-ZÆØÅ][\w-]*|\d+(?=\s+[A-ZÆØÅ])))*)"
    r"(?:\s+i\s+(?P<city>[A-ZÆØÅ][\w-]*))?"
)
HEAD_BLOCKS = 12  # programmes and event pages state date and venue near the top
PROGRAMME_LINE_WORDS = 10


def detect_conference(document: Document) -> Conference | None:
    if document.conference is not None:
        return document.conference
    if not names_event(document.title):
        return None
    head = [block.text for block in document.blocks[:HEAD_BLOCKS]]
    name = conference_name(document.title)
    year = _first_year(name)
    date, venue = _date_and_venue(head, year)
    # Only dates stated with the event count: a year elsewhere in the text ("siden 2007") is history.
    year = year or _first_year(date or "") or _first_year(document.date or "")
    return Conference(name=name, year=year, date=date, venue=venue or _venue_from_sentences(head))


def names_event(text: str) -> bool:
    """Whether a word of `text` names a conference, seminar, gathering or the like."""
    return any(_is_event_word(word.lower()) for word in _WORD.findall(text))


def _is_event_word(word: str) -> bool:
    match = _EVENT_WORD.fullmatch(word)
    if match is None:
        return False
    modifier = match.group("modifier")
    if match.group("head") == "samling":
        return not modifier or modifier in _GATHERING_MODIFIERS
    return not modifier.endswith(_NON_EVENT_MODIFIERS)


def conference_name(title: str) -> str:
    """The part of the title that names the event: 'Erfaringskonferansen om områdesatsinger 2024 –
    verksteder og befaringer' → 'Erfaringskonferansen om områdesatsinger 2024'."""
    segments = [s.strip() for s in re.split(r"\s+[–—-]\s+|\.\s+|:\s+", title) if s.strip()]
    for segment in segments:
        if names_event(segment) and len(segment.split()) >= 3:
            return segment
    return title.strip()


def _first_year(text: str) -> int | None:
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def _date_and_venue(head: list[str], year: int | None) -> tuple[str | None, str | None]:
    for index, text in enumerate(head):
        found = _find_date(text, year)
        if found is None:
            continue
        date, end = found
        if len(text.split()) > PROGRAMME_LINE_WORDS:  # a date inside prose: no venue line follows it
            return date, None
        rest = text[end:].strip(" ,.–-\n")
        candidates = [rest] if rest else head[index + 1 : index + 2]
        venue = next((_venue_line(c) for c in candidates if _venue_line(c)), None)
        return date, venue
    return None, None


def _find_date(text: str, year: int | None) -> tuple[str, int] | None:
    match = _NUMERIC_DATE.search(text)
    if match:
        day, month, yyyy = (int(g) for g in match.groups())
        return f"{yyyy:04d}-{month:02d}-{day:02d}", match.end()
    match = _WORD_DATE.search(text)
    if match:
        day, month = int(match.group(1)), MONTHS[match.group(2).lower()]
        yyyy = int(match.group(3)) if match.group(3) else (year or _first_year(text))
        if yyyy:
            return f"{yyyy:04d}-{month:02d}-{day:02d}", match.end()
    return None


def _venue_line(text: str) -> str | None:
    """A short line like 'Hotell 33 Økern, Østre Aker vei 33, Oslo', without the street address."""
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    if not first_line or len(first_line.split()) > 12 or first_line.endswith("?"):
        return None
    parts = [p.strip() for p in first_line.split(",") if p.strip()]
    kept = [p for p in parts if not _STREET_ADDRESS.search(p)]
    if not kept or not kept[0][:1].isupper():
        return None
    return ", ".join(kept)


def _venue_from_sentences(head: list[str]) -> str | None:
    for text in head:
        match = _VENUE_SENTENCE.search(text)
        if match:
            place, city = match.group("place"), match.group("city")
            return f"{place}, {city}" if city and city != place else place
    return None
