"""`costcap doctor` (a store's health at a glance), `costcap sql` (a person's own read-only query on it), and
`costcap export` / `costcap import` (a store's content as Parquet files, to move it, e.g. to a team store)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from costcap import config, doctor, output, transfer
from costcap.commands import DbOption, FormatOption, PricesOption, load_catalog, open_store, store_folder
from costcap.documents import listings as documents
from costcap.errors import CostcapError
from costcap.store import DEFAULT_PATH


def doctor_command(db: DbOption = DEFAULT_PATH, prices_file: PricesOption = None, fmt: FormatOption = "table") -> None:
    """Say how the store is: path, size, schema version, who holds its lock, what it holds, the prices in force.

    Example: costcap doctor --db spend.duckdb
    """
    path = config.store_path(db, DEFAULT_PATH)
    named = prices_file or config.prices_file(store_folder(path))
    checks = doctor.examine(path, load_catalog(prices_file, path), named)
    output.write(documents.health_document(checks), fmt)
    problems = [c for c in checks if c.status == doctor.PROBLEM]
    if problems:
        raise CostcapError("; ".join(f"{c.check}: {c.found}" for c in problems))


def sql_command(
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY",
            help="SQL over the store: calls, usage, costs, sources, "
            "the aggregates, and priced_calls (each call with its cost).",
        ),
    ],
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Run your own read-only SQL on the store; it can read the store and nothing else.

    Example: costcap sql "SELECT feature, sum(cost_usd) AS cost_usd FROM priced_calls GROUP BY ALL" --json
    """
    with open_store(db, prices_file, read_only=True) as store:
        columns, rows = store.user_query(query)
    output.write(documents.query_document(columns, rows), fmt)


FolderArgument = Annotated[
    Path, typer.Argument(metavar="FOLDER", help="The export's folder: one Parquet file per table.")
]


def export_command(folder: FolderArgument, db: DbOption = DEFAULT_PATH, fmt: FormatOption = "table") -> None:
    """Write the store's whole content to a new folder, one Parquet file per table (to move it, or keep a copy).

    Example: costcap export spend-export/ --db costcap.duckdb; then costcap import spend-export/ --db ducklake:...
    """
    with open_store(db, None, read_only=True) as store:
        moved = transfer.export_store(store, folder)
    output.write(documents.moved_document("export", str(folder), moved), fmt)
    output.note(f"Wrote {sum(m.rows for m in moved):,} rows to {folder}: `costcap import {folder} --db ...` loads "
                "them into a new store.")  # fmt: skip


def import_command(folder: FolderArgument, db: DbOption = DEFAULT_PATH, fmt: FormatOption = "table") -> None:
    """Load a folder `costcap export` wrote into a store that holds nothing yet (a new file, or a team store).

    Example: costcap import spend-export/ --db "ducklake:postgres:dbname=costcap host=db.internal"
    """
    with open_store(db, None, create=True) as store:
        moved = transfer.import_store(store, folder)
    output.write(documents.moved_document("import", str(folder), moved), fmt)
    output.note(f"Loaded {sum(m.rows for m in moved):,} rows from {folder} into {store.path}.")
