"""One writer per index: an exclusive `flock` on `index/.lock`.

The kernel drops a flock when its holder dies, however it dies (kill -9, power loss), so a lock
can never be left behind for good. The file itself stays; while held it names the holder's pid,
and a clean exit empties it. Finding a pid in it on the way in therefore means the last run was
killed: the lock is taken over and the caller is told so.
"""
from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from .errors import SokbaseError

LOCK_FILE = ".lock"
EXIT_BUSY = 75  # EX_TEMPFAIL from sysexits.h: try again later
_POLL_SECONDS = 0.2


class IndexBusyError(SokbaseError):
    """Another indexing job holds the index lock."""

    exit_code = EXIT_BUSY


class IndexLock:
    """Hold the write lock of `index_dir` for the length of a `with` block.

    `wait` is how long to wait for another job to finish: 0 (give up at once), a number of
    seconds, or None (wait as long as it takes).
    """

    def __init__(self, index_dir: Path, wait: float | None = 0):
        self.path = Path(index_dir) / LOCK_FILE
        self.wait = wait
        self.recovered_from: str | None = None  # pid of a killed run whose lock was taken over
        self._fd: int | None = None

    def __enter__(self) -> IndexLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            self._acquire(fd)
            previous = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            self.recovered_from = previous.split()[0] if previous else None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {time.strftime('%Y-%m-%dT%H:%M:%S')}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    def _acquire(self, fd: int) -> None:
        deadline = None if self.wait is None else time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise IndexBusyError(self._busy_message(fd)) from None
                time.sleep(_POLL_SECONDS)

    def _busy_message(self, fd: int) -> str:
        holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
        who = f" (pid {holder[0]}, startet {holder[1]})" if len(holder) >= 2 else ""
        waited = f" Ventet {self.wait:g} s." if self.wait else ""
        return (
            f"En annen indeksering av {self.path.parent} kjører allerede{who}.{waited} "
            "Prøv igjen senere, eller bruk --wait for å vente på den."
        )
