"""One SearchIndex shared by every request thread of the server."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..search import SearchIndex


class SharedIndex:
    """Opens the index on first use and keeps it open; before each use it checks CURRENT for a new
    generation, so a re-index is picked up without a restart. Whoosh readers seek in shared files,
    so one request at a time uses the index (a search takes milliseconds; rendering happens outside)."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()

    @contextmanager
    def use(self) -> Iterator[SearchIndex]:
        with self._lock:
            if self._index is None:
                self._index = SearchIndex.open(self.index_dir)
            else:
                self._index.refresh()
            yield self._index

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None
