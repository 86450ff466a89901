"""Word (.docx) and OpenDocument (.odt) files are zip packages of XML: open one only when it is
safe to unpack, or say what the file really is.

A package is refused before anything is unpacked when its entries would unpack to more than
MAX_UNPACKED_BYTES, or an entry unpacks to more than MAX_RATIO times its packed size (a zip
bomb): zipfile never yields more than an entry's declared size, so the declared sizes bound
what reading can cost.
"""
from __future__ import annotations

import io
import zipfile

from ..errors import ExtractionError

MAX_UNPACKED_BYTES = 512 * 2**20
MAX_ENTRIES = 10_000
# Word's XML packs about 10:1 and images not at all; a zip bomb packs a thousandfold.
MAX_RATIO = 200
RATIO_FROM_BYTES = 2**20  # small entries may pack as tightly as they like
# Office files Word wrote before 2007, and password-protected ones of any age, are OLE compound files.
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def open_package(data: bytes, kind: str) -> zipfile.ZipFile:
    """The zip package of an office file; `kind` names the format in messages ("Word-fil")."""
    if data.startswith(_COMPOUND_FILE):
        if _ENCRYPTED_PACKAGE in data:
            raise ExtractionError(f"passordbeskyttet {kind}")
        raise ExtractionError(f"ikke en {kind}: filen er i det gamle binærformatet (.doc); lagre den som .docx")
    if not data.startswith(b"PK"):
        raise ExtractionError(f"ikke en {kind}: {_content_kind(data)}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ExtractionError(f"skadet {kind}: filen er avkortet eller ikke en gyldig zip-pakke") from error
    _check_sizes(archive.infolist(), kind)
    return archive


def read_part(archive: zipfile.ZipFile, name: str, kind: str) -> bytes:
    """One entry of the package, or an ExtractionError naming the damage."""
    try:
        return archive.read(name)
    except KeyError:
        raise ExtractionError(f"skadet {kind}: {name} mangler i pakken") from None
    except Exception as error:  # BadZipFile, zlib.error, EOFError, NotImplementedError (unknown compression)
        raise ExtractionError(f"skadet {kind}: {name} kan ikke pakkes ut") from error


def _check_sizes(entries: list[zipfile.ZipInfo], kind: str) -> None:
    if len(entries) > MAX_ENTRIES:
        raise ExtractionError(f"{kind} med {len(entries)} deler i pakken; grensen er {MAX_ENTRIES}")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNPACKED_BYTES:
        raise ExtractionError(
            f"{kind} som pakker ut til {total / 2**20:.0f} MB; grensen er {MAX_UNPACKED_BYTES // 2**20} MB"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise ExtractionError(
                f"{kind} der {entry.filename} pakker ut til {entry.file_size / 2**20:.0f} MB "
                f"({ratio:.0f} ganger større); trolig en zip-bombe"
            )


def _content_kind(data: bytes) -> str:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head:
        return "innholdet er en nettside (HTML); gi filen endelsen .html"
    if head.startswith(b"%pdf"):
        return "innholdet er en PDF; gi filen endelsen .pdf"
    if head.startswith(b"{\\rtf"):
        return "innholdet er RTF, som ikke støttes; lagre den som .docx"
    return "innholdet er ikke en zip-pakke"
