"""`costcap sources` and `costcap forget`: what the store holds, and taking a file out of it again."""

from __future__ import annotations

from typing import Annotated

import typer

from costcap import output, sources as core
from costcap.commands import DbOption, PricesOption, open_store
from costcap.store import DEFAULT_PATH

COLUMNS = ["id", "path", "kind", "rows", "first_line", "first_day", "last_day", "spend_usd", "unpriced", "ingested_at"]
FORGOTTEN = ["source_id", "path", "calls", "usage_rows", "cost_rows", "spend_usd"]


def sources(
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: Annotated[output.Format, typer.Option("--format", "-f")] = output.Format.table,
) -> None:
    """List what the store holds: each ingested file, appended part of a log or pull, its rows, days and spend.

    Example: costcap sources -f json | jq '.[] | select(.kind == "structlog")'
    """
    with open_store(db, prices_file, read_only=True) as store:
        rows = core.listed(store)
    if not rows:
        output.warn(f"{db} holds no source yet: costcap ingest FILES")
    shown = [{**r, "spend_usd": output.money(r["spend_usd"])} for r in rows]
    if fmt == output.Format.table:
        shown = [{**r, "spend_usd": output.usd(s["spend_usd"])} for r, s in zip(shown, rows)]
    output.render(shown, fmt, COLUMNS, title=f"Sources in {db}", right={"id", "rows", "first_line", "spend_usd", "unpriced"})


def forget(
    names: Annotated[list[str], typer.Argument(help="Source ids or file paths (every part of a grown log).")],
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: Annotated[output.ShortFormat, typer.Option("--format", "-f")] = output.ShortFormat.table,
) -> None:
    """Remove sources and every row they stored, in one transaction; say what went.

    Example: costcap forget logs/app.log   (then `costcap ingest --force logs/app.log --field ...` re-reads it)
    """
    with open_store(db, prices_file) as store:
        gone = core.forget(store, names)
    rows = [{**vars(f), "spend_usd": output.money(f.spend_usd)} for f in gone]
    output.render(rows, fmt, FORGOTTEN, doc={"forgotten": rows}, right={"calls", "usage_rows", "cost_rows", "spend_usd"})
    total = sum(f.calls + f.usage_rows + f.cost_rows for f in gone)
    output.note(f"Forgot {len(gone)} source(s): {total:,} rows, {output.usd(sum(f.spend_usd for f in gone))} of spend.")
