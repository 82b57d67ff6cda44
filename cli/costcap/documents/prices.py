"""prices' documents: the dated catalog in USD per 1M tokens, or every rate one model bills at."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from costcap.document import EXTRA, KEEP, KEY, Doc, column, one_table
from costcap.prices import Catalog, Period

LONG_CONTEXT = "over {above:,} input: "
RATE_NAMES = (("input", "input"), ("cached_input", "cached input"), ("cache_write", "cache write"), ("output", "output"),
              ("audio_input", "audio input"), ("audio_cached_input", "audio cached input"), ("audio_output", "audio output"),
              ("image_input", "image input"), ("image_cached_input", "image cached input"), ("image_output", "image output"))  # fmt: skip


def _price(key: str, heading: str, drop: int = EXTRA):
    return column(key, heading, kind="price", drop=drop)


CATALOG_COLUMNS = [
    column("model", drop=KEY), column("aliases", drop=EXTRA), column("effective_from", "from"),
    column("effective_to", "to"), _price("input", "input", KEEP), _price("cached_input", "cached"),
    _price("output", "output", KEEP), _price("batch_input", "batch in"), _price("batch_cached_input", "batch cached"),
    _price("batch_output", "batch out"), _price("flex_input", "flex in"), _price("flex_output", "flex out"),
    _price("priority_input", "priority in"), _price("priority_output", "priority out"), column("units", drop=EXTRA),
    column("source", drop=EXTRA), column("verified_on", "verified", drop=EXTRA),
]  # fmt: skip
RATE_COLUMNS = [column("model", drop=EXTRA), column("effective_from", "from"), column("effective_to", "to"),
                column("tier", drop=KEY), column("rate", drop=KEY), column("usd", "USD", kind="price", drop=KEY),
                column("per", drop=KEY)]  # fmt: skip


def catalog_document(catalog: Catalog, day: date | None) -> Doc:
    rows = _rows(catalog, day) + _tool_rows(catalog, day)
    return one_table("prices", "prices", "USD per 1M tokens (tool rows: USD per unit)", CATALOG_COLUMNS, rows)


def model_document(catalog: Catalog, model: str, day: date | None) -> Doc | None:
    rows = _detail_rows(catalog, model, day)
    if not rows:
        return None
    return one_table("prices", "rates", f"Rates of {catalog.resolve(model, day) or model}", RATE_COLUMNS, rows)


def _detail_rows(catalog: Catalog, model: str, day: date | None) -> list[dict]:
    """Every rate of every period (or the one in force on `day`): each tier, long context, modalities, units."""
    periods = [catalog.period(model, day)] if day else catalog.periods.get(catalog.resolve(model) or "", [])
    rows = []
    for period in (p for p in periods if p):
        base = {"model": period.model, "effective_from": period.effective_from, "effective_to": period.effective_to}
        for tier, rates in period.tiers.items():
            rows += [
                {**base, "tier": tier, "rate": label, "usd": value, "per": "1M tokens"}
                for label, value in _rate_list(rates)
            ]
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
        {"model": f"(tool) {t.unit}", "aliases": [t.what], "effective_from": t.effective_from, "effective_to": t.effective_to,
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
