"""The `sokbase` command: a thin face over the Python API.

Heavy modules (whoosh, pypdf, bs4) are imported inside the commands that need them so that
`sokbase --help` and a search start quickly.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import sys
from pathlib import Path

import click

from . import __version__, cli_messages
from .errors import SokbaseError

cli_messages.install()

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3

class IndexLocationType(click.ParamType):
    """A folder (the Whoosh engine) or a postgresql:// URL; a URL stays a string (a Path would merge
    its slashes) and is shown without its password."""

    name = "indeks"

    def convert(self, value, param, ctx):
        from .engines.location import is_postgres_url

        if isinstance(value, str) and is_postgres_url(value):
            return value
        return click.Path(file_okay=False, path_type=Path).convert(value, param, ctx)


index_option = click.option(
    "--index",
    "index_dir",
    type=IndexLocationType(),
    envvar="SOKBASE_INDEX",
    default="index",
    show_default=True,
    help="Indekskatalog, eller en PostgreSQL-adresse (postgresql://bruker@vert/database); "
         "også miljøvariabelen SOKBASE_INDEX.",
)


def reports_errors(command):
    """Turn a SokbaseError into one line on stderr and its exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SokbaseError as error:
            click.echo(f"Feil: {error}", err=True)
            sys.exit(error.exit_code)
        except BrokenPipeError:  # `sokbase search … | head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        except OSError as error:  # a folder that cannot be written, a disk that is full, a port in use
            where = f" ({error.filename})" if error.filename else ""
            click.echo(f"Feil: {cli_messages.os_error(error)}{where}.", err=True)
            sys.exit(EXIT_FAILED)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sokbase")
@click.option("-v", "--verbose", is_flag=True, help="Vis mer om hva som skjer.")
def cli(verbose: bool) -> None:
    """sokbase: søk i tekster om områdesatsinger, områdeløft, boligsosialt arbeid og levekår.

    \b
    Kom i gang:
      sokbase index corpus/
      sokbase search "bostabilitet barnefamilier"
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")


@cli.command("index")
@click.argument("corpus", default="corpus", metavar="[KATALOG]", type=click.Path(exists=True, file_okay=False, path_type=Path))
@index_option
@click.option("--full", is_flag=True, help="Les alle filer på nytt i stedet for bare nye og endrede.")
@click.option("--wait", type=click.FloatRange(min=0), is_flag=False, flag_value=float("inf"), default=0,
              metavar="[SEKUNDER]", help="Vent på en annen indeksering som kjører (uten tall: så lenge det tar; "
                   "skriv da --wait etter KATALOG, eller --wait=SEKUNDER).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Antall prosesser som leser filer.  [standard: antall kjerner]")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120, show_default=True,
              help="Lengste tid i sekunder for å lese én fil.")
@click.option("--max-file-mb", type=click.FloatRange(min=0, min_open=True), default=200, show_default=True,
              help="Større filer hoppes over og meldes.")
@click.option("--ocr", type=click.Choice(["auto", "never"]), default="auto", show_default=True,
              help="Les skannede PDF-sider med Tesseract (auto: når Tesseract er installert).")
@click.option("--ocr-timeout", type=click.FloatRange(min=0, min_open=True), default=60, show_default=True,
              help="Lengste tid i sekunder for OCR av én side.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Skriv oppsummeringen med alle feil som JSON til denne filen.")
@click.option("--json", "as_json", is_flag=True, help="Skriv oppsummeringen som JSON.")
@reports_errors
def index_command(corpus: Path, index_dir: Path, full: bool, wait: float, jobs: int | None, timeout: float,
                  max_file_mb: float, ocr: str, ocr_timeout: float, report_file: Path | None, as_json: bool) -> None:
    """Oppdater indeksen med PDF-, Word-, OpenDocument-, HTML- og tekstfilene i KATALOG (standard: corpus/).

    Bare nye og endrede filer leses; flyttede filer flyttes i indeksen uten å
    leses på nytt, og slettede filer fjernes. Filer som ikke kan leses, meldes
    med navn og grunn. Skannede sider leses med OCR (Tesseract) når det er
    installert. Søk bruker den gamle indeksen til den nye er helt ferdig,
    og bare én indeksering kan kjøre om gangen.

    \b
    Eksempler:
      sokbase index
      sokbase index ~/dokumenter/omradesatsinger --index /srv/sokbase/index
      sokbase index /srv/dokumenter --wait 3600 --report /var/log/sokbase.json
      sokbase index /srv/dokumenter --index postgresql://sokbase@db.example.no/sokbase

    \b
    Avslutningskoder: 0 alt indeksert, 3 noen filer feilet,
    1 ingenting kunne indekseres, 2 feil bruk,
    75 en annen indeksering kjører (prøv igjen senere).
    """
    from .engines.location import redacted
    from .indexer import build_index

    if report_file and not report_file.parent.is_dir():
        raise click.UsageError(f"Mappen for --report finnes ikke: {report_file.parent}")
    tracker = _IndexProgress(interactive=sys.stderr.isatty() and not as_json)
    try:
        report = build_index(corpus, index_dir, progress=tracker.step, on_start=tracker.start, full=full,
                             jobs=jobs, timeout=timeout, max_file_mb=max_file_mb, ocr=ocr, ocr_page_timeout=ocr_timeout,
                             wait=None if wait == float("inf") else wait)
    except SokbaseError as error:  # cron reads the report: say there too why nothing was done
        if report_file:
            _write_json(report_file, {"corpus": str(corpus), "index_dir": redacted(index_dir), "error": str(error),
                                      "exit_code": error.exit_code})
        raise
    finally:
        tracker.close()
    if report_file:
        _write_json(report_file, report.to_dict())
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_index_summary(report, tracker, corpus)
    sys.exit(report.exit_code)


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


PROGRESS_LINES_FROM = 100  # files; fewer are read too quickly to need progress lines
STATS_MUNICIPALITIES = 20  # listed by `stats`, the most written about first


class _IndexProgress:
    """A progress bar on a terminal; otherwise a plain line per tenth of the files (cron mail stays short)."""

    def __init__(self, interactive: bool):
        self.interactive = interactive
        self.bar = None
        self.total = self.done = 0
        self.shown: set[str] = set()

    def start(self, total: int) -> None:
        self.total = total
        if self.interactive and total:
            self.bar = click.progressbar(length=total, label="Leser filer", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        elif total:
            click.echo(f"Leser {total} nye eller endrede filer …", err=True)

    def step(self, path: Path, failure) -> None:
        self.done += 1
        if self.bar:
            self.bar.update(1)
            return
        if failure:
            click.echo(f"Kunne ikke lese {failure.source}: {failure.reason}", err=True)
            self.shown.add(failure.source)
        if self.total >= PROGRESS_LINES_FROM and self.done % (self.total // 10) == 0 and self.done < self.total:
            click.echo(f"  {self.done} av {self.total} filer lest", err=True)

    def close(self) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _print_index_summary(report, tracker: _IndexProgress, corpus: Path) -> None:
    for notice in report.notices:
        click.echo(notice, err=True)
    for failure in report.failures:
        if failure.source not in tracker.shown:
            click.echo(f"Kunne ikke lese {failure.source}: {failure.reason}", err=True)
    _print_ocr(report.ocr)
    refiled = f", {report.access_changed} med ny tilgangsregel" if report.access_changed else ""
    click.echo(
        f"{report.added} nye, {report.updated} endret, {report.renamed} flyttet, {report.removed} fjernet, "
        f"{report.unchanged} uendret{refiled}, {len(report.failures)} feilet ({report.seconds:.1f} s)."
    )
    if report.documents == 0:
        click.echo(f"Feil: ingen filer i {corpus} kunne indekseres; indeksen er ikke endret.", err=True)
    elif report.mode == "unchanged":
        click.echo(f"Ingen endringer; indeksen i {report.index_dir} har {report.documents} dokumenter "
                   f"({report.passages} avsnitt).")
    else:
        click.echo(f"Indeksen i {report.index_dir} har nå {report.documents} dokumenter ({report.passages} avsnitt), "
                   f"{report.generation}.")
    if report.failures:
        click.echo(f"{len(report.failures)} filer kunne ikke leses (se over).", err=True)


def _print_ocr(files) -> None:
    read = [entry for entry in files if entry.pages]
    if not read:
        return
    pages = sum(len(entry.pages) for entry in read)
    click.echo(f"Lest med OCR (teksten kan ha feillesninger): {pages} sider i {len(read)} filer.")
    for entry in read:
        cached = f", {len(entry.cached)} fra OCR-mellomlageret" if entry.cached else ""
        click.echo(f"  - {entry.source}: {_page_list(entry.pages)}{cached}")


def _page_list(pages: list[int]) -> str:
    """[1, 2, 3, 7] → "side 1–3, 7"."""
    runs: list[list[int]] = []
    for page in pages:
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return "side " + ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


class QueryCommand(click.Command):
    """A command whose words may exclude one another (`områdeløft -Oslo`) without quotes or `--`.

    click reads `-Oslo` as the options -O, -s, -l, -o; a word starting with a dash that names no
    option of the command is a query word instead, and keeps its place among the other words.
    """

    def parse_args(self, ctx, args):
        names, takes_value = set(), set()
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                names.update(param.opts + param.secondary_opts)
                if not (param.is_flag or param.count):
                    takes_value.update(param.opts + param.secondary_opts)
        options, words = [], []
        rest = iter(args)
        for arg in rest:
            if arg == "--":
                words += rest
            elif arg.startswith("--") or arg in names or (arg[:2] in takes_value and arg[2:].isdigit()):  # -n5
                options.append(arg)
                if arg in takes_value:
                    value = next(rest, None)  # even one starting with -
                    if value is None:
                        raise click.BadOptionUsage(arg, f"Valget {arg} mangler en verdi.", ctx)
                    options.append(value)
            else:
                words.append(arg)  # -nabolag and -helse too: words, not -n abolag and -h -e …
        return super().parse_args(ctx, options + ["--"] + words)


@cli.command(cls=QueryCommand)
@click.argument("words", nargs=-1, metavar="[ORD]...")
@index_option
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Antall treff.")
@click.option("--kommune", help="Bare avsnitt om denne kommunen (navn eller nummer, f.eks. Bergen eller 4601).")
@click.option("--konferanse", help="Bare dokumenter fra konferanser med disse ordene i navnet.")
@click.option("--year", "--år", "year", type=int, help="Bare dokumenter fra dette året (konferanseår eller dato).")
@click.option("--type", "doc_type", type=click.Choice(["pdf", "html", "text", "docx", "odt"], case_sensitive=False), help="Bare denne dokumenttypen.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
              help="text til skjermen, json til andre verktøy, csv til regneark (Excel).")
@click.option("--json", "as_json", is_flag=True, help="Kortform for --format json.")
@click.option("--queries", type=cli_messages.File("r", encoding="utf-8"), help="Fil med ett søk per linje ('-' for stdin).")
@reports_errors
def search(words, index_dir, limit, kommune, konferanse, year, doc_type, output_format, as_json, queries) -> None:
    """Søk etter avsnitt. Avsnitt med alle ordene kommer først; et mye bedre avsnitt som mangler et ord,
    kan komme foran (da står det «Mangler:» under treffet).

    \b
    Søkesyntaks:
      bostabilitet barnefamilier     ordene, de med alle ordene først
      pbl § 20-1, husleieloven 9-2   paragrafen i loven (også kommuneloven kap. 14)
      "sosial bærekraft"             eksakt frase
      Løvstakken ELLER Loddefjord    ett av ordene (også OR)
      områdeløft IKKE Groruddalen    uten ordet (også NOT, -Groruddalen)
      bolig -kommune:Oslo            uten avsnitt om kommunen
      område*                        ord som begynner slik
      kommune:Bergen år:2024         feltfilter (også tittel:, overskrift:, type:, konferanse:)

    \b
    Eksempler:
      sokbase search bostabilitet barnefamilier
      sokbase search samarbeid NAV skole --kommune Oslo
      sokbase search "Hvor mye kan utleier kreve i depositum?"
      sokbase search 'husleieloven § 9-2'
      sokbase search '"sosial bærekraft"'          frase: anførselstegnene må med til sokbase
      sokbase search frafall --kommune Bergen --json
      sokbase search --queries sok.txt --json
    """
    from . import open_index, render

    query = " ".join(words) or None  # unquoted words are one query, as a caseworker would expect
    if (query is None) == (queries is None):
        raise click.UsageError("Oppgi enten et søk eller --queries FIL.")
    output_format = "json" if as_json else output_format
    texts = [query] if query is not None else [line.strip() for line in queries if line.strip()]
    options = dict(limit=limit, kommune=kommune, konferanse=konferanse, year=year, doc_type=doc_type)
    with open_index(index_dir) as index:
        if queries is None:
            results = index.search(query, **options)
            if output_format == "json":
                click.echo(render.as_json(results))
            elif output_format == "csv":
                click.echo(render.as_csv([results]), nl=False)
            else:
                click.echo(render.as_text(results, emphasis=_bold, filters=_filters_typed(options)))
            return
        _search_many(index, texts, options, output_format)


def _filters_typed(options: dict) -> tuple[str, ...]:
    typed = {"kommune": "--kommune", "konferanse": "--konferanse", "year": "--år", "doc_type": "--type"}
    return tuple(f"{flag} {options[name]}" for name, flag in typed.items() if options.get(name) is not None)


def _search_many(index, texts, options, output_format) -> None:
    """One query per line: JSON Lines, one CSV, or text blocks; a bad query is reported and skipped."""
    from . import render

    from .errors import QueryError

    failed = 0
    collected = []
    for text in texts:
        try:
            results = index.search(text, **options)
        except QueryError as error:
            failed += 1
            if output_format == "json":
                click.echo(json.dumps({"query": text, "error": str(error)}, ensure_ascii=False))
            else:
                click.echo(f"Feil i søket «{text}»: {error}", err=True)
            continue
        if output_format == "json":
            click.echo(render.as_json(results, lines=True))
        elif output_format == "csv":
            collected.append(results)
        else:
            click.echo(render.as_text(results, emphasis=_bold, filters=_filters_typed(options)) + "\n")
    if output_format == "csv":
        click.echo(render.as_csv(collected), nl=False)
    if failed:
        sys.exit(EXIT_USAGE)


@cli.command()
@click.argument("passage_id", metavar="AVSNITT_ID")
@index_option
@click.option("--context", default=1, show_default=True, type=click.IntRange(0, 20), help="Avsnitt før og etter.")
@click.option("--json", "as_json", is_flag=True, help="Skriv avsnittet som JSON.")
@reports_errors
def show(passage_id, index_dir, context, as_json) -> None:
    """Vis et avsnitt i sammenhengen det står i. AVSNITT_ID står under hvert treff (Id:).

    \b
    Eksempel:
      sokbase show 2735ec50d0b8-6
    """
    from . import open_index, render

    with open_index(index_dir) as index:
        found = index.passage(passage_id, context=context)
    if as_json:
        data = {key: value for key, value in found.hit.to_dict().items() if key not in ("rank", "score")}  # no search ranked it
        data["before"] = [p.text for p in found.before]
        data["after"] = [p.text for p in found.after]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    hit = found.hit
    click.echo(_bold(hit.title))
    for line in render.hit_header(hit):
        click.echo(line.strip())
    click.echo(f"Kilde:      {hit.source}" + (f" ({hit.url})" if hit.url else ""))
    # Labelled, not only dimmed: piped to a file or a pager, the hit must still stand out.
    for label, passages in (("Før", found.before), ("Treffet", [hit]), ("Etter", found.after)):
        for passage in passages:
            heading = f": {passage.heading}" if passage.heading and passage.heading != hit.heading else ""
            text = _bold(passage.text) if passage is hit else click.style(passage.text, dim=True)
            click.echo(f"\n— {label}{heading} —\n{text}")


@cli.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Skriv tallene som JSON.")
@reports_errors
def stats(index_dir, as_json) -> None:
    """Tell dokumenter, avsnitt, konferanser og kommuner i indeksen."""
    from dataclasses import asdict

    from .engines.location import redacted
    from .engines.store import open_store

    generation, manifest = open_store(index_dir).manifest()
    if as_json:
        needs_ocr = [failure.source for failure in manifest.failures if failure.needs_ocr]
        data = asdict(manifest) | {"generation": generation, "needs_ocr": needs_ocr}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"Indeks:      {redacted(index_dir)} ({generation}, bygget {manifest.created})")
    click.echo(f"Dokumenter:  {manifest.documents} ({_counts(manifest.doc_types)})")
    click.echo(f"Avsnitt:     {manifest.passages}")
    click.echo(f"Konferanser: {len(manifest.conferences)}")
    for name in manifest.conferences:
        click.echo(f"  - {name}")
    click.echo(f"Kommuner:    {len(manifest.municipalities)}")
    # All the laws name 353 kommuner: the list a caseworker reads is the most written about.
    most = sorted(manifest.municipalities.items(), key=lambda item: -item[1])
    for name, count in most[:STATS_MUNICIPALITIES]:
        click.echo(f"  - {name}: {count} avsnitt")
    if len(most) > STATS_MUNICIPALITIES:
        click.echo(f"  … og {len(most) - STATS_MUNICIPALITIES} til (alle med --json)")
    if set(manifest.access) - {"*"}:  # who may read what on the web page (docs/access.md)
        click.echo("Tilgang på søkesiden:")
        for group, count in manifest.access.items():
            click.echo(f"  - {'alle innloggede' if group == '*' else group}: {count} avsnitt")
    unreadable = [failure for failure in manifest.failures if not failure.needs_ocr]
    scanned = [failure for failure in manifest.failures if failure.needs_ocr]
    if unreadable:
        click.echo(f"Filer som ikke kunne leses: {len(unreadable)}")
        for failure in unreadable:
            click.echo(f"  - {failure.source}: {failure.reason}")
    if scanned:
        click.echo(f"Trenger OCR ({len(scanned)}): PDF-er uten tekst, trolig skannet; kjør OCR og indekser på nytt.")
        for failure in scanned:
            click.echo(f"  - {failure.source}")


class ServeCommand(click.Command):
    """`--auth users FILE` as the README writes it: the file after `users` is the --users option."""

    def parse_args(self, ctx, args):
        args = list(args)
        for at, arg in enumerate(args):
            if arg == "--auth=users":
                file_at = at + 1
            elif arg == "--auth" and args[at + 1 : at + 2] == ["users"]:
                file_at = at + 2
            else:
                continue
            if file_at < len(args) and not args[file_at].startswith("-"):
                args.insert(file_at, "--users")
            break
        return super().parse_args(ctx, args)


@cli.command(cls=ServeCommand)
@index_option
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Mappen originalfilene lastes ned fra (standard: mappen indeksen ble bygget fra).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Adressen siden lytter på (0.0.0.0 for hele nettet).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Porten siden lytter på.")
@click.option("--auth", type=click.Choice(["proxy", "users"]),
              help="Innlogging: proxy (brukeren og gruppene kommer fra en omvendt proxy) eller users FIL "
                   "(egen innloggingsside med brukerfil).")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FIL",
              help="Brukerfilen for --auth users (lages med `sokbase user add`).")
@click.option("--trusted-proxy", multiple=True, metavar="ADRESSE",
              help="Adressen (eller nettet) til den omvendte proxyen; kan gjentas. Med --auth proxy godtas bare "
                   "forespørsler herfra.")
@click.option("--user-header", default="X-Forwarded-User", show_default=True, help="Hodet med brukernavnet (--auth proxy).")
@click.option("--groups-header", default="X-Forwarded-Groups", show_default=True,
              help="Hodet med gruppene, skilt med komma (--auth proxy).")
@click.option("--public", is_flag=True,
              help="Lytt på nettet uten innlogging: alt uten tilgangsregel blir åpent for alle som når siden.")
@click.option("--access-log", type=click.Path(dir_okay=False, path_type=Path), metavar="FIL",
              help="Skriv én JSON-linje per forespørsel hit (bruker, sti, søk, treff, status).")
@reports_errors
def serve(index_dir, corpus, host, port, auth, users_file, trusted_proxy, user_header, groups_header, public,
          access_log) -> None:
    """Start søkesiden for nettleseren (waitress). Ny indeks tas i bruk uten omstart.

    Uten --auth lytter siden bare på denne maskinen (eller på nettet med
    --public) og viser bare dokumenter uten tilgangsregel.

    \b
    Eksempler:
      sokbase serve --index index --port 8000
      sokbase serve --host 0.0.0.0 --auth users /etc/sokbase/brukere.txt
      sokbase serve --auth proxy --trusted-proxy 127.0.0.1 --access-log /var/log/sokbase/tilgang.jsonl
    """
    import waitress

    from .engines.location import redacted
    from .web import create_app

    config = _serve_config(host, auth, users_file, trusted_proxy, public)
    config |= {"SOKBASE_INDEX": str(index_dir), "SOKBASE_CORPUS": str(corpus) if corpus else None,
               "SOKBASE_USER_HEADER": user_header, "SOKBASE_GROUPS_HEADER": groups_header,
               "SOKBASE_ACCESS_LOG": str(access_log) if access_log else None}
    app = create_app(config)
    with app.extensions["sokbase"].use() as index:  # a missing index is reported now, not on the first visit
        generation = index.generation
        hidden = sum(count for value, count in index.manifest.access.items() if value != "*")
    server = waitress.create_server(app, host=host, port=port, ident="sokbase")  # bound here: a taken port fails first
    click.echo(f"Søkesiden kjører på http://{host}:{port}/ (indeks {redacted(index_dir)}, {generation}). "
               "Stopp med Ctrl+C.")
    click.echo(_SIGN_IN[auth])
    if hidden and auth is None:
        click.echo(f"{hidden} avsnitt har tilgangsregler og vises ikke uten innlogging (--auth).")
    server.run()


_SIGN_IN = {
    None: "Ingen innlogging: siden viser dokumentene uten tilgangsregel.",
    "proxy": "Innlogging: brukeren og gruppene kommer fra den omvendte proxyen.",
    "users": "Innlogging: med brukernavn og passord fra brukerfilen.",
}


def _serve_config(host: str, auth: str | None, users_file: Path | None, trusted: tuple[str, ...], public: bool) -> dict:
    """The sign-in settings, checked: a page on the network without sign-in only when asked for."""
    from .web.auth import parse_address

    for address in trusted:
        try:
            parse_address(address)
        except SokbaseError as error:
            raise click.BadParameter(str(error), param_hint="--trusted-proxy") from None
    if auth is None and users_file:
        raise click.UsageError("--users brukes bare med --auth users.")
    if auth == "proxy" and not trusted:
        raise click.UsageError("--auth proxy trenger adressen til proxyen: --trusted-proxy 127.0.0.1 (kan gjentas).")
    if auth == "users" and users_file is None:
        raise click.UsageError("--auth users trenger brukerfilen: --auth users FIL (lag den med `sokbase user add`).")
    if auth and public:
        raise click.UsageError("--public er for en side uten innlogging; bruk enten --public eller --auth.")
    if auth is None and not public and not _is_loopback(host):
        raise click.UsageError(
            f"Søkesiden lytter ikke på {host} uten innlogging. Bruk --auth proxy eller --auth users FIL, "
            "eller --public hvis alt uten tilgangsregel skal være åpent for alle på nettet.")
    if auth == "users":
        from .users import read_users

        read_users(users_file)  # a mistake is reported now, with its line
        if users_file.stat().st_mode & 0o004:
            click.echo(f"Advarsel: alle på maskinen kan lese brukerfilen {users_file} (chmod 600 {users_file}).", err=True)
    return {"SOKBASE_AUTH": auth, "SOKBASE_USERS": str(users_file) if users_file else None,
            "SOKBASE_TRUSTED_PROXIES": list(trusted)}


def _is_loopback(host: str) -> bool:
    """Whether `host` can only be reached from this machine (127.0.0.1, ::1, localhost)."""
    import ipaddress
    import socket

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


users_option = click.option("--users", "users_file", envvar="SOKBASE_USERS", required=True,
                            type=click.Path(dir_okay=False, path_type=Path), metavar="FIL",
                            help="Brukerfilen (også miljøvariabelen SOKBASE_USERS).")


@cli.group()
def user() -> None:
    """Brukere av søkesiden med egen innlogging (sokbase serve --auth users FIL)."""


@user.command("add")
@click.argument("name", metavar="NAVN")
@users_option
@click.option("--group", "groups", multiple=True, metavar="GRUPPE", help="En gruppe brukeren er med i; kan gjentas.")
@click.option("--password-stdin", is_flag=True, help="Les passordet fra standard inn (for skript) i stedet for å spørre.")
@reports_errors
def user_add(name, users_file, groups, password_stdin) -> None:
    """Legg til brukeren NAVN, eller gi en bruker nytt passord og nye grupper.

    Passordet lagres bare som en saltet scrypt-hash. Uten --group ser
    brukeren bare dokumenter som er åpne for alle innloggede.

    \b
    Eksempler:
      sokbase user add kari --group barnevern --group ledelse --users brukere.txt
      printf '%s\\n' "$PASSORD" | sokbase user add ola --password-stdin --users brukere.txt
    """
    from .users import add_user, read_users

    existed = users_file.exists() and name in read_users(users_file)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Passord", hide_input=True, confirmation_prompt="Gjenta passordet")
    user = add_user(users_file, name, password, list(groups))
    listed = ", ".join(user.groups) if user.groups else "ingen grupper"
    click.echo(f"{'Oppdaterte' if existed else 'La til'} {name} ({listed}) i {users_file}.")


@user.command("remove")
@click.argument("name", metavar="NAVN")
@users_option
@reports_errors
def user_remove(name, users_file) -> None:
    """Fjern brukeren NAVN. Innloggingene brukeren har, slutter å virke med en gang."""
    from .users import remove_user

    remove_user(users_file, name)
    click.echo(f"Fjernet {name} fra {users_file}.")


# Document types as counted in `sokbase stats`: (one, several).
_DOC_TYPE_COUNTS = {"pdf": ("PDF", "PDF-er"), "html": ("nettside", "nettsider"), "text": ("tekstfil", "tekstfiler"),
                    "docx": ("Word-fil", "Word-filer"), "odt": ("OpenDocument-fil", "OpenDocument-filer")}


def _counts(counter: dict[str, int]) -> str:
    def label(name: str, count: int) -> str:
        one, several = _DOC_TYPE_COUNTS.get(name, (name, name))
        return one if count == 1 else several

    return ", ".join(f"{count} {label(name, count)}" for name, count in sorted(counter.items()))


def _bold(text: str) -> str:
    return click.style(text, bold=True)


cli_messages.name_placeholders(cli)


def main() -> None:
    cli(prog_name="sokbase")
