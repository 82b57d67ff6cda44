"""`costcap ingest`: load exports, logs and Batch output into the store."""

from __future__ import annotations

from typing import Annotated

import typer

from costcap import output, prices
from costcap.commands import DbOption, FieldOption, Kind, KindOption, ModelOption, PricesOption, SkipBadOption, ingest_into
from costcap.ingest import FileResult
from costcap.store import DEFAULT_PATH, Store


COLUMNS = ["file", "kind", "status", "rows", "skipped", "bad", "duplicates", "spend_usd", "unpriced"]


def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (every file in them) or - for stdin.")],
    kind: KindOption = Kind.auto,
    model: ModelOption = None,
    field: FieldOption = [],  # noqa: B006
    skip_bad: SkipBadOption = False,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: Annotated[output.ShortFormat, typer.Option("--format", "-f")] = output.ShortFormat.table,
) -> None:
    """Load usage and cost CSVs, structlog token logs and Batch output into the store.

    Example: costcap ingest exports/ logs/app.log.gz --model gpt-4o
    """
    with Store(db, prices.catalog(prices_file)) as store:
        results = ingest_into(store, paths, kind, model, field, skip_bad)
    show(results, fmt)


def show(results: list[FileResult], fmt: output.ShortFormat) -> None:
    """What each file added, as a table or JSON on stdout; notes and warnings on stderr."""
    rows = [_row(r) for r in results]
    output.render(rows, fmt, COLUMNS, doc={"files": [_doc(r) for r in results]}, right=set(COLUMNS[3:]))
    _notes(results)


def _row(r: FileResult) -> dict:
    spend = output.usd(r.spend_usd) if r.status in ("ingested", "appended") else ""
    return {**_doc(r), "file": r.path, "spend_usd": spend}


def _doc(r: FileResult) -> dict:
    return {
        "file": r.path, "kind": r.kind, "status": r.status, "rows": r.rows, "skipped": r.skipped, "bad": r.bad,
        "duplicates": r.duplicates, "spend_usd": output.money(r.spend_usd),
        "spend_usd_exact": output.exact(r.spend_usd), "unpriced": r.unpriced,
        "unpriced_models": r.unpriced_models,
        "priced_coverage": round((r.rows - r.unpriced) / r.rows, 6) if r.rows else None,
    }  # fmt: skip


def _notes(results: list[FileResult]) -> None:
    for r in results:
        name = output.inert(r.path)
        if r.status == "unchanged":
            output.note(f"{name}: already in the store, unchanged; nothing added.")
        if r.status == "not an input":
            output.note(f"{name}: passed over, not an export, log or Batch output.")
        if r.status == "appended":
            output.note(f"{name}: grown since the last ingest; read from line {r.first_line} on.")
        for example in r.bad_examples:
            output.warn(f"skipped bad line {output.inert(example)}")
        if r.bad > len(r.bad_examples):
            output.warn(f"{name}: {r.bad} bad lines skipped in all.")
        if r.unpriced:
            models = ", ".join(output.inert(m) for m in r.unpriced_models)
            output.warn(
                f"{name}: {r.unpriced} rows use models with no price ({models}); they are left out of the spend,"
                " not counted as $0. Add prices with --prices FILE."
            )
