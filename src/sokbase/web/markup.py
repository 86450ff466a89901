"""Safe HTML from document text: every character is escaped; only our own <mark> tags are markup."""
from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape


def marked(text: str, spans: Iterable[Iterable[int]] = ()) -> Markup:
    """`text` escaped, with each [start, end) span in `spans` wrapped in <mark>."""
    parts: list[str] = []
    last = 0
    for start, end in sorted((int(s), int(e)) for s, e in spans):
        if start < last or end <= start or end > len(text):
            continue  # overlapping or out-of-range spans would cut through an escape sequence
        parts.append(escape(text[last:start]))
        parts.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def norwegian_number(value: float, decimals: int = 0) -> str:
    """12345 → '12 345', 0.0123 with 3 decimals → '0,012' as Norwegians write numbers."""
    formatted = f"{value:,.{decimals}f}"
    return formatted.replace(",", "\u00a0").replace(".", ",")


def web_address(url: str | None) -> str | None:
    """`url` if it is an http(s) address; a document could carry a javascript: or data: URL."""
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return None


LOVDATA_CREDIT = "Inneholder data under NLOD 2.0 tilgjengeliggjort av Lovdata"


def lovdata_credit(url: str | None) -> str | None:
    """The credit NLOD 2.0 asks for wherever Lovdata's texts are shown, for a document from Lovdata."""
    from ..extract.front_matter import LOVDATA

    return LOVDATA_CREDIT if url and url.startswith(LOVDATA) else None
