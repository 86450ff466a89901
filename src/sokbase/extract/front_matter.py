"""YAML front matter at the very start of a Markdown file → Document fields; never text.

    ---
    tittel: "Lov om husleieavtaler (husleieloven)"
    korttittel: "Husleieloven – husll"
    departement: "Kommunal- og distriktsdepartementet"
    ikrafttredelse: "2000-01-01"
    sist-endret-ikrafttredelse: "2026-01-01"
    ---

The Norwegian keys are those of Lovdata's laws; the English ones are the sidecar's names for the same
Document fields, plus `author`, which notes written elsewhere use for who stands behind them.
"""
from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable
from typing import Any

import yaml

from ..textnorm import iso_date, normalize

logger = logging.getLogger(__name__)

# `---` on the first line, closed by `---` (or YAML's own end marker `...`) on a line of its own.
_FRONT_MATTER = re.compile(r"---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.DOTALL | re.MULTILINE)
_DATE_IN_TEXT = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
# Real front matter is a few hundred characters; PyYAML reads about half a megabyte a second, so a
# file that is mostly "front matter" would hold up indexing for nothing a search could use.
MAX_CHARS = 64 * 1024

LOVDATA = "https://lovdata.no/"
_REFID = re.compile(r"(?:lov|forskrift)/\d{4}-\d{2}-\d{2}(?:-\d+)?")

# Document field → the keys that may give it, the first one with a usable value wins.
TEXT_KEYS = {
    "title": ("tittel", "title"),
    "short_title": ("korttittel", "short_title"),
    "publisher": ("departement", "publisher", "author"),
    "url": ("url",),
    "language": ("language",),
    "description": ("description",),
}
DATE_KEYS = {
    # In force from; a law in force in steps lists every date, its main one first:
    # "1993-09-15, 1993-03-12 (§ 30)".
    "date": ("ikrafttredelse", "date"),
    "modified": ("sist-endret-ikrafttredelse", "modified"),
}


def split_front_matter(text: str, source: str) -> tuple[dict[str, str], str]:
    """The Document fields given by the front matter that opens `text`, and the text after it.

    Front matter that is not valid YAML, or not a set of keys and values, gives no fields but is
    still cut away: it was written as metadata, not as something to read."""
    found = _FRONT_MATTER.match(text)
    if found is None:
        return {}, text
    return _fields(_load(found[1], source)), text[found.end():]


def _load(raw: str, source: str) -> dict[str, Any]:
    if len(raw) > MAX_CHARS:
        logger.debug("%s: front matter er for lang (%d tegn) og blir hoppet over", source, len(raw))
        return {}
    try:
        loaded = yaml.safe_load(raw)
    # ValueError: an impossible date (2024-13-45); RecursionError: brackets nested thousands deep.
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        logger.debug("%s: front matter er ikke gyldig YAML og blir hoppet over (%s)", source, type(error).__name__)
        return {}
    return {str(key).lower(): value for key, value in loaded.items()} if isinstance(loaded, dict) else {}


def _fields(values: dict[str, Any]) -> dict[str, str]:
    fields = {field: _first(values, keys, _text) for field, keys in TEXT_KEYS.items()}
    fields |= {field: _first(values, keys, _date) for field, keys in DATE_KEYS.items()}
    fields["url"] = fields["url"] or _lovdata_url(_text(values.get("refid")))
    return {field: value for field, value in fields.items() if value}


def _lovdata_url(refid: str | None) -> str | None:
    """Lovdata's own address of a law or regulation, from the `refid` of its front matter
    ("lov/1999-03-26-17" → https://lovdata.no/lov/1999-03-26-17): the source a caseworker cites."""
    return f"{LOVDATA}{refid}" if refid and _REFID.fullmatch(refid) else None


def _first(values: dict[str, Any], keys: tuple[str, ...], read: Callable[[Any], str | None]) -> str | None:
    return next(filter(None, (read(values.get(key)) for key in keys)), None)


def _text(value: Any) -> str | None:
    """A scalar as one line of text; a list of scalars (several authors) joined with commas."""
    if isinstance(value, list):
        return ", ".join(filter(None, (_text(item) for item in value if not isinstance(item, list)))) or None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return " ".join(normalize(str(value)).split()) or None
    return None


def _date(value: Any) -> str | None:
    """The value's first date, ISO 8601: YAML reads an unquoted 2024-09-27 as a date already."""
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    text = _text(value)
    if text is None:
        return None
    first = _DATE_IN_TEXT.search(text)
    return iso_date(text) or (iso_date(first[0]) if first else None)
