"""`costcap sources` and `costcap forget`: what the store holds, and taking a file out of it again."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from costcap import numbers, output
from costcap import sources as core
from costcap.commands import DbOption, FormatOption, PricesOption, open_store, say_retries
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
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would go; change nothing.")] = False,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Remove sources and every row they stored, in one transaction; say what went.

    Example: costcap forget logs/app.log --dry-run   (then without it; `costcap ingest --force` re-reads a file)
    """
    with open_store(db, prices_file) as store:
        gone = core.forget(store, names, dry_run=dry_run)
    say_retries(store)
    output.write(documents.forgotten_document(gone, dry_run), fmt)
    total = sum(f.calls + f.usage_rows + f.cost_rows for f in gone)
    spend = output.usd(sum((f.spend_usd for f in gone), Decimal(0)))
    said = f"{numbers.counted(len(gone), 'source')}: {numbers.counted(total, 'row')}, {spend} of spend"
    output.note(f"Would forget {said}; nothing was changed." if dry_run else f"Forgot {said}.")
