"""`costcap prices`: show the dated price catalog, or the price one model bills at on one day."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import typer

from costcap import output
from costcap import config
from costcap.commands import DbOption, PricesOption, load_catalog, parse_day
from costcap.store import DEFAULT_PATH
from costcap.errors import CostcapError
from costcap.prices import Catalog, Period

COLUMNS = [
    "model", "aliases", "effective_from", "effective_to", "input", "cached_input", "output",
    "batch_input", "batch_cached_input", "batch_output", "flex_input", "flex_output",
    "priority_input", "priority_output", "units", "source", "verified_on",
]  # fmt: skip
TABLE_COLUMNS = ["model", "aliases", "effective_from", "effective_to", "input", "cached_input", "output",
                 "batch_input", "batch_output"]  # fmt: skip


DETAIL_COLUMNS = ["model", "effective_from", "effective_to", "tier", "rate", "usd", "per"]
LONG_CONTEXT = "above {above:,} input tokens: "
RATE_NAMES = (("input", "input"), ("cached_input", "cached input"), ("cache_write", "cache write"), ("output", "output"),
              ("audio_input", "audio input"), ("audio_cached_input", "audio cached input"), ("audio_output", "audio output"),
              ("image_input", "image input"), ("image_cached_input", "image cached input"), ("image_output", "image output"))  # fmt: skip


def prices(
    model: Annotated[str | None, typer.Argument(help="A model id or alias: every rate it bills at; all models when left out.")] = None,
    at: Annotated[datetime | None, typer.Option("--at", parser=parse_day, metavar="YYYY-MM-DD", help="Prices in force on this day.")] = None,
    prices_file: PricesOption = None,
    db: DbOption = DEFAULT_PATH,
    fmt: Annotated[output.Format, typer.Option("--format", "-f")] = output.Format.table,
) -> None:
    """List the price catalog in USD per 1M tokens, or every rate one model bills at.

    Example: costcap prices gpt-4o --at 2024-06-01
    """
    catalog = load_catalog(prices_file, config.store_path(db, DEFAULT_PATH))  # the configuration beside the store
    day = at.date() if at else None
    if model:
        rows = _detail_rows(catalog, model, day)
        if not rows:
            raise CostcapError(
                f"no price for {model!r}{f' on {day}' if day else ''}: its calls are reported as unpriced"
                " (add it with --prices FILE)"
            )
        output.render(rows, fmt, DETAIL_COLUMNS, title=f"Rates of {catalog.resolve(model, day) or model}", right={"usd"})
        return
    rows = _rows(catalog, day) + _tool_rows(catalog, day)
    columns = COLUMNS if fmt != output.Format.table else TABLE_COLUMNS
    output.render(rows, fmt, columns, title="USD per 1M tokens (tool rows: USD per unit)", right=set(columns[4:]))


def _detail_rows(catalog: Catalog, model: str, day: date | None) -> list[dict]:
    """Every rate of every period (or the one in force on `day`): each tier, long context, modalities, units."""
    periods = [catalog.period(model, day)] if day else catalog.periods.get(catalog.resolve(model) or "", [])
    rows = []
    for period in (p for p in periods if p):
        base = {"model": period.model, "effective_from": period.effective_from, "effective_to": period.effective_to}
        for tier, rates in period.tiers.items():
            rows += [{**base, "tier": tier, "rate": label, "usd": value, "per": "1M tokens"} for label, value in _rate_list(rates)]
        rows += [{**base, "tier": "any", "rate": unit, "usd": usd, "per": "unit"} for unit, usd in period.units.items()]
    return rows


def _rate_list(rates) -> list[tuple[str, Decimal]]:
    found = [(label, _plain(getattr(rates, name))) for name, label in RATE_NAMES if getattr(rates, name) is not None]
    if rates.long_context:
        prefix = LONG_CONTEXT.format(above=rates.long_context_above)
        found += [(prefix + label, _plain(getattr(rates.long_context, name))) for name, label in RATE_NAMES[:4]]
    return found


def _plain(value: Decimal) -> Decimal:
    """1.0 and 0.10 (a scaled rate) as 1 and 0.1."""
    return Decimal(format(value.normalize(), "f"))


def _tool_rows(catalog: Catalog, day: date | None) -> list[dict]:
    return [
        {"model": f"({t.what})", "aliases": [], "effective_from": t.effective_from, "effective_to": t.effective_to,
         "input": t.usd, "source": t.source}
        for t in catalog.tools if day is None or t.tool_covers(day)
    ]  # fmt: skip


def _rows(catalog: Catalog, day: date | None) -> list[dict]:
    aliases = _aliases_by_model(catalog, day)
    return [
        _row(period, catalog, aliases.get(name, []))
        for name in sorted(catalog.periods)
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
    std, batch, flex, prio = (period.tiers.get(t) or _NONE for t in ("default", "batch", "flex", "priority"))
    info = catalog.info.get(period.model, {})
    return {
        "model": period.model, "aliases": aliases, "effective_from": period.effective_from,
        "effective_to": period.effective_to, "input": std.input, "cached_input": std.cached_input,
        "output": std.output, "batch_input": batch.input, "batch_cached_input": batch.cached_input,
        "batch_output": batch.output, "flex_input": flex.input, "flex_output": flex.output,
        "priority_input": prio.input, "priority_output": prio.output, "source": info.get("source"),
        "verified_on": info.get("verified_on"), "units": {unit: str(usd) for unit, usd in period.units.items()} or None,
    }  # fmt: skip


class _NoRates:
    """A period billed only in other units: every token rate is blank."""

    def __getattr__(self, name):
        return None


_NONE = _NoRates()
