"""Connecting to PostgreSQL, and turning what can go wrong into one Norwegian line without the password.

libpq's own messages are English and may name the host, the user and the database, never the
password; they are shown only after the Norwegian sentence, and passed through `redacted` anyway.
"""
from __future__ import annotations

import logging
import os
import socket
from urllib.parse import parse_qsl, urlsplit

import psycopg
from psycopg import errors as pg_errors

from ...errors import IndexMissingError, IndexUnavailableError, SokbaseError
from ..location import IndexLocation, redacted

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10  # seconds: a host that does not answer must not hang a cron job


class DatabaseError(IndexUnavailableError):
    """PostgreSQL could not be reached, refused us, or failed while we used it."""


def connect(location: IndexLocation, purpose: str = "sokbase") -> psycopg.Connection:
    """An autocommit connection to the database `location` names, or a DatabaseError saying why not.

    Always UTF-8 between us and the server, whatever PGCLIENTENCODING or the role says: the indexer
    writes its term arrays as bytes (binary_arrays.py), and a cron job's environment is nobody's choice."""
    try:
        return psycopg.connect(location.raw, autocommit=True, connect_timeout=CONNECT_TIMEOUT, client_encoding="UTF8",
                               application_name=f"{purpose} (pid {os.getpid()} på {socket.gethostname()})")
    except psycopg.Error as error:
        raise connection_error(location, error) from None


def connection_error(location: IndexLocation, error: Exception) -> SokbaseError:
    where = str(location)
    reason = _libpq_reason(location, error)
    everything = str(error)  # every address libpq tried, to classify by
    database = _database(location)
    if isinstance(error, pg_errors.InvalidPassword) or "password authentication failed" in reason:
        return DatabaseError(f"PostgreSQL avviste innloggingen til {where}: feil brukernavn eller passord.")
    if isinstance(error, pg_errors.InvalidCatalogName) or ("database" in reason and "does not exist" in reason):
        return IndexMissingError(f"Databasen «{database}» finnes ikke på tjeneren i {where}. "
                                 f"Opprett den først (for eksempel `createdb {database}`).")
    if isinstance(error, pg_errors.InvalidAuthorizationSpecification) or "no pg_hba.conf entry" in reason:
        return DatabaseError(f"PostgreSQL slipper ikke inn denne brukeren til {where} ({reason}).")
    if "invalid" in reason and ("dsn" in reason or "URI" in reason or "connection option" in reason):
        return DatabaseError(f"Ugyldig PostgreSQL-adresse {where} ({reason}).")
    if "could not translate host name" in reason:
        return DatabaseError(f"Fant ikke databasetjeneren i {where} (ukjent vertsnavn).")
    if "timeout" in reason.lower():
        return DatabaseError(f"Databasetjeneren i {where} svarte ikke innen {CONNECT_TIMEOUT} s.")
    if "Connection refused" in everything or "No such file or directory" in everything:
        return DatabaseError(f"Fikk ikke kontakt med PostgreSQL i {where} (tilkoblingen ble avvist). "
                             "Kjører databasetjeneren, og er adressen og porten riktige?")
    return DatabaseError(f"Fikk ikke kontakt med PostgreSQL i {where} ({reason}).")


def lost_connection(location: IndexLocation, error: Exception, reading: bool = False) -> SokbaseError:
    """The connection broke or a statement failed: nothing of a run was committed."""
    reason = _libpq_reason(location, error)
    after = "" if reading else " Ingenting fra denne kjøringen er lagret; den forrige indeksen brukes fortsatt."
    if isinstance(error, psycopg.OperationalError):
        return DatabaseError(f"Forbindelsen til PostgreSQL i {location} ble brutt ({reason}).{after}")
    return DatabaseError(f"PostgreSQL avviste en operasjon i {location} ({reason}).{after}")


def _libpq_reason(location: IndexLocation, error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    # libpq reports every address it tried ("connection to server at ... failed: ..."): the last says
    # why; a failed statement says why first (then LINE and a caret).
    connecting = isinstance(error, psycopg.OperationalError) and not getattr(error, "sqlstate", None)
    reason = (lines[-1] if connecting else lines[0]) if lines else type(error).__name__
    reason = reason.removeprefix("FATAL:").strip()
    password = _password(location)
    if password:
        reason = reason.replace(password, "****")
    return redacted(reason)


def _password(location: IndexLocation) -> str | None:
    try:
        parts = urlsplit(location.raw)
        return parts.password or dict(parse_qsl(parts.query)).get("password")
    except ValueError:
        return None


def _database(location: IndexLocation) -> str:
    try:
        parts = urlsplit(location.raw)
    except ValueError:
        return "sokbase"
    return parts.path.lstrip("/") or dict(parse_qsl(parts.query)).get("dbname") or parts.username or "sokbase"
