"""Text clean-up shared by the extractors: decoding bytes, normalising characters, rejoining lines.

Norwegian texts written in Word and exported to PDF or HTML carry invisible characters (soft
hyphens, zero-width spaces, non-breaking spaces, ligatures) that would split or hide words from
the search; this module removes them without changing what a reader sees.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable

# Characters a reader never sees; left in, they break a word in two for the search.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
# Spaces of other widths print as a space and should be searched as one.
_SPACES = dict.fromkeys([0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000], " ")
# NFC keeps "½" and "²" as they are; only the typographic ligatures are spelled out.
_LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"}
_TABLE = {**_INVISIBLE, **_SPACES, **_LIGATURES}
# str.translate looks every character up in _TABLE; most texts hold none of them, which a search tells faster.
_IN_TABLE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_TABLE)) + "]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_RUNS_OF_SPACE = re.compile(r"[ \t]+")

# A hyphen at a line end is kept before these words: "bo- og nærmiljø", "by- eller tettsted".
_CONJUNCTIONS = {"og", "eller", "samt", "and", "or", "enn", "til"}
_HYPHENS = ("-", "\u2010")
_WORD = re.compile(r"\w+")

# Below this share of control characters a decoded file is text with a few stray bytes.
_BINARY_SHARE = 0.05
_BINARY_SAMPLE = 4096


def normalize(text: str) -> str:
    """NFC, invisible characters removed, odd spaces made plain, runs of spaces collapsed per line."""
    text = unicodedata.normalize("NFC", text)
    if _IN_TABLE.search(text):
        text = text.translate(_TABLE)
    text = _CONTROL.sub("", text)
    return "\n".join(_RUNS_OF_SPACE.sub(" ", line).strip() for line in text.split("\n")).strip()


def join_lines(lines: Iterable[str]) -> str:
    """Join the lines of one paragraph, undoing hyphenation at line ends the way a reader would."""
    joined = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        joined = _join_two(joined, line) if joined else line
    return normalize(joined)


def _join_two(left: str, right: str) -> str:
    if left.endswith("\u00ad"):  # a soft hyphen marks a break inside a word
        return left[:-1] + right
    if not left.endswith(_HYPHENS) or len(left) < 2 or not left[-2].isalpha():
        return f"{left} {right}"  # "2020 -" + "2024", or no hyphen at all
    first_word = right.split(maxsplit=1)[0].lower()
    if first_word in _CONJUNCTIONS:
        return f"{left} {right}"  # "bo-" + "og nærmiljø"
    if right[0].isupper() or right[0].isdigit() or _keeps_hyphen(left):
        return left + right  # "Nord-" + "Norge", "covid-" + "19", "NAV-" + "kontor"
    return left[:-1] + right  # "levekårs-" + "utsatte"


def _keeps_hyphen(left: str) -> bool:
    """The part before the hyphen is a letter, an abbreviation or part of a web address:
    "e-" + "post", "NAV-" + "kontoret", ".../god-oppvekst-og-" + "utdanning/"."""
    token = left.rsplit(maxsplit=1)[-1]
    if "/" in token or "www." in token or "@" in token:
        return True
    words = _WORD.findall(token)
    stem = words[-1] if words else ""
    return len(stem) == 1 or (len(stem) > 1 and stem.isupper())


def decode(data: bytes, declared: str | None = None) -> str:
    """UTF-8 (with or without BOM) first, then the charset the file declares, then cp1252.

    cp1252 is the last resort because it accepts almost any byte and covers Latin-1's
    printable characters, so Windows-made Norwegian text comes out with its æøå.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if declared and _known_codec(declared):
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors="replace")


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def looks_binary(text: str) -> bool:
    """True for decoded bytes that are not text: NULs, or many control or undecodable characters."""
    sample = text[:_BINARY_SAMPLE]
    if not sample:
        return False
    if "\x00" in sample:
        return True
    noise = len(_CONTROL.findall(sample)) + sample.count("\ufffd")
    return noise / len(sample) > _BINARY_SHARE


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?![\d])")
_NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")


def iso_date(value: str) -> str | None:
    """"2024-09-27T10:00+02:00" → "2024-09-27", "27.09.2024" → "2024-09-27"; keeps the precision
    given ("2020", "2011-05"); None when the value does not start with a date."""
    value = value.strip()
    iso = _ISO_DATE.match(value)
    norwegian = _NORWEGIAN_DATE.match(value)
    if iso:
        year, month, day = iso.groups()
    elif norwegian:
        day, month, year = norwegian.groups()
    else:
        return None
    if (month and not 1 <= int(month) <= 12) or (day and not 1 <= int(day) <= 31):
        return None
    return "-".join(part.zfill(2) for part in (year, month, day) if part)
