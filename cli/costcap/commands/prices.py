"""`costcap prices`: show the dated price catalog, or the price one model bills at on one day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer

from costcap import output, prices as catalog_module
from costcap.commands import PricesOption
from costcap.errors import CostcapError
from costcap.prices import Catalog, Period

COLUMNS = [
    "model", "aliases", "effective_from", "effective_to", "input", "cached_input", "output",
    "batch_input", "batch_cached_input", "batch_output", "flex_input", "flex_output",
    "priority_input", "priority_output", "source", "verified_on",
]  # fmt: skip
TABLE_COLUMNS = ["model", "aliases", "effective_from", "effective_to", "input", "cached_input", "output",
                 "batch_input", "batch_output"]  # fmt: skip


def prices(
    model: Annotated[str | None, typer.Argument(help="A model id or alias; all models when left out.")] = None,
    at: Annotated[datetime | None, typer.Option("--at", formats=["%Y-%m-%d"], help="Prices in force on this day.")] = None,
    prices_file: PricesOption = None,
    fmt: Annotated[output.Format, typer.Option("--format", "-f")] = output.Format.table,
) -> None:
    """List the price catalog in USD per 1M tokens.

    Example: costcap prices gpt-4o --at 2024-06-01
    """
    catalog = catalog_module.catalog(prices_file)
    day = at.date() if at else None
    rows = _rows(catalog, model, day)
    if not rows:
        raise CostcapError(
            f"no price for {model!r}{f' on {day}' if day else ''}: its calls are reported as unpriced"
            " (add it with --prices FILE)"
        )
    columns = COLUMNS if fmt != output.Format.table else TABLE_COLUMNS
    output.render(rows, fmt, columns, title="USD per 1M tokens", right=set(columns[4:]))


def _rows(catalog: Catalog, model: str | None, day: date | None) -> list[dict]:
    if model:
        canonical = catalog.resolve(model, day)
        names = [canonical] if canonical else []
    else:
        names = sorted(catalog.periods)
    aliases = _aliases_by_model(catalog, day)
    return [
        _row(period, catalog, aliases.get(name, []))
        for name in names
        for period in catalog.periods[name]
        if day is None or period.covers(day)
    ]


def _aliases_by_model(catalog: Catalog, day: date | None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for alias in catalog.all_aliases():
        if alias.alias != alias.model and (day is None or alias.covers(day)):
            span = "" if day else _span(alias.valid_from, alias.valid_to)
            found.setdefault(alias.model, []).append(alias.alias + span)
    return found


def _span(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return ""
    return f" ({start or '…'} to {end or 'now'})"


def _row(period: Period, catalog: Catalog, aliases: list[str]) -> dict:
    std, batch, flex, prio = (period.tiers[t] for t in ("default", "batch", "flex", "priority"))
    info = catalog.info.get(period.model, {})
    return {
        "model": period.model, "aliases": aliases, "effective_from": period.effective_from,
        "effective_to": period.effective_to, "input": std.input, "cached_input": std.cached_input,
        "output": std.output, "batch_input": batch.input, "batch_cached_input": batch.cached_input,
        "batch_output": batch.output, "flex_input": flex.input, "flex_output": flex.output,
        "priority_input": prio.input, "priority_output": prio.output, "source": info.get("source"),
        "verified_on": info.get("verified_on"),
    }  # fmt: skip
