"""`costcap report`: one self-contained HTML page of the audit, the caps and (with a plan) the estimate."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from costcap import estimate as estimate_core
from costcap import output, userfile
from costcap.commands import (
    AUTO,
    DayOption,
    DbOption,
    FieldOption,
    IngestFlags,
    KindOption,
    LastOption,
    ModelOption,
    PresetOption,
    PricesOption,
    RecursiveOption,
    SkipBadOption,
    TzOption,
    format_option,
    load_catalog,
    load_store,
    period,
)  # fmt: skip
from costcap.commands.audit import say_warnings as audit_warnings
from costcap.commands.audit import settings_for
from costcap.commands.budget import say_notes as budget_notes
from costcap.documents import report as documents
from costcap.errors import CostcapError
from costcap.store import DEFAULT_PATH

DEFAULT_OUTPUT = "costcap-report.html"
FORMATS = format_option("html", "json")


def report(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Read these into a throwaway store instead of --db.")
    ] = None,
    since: DayOption = None,
    until: DayOption = None,
    last: LastOption = None,
    plan: Annotated[
        Path | None, typer.Option("--plan", help="A plan (PLAN.toml): add estimate's cost per order by batch size.")
    ] = None,
    out: Annotated[str, typer.Option("--output", "-o", help="The file to write; - for stdout.")] = DEFAULT_OUTPUT,
    kind: KindOption = AUTO,
    model: ModelOption = None,
    field: FieldOption = [],  # noqa: B006
    preset: PresetOption = None,
    tz: TzOption = None,
    skip_bad: SkipBadOption = False,
    recursive: RecursiveOption = False,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: FORMATS = "html",  # type: ignore[valid-type]  # built from the writer registry
) -> None:
    """Write one HTML page (charts inline, opens offline) with the bill, spend per day and feature, the findings and caps.

    Example: costcap report sample_data/ --plan sample_data/plans/large_report.toml -o report.html
    """
    target = None if out == "-" else Path(out)
    if target is not None and target.is_dir():
        raise CostcapError(f"{out}: is a folder: give a file name, e.g. --output {target / DEFAULT_OUTPUT}")
    if target is not None and target.exists() and not Path(os.path.realpath(target)).is_file():
        raise CostcapError(f"{out}: not a regular file (a device, pipe or socket): give a file name for the report")
    planned = _plan(plan, prices_file, db) if plan else (None, None, None)
    store, _ = load_store(
        db, prices_file, paths or [], IngestFlags(kind, model, field, skip_bad, preset, recursive=recursive, tz=tz)
    )
    with store:
        doc, audited, caps = documents.build(store, settings_for(store, *period(since, until, last)), *planned)
    _write(doc, fmt, target)
    audit_warnings(audited)
    budget_notes(caps)


def _plan(path: Path, prices_file: str | None, db: str):
    catalog = load_catalog(prices_file, db)
    plan = estimate_core.load_plan(path, {}, catalog)
    found = estimate_core.scenarios(plan, catalog)
    return plan, found, estimate_core.best(found, plan.deadline_h)


def _write(doc, fmt: str, target: Path | None) -> None:
    if target is None:
        output.write(doc, fmt, sys.stdout)
        return
    text = output.render(doc, fmt)
    written = userfile.write_text(target, text, "the report")  # a reader never sees half a page
    shown = (
        target if written == Path(os.path.realpath(target)) and not target.is_symlink() else f"{target} (-> {written})"
    )
    output.note(f"Wrote {shown} ({len(text.encode()) / 1024:,.0f} KiB): open it in a browser; it fetches nothing.")
