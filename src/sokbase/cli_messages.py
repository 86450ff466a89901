"""click's own texts (usage, help options, errors) in Norwegian bokmål.

click passes every text it prints through gettext, looked up where each of its modules imported it;
sokbase has no other translations, so `install()` puts a lookup in this table there. A text not
listed stays in English.
"""
from __future__ import annotations

import errno
import importlib

import click

NORWEGIAN = {
    "Usage:": "Bruk:",
    "Options": "Valg",
    "Commands": "Kommandoer",
    "Positional arguments": "Argumenter",
    "Show this message and exit.": "Vis denne hjelpeteksten og avslutt.",
    "Show the version and exit.": "Vis versjonen og avslutt.",
    "%(prog)s, version %(version)s": "%(prog)s, versjon %(version)s",
    "Error: {message}": "Feil: {message}",
    "Try '{command} {option}' for help.": "Se «{command} {option}» for hjelp.",
    "No such option {name!r}.": "Ukjent valg «{name}».",
    "No such command {name!r}.": "Ukjent kommando «{name}».",
    "Did you mean {possibility}?": "Mente du {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Mente du en av: {possibilities}?)",
    "Missing argument": "Mangler argument",
    "Missing option": "Mangler valg",
    "Missing parameter": "Mangler parameter",
    "Missing command.": "Mangler kommando.",
    "Missing {param_type}": "Mangler {param_type}",
    "Missing parameter: {param_name}": "Mangler parameter: {param_name}",
    "Invalid value for {param_hint}: {message}": "Ugyldig verdi for {param_hint}: {message}",
    "Invalid value: {message}": "Ugyldig verdi: {message}",
    "Option {name!r} does not take a value.": "Valget «{name}» tar ingen verdi.",
    "Option {name!r} requires an argument.": "Valget «{name}» mangler en verdi.",
    "Got unexpected extra argument ({args})": "Uventet ekstra argument ({args})",
    "Got unexpected extra arguments ({args})": "Uventede ekstra argumenter ({args})",
    "{value!r} is not a valid {number_type}.": "«{value}» er ikke et gyldig tall.",
    "{value} is not in the range {range}.": "{value} er utenfor området {range}.",
    "{value!r} is not {choice}.": "«{value}» er ikke {choice}.",
    "{value!r} is not one of {choices}.": "«{value}» er ikke en av {choices}.",
    "{name} {filename!r} does not exist.": "{name} «{filename}» finnes ikke.",
    "{name} {filename!r} is a file.": "{name} «{filename}» er en fil.",
    "{name} {filename!r} is a directory.": "{name} «{filename}» er en katalog.",
    "{name} {filename!r} is not readable.": "{name} «{filename}» kan ikke leses.",
    "{name} {filename!r} is not writable.": "{name} «{filename}» kan ikke skrives til.",
    "file": "fil",
    "directory": "katalog",
    "path": "sti",
    "default: {default}": "standard: {default}",
    "required": "påkrevd",
    "env var: {var}": "miljøvariabel: {var}",
    "Aborted!": "Avbrutt.",
    "Repeat for confirmation": "Gjenta for å bekrefte",
    "Error: The two entered values do not match.": "Feil: De to verdiene er ikke like.",
}

# click names a value by its type ("--kommune TEXT") where an option gives no name of its own.
TYPE_PLACEHOLDERS = {"integer": "TALL", "integer range": "TALL", "float": "TALL", "float range": "TALL",
                     "text": "TEKST", "filename": "FIL", "path": "STI", "file": "FIL"}

# The operating system's reasons, which Python gives in English ("No such file or directory").
OS_ERRORS = {
    errno.ENOENT: "finnes ikke",
    errno.EACCES: "ingen tilgang",
    errno.EPERM: "ingen tilgang",
    errno.EROFS: "filsystemet kan bare leses",
    errno.ENOSPC: "disken er full",
    errno.EDQUOT: "diskkvoten er brukt opp",
    errno.EISDIR: "er en mappe",
    errno.ENOTDIR: "er ikke en mappe",
    errno.EEXIST: "finnes fra før",
    errno.ENAMETOOLONG: "navnet er for langt",
    errno.EADDRINUSE: "porten er i bruk av et annet program",
    errno.EADDRNOTAVAIL: "adressen finnes ikke på denne maskinen",
    errno.EIO: "lese- eller skrivefeil på disken",
}


def os_error(error: OSError) -> str:
    """The reason for `error` in Norwegian, capitalised as the start of a message."""
    reason = OS_ERRORS.get(error.errno) or error.strerror or str(error)
    return reason[:1].upper() + reason[1:]


class File(click.File):
    """click.File whose message for a file that cannot be opened is Norwegian."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:
            if isinstance(error.__context__, OSError):
                self.fail(f"«{value}»: {os_error(error.__context__).lower()}", param, ctx)
            raise


_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui")


def install() -> None:
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext


def _gettext(message: str) -> str:
    return NORWEGIAN.get(message, message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _gettext(singular if count == 1 else plural)


def name_placeholders(command) -> None:
    """Norwegian placeholders in the usage and option lines of `command` and every command under it."""
    command.options_metavar = "[VALG]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "KOMMANDO [ARGUMENTER]..."
        for sub in command.commands.values():
            name_placeholders(sub)
    for param in command.params:
        if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
            param.metavar = TYPE_PLACEHOLDERS.get(param.type.name, param.metavar)
