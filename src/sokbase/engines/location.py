"""Where an index lives: a folder (the Whoosh engine) or a PostgreSQL database (a libpq URL).

    postgresql://sokbase@db.example.no/sokbase      a server over TCP
    postgres://sokbase:hemmelig@localhost:5433/sok  the same, with a password
    postgresql:///sokbase?host=/run/postgresql      a Unix socket folder

A password in a URL must never reach a message, a log line or a report: every place that shows a
location shows `redacted(...)`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_INDEX = "index"
URL_SCHEMES = ("postgresql://", "postgres://")
_HIDDEN = "****"
# libpq takes a password in the query string too (…?password=x); and a URL that cannot be parsed
# may still carry one in user:password@ form.
_USERINFO_PASSWORD = re.compile(r"^([a-z]+://[^:/@?#]*):[^@/?#]*@", re.IGNORECASE)


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


def is_postgres_url(value: str | os.PathLike) -> bool:
    return isinstance(value, str) and value.lower().startswith(URL_SCHEMES)


def redacted(value: str | os.PathLike) -> str:
    """`value` fit to show: a URL's password, in user:password@ or ?password=, replaced by ****."""
    text = os.fspath(value)
    if not is_postgres_url(text):
        return text
    try:
        parts = urlsplit(text)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            if ":" in userinfo:
                netloc = f"{userinfo.split(':', 1)[0]}:{_HIDDEN}@{host}"
        query = [(key, _HIDDEN if key.lower() == "password" else item)
                 for key, item in parse_qsl(parts.query, keep_blank_values=True)]
        return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="/:"), parts.fragment))
    except ValueError:  # not a URL urllib can read (a bad port, an unclosed [): hide what may be a password
        return _USERINFO_PASSWORD.sub(rf"\1:{_HIDDEN}@", text).split("?", 1)[0]
