"""The web face of sokbase: a small Flask app over the same SearchIndex as the command line.

    from sokbase.web import create_app
    app = create_app({"SOKBASE_INDEX": "index", "SOKBASE_CORPUS": "corpus"})

Any WSGI server can run `app`; `sokbase serve` runs it with waitress. Every request is searched as
its reader may see the index (auth.py: who asks; access.py: who may read what).
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .. import render
from ..engines.location import location_of, redacted
from ..errors import (IndexMissingError, IndexOutdatedError, IndexUnavailableError, PassageNotFoundError, QueryError,
                      SokbaseError)
from . import accesslog, auth
from .markup import lovdata_credit, marked, norwegian_number, web_address
from .shared import SharedIndex
from .views import bp

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    # No scripts at all and styles only from our own stylesheet: document text can never run.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

ERROR_TITLES = {
    400: "Søket kan ikke kjøres",
    401: "Du må logge inn",
    403: "Ingen tilgang",
    404: "Fant ikke siden",
    405: "Metoden er ikke tillatt",
    429: "For mange forsøk",
    500: "Noe gikk galt",
    503: "Søket er ikke tilgjengelig",
}
MESSAGES_AS_GIVEN = (400, 401, 403, 429, 503)  # our own aborts say why; other statuses get a general text


def create_app(config: dict | None = None) -> Flask:
    """Build the app. Config keys: SOKBASE_INDEX (index folder or postgresql:// URL, default $SOKBASE_INDEX or ./index),
    SOKBASE_CORPUS (the folder originals are downloaded from, default the one the index was built from),
    SOKBASE_AUTH (None: no sign-in, only documents without an access rule are shown; "proxy"; "users"),
    SOKBASE_TRUSTED_PROXIES (addresses or networks), SOKBASE_USER_HEADER and SOKBASE_GROUPS_HEADER
    (default X-Forwarded-User, X-Forwarded-Groups), SOKBASE_USERS (the users file) and
    SOKBASE_ACCESS_LOG (a JSON-lines file, default none)."""
    app = Flask(__name__)
    app.config.from_mapping(SOKBASE_INDEX=location_of(None).raw, SOKBASE_CORPUS=None, SOKBASE_AUTH=None,
                            SOKBASE_TRUSTED_PROXIES=[], SOKBASE_USERS=None, SOKBASE_ACCESS_LOG=None)
    app.config.update(config or {})
    app.json.ensure_ascii = False  # error messages are Norwegian; keep æøå readable
    app.extensions["sokbase"] = SharedIndex(str(app.config["SOKBASE_INDEX"]))
    app.jinja_env.filters["marked"] = marked
    app.jinja_env.filters["number"] = norwegian_number
    app.jinja_env.filters["conference"] = render.format_conference
    app.jinja_env.filters["date"] = render.norwegian_date
    app.jinja_env.filters["web_address"] = web_address
    app.jinja_env.filters["lovdata_credit"] = lovdata_credit
    if app.config["SOKBASE_ACCESS_LOG"]:
        accesslog.setup(app, Path(app.config["SOKBASE_ACCESS_LOG"]))  # first: its clock starts before sign-in checks
    auth.setup(app)
    app.register_blueprint(bp)
    app.after_request(_add_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(SokbaseError, _sokbase_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _add_security_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    if auth.auth().mode is not None and not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"  # a reader's page must not be kept for the next one
    return response


def _http_error(error: HTTPException):
    message = error.description if error.code in MESSAGES_AS_GIVEN else _DEFAULT_MESSAGES.get(error.code, error.name)
    return _error_response(error.code or 500, message)


def _sokbase_error(error: SokbaseError):
    if isinstance(error, QueryError):
        return _error_response(400, str(error))
    if isinstance(error, PassageNotFoundError):
        return _error_response(404, str(error))
    if isinstance(error, (IndexMissingError, IndexOutdatedError, IndexUnavailableError)):
        return _error_response(503, str(error))
    log.error("request failed: %s", error)
    return _error_response(500, _DEFAULT_MESSAGES[500])


def _unexpected_error(error: Exception):
    log.exception("unexpected error on %s", request.path)
    return _error_response(500, _DEFAULT_MESSAGES[500])


_DEFAULT_MESSAGES = {
    404: "Siden eller dokumentet finnes ikke. Søk på nytt fra forsiden.",
    405: "Denne adressen kan bare leses (GET).",
    500: "En uventet feil oppsto. Prøv igjen, eller si fra til den som drifter søket.",
}


def _error_response(status: int, message: str):
    if request.path.startswith("/api/") or request.path == "/healthz":
        return jsonify(error=message, status=status), status
    title = ERROR_TITLES.get(status, "Feil")
    return render_template("error.html", status=status, title=title, message=message), status
