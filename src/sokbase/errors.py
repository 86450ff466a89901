"""One family of exceptions whose messages are safe to show a user as one line."""
from __future__ import annotations


class SokbaseError(Exception):
    """Base class: str(error) is a complete, user-facing sentence (Norwegian bokmål)."""

    exit_code = 1


class ExtractionError(SokbaseError):
    """A file could not be read; the message says why in words a caseworker understands."""


class NoTextError(ExtractionError):
    """A PDF whose pages hold no text layer: most likely scanned, and searchable only after OCR.
    `ocr_pending`: it has scanned pages that OCR did not read (Tesseract missing, or --ocr never)."""

    def __init__(self, message: str, ocr_pending: bool = False):
        super().__init__(message)
        self.ocr_pending = ocr_pending


class NothingToIndexError(SokbaseError):
    """The corpus folder is missing or holds no file sokbase can read."""


class QueryError(SokbaseError):
    """The query cannot be run as typed."""

    exit_code = 2


class IndexMissingError(SokbaseError):
    """There is no index at the given place."""


class IndexOutdatedError(SokbaseError):
    """The index was built by an incompatible version of sokbase."""


class IndexUnavailableError(SokbaseError):
    """The index cannot be reached now (its database is down, refuses us, or failed a statement)."""


class PassageNotFoundError(SokbaseError):
    """No passage has the given id."""
