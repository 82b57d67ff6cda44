"""`costcap sources` and `costcap forget`: what the store holds, and taking a file out of it again."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from costcap import output
from costcap import sources as core
from costcap.commands import DbOption, FormatOption, PricesOption, open_store
from costcap.documents import listings as documents
from costcap.store import DEFAULT_PATH


def sources(
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: FormatOption = "table",
) -> None:
    """List what the store holds: each ingested file, appended part of a log or pull, its rows, days and spend.

    Example: costcap sources -f json | jq '.[] | select(.kind == "structlog")'
    """
    with open_store(db, prices_file, read_only=True) as store:
        rows = core.listed(store)
    if not rows:
        output.warn(f"{db} holds no source yet: costcap ingest FILES")
    output.write(documents.sources_document(rows, db), fmt)


def forget(
    names: Annotated[list[str], typer.Argument(help="Source ids or file paths (every part of a grown log).")],
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Remove sources and every row they stored, in one transaction; say what went.

    Example: costcap forget logs/app.log   (then `costcap ingest --force logs/app.log --field ...` re-reads it)
    """
    with open_store(db, prices_file) as store:
        gone = core.forget(store, names)
    output.write(documents.forgotten_document(gone), fmt)
    total = sum(f.calls + f.usage_rows + f.cost_rows for f in gone)
    output.note(
        f"Forgot {len(gone)} source(s): {total:,} rows, {output.usd(sum((f.spend_usd for f in gone), Decimal(0)))} of spend."
    )
