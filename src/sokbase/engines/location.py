"""Where an index lives: a folder (the Whoosh engine) or a PostgreSQL database (a libpq URL).

    postgresql://sokbase@db.example.no/sokbase      a server over TCP
    postgres://sokbase:hemmelig@localhost:5433/sok  the same, with a password
    postgresql:///sokbase?host=/run/postgresql      a Unix socket folder

A password in a URL must never reach a message, a log line or a report: every place that shows a
location shows `redacted(...)`.
"""
from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INDEX = "index"
URL_SCHEMES = ("postgresql://", "postgres://")
_HIDDEN = "****"
# libpq takes a password in the query string too (…?password=x).
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*", re.IGNORECASE)


@dataclass(frozen=True)
class IndexLocation:
    """An index location as given (`raw`), and which engine it selects."""

    raw: str

    @property
    def is_postgres(self) -> bool:
        return is_postgres_url(self.raw)

    @property
    def path(self) -> Path:
        """The folder of a Whoosh index (not for a PostgreSQL location)."""
        return Path(self.raw)

    def __str__(self) -> str:
        return redacted(self.raw)


def location_of(value: str | os.PathLike | IndexLocation | None) -> IndexLocation:
    """The location `value` names; None means $SOKBASE_INDEX, or ./index when that is unset."""
    if isinstance(value, IndexLocation):
        return value
    if value is None:
        value = os.environ.get("SOKBASE_INDEX") or DEFAULT_INDEX
    return IndexLocation(os.fspath(value))


def postgres_module(name: str):
    """sokbase.engines.postgres.`name`, or one line saying how to install psycopg when it is missing
    (PostgreSQL support is an extra: a Whoosh-only installation never imports it)."""
    try:
        return importlib.import_module(f"sokbase.engines.postgres.{name}")
    except ImportError as missing:
        if missing.name != "psycopg":
            raise
        from ..errors import SokbaseError

        raise SokbaseError("PostgreSQL-støtte er ikke installert; installer den med "
                           "`pip install 'sokbase[postgresql]'`.") from None


def is_postgres_url(value: str | os.PathLike) -> bool:
    return isinstance(value, str) and value.lower().startswith(URL_SCHEMES)


def redacted(value: str | os.PathLike) -> str:
    """`value` fit to show: a URL's password, in user:password@ or ?password=, replaced by ****.

    Done on the text rather than with urllib, which would rewrite the rest (postgresql:///db loses
    its empty host) and refuses some URLs libpq takes."""
    text = os.fspath(value)
    if not is_postgres_url(text):
        return text
    scheme, rest = text.split("://", 1)
    query_at = rest.find("?")
    address, query = (rest, "") if query_at < 0 else (rest[:query_at], rest[query_at:])
    at = address.rfind("@")  # a password may hold an @ of its own; the last one ends it
    if at >= 0 and ":" in address[:at]:
        address = address[: address.index(":")] + ":" + _HIDDEN + address[at:]
    return f"{scheme}://{address}" + _QUERY_PASSWORD.sub(r"\g<1>" + _HIDDEN, query)
