"""Postal addresses, letterheads and signatures name a kommune without being about it.

"Feste Grenland AS, Pb. 120, 3901 Porsgrunn" in a planning description from Søgne, a letter's
sender and recipient blocks, "Besøksadresse: …" and an e-mail signature are blanked out before
kommuner are looked for (metadata.py). What is blanked, line by line:

- a segment (between commas) holding a postbox, a postnummer with its place ("3901 Porsgrunn"),
  an e-mail or web address, a phone or organisation number, and the short segment before it
  (the name the address belongs to: "Porsgrunn kommune, Postboks 128, …");
- after "Postadresse:", "Besøksadresse:" and the like, the rest of the line;
- a short line right above an address line (a letterhead's or recipient's name);
- from "Med vennlig hilsen" on, the short lines of the signature.
"""
from __future__ import annotations

import re

NAME_MAX_WORDS = 6  # a segment or line this short before an address is the name it belongs to
SIGNATURE_MAX_WORDS = 8

_SEGMENTS = re.compile(r"\s*[,;|·•]\s*|\s+[–—-]\s+")
# What makes a segment an address, each pattern with the words it cannot match without: most
# segments hold none of them, and trying every pattern at every position was half of parsing's time.
_POSTAL = (
    (("boks", "pb", "p.b."), re.compile(r"\b(?:postboks|pb\.?|p\.b\.|boks)\s*\d+", re.IGNORECASE)),
    ((), re.compile(r"^(?:NO-)?\d{4}\s+[A-ZÆØÅ][\wæøåÆØÅ-]*(?:\s+[A-ZÆØÅ][\wæøåÆØÅ-]*){0,2}$", re.IGNORECASE)),  # "3901 Porsgrunn"
    (("@",), re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (("www.",), re.compile(r"\bwww\.\S+", re.IGNORECASE)),
    (("tlf", "tel", "mobil", "faks", "sentralbord"),
     re.compile(r"\b(?:tlf|telefon|tel|mobil|faks|sentralbord)\.?:?\s*\+?[\d ]{8,}", re.IGNORECASE)),
    (("org",), re.compile(r"\b(?:org\.?\s*nr|organisasjonsnummer)\.?:?\s*\d[\d ]{8,}", re.IGNORECASE)),
    (("post",), re.compile(r"\be-?post\s*:", re.IGNORECASE)),
)
# Every pattern above and every label below needs one of these: most lines of prose have none.
_MAY_HOLD_ADDRESS = re.compile(r"\d|@|www\.|post|adresse|kontakt|avsender|mottaker|tlf|tel|mobil|faks|sentralbord",
                               re.IGNORECASE)
_ADDRESS_LABEL = re.compile(
    r"\b(?:post|besøks|besoks|leverings|faktura|e-?post)?adresse\s*:|\b(?:kontakt|avsender|mottaker)\s*:",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^\s*(?:med\s+)?(?:vennlig|beste)\s+hilsen\b|^\s*mvh\b|^\s*hilsen\b", re.IGNORECASE)


def without_addresses(text: str) -> str:
    """`text` with its postal addresses, letterhead names and signatures replaced by line breaks."""
    lines = text.split("\n")
    kept = [_line_without_address(line) for line in lines]
    for index, (line, left) in enumerate(zip(lines, kept)):
        if left != line and not left.strip():
            _blank_names_above(lines, kept, index)
    _blank_signatures(kept)
    return "\n".join(kept)


def _line_without_address(line: str) -> str:
    if not _MAY_HOLD_ADDRESS.search(line):
        return line
    label = _ADDRESS_LABEL.search(line)
    if label:
        line = line[: label.start()]
    segments = _SEGMENTS.split(line)
    postal = [_postal(segment.strip()) for segment in segments]
    if not any(postal) and not label:
        return line
    blank = list(postal)
    for index, is_postal in enumerate(postal):
        if is_postal and index > 0 and not postal[index - 1] and _short(segments[index - 1], NAME_MAX_WORDS):
            blank[index - 1] = True
    if label and segments and _short(segments[-1], NAME_MAX_WORDS):
        blank[-1] = True  # "Porsgrunn kommune, besøksadresse: …"
    return "\n".join(segment for segment, gone in zip(segments, blank) if not gone)


def _postal(segment: str) -> bool:
    lower = segment.lower()
    return any((not needs or any(word in lower for word in needs)) and pattern.search(segment)
               for needs, pattern in _POSTAL)


def _blank_names_above(lines: list[str], kept: list[str], index: int) -> None:
    """The short lines right above an address: the name of who sends or receives the letter."""
    above = index - 1
    while above >= 0 and index - above <= 3:
        line = kept[above]
        if not line.strip():
            if lines[above].strip():  # an address line blanked already: the block goes on above it
                above -= 1
                continue
            return
        if not _short(line, NAME_MAX_WORDS) or line.rstrip().endswith((".", "?", "!", ":")):
            return
        kept[above] = ""
        above -= 1


def _blank_signatures(kept: list[str]) -> None:
    signing = False
    for index, line in enumerate(kept):
        if _GREETING.match(line):
            signing = True
            kept[index] = ""
        elif signing and line.strip() and _short(line, SIGNATURE_MAX_WORDS):
            kept[index] = ""
        else:
            signing = False


def _short(text: str, words: int) -> bool:
    return len(text.split()) <= words
