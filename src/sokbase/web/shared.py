"""The open index shared by the request threads of the server."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..engines.location import location_of
from ..search import SearchIndex


class SharedIndex:
    """Opens the index on first use and keeps it open; before each use it looks for a newer state
    of the index, so a re-index is picked up without a restart, and after it lets the engine rest
    (a PostgreSQL index ends its snapshot between requests).

    A Whoosh index is one SearchIndex used by one request at a time (its readers seek in shared
    files; a search takes milliseconds and rendering happens outside). A PostgreSQL index is a
    pool of them, one connection each, so requests are searched side by side, the database doing
    its part in server processes of its own."""

    def __init__(self, location: str):
        self.location = location
        self._concurrent = location_of(location).is_postgres
        self._idle: list[SearchIndex] = []
        self._lock = threading.Lock()
        self._open: list[SearchIndex] = []

    @contextmanager
    def use(self) -> Iterator[SearchIndex]:
        if not self._concurrent:
            with self._lock:
                index = self._take()
                try:
                    yield index
                finally:
                    index.release()
            return
        with self._lock:
            index = self._idle.pop() if self._idle else None
        if index is None:
            index = SearchIndex.open(self.location)
            with self._lock:
                self._open.append(index)
        else:
            try:
                index.refresh()
            except Exception:
                with self._lock:
                    self._idle.append(index)  # it reconnects on its next use
                raise
        try:
            yield index
        finally:
            index.release()
            with self._lock:
                self._idle.append(index)

    def _take(self) -> SearchIndex:
        if not self._open:
            self._open.append(SearchIndex.open(self.location))
        else:
            self._open[0].refresh()
        return self._open[0]

    def close(self) -> None:
        with self._lock:
            for index in self._open:
                index.close()
            self._open, self._idle = [], []
