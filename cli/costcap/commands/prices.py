"""`costcap prices`: show the dated price catalog, or the price one model bills at on one day."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from costcap import config, output
from costcap.commands import DbOption, FormatOption, PricesOption, load_catalog, parse_day
from costcap.documents import prices as documents
from costcap.errors import CostcapError
from costcap.store import DEFAULT_PATH


def prices(
    model: Annotated[
        str | None, typer.Argument(help="A model id or alias: every rate it bills at; all models when left out.")
    ] = None,
    at: Annotated[
        datetime | None,
        typer.Option("--at", parser=parse_day, metavar="YYYY-MM-DD", help="Prices in force on this day."),
    ] = None,
    prices_file: PricesOption = None,
    db: DbOption = DEFAULT_PATH,
    fmt: FormatOption = "table",
) -> None:
    """List the price catalog in USD per 1M tokens, or every rate one model bills at.

    Example: costcap prices gpt-4o --at 2024-06-01
    """
    catalog = load_catalog(prices_file, config.store_path(db, DEFAULT_PATH))  # the configuration beside the store
    day = at.date() if at else None
    if model:
        doc = documents.model_document(catalog, model, day)
        if doc is None:
            raise CostcapError(
                f"no price for {model!r}{f' on {day}' if day else ''}: its calls are reported as unpriced"
                " (add it with --prices FILE)"
            )
        output.write(doc, fmt)
        return
    output.write(documents.catalog_document(catalog, day), fmt)
