"""`costcap explain`: from a number in the audit to the calls that make it up, with their file and line."""

from __future__ import annotations

from typing import Annotated

import typer

from costcap import audit as core, output
from costcap.commands import DayOption, DbOption, PricesOption, open_store
from costcap.errors import CostcapError
from costcap.store import DEFAULT_PATH

COLUMNS = ["path", "line", "ts", "feature", "model", "tier", "input_tokens", "cached_tokens", "output_tokens",
           "status", "finish_reason", "cost_usd"]  # fmt: skip


def explain(
    finding: Annotated[str | None, typer.Argument(help="A finding's id as audit lists it (F1, F2, ...).")] = None,
    feature: Annotated[str | None, typer.Option("--feature", help="The calls of this feature.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="The calls of this model (as logged or as priced).")] = None,
    day: DayOption = None,
    since: DayOption = None,
    until: DayOption = None,
    top: Annotated[int, typer.Option(help="How many calls to show, dearest first.", min=1)] = 20,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: Annotated[output.Format, typer.Option("--format", "-f")] = output.Format.table,
) -> None:
    """Show the calls behind a breakdown row or a finding: file and line, tokens and cost, dearest first.

    Example: costcap explain --feature daily --day 2026-11-03; costcap explain F2
    """
    if not any((finding, feature, model, day)):
        raise CostcapError("say what to explain: a finding id (F1), or --feature, --model or --day")
    with open_store(db, prices_file, read_only=True) as store:
        settings = core.Settings(since and since.date(), until and until.date())
        found = core.explain(store, settings, feature, model, day and day.date(), finding, top)
    rows = [{**r, "cost_usd": output.money(r["cost_usd"])} for r in found.rows]
    doc = {"asked": found.asked, "calls": found.calls, "cost_usd": output.money(found.cost_usd), "shown": rows}
    if fmt == output.Format.table:
        rows = [{**r, "cost_usd": output.usd(c["cost_usd"], 6)} for r, c in zip(rows, found.rows)]
    asked = ", ".join(f"{k} {v}" for k, v in found.asked.items())
    output.render(rows, fmt, COLUMNS, doc=doc, title=f"The calls behind {asked}",
                  right={"line", "input_tokens", "cached_tokens", "output_tokens", "cost_usd"})  # fmt: skip
    shown = f"the {len(found.rows)} dearest shown" if found.calls > len(found.rows) else "all shown"
    output.note(f"{found.calls:,} calls, {output.usd(found.cost_usd)} in all ({shown}).")
