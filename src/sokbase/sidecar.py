"""Read the optional `NAME.meta.toml` beside a file: facts about it that the file itself lacks.

    url = "https://www.husbanken.no/..."
    publisher = "Husbanken"
    municipalities = ["5001"]
    access = ["barnevern"]             # who may read it on the web page: see access.py
    [conference]
    name = "Erfaringskonferansen om områdesatsinger 2024"
    date = "2024-09-27"
"""
from __future__ import annotations

import datetime
import logging
import re
import tomllib
from pathlib import Path
from typing import Any

from .errors import ExtractionError
from .models import Conference
from .textnorm import iso_date

logger = logging.getLogger(__name__)

TEXT_KEYS = ("title", "short_title", "url", "language", "publisher", "description")
DATE_KEYS = ("date", "modified")
CONFERENCE_KEYS = ("name", "year", "date", "venue")
_LINE = re.compile(r"at line (\d+)")


def sidecar_path(path: Path) -> Path:
    """`rapport.pdf.meta.toml` if it exists, else `rapport.meta.toml`: the longer name tells apart
    `rapport.pdf` and `rapport.html` in one folder, which would otherwise share a sidecar."""
    own = path.with_name(f"{path.name}.meta.toml")
    return own if own.exists() else path.with_name(f"{path.stem}.meta.toml")


def read_sidecar(path: Path) -> dict[str, Any]:
    """The validated sidecar values for `path`: text fields, "conference" as a Conference and
    "municipalities" as a list of kommune numbers; {} when there is no sidecar."""
    meta = sidecar_path(path)
    if not meta.is_file():
        return {}
    raw = _load(meta)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in DATE_KEYS:
            values[key] = _date(value, key, meta)
        elif key in TEXT_KEYS:
            values[key] = _text(value, key, meta)
        elif key == "conference":
            values[key] = _conference(value, meta)
        elif key == "municipalities":
            values[key] = _numbers(value, meta)
        elif key == "access":
            continue  # who may read the file: resolved by the indexer (access.py), not part of the document
        else:
            logger.warning("%s: ukjent felt %r blir ikke brukt", meta.name, key)
    return values


def _load(meta: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(meta.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        line = _LINE.search(str(error))
        raise _invalid(meta, f"feil på linje {line[1]}" if line else "feil i oppsettet") from error
    except UnicodeDecodeError as error:
        raise _invalid(meta, "filen er ikke lagret som UTF-8") from error
    except OSError as error:
        raise _invalid(meta, "filen kan ikke leses") from error


def _invalid(meta: Path, why: str) -> ExtractionError:
    return ExtractionError(f"ugyldig metadatafil {meta.name}: {why}")


def _text(value: Any, key: str, meta: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _invalid(meta, f"{key} må være en tekst")
    return value.strip()


def _date(value: Any, key: str, meta: Path) -> str:
    # An unquoted TOML date (date = 2024-09-27) arrives as a date object, a bare year as an int.
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    date = iso_date(str(value)) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if date is None:
        raise _invalid(meta, f"{key} må være en dato som 2024-09-27, 2024-09 eller 2024")
    return date


def _conference(value: Any, meta: Path) -> Conference:
    if not isinstance(value, dict):
        raise _invalid(meta, "[conference] må være en tabell")
    for key in value.keys() - set(CONFERENCE_KEYS):
        logger.warning("%s: ukjent felt conference.%s blir ikke brukt", meta.name, key)
    if "name" not in value:
        raise _invalid(meta, "[conference] mangler name")
    date = _date(value["date"], "conference.date", meta) if "date" in value else None
    return Conference(
        name=_text(value["name"], "conference.name", meta),
        year=_year(value.get("year"), meta) or (int(date[:4]) if date else None),
        date=date,
        venue=_text(value["venue"], "conference.venue", meta) if "venue" in value else None,
    )


def _year(value: Any, meta: Path) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _invalid(meta, "conference.year må være et årstall")


def _numbers(value: Any, meta: Path) -> list[str]:
    if not isinstance(value, list):
        raise _invalid(meta, "municipalities må være en liste med kommunenumre")
    numbers = []
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool):
            numbers.append(f"{item:04d}")  # municipalities = [301] lost the leading zero of "0301"
        elif isinstance(item, str) and item.strip():
            numbers.append(item.strip())
        else:
            raise _invalid(meta, "municipalities må være en liste med kommunenumre")
    return numbers
