"""`costcap explain`: from a number in the audit to the calls that make it up, with their file and line."""

from __future__ import annotations

from typing import Annotated

import typer

from costcap import audit as core
from costcap import output
from costcap.commands import DayOption, DbOption, FormatOption, PricesOption, open_store, period
from costcap.documents import listings as documents
from costcap.errors import CostcapError
from costcap.scope import Scope
from costcap.store import DEFAULT_PATH


def explain(
    finding: Annotated[str | None, typer.Argument(help="A finding's id as audit lists it (F1, F2, ...).")] = None,
    feature: Annotated[str | None, typer.Option("--feature", help="The calls of this feature.")] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="The calls of this model (as logged or as priced).")
    ] = None,
    day: DayOption = None,
    since: DayOption = None,
    until: DayOption = None,
    last: Annotated[
        str | None,
        typer.Option("--last", metavar="N|SPAN", help="The N latest calls (--last 5), or the days up to today (7d)."),
    ] = None,
    top: Annotated[int, typer.Option(help="How many calls to show, dearest first.", min=1, max=1_000_000)] = 20,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Show the calls behind a breakdown row or a finding: file and line, tokens and cost, dearest first.

    Example: costcap explain --feature daily --day 2026-11-03; costcap explain F2; costcap explain --last 5
    """
    latest = last is not None and last.isdigit()
    if latest:
        top, last = int(last or 0), None
        if top < 1:
            raise CostcapError("--last N: give 1 or more calls (or a span such as 7d)")
    if not any((finding, feature, model, day, last, latest)):
        raise CostcapError("say what to explain: a finding id (F1), --feature, --model, --day, or --last N")
    with open_store(db, prices_file, read_only=True) as store:
        settings = core.Settings(Scope(*period(since, until, last)))
        found = core.explain(store, settings, feature, model, day and day.date(), finding, top, latest)
    output.write(documents.explained_document(found), fmt)
    order = "latest" if latest else "dearest"
    shown = f"the {len(found.rows)} {order} shown" if found.calls > len(found.rows) else "all shown"
    output.note(f"{found.calls:,} calls, {output.usd(found.cost_usd)} in all ({shown}).")
