"""`costcap ingest`: load exports, logs and Batch output into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from costcap import numbers, output
from costcap.commands import (
    open_store, FormatOption,
    DbOption, FieldOption, IngestFlags, Kind, KindOption, ModelOption, PresetOption, PricesOption, TzOption, SkipBadOption, RecursiveOption, ingest_into,
)  # fmt: skip
from costcap.documents import listings as documents
from costcap.ingest import FileResult
from costcap.ingest.infer import INFERRED
from costcap.store import DEFAULT_PATH


PREVIEW_COLUMNS = ["ts", "feature", "model", "tier", "input_tokens", "cached_tokens", "output_tokens", "status"]


def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (every file in them) or - for stdin.")],
    kind: KindOption = Kind.auto,
    model: ModelOption = None,
    field: FieldOption = [],  # noqa: B006
    preset: PresetOption = None,
    tz: TzOption = None,
    skip_bad: SkipBadOption = False,
    recursive: RecursiveOption = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what each file would give; store nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Re-read files already stored, replacing their rows.")] = False,
    save_preset: Annotated[Path | None, typer.Option("--save-preset", metavar="FILE",
                                                     help="Write the mapping the files were read with as a preset file (--preset FILE reads it).")] = None,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Load usage and cost exports, API pages, Batch output and application token logs into the store.

    Example: costcap ingest exports/ logs/app.log.gz --model gpt-4o
    """
    with open_store(db, prices_file, create=True, dry_run=dry_run) as store:
        results = ingest_into(store, paths, IngestFlags(kind, model, field, skip_bad, preset, dry_run, force, recursive, tz, save_preset))
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


def say_notes(results: list[FileResult]) -> None:
    unreadable = [r for r in results if r.status == "unreadable"]
    for r in unreadable:
        output.warn(f"{output.inert(r.path)}: could not be read ({r.note}); left out (--skip-bad)")
    if len(unreadable) > 1:
        output.warn(f"{len(unreadable):,} files or folders could not be read and were left out.")
    for r in results:
        if r.status == "link followed":
            output.note(f"{output.inert(r.path)}: {output.inert(r.note or '')}; read once.")
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
        if r.read_as:
            output.note(f"{name}: read {output.inert(r.read_as)}.")
        if r.inferred:
            how = ("no preset fits; read with a mapping inferred from its keys" if r.preset == INFERRED
                   else f"the {r.preset} preset finds no value for some fields; keys inferred for them")  # fmt: skip
            output.note(f"{name}: {how}: {output.inert('; '.join(r.inferred))} (keep it with --save-preset FILE)")
        for reason, count in r.passed_over.items():
            output.note(f"{name}: {numbers.counted(count, 'record')} with token counts passed over as not calls: {reason}.")
        if r.disagreeing_parents:
            output.warn(f"{name}: {numbers.counted(r.disagreeing_parents, 'parent span')} of the trace "
                        f"{'carries' if r.disagreeing_parents == 1 else 'carry'} tokens that differ from the sum of the "
                        "calls beneath (the calls are counted, not the parents)")
        if r.unread and r.rows + r.duplicates:
            keys = ", ".join(r.unread_keys)
            output.warn(f"{name}: {numbers.counted(r.unread, 'record')} name token counts ({output.inert(keys)}) but gave "
                        "no call: map their keys with --field input_tokens=KEY --field output_tokens=KEY, or write a "
                        "preset (--save-preset FILE, edit it, --preset FILE)")
        if r.naive_times:
            output.warn(f"{name}: {numbers.counted(r.naive_times, 'time')} had no offset and were read as UTC; pass --tz "
                        "ZONE (or [ingest] tz in costcap.toml) if they are local time")
        if r.rounded_amounts:
            output.note(f"{name}: {numbers.counted(r.rounded_amounts, 'amount')} had digits past the 18th decimal; "
                        f"costcap keeps 18 and rounded the rest half to even (the largest change: "
                        f"${r.largest_rounding_usd:.1e})")
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
