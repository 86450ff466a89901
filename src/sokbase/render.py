"""Turn Results into what a person or a program reads: terminal text, JSON, CSV."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from .models import Conference, Hit, Municipality, Results

Emphasis = Callable[[str], str]


def plain(text: str) -> str:
    return text


def as_json(results: Results, lines: bool = False) -> str:
    return json.dumps(results.to_dict(), ensure_ascii=False, indent=None if lines else 2)


# For Excel as Norwegian offices set it up: semicolons between columns, decimal commas, Norwegian
# headings, and a byte order mark so that æøå are read as UTF-8. Scripts should read --json.
CSV_COLUMNS = [
    "søk", "rangering", "poeng", "avsnitt_id", "tittel", "konferanse", "konferansedato", "konferansested",
    "kommuner", "side", "overskrift", "utdrag", "kilde", "lenke", "ocr", "mangler",
]
OCR_MARKER = "tekst fra OCR"  # beside a hit whose text was read from a scanned page, and may hold misreadings
CSV_SEPARATOR = ";"
BYTE_ORDER_MARK = "\ufeff"


def _cell(value) -> str:
    """Spreadsheets run a cell starting with = + - @ as a formula; document text must stay text."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def as_csv(all_results: list[Results]) -> str:
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\n")  # stdout on Windows adds the \r
    writer.writerow(CSV_COLUMNS)
    for results in all_results:
        if not results.hits:  # a query of a batch that found nothing still has its row
            writer.writerow([_cell(results.query)] + [""] * (len(CSV_COLUMNS) - 1))
        for hit in results.hits:
            conference = hit.conference
            writer.writerow([_cell(value) for value in [
                results.query, hit.rank, f"{hit.score:.4f}".replace(".", ","), hit.passage_id, hit.title,
                conference.name if conference else "", (conference.date or "") if conference else "",
                (conference.venue or "") if conference else "", format_municipalities(hit.municipalities),
                hit.page or "", hit.heading or "", hit.snippet, hit.source, hit.url or "", "ja" if hit.ocr else "",
                ", ".join(hit.missing_words),
            ]])
    return buffer.getvalue()


def as_text(results: Results, emphasis: Emphasis = plain, filters: tuple[str, ...] = ()) -> str:
    """`filters` are the filters the search was limited by, as typed (--kommune Bergen): with no hits,
    they are a likelier cause than the words."""
    did_you_mean = " eller ".join(f"«{s}»" for s in results.suggestions)
    if not results.hits:
        if filters:
            hint = f"Søket var avgrenset med {' '.join(filters)}; prøv uten " + ("det." if len(filters) == 1 else "dem.")
        else:
            hint = "Prøv færre eller andre ord, eller skriv område* for å finne ord som begynner likt."
        if did_you_mean:
            hint = f"Mente du {did_you_mean}? " + (hint if filters else "")
        return f"Ingen treff for «{results.query}». {hint.strip()}"
    lines = [f"{'' if results.total_exact else 'over '}{results.total} treff for «{results.query}»"]
    if did_you_mean:
        lines.append(f"Mente du {did_you_mean}?")
    if results.notice:
        lines.append(results.notice)
    if not results.matched_all_terms:
        lines.append("Ingen avsnitt inneholdt alle ordene; viser avsnitt som inneholder noen av dem.")
    for hit in results.hits:
        lines.append("")
        lines.extend(hit_lines(hit, emphasis))
    return "\n".join(lines)


def hit_lines(hit: Hit, emphasis: Emphasis = plain) -> list[str]:
    lines = [f"{hit.rank}. {emphasis(hit.title)}", *hit_header(hit)]
    lines.append(f"   {mark(hit.snippet, hit.highlights, emphasis)}")
    source = hit.source + (f"  ({hit.url})" if hit.url else "")
    lines.append(f"   Kilde:      {source}")
    lines.append(f"   Id:         {hit.passage_id}")
    return lines


def hit_header(hit: Hit) -> list[str]:
    """Where a passage comes from: conference, kommuner, section and page."""
    lines = []
    if hit.conference:
        lines.append(f"   Konferanse: {format_conference(hit.conference)}")
    if hit.municipalities:
        lines.append(f"   Kommune:    {format_municipalities(hit.municipalities)}")
    page = f"side {hit.page}" if hit.page else None
    if hit.ocr:
        page = f"{page or ''} ({OCR_MARKER})".strip()
    where = " · ".join(part for part in [hit.heading, page] if part)
    if where:
        lines.append(f"   Avsnitt:    {where}")
    if hit.missing_words:
        lines.append(f"   Mangler:    {', '.join(hit.missing_words)}")
    return lines


def mark(text: str, spans, emphasis: Emphasis) -> str:
    """Apply `emphasis` to each highlighted span of `text`."""
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(emphasis(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def format_conference(conference: Conference) -> str:
    parts = [conference.name]
    if conference.date:
        parts.append(norwegian_date(conference.date))
    elif conference.year and str(conference.year) not in conference.name:
        parts.append(str(conference.year))
    if conference.venue:
        parts.append(conference.venue)
    return " · ".join(parts)


def format_municipalities(municipalities: tuple[Municipality, ...]) -> str:
    return ", ".join(f"{m.name} ({m.number})" for m in municipalities)


def norwegian_date(iso: str) -> str:
    """'2024-09-27' → '27.09.2024' as Norwegians write dates."""
    parts = iso.split("-")
    return ".".join(reversed(parts)) if len(parts) == 3 else iso
