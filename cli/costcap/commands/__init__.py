"""The CLI commands, one module each; shared options and the user-error boundary live here."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from costcap import config, lake, names, numbers, output, scope
from costcap import prices as price_catalog
from costcap.commands.notes import say_notes
from costcap.errors import CostcapError, ExitCode, Interrupted
from costcap.ingest import FileResult, Request
from costcap.ingest import ingest as ingest_files
from costcap.ingest.presets import presets
from costcap.ingest.readers import KINDS
from costcap.ingest.records import Options
from costcap.store import DEFAULT_PATH, MEMORY, Store, damaged, interrupted, out_of_memory, store_is_current

# The choices come from the reader registry and the shipped presets: nothing here lists them.
Kind = Enum("Kind", {name: name for name in ("auto", *KINDS)}, type=str)  # type: ignore[misc]  # from the registry
AUTO = Kind("auto")
PRESET_NAMES = ", ".join(presets())
KindOption = Annotated[Kind, typer.Option(help="What the files are; auto reads it from the content.")]
PresetOption = Annotated[
    str | None,
    typer.Option(
        "--preset",
        metavar="NAME|FILE",
        help=f"Which keys feed the call fields: a preset ({PRESET_NAMES}) or a "
        "preset file --save-preset wrote; default: picked from the keys, or inferred from them.",
    ),
]
TzOption = Annotated[
    str | None,
    typer.Option(
        "--tz",
        metavar="ZONE",
        help="The time zone of log times written with no offset (e.g. Europe/Paris); default: UTC, said.",
    ),
]
ModelOption = Annotated[str | None, typer.Option("--model", help="Model for log lines that name none.")]
FieldOption = Annotated[
    list[str],
    typer.Option(
        "--field",
        metavar="NAME=KEY",
        help='NAME=KEY: read a call field from another key (a.b nested, "a.b" one literal key).',
    ),
]
SkipBadOption = Annotated[
    bool, typer.Option("--skip-bad", help="Skip and count bad lines instead of rejecting the file.")
]
RecursiveOption = Annotated[bool, typer.Option("--recursive", "-r", help="Read the files in subfolders too.")]


def usage_checked(check: Callable[[str], object], value: str) -> str:
    """An option's value checked by the core's rule, its refusal turned into a usage error (exit 2)."""
    try:
        check(value)
    except (CostcapError, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


def parse_day(text: str) -> datetime:
    try:
        day = scope.parse_day(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return datetime(day.year, day.month, day.day)


def period(since: datetime | None, until: datetime | None, last: str | None) -> tuple[date | None, date | None]:
    """The inclusive days --since/--until or --last name (not both)."""
    if last is None:
        return since and since.date(), until and until.date()
    if since or until:
        raise CostcapError("--last names the whole period: give it alone, or --since/--until")
    try:
        return scope.parse_last(last)
    except ValueError as exc:
        raise CostcapError(str(exc)) from None


STANDARD_FORMATS = ("table", "json", "csv", "markdown", "github", "html")


def format_option(*formats: str):
    """--format/-f over the writers a command accepts (all from output.WRITERS); any other name is a usage error."""
    unknown = set(formats) - set(output.WRITERS)
    assert not unknown, f"no writer for {unknown}"
    choices = Enum("Format", {name: name for name in formats}, type=str)  # type: ignore[misc]  # from the writers
    return Annotated[choices, typer.Option("--format", "-f", help="Output format.")]


FormatOption = format_option(*STANDARD_FORMATS)


DayOption = Annotated[
    datetime | None,
    typer.Option(parser=parse_day, metavar="DAY", help="Inclusive UTC day: 2026-11-20, 20261120, or 7d (7 days ago)."),
]
LastOption = Annotated[
    str | None, typer.Option("--last", metavar="SPAN", help="The period that ends today (UTC): 7d, 30d, 2w.")
]
DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="COSTCAP_DB",
        help="Store file, or ducklake:CATALOG for a team store; :memory: for a throwaway run.",
        show_default=True,
    ),
]
PricesOption = Annotated[
    str | None,
    typer.Option("--prices", help="Price file (costcap format or LiteLLM JSON) overriding or adding models."),
]


def load_catalog(prices_file: str | None, db: str | None = None) -> price_catalog.Catalog:
    """The price catalog with --prices (or the configuration's [prices] file) over the built-in one; what loading the
    file skipped or kept is said on stderr."""
    found = price_catalog.catalog(prices_file or config.prices_file(store_folder(db)))
    for message in found.notes:
        output.note(message)
    return found


def open_store(db: str, prices_file: str | None, dry_run: bool = False, **how) -> Store:
    """The store --db names (else the configuration's [store] path), with the prices that apply to it. A dry run
    never creates, upgrades or writes a store: with none there, or one this costcap would first upgrade, it reads
    into a throwaway store instead, and says so."""
    path = config.store_path(db, DEFAULT_PATH)
    catalog = load_catalog(prices_file, path)
    if lake.is_lake(path):
        return Store(path, catalog, data_path=config.data_path(), **how)
    if dry_run and not store_is_current(path):
        if os.path.exists(path):
            output.note(f"{path}: the store needs an upgrade this dry run will not make; files are read on their own, "
                        "not checked against what the store holds")  # fmt: skip
        return Store(MEMORY, catalog)
    return Store(path, catalog, **how)


def say_retries(store: Store) -> None:
    """A team store's write that ran again because another writer committed first is said, not hidden."""
    if store.retries:
        output.note(f"{store.path}: another writer committed first; this run's change was made again on what it "
                    f"stored ({numbers.counted(store.retries, 'time')})")  # fmt: skip


def store_folder(db: str | None):
    from pathlib import Path

    return None if db in (None, MEMORY) or lake.is_lake(db) else Path(db).resolve().parent


def user_errors(command):
    """Show a CostcapError as one `Error: ...` line on stderr and exit 1 (and Ctrl-C as one line saying what landed,
    exit 130); anything else is a bug and keeps its traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CostcapError as exc:
            output.error(str(exc))
            raise typer.Exit(ExitCode.ERROR) from None
        except Interrupted as exc:
            output.error(str(exc))
            raise _interrupted_exit() from None
        except (KeyboardInterrupt, Exception) as exc:
            # a store cut short, met while a query read it; a step past the memory limit that could not spill
            broken = damaged(exc) or out_of_memory(exc)
            if broken is not None:
                output.error(str(broken))
                raise typer.Exit(ExitCode.ERROR) from None
            if not interrupted(exc):  # DuckDB reports Ctrl-C as RuntimeError("Query interrupted")
                raise
            output.error(str(Interrupted()))  # what committed before the signal, if anything, is said
            raise _interrupted_exit() from None

    return wrapper


def _interrupted_exit() -> typer.Exit:
    return typer.Exit(ExitCode.INTERRUPTED)


def quiet_interrupt_echoes() -> None:
    """A Ctrl-C that lands while Python closes an abandoned reader (a generator holding a file open) cannot be raised
    there, so Python prints it as "Exception ignored"; the command still ends with its one line and exit 130. That
    echo is not printed; any other exception Python cannot raise still is."""

    def hook(unraisable) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            sys.__unraisablehook__(unraisable)

    sys.unraisablehook = hook


@dataclass
class IngestFlags:
    """The ingest options every command that reads PATHs shares."""

    kind: Kind = AUTO
    model: str | None = None
    fields: list[str] = field(default_factory=list)
    skip_bad: bool = False
    preset: str | None = None
    dry_run: bool = False
    force: bool = False
    recursive: bool = False
    tz: str | None = None
    save_preset: Path | None = None


def zone(name: str | None) -> str | None:
    """A time zone name checked against the tz database; a wrong one is a one-line error."""
    if name is None:
        return None
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise CostcapError(
            f"--tz {name!r} is not a time zone (write one like Europe/Paris, America/New_York or UTC)"
        ) from None
    return name


def load_store(
    db: str, prices_file: str | None, paths: list[str], flags: IngestFlags
) -> tuple[Store, list[FileResult]]:
    """The store to report on: with PATHs, a throwaway in-memory store holding just them; else the --db store."""
    store = Store(MEMORY, load_catalog(prices_file)) if paths else open_store(db, prices_file, read_only=True)
    if not paths:
        return store, []
    try:
        results = ingest_into(store, paths, flags)
    except BaseException:
        store.close()
        raise
    say_notes(results)  # what each file gave, as ingest says it (not the table)
    return store, results


def ingest_into(store: Store, paths: list[str], flags: IngestFlags) -> list[FileResult]:
    """Ingest with the shared ingest flags, costcap.toml beside the store, and a progress bar on a terminal."""
    tz = zone(flags.tz or config.ingest_tz(store.directory))
    if flags.model and not store.catalog.knows(flags.model):
        near = names.did_you_mean(flags.model, store.catalog.names())
        output.warn(f"--model {flags.model!r} has no price in the catalog{near}: the calls it names stay unpriced")
    options = Options(flags.model, config.field_map(store.directory, flags.fields), flags.preset, tz=tz)
    request = Request(paths, flags.kind.value, options, flags.skip_bad, dry_run=flags.dry_run, force=flags.force,
                      recursive=flags.recursive, limits=config.network_limits(store.directory),
                      save_preset=flags.save_preset)  # fmt: skip
    with output.progress_bar("ingesting") as progress:
        return ingest_files(store, request, progress)
