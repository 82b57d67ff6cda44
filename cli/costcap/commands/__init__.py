"""The CLI commands, one module each; shared options and the user-error boundary live here."""

from __future__ import annotations

import functools
from datetime import datetime
from enum import Enum
from typing import Annotated

import typer

from costcap import config, output
from costcap import prices as price_catalog
from costcap.errors import CostcapError
from costcap.ingest import FileResult, Request, ingest as ingest_files
from costcap.ingest.records import Options
from costcap.store import MEMORY, Store


class Kind(str, Enum):
    auto = "auto"
    usage_csv = "usage-csv"
    cost_csv = "cost-csv"
    structlog = "structlog"
    batch_output = "batch-output"
    usage_api_json = "usage-api-json"


KindOption = Annotated[Kind, typer.Option(help="What the files are; auto reads it from the content.")]
ModelOption = Annotated[str | None, typer.Option("--model", help="Model for log lines that name none.")]
FieldOption = Annotated[
    list[str], typer.Option("--field", help="NAME=SOURCE_KEY: read a call field from another log key.")
]
SkipBadOption = Annotated[bool, typer.Option("--skip-bad", help="Skip and count bad lines instead of rejecting the file.")]

DayOption = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Inclusive UTC day.")]
DbOption = Annotated[
    str,
    typer.Option("--db", envvar="COSTCAP_DB", help="Store file; :memory: for a throwaway run.", show_default=True),
]
PricesOption = Annotated[
    str | None,
    typer.Option("--prices", help="Price file (costcap format or LiteLLM JSON) overriding or adding models."),
]


def user_errors(command):
    """Show a CostcapError as one `Error: ...` line on stderr and exit 1; anything else is a bug and keeps its traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CostcapError as exc:
            output.error(str(exc))
            raise typer.Exit(1) from None

    return wrapper


def load_store(
    db: str, prices_file: str | None, paths: list[str], kind: Kind, model: str | None, fields: list[str], skip_bad: bool
) -> tuple[Store, list[FileResult]]:
    """The store to report on: with PATHs, a throwaway in-memory store holding just them; else the --db store."""
    store = Store(MEMORY if paths else db, price_catalog.catalog(prices_file))
    if not paths:
        return store, []
    try:
        return store, ingest_into(store, paths, kind, model, fields, skip_bad)
    except BaseException:
        store.close()
        raise


def ingest_into(store: Store, paths: list[str], kind: Kind, model: str | None, fields: list[str], skip_bad: bool) -> list[FileResult]:
    """Ingest with the shared ingest flags, costcap.toml beside the store, and a progress bar on a terminal."""
    options = Options(default_model=model, fields=config.field_map(store.directory, fields))
    with output.progress_bar("ingesting") as progress:
        return ingest_files(store, Request(paths, kind.value, options, skip_bad), progress)
