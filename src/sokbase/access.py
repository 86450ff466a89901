"""Who may read a document on the web page: access rules beside the files, resolved when indexing.

A rule is a list of groups, in a file's sidecar (`NAME.meta.toml`) or for a whole folder and its
subfolders in `_access.toml`:

    access = ["barnevern", "ledelse"]

The nearest rule wins: the sidecar's, else the `_access.toml` of the file's folder, else of the folder
above, up to the corpus folder. `["*"]` is everyone signed in, which is also what a document without
any rule is open to. Group names are compared without regard to case.

The indexer stores the resolved groups with every passage (the `access` field), and the web page
searches only among the passages whose groups the reader is in (search.py, `SearchIndex.for_reader`).
The command line reads the index directly and is not limited: file permissions govern it.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import SokbaseError

EVERYONE = "*"  # the stored value of "everyone signed in"
FOLDER_RULE = "_access.toml"
KEY = "access"
MAX_GROUP = 200  # characters; a group from a directory may be a long distinguished name
_LINE = re.compile(r"at line (\d+)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class AccessRuleError(SokbaseError):
    """An access rule that cannot be read: the documents it covers are not indexed until it is fixed."""


@dataclass(frozen=True)
class Access:
    """The groups that may read a document, and the file the rule came from (None: no rule)."""

    groups: tuple[str, ...] = (EVERYONE,)
    rule: str | None = None  # path relative to the corpus folder


OPEN = Access()


def group_name(raw: str) -> str | None:
    """A group as stored and compared, or None when it cannot be one (empty, a comma, control characters)."""
    name = raw.strip().casefold()
    if not name or len(name) > MAX_GROUP or "," in name or _CONTROL.search(name):
        return None
    return name


def reader_values(groups: Iterable[str]) -> frozenset[str]:
    """The access values a signed-in reader in `groups` may see: everyone's, and each group's."""
    values = {EVERYONE}
    for raw in groups:
        name = group_name(raw)
        if name is not None:
            values.add(name)
    return frozenset(values)


class AccessRules:
    """Resolves the rule of each file under a corpus folder; reads each `_access.toml` once per run."""

    def __init__(self, corpus: Path):
        self.corpus = corpus
        self._folders: dict[Path, Access | AccessRuleError | None] = {}
        self._nearest: dict[Path, Access | AccessRuleError] = {}

    def of(self, path: Path, sidecar: Path | None) -> Access:
        """The rule for the file at `path`, `sidecar` its sidecar when it exists and may hold one.
        Raises AccessRuleError for a rule that cannot be read."""
        if sidecar is not None and (own := self.sidecar_rule(sidecar)) is not None:
            return own
        return self.folder_rule(path.parent)

    def sidecar_rule(self, sidecar: Path) -> Access | None:
        return read_rule(sidecar, self._relative(sidecar), required=False)

    def folder_rule(self, folder: Path) -> Access:
        """The nearest `_access.toml` at or above `folder`, inside the corpus; OPEN without one."""
        found = self._resolved(folder)
        if isinstance(found, AccessRuleError):
            raise found
        return found

    def _resolved(self, folder: Path) -> Access | AccessRuleError:
        # Remembered per folder: every file of a folder asks, and walking up with pathlib for each of
        # 16,666 files was a tenth of an incremental run.
        if folder not in self._nearest:
            found = self._folder(folder)
            if found is None:
                top = folder == self.corpus or folder.parent == folder or not folder.is_relative_to(self.corpus)
                found = OPEN if top else self._resolved(folder.parent)
            self._nearest[folder] = found
        return self._nearest[folder]

    def _folder(self, folder: Path) -> Access | AccessRuleError | None:
        if folder not in self._folders:
            path = folder / FOLDER_RULE
            try:
                self._folders[folder] = read_rule(path, self._relative(path), required=True) if path.is_file() else None
            except AccessRuleError as error:
                self._folders[folder] = error
        return self._folders[folder]

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.corpus).as_posix()
        except ValueError:
            return path.as_posix()


def read_rule(path: Path, name: str, required: bool) -> Access | None:
    """The rule in a TOML file; None when a sidecar has none. `_access.toml` must hold `access` and
    nothing else: a misspelt key would otherwise leave the folder open to everyone without a word."""
    text, data = _load(path, name)
    unknown = sorted(data.keys() - {KEY})
    if required and unknown:
        raise _invalid(name, _line_of(text, unknown[0]), f"ukjent felt «{unknown[0]}» (bare {KEY} er tillatt)")
    if KEY not in data:
        if required:
            raise _invalid(name, None, f"mangler {KEY} = [\"gruppe\", …]")
        return None
    return Access(_groups(data[KEY], name, _line_of(text, KEY)), name)


def _load(path: Path, name: str) -> tuple[str, dict]:
    text = ""
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _LINE.search(str(error))
        last = len(text.rstrip().splitlines()) or None  # "at end of document": something left open
        raise _invalid(name, int(line[1]) if line else last, "feil i TOML-oppsettet") from None
    except UnicodeDecodeError:
        raise _invalid(name, None, "filen er ikke lagret som UTF-8") from None
    except OSError:
        raise _invalid(name, None, "filen kan ikke leses") from None


def _groups(value, name: str, line: int | None) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _invalid(name, line, f"{KEY} må være en liste med minst én gruppe, f.eks. {KEY} = [\"barnevern\"]")
    groups = set()
    for item in value:
        group = group_name(item) if isinstance(item, str) else None
        if group is None:
            raise _invalid(name, line, f"«{item}» er ikke et gruppenavn (tekst uten komma)")
        groups.add(group)
    return (EVERYONE,) if EVERYONE in groups else tuple(sorted(groups))


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.MULTILINE)
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _invalid(name: str, line: int | None, why: str) -> AccessRuleError:
    where = f"{name}, linje {line}" if line else name
    return AccessRuleError(f"ugyldig tilgangsregel i {where}: {why}")
