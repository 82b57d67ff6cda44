"""`costcap ingest`: load exports, logs and Batch output into the store."""

from __future__ import annotations

from typing import Annotated

import typer

from costcap import output
from costcap.commands import (
    open_store,
    DbOption, FieldOption, IngestFlags, Kind, KindOption, ModelOption, PresetOption, PricesOption, SkipBadOption, RecursiveOption, ingest_into,
)  # fmt: skip
from costcap.ingest import FileResult
from costcap.store import DEFAULT_PATH


COLUMNS = ["file", "kind", "preset", "status", "rows", "skipped", "bad", "duplicates", "spend_usd", "unpriced"]
PREVIEW_COLUMNS = ["line", "ts", "feature", "model", "tier", "input_tokens", "cached_tokens", "output_tokens", "status", "cost_usd"]


def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (every file in them) or - for stdin.")],
    kind: KindOption = Kind.auto,
    model: ModelOption = None,
    field: FieldOption = [],  # noqa: B006
    preset: PresetOption = None,
    skip_bad: SkipBadOption = False,
    recursive: RecursiveOption = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what each file would give; store nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Re-read files already stored, replacing their rows.")] = False,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: Annotated[output.ShortFormat, typer.Option("--format", "-f")] = output.ShortFormat.table,
) -> None:
    """Load usage and cost exports, API pages, Batch output and application token logs into the store.

    Example: costcap ingest exports/ logs/app.log.gz --model gpt-4o
    """
    with open_store(db, prices_file, create=True) as store:
        results = ingest_into(store, paths, IngestFlags(kind, model, field, skip_bad, preset, dry_run, force, recursive))
    show(results, fmt)
    if dry_run and fmt != output.ShortFormat.json:
        _show_dry_run(results)


def show(results: list[FileResult], fmt: output.ShortFormat) -> None:
    """What each file added, as a table or JSON on stdout; notes and warnings on stderr."""
    rows = [_row(r) for r in results]
    right = set(COLUMNS[4:])
    output.render(rows, fmt, COLUMNS, doc={"files": [_doc(r) for r in results]}, right=right)
    _notes(results)


def _row(r: FileResult) -> dict:
    spend = output.usd(r.spend_usd) if r.status in ("ingested", "appended") else ""
    return {**_doc(r), "file": r.path, "spend_usd": spend}


def _doc(r: FileResult) -> dict:
    return {
        "file": r.path, "kind": r.kind, "preset": r.preset, "status": r.status, "note": r.note,
        "rows": r.rows, "skipped": r.skipped, "bad": r.bad,
        "duplicates": r.duplicates, "spend_usd": output.money(r.spend_usd),
        "spend_usd_exact": output.exact(r.spend_usd), "unpriced": r.unpriced,
        "unpriced_models": r.unpriced_models,
        "priced_coverage": round((r.rows - r.unpriced) / r.rows, 6) if r.rows else None,
        "reported_usd": output.exact(r.reported_usd) if r.reported_usd is not None else None,
        "field_keys": r.field_keys, "preview": [_preview(c) for c in r.preview],
    }  # fmt: skip


def _preview(call: dict) -> dict:
    return {**call, "cost_usd": output.exact(call["cost_usd"]) if call["cost_usd"] is not None else None}


def _show_dry_run(results: list[FileResult]) -> None:
    """Per file, on stderr: which key fed each call field and the first calls as they would be stored."""
    for r in results:
        if r.field_keys:
            keys = ", ".join(f"{name} <- {key}" for name, key in r.field_keys.items())
            output.note(f"{output.inert(r.path)} ({r.preset}): {output.inert(keys)}")
        for call in r.preview:
            shown = " ".join(f"{c}={call[c]}" for c in PREVIEW_COLUMNS if call.get(c) is not None)
            output.note(f"  line {output.inert(shown)}")
    output.note("dry run: nothing was stored.")


def _notes(results: list[FileResult]) -> None:
    for r in results:
        name = output.inert(r.path)
        if r.status == "unchanged":
            output.note(f"{name}: already in the store, unchanged; nothing added.")
        if r.status in ("not an input", "passed over", "nothing to store"):
            output.note(f"{name}: {r.status}: {output.inert(r.note or 'not an export, log or Batch output')}.")
        if r.reported_usd is not None and r.priced_where_reported is not None and r.reported_usd != r.priced_where_reported:
            output.note(
                f"{name}: the log's own cost says ${r.reported_usd:.6f} for these calls; costcap's price is "
                f"${r.priced_where_reported:.6f} (the log's figure is its writer's estimate, not the bill)."
            )
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
            if "(no model)" in r.unpriced_models:
                output.warn(f"{name}: usage rows with no model are ungrouped totals that cannot be priced: pull or "
                            "export them grouped by model (group_by=model)")
