"""`costcap ingest`: load exports, logs and Batch output into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from costcap import output
from costcap.commands import (
    AUTO,
    DbOption,
    FieldOption,
    FormatOption,
    IngestFlags,
    KindOption,
    ModelOption,
    PresetOption,
    PricesOption,
    RecursiveOption,
    SkipBadOption,
    TzOption,
    ingest_into,
    open_store,
    say_retries,
)  # fmt: skip
from costcap.commands.notes import say_notes
from costcap.documents import listings as documents
from costcap.ingest import FileResult
from costcap.store import DEFAULT_PATH

PREVIEW_COLUMNS = ["ts", "feature", "model", "tier", "input_tokens", "cached_tokens", "output_tokens", "status"]


def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (every file in them) or - for stdin.")],
    kind: KindOption = AUTO,
    model: ModelOption = None,
    field: FieldOption = [],  # noqa: B006
    preset: PresetOption = None,
    tz: TzOption = None,
    skip_bad: SkipBadOption = False,
    recursive: RecursiveOption = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what each file would give; store nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Re-read files already stored, replacing their rows.")] = False,
    save_preset: Annotated[
        Path | None,
        typer.Option(
            "--save-preset",
            metavar="FILE",
            help="Write the mapping the files were read with as a preset file (--preset FILE reads it).",
        ),
    ] = None,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Load usage and cost exports, API pages, Batch output and application token logs into the store.

    Example: costcap ingest exports/ logs/app.log.gz --model gpt-4o
    """
    with open_store(db, prices_file, create=True, dry_run=dry_run) as store:
        results = ingest_into(
            store, paths, IngestFlags(kind, model, field, skip_bad, preset, dry_run, force, recursive, tz, save_preset)
        )
    say_retries(store)
    show(results, fmt)
    if dry_run and fmt != "json":
        _show_dry_run(results)
    if save_preset is not None:
        output.note(f"Wrote the mapping to {save_preset}: read such files with --preset {save_preset}.")


def show(results: list[FileResult], fmt: str) -> None:
    """What each file added, on stdout; notes and warnings on stderr."""
    output.write(documents.files_document(results), fmt)
    say_notes(results)


def _show_dry_run(results: list[FileResult]) -> None:
    """Per file, on stderr: which key fed each call field and the first calls as they would be stored."""
    for r in results:
        if r.field_keys:
            keys = ", ".join(f"{name} <- {key}" for name, key in r.field_keys.items())
            output.note(f"{output.inert(r.path)} ({r.preset}): {output.inert(keys)}")
        for call in r.preview:
            shown = " ".join(f"{c}={call[c]}" for c in PREVIEW_COLUMNS if call.get(c) is not None)
            output.note(f"  line {call['line']}: {output.inert(shown)} cost={output.usd(call['cost_usd'], 6)}")
    output.note("dry run: nothing was stored.")
