"""The access log: one JSON object per request, appended to a file the system rotates.

    {"time": "2026-12-01T09:14:03.512Z", "user": "kari", "ip": "10.1.2.3", "method": "GET",
     "path": "/api/search", "query": "bostøtte", "hits": 12, "status": 200, "ms": 41.2}

`hits` is what the response showed or counted: a search's total, a document's passages, the similar
passages; null where nothing was searched. Never a password, a cookie or a session token: the path
is logged without its query string, and of the query string only the search words (`q`).
The file is reopened when logrotate has moved it away (WatchedFileHandler), so no signal is needed.
"""
from __future__ import annotations

import json
import logging
import logging.handlers
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, current_app, g, request

from .auth import client_address, current_reader

SKIPPED = ("/static/", "/healthz")  # the stylesheet and a monitor's polling would drown the rest


def setup(app: Flask, path: Path) -> None:
    handler = logging.handlers.WatchedFileHandler(path, encoding="utf-8")  # fails now if it cannot be written
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.Logger("sokbase.access", logging.INFO)  # unregistered: only this app writes to it, only there
    logger.addHandler(handler)
    app.extensions["sokbase_access_log"] = logger
    app.before_request(_start_clock)
    app.after_request(_write)


def _start_clock() -> None:
    g.started = time.perf_counter()


def _write(response: Response) -> Response:
    if request.path.startswith(SKIPPED):
        return response
    started = g.get("started")
    entry = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "user": current_reader().user,
        "ip": client_address(),
        "method": request.method,
        "path": request.path,
        "query": request.args.get("q") or None,
        "hits": g.get("hits"),
        "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
    }
    current_app.extensions["sokbase_access_log"].info(json.dumps(entry, ensure_ascii=False))
    return response
