"""The users of the web page's own sign-in (`sokbase serve --auth users FILE`): one line per user.

    # sokbase-brukere: navn:passord-hash:grupper
    kari:scrypt:32768:8:1$Hn0c…$5f1e…:barnevern,ledelse
    ola:scrypt:32768:8:1$Q2xv…$9a0b…:

The hash is werkzeug's `generate_password_hash` (scrypt, salted), never the password; groups are
separated by commas and may be none (the user reads only what everyone signed in may read). Written
by `sokbase user add`, which keeps every other line (comments too) as it was; may be edited by hand.
"""
from __future__ import annotations

import functools
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from .access import EVERYONE, group_name
from .errors import SokbaseError

HEADER = "# sokbase-brukere (sokbase user add): navn:passord-hash:grupper\n"
MIN_PASSWORD = 8
_NAME = re.compile(r"[^\s:,#][^\s:,]{0,99}")
_HASH = re.compile(r"(scrypt|pbkdf2)(:[0-9a-z]+)*\$[^$:\s]+\$[0-9a-f]+")


class UsersFileError(SokbaseError):
    """A users file that cannot be read: sign-in stays closed until it is fixed."""


@dataclass(frozen=True)
class User:
    name: str
    password_hash: str
    groups: tuple[str, ...]

    def line(self) -> str:
        return f"{self.name}:{self.password_hash}:{','.join(self.groups)}\n"


def read_users(path: Path) -> dict[str, User]:
    """The users in the file by name. Raises UsersFileError naming the file and line of a mistake."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsersFileError(f"Fant ikke brukerfilen {path}. Legg til en bruker med `sokbase user add NAVN "
                             f"--users {path}`.") from None
    except UnicodeDecodeError:
        raise UsersFileError(f"Brukerfilen {path} er ikke lagret som UTF-8.") from None
    except OSError as error:
        raise UsersFileError(f"Kunne ikke lese brukerfilen {path} ({error.strerror}).") from None
    users: dict[str, User] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        user = _parse(line.strip(), path, number)
        if user.name in users:
            raise _invalid(path, number, f"brukeren «{user.name}» står der før")
        users[user.name] = user
    return users


def _parse(line: str, path: Path, number: int) -> User:
    name, _, rest = line.partition(":")
    password_hash, _, groups = rest.rpartition(":")
    if not valid_name(name):
        raise _invalid(path, number, "linjen må være navn:passord-hash:grupper, og navnet uten mellomrom, : og ,")
    if not _HASH.fullmatch(password_hash):
        raise _invalid(path, number, f"«{name}» har ingen gyldig passord-hash (lag den med `sokbase user add`)")
    return User(name, password_hash, _groups(groups, path, number))


def _groups(raw: str, path: Path, number: int) -> tuple[str, ...]:
    groups = []
    for item in raw.split(",") if raw.strip() else []:
        group = group_name(item)
        if group is None or group == EVERYONE:
            raise _invalid(path, number, f"«{item.strip()}» er ikke et gruppenavn")
        groups.append(group)
    return tuple(dict.fromkeys(groups))


def _invalid(path: Path, number: int, why: str) -> UsersFileError:
    return UsersFileError(f"Brukerfilen {path} har en feil på linje {number}: {why}.")


def valid_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name))


def check_password(user: User | None, password: str) -> bool:
    """Whether `password` is the user's; for None (no such user) as slowly as for a wrong one."""
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)


@functools.cache
def _dummy_hash() -> str:
    """Checked when a name is not in the file, so that an unknown name takes as long as a wrong password."""
    return generate_password_hash("sokbase-ingen-slik-bruker")


def add_user(path: Path, name: str, password: str, groups: list[str]) -> User:
    """Add the user, or give an existing one the new password and groups; the user as written.
    Every other line stays as it was; the file is replaced in one step and readable only by its owner."""
    if not valid_name(name):
        raise UsersFileError(f"Brukernavnet «{name}» kan ikke brukes: bruk bokstaver og tall, uten mellomrom, : og ,.")
    if len(password) < MIN_PASSWORD:
        raise UsersFileError(f"Passordet må ha minst {MIN_PASSWORD} tegn.")
    checked = []
    for raw in groups:
        group = group_name(raw)
        if group is None or group == EVERYONE:
            raise UsersFileError(f"«{raw}» er ikke et gruppenavn (tekst uten komma).")
        checked.append(group)
    lines = _lines(path)
    user = User(name, generate_password_hash(password), tuple(dict.fromkeys(checked)))
    index = _line_of(lines, name)
    if index is None:
        lines.append(user.line())
    else:
        lines[index] = user.line()
    _write(path, lines)
    return user


def remove_user(path: Path, name: str) -> None:
    lines = _lines(path)
    index = _line_of(lines, name)
    if index is None:
        raise UsersFileError(f"Fant ikke brukeren «{name}» i {path}.")
    del lines[index]
    _write(path, lines)


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return [HEADER]
    read_users(path)  # a file with a mistake is not written over: say where the mistake is
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines


def _line_of(lines: list[str], name: str) -> int | None:
    for index, line in enumerate(lines):
        if not line.lstrip().startswith("#") and line.strip().partition(":")[0] == name:
            return index
    return None


def _write(path: Path, lines: list[str]) -> None:
    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:  # mkstemp makes it 0600
            file.writelines(lines)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
