"""The dated price catalog and the cost arithmetic, exact to the fraction of a cent."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path

from costcap.errors import CostcapError

MILLION = Decimal(1_000_000)
TIERS = ("default", "batch", "flex", "priority")
BATCH_DISCOUNT = Decimal("0.5")
# Service-tier names as OpenAI reports them, mapped to the catalog tier that bills them.
# OpenAI renamed Priority to Fast on 2026-07-30; both names bill at the priority rates.
TIER_NAMES = {"flex": "flex", "priority": "priority", "fast": "priority", "batch": "batch"}


@dataclass(frozen=True)
class Rates:
    """USD per 1M tokens for one tier; cached and cache-write fall back to input when unknown."""

    input: Decimal
    cached_input: Decimal
    output: Decimal
    cache_write: Decimal
    long_context_above: int | None = None
    long_context: Rates | None = None

    def for_prompt(self, input_tokens: int) -> Rates:
        """The rates that bill a request of this many input tokens (long-context tier above the threshold)."""
        if self.long_context and self.long_context_above is not None and input_tokens > self.long_context_above:
            return self.long_context
        return self

    def scaled(self, factor: Decimal) -> Rates:
        """These rates times a factor (the Batch API's 50%)."""
        lc = self.long_context.scaled(factor) if self.long_context else None
        return replace(
            self,
            input=self.input * factor,
            cached_input=self.cached_input * factor,
            output=self.output * factor,
            cache_write=self.cache_write * factor,
            long_context=lc,
        )


@dataclass(frozen=True)
class Period:
    """The prices of one model over one span of dates."""

    model: str
    effective_from: date | None
    effective_to: date | None
    tiers: dict[str, Rates]

    def covers(self, day: date) -> bool:
        starts = self.effective_from is None or day >= self.effective_from
        return starts and (self.effective_to is None or day < self.effective_to)


@dataclass(frozen=True)
class Alias:
    """An id (undated alias or dated snapshot) that bills as a catalog model over a span of dates."""

    alias: str
    model: str
    valid_from: date | None = None
    valid_to: date | None = None

    def covers(self, day: date) -> bool:
        starts = self.valid_from is None or day >= self.valid_from
        return starts and (self.valid_to is None or day < self.valid_to)


@dataclass
class Catalog:
    """Price periods per model, plus the explicit alias table; no prefix guessing anywhere."""

    periods: dict[str, list[Period]] = field(default_factory=dict)
    aliases: dict[str, list[Alias]] = field(default_factory=dict)
    info: dict[str, dict] = field(default_factory=dict)

    def resolve(self, model: str | None, day: date | None = None) -> str | None:
        """The catalog model that bills `model` on `day`, or None when it is unpriced."""
        if not model:
            return None
        if model in self.periods:
            return model
        day = day or date.today()
        for alias in self.aliases.get(model, []):
            if alias.covers(day):
                return alias.model
        return None

    def rates(self, model: str | None, day: date | None = None, tier: str = "default") -> Rates | None:
        """The rates in force for `model` on `day` in `tier`, or None when unpriced."""
        day = day or date.today()
        canonical = self.resolve(model, day)
        for period in self.periods.get(canonical or "", []):
            if period.covers(day):
                return period.tiers[tier if tier in TIERS else "default"]
        return None

    def merge(self, other: Catalog) -> Catalog:
        """A catalog where `other`'s models and aliases replace or add to these."""
        periods = {**self.periods, **other.periods}
        aliases = {**self.aliases}
        for name, rows in other.aliases.items():
            aliases[name] = rows + aliases.get(name, [])
        return Catalog(periods, aliases, {**self.info, **other.info})

    def all_aliases(self) -> list[Alias]:
        """Every id the catalog prices, canonical ids mapping to themselves."""
        rows = [Alias(model, model) for model in self.periods]
        return rows + [a for group in self.aliases.values() for a in group]


# The cost formula, defined once: each billed part of a request and the rate that bills it. call_cost evaluates it
# in Python (plans, Batch input files, token counts); cost_macro renders the same terms as the store's SQL macro
# (ingested calls and usage buckets). Reasoning tokens are part of the output and are not added again.
COST_TERMS = (("uncached", "input"), ("cached", "cached_input"), ("written", "cache_write"), ("output", "output"))


def call_cost(
    rates: Rates, input_tokens, cached_tokens, output_tokens, cache_write_tokens=0, request_input=None
) -> Decimal:
    """Exact USD cost of the tokens at these rates. The long-context rates apply per request: `request_input` is
    the input of one request when the counts are totals over several equal ones (an estimate); by default they
    are one call's."""
    r = rates.for_prompt(input_tokens if request_input is None else request_input)
    billed = {"uncached": input_tokens - cached_tokens - cache_write_tokens, "cached": cached_tokens,
              "written": cache_write_tokens, "output": output_tokens}  # fmt: skip
    return sum((billed[part] * getattr(r, rate) for part, rate in COST_TERMS), Decimal(0)) / MILLION


def cost_macro() -> str:
    """The store's token_cost(inp, cached, written, outp, request_inp, p): COST_TERMS over one price_rates row p
    (rates per token), with its long-context rates when one request's input, request_inp, is above the threshold."""
    billed = {"uncached": "(inp - cached - written)", "cached": "cached", "written": "written", "output": "outp"}
    standard = " + ".join(f"{billed[part]} * p.{rate}" for part, rate in COST_TERMS)
    long_context = " + ".join(f"{billed[part]} * p.lc_{rate}" for part, rate in COST_TERMS)
    return (
        "CREATE OR REPLACE TEMP MACRO token_cost(inp, cached, written, outp, request_inp, p) AS CASE"
        f" WHEN p.long_context_above IS NOT NULL AND request_inp > p.long_context_above THEN {long_context}"
        f" ELSE {standard} END"
    )


def tier_of(service_tier: str | None, batch: bool | None = False) -> str:
    """The catalog tier for a call's service tier and batch flag (auto, scale and default bill as default)."""
    if batch:
        return "batch"
    return TIER_NAMES.get((service_tier or "").strip().lower(), "default")


def _dec(value, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise CostcapError(f"{where}: {value!r} is not a price (write a number of USD per 1M tokens)") from None
    if not number.is_finite() or number < 0:
        raise CostcapError(f"{where}: {value!r} is not a price (write a non-negative number)")
    return number


def _day(value, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CostcapError(f"{where}: {value!r} is not a date (write YYYY-MM-DD)") from None


def _rates(spec: dict, fallback: Rates | None, where: str) -> Rates:
    """Rates from a {input, cached_input, output, cache_write} dict, gaps filled from `fallback`."""

    def pick(key: str, default: Decimal | None) -> Decimal | None:
        return _dec(spec[key], f"{where}.{key}") if spec.get(key) is not None else default

    inp = pick("input", fallback.input if fallback else None)
    out = pick("output", fallback.output if fallback else None)
    if inp is None or out is None:
        raise CostcapError(f"{where}: needs both input and output prices")
    cached = pick("cached_input", fallback.cached_input if fallback else inp)
    write = pick("cache_write", fallback.cache_write if fallback else inp)
    return Rates(inp, cached, out, write)


def _period_tiers(spec: dict, where: str) -> dict[str, Rates]:
    """Resolve every tier of one price period, applying the catalog's rules where a price is absent."""
    standard = _rates(spec, None, where)
    lc = spec.get("long_context")
    if lc:
        above = int(lc["above_tokens"])
        standard = replace(standard, long_context_above=above, long_context=_rates(lc, standard, f"{where}.long_context"))
    tiers = {"default": standard}
    halved = standard.scaled(BATCH_DISCOUNT)
    tiers["batch"] = _tier_rates(spec.get("batch"), halved, standard, f"{where}.batch")
    tiers["flex"] = _tier_rates(spec.get("flex"), standard, standard, f"{where}.flex")
    tiers["priority"] = _tier_rates(spec.get("priority"), standard, standard, f"{where}.priority")
    return tiers


def _tier_rates(spec: dict | None, default: Rates, standard: Rates, where: str) -> Rates:
    """A tier's rates: its own prices where listed, else `default`; long context scales with the tier."""
    if not spec:
        return default
    own = _rates(spec, default, where)
    if standard.long_context is None:
        return own
    ratio = own.input / standard.input if standard.input else Decimal(1)
    return replace(own, long_context_above=standard.long_context_above, long_context=standard.long_context.scaled(ratio))


def from_costcap_json(doc: dict, where: str) -> Catalog:
    """Build a catalog from costcap's own price file format."""
    catalog = Catalog()
    for i, entry in enumerate(doc.get("models", [])):
        model = entry.get("model")
        if not model:
            raise CostcapError(f"{where}: models[{i}] has no model name")
        periods = []
        for j, spec in enumerate(entry.get("prices", [])):
            at = f"{where}: {model}.prices[{j}]"
            periods.append(
                Period(model, _day(spec.get("effective_from"), at), _day(spec.get("effective_to"), at), _period_tiers(spec, at))
            )
        catalog.periods[model] = periods
        catalog.info[model] = {k: entry.get(k) for k in ("mode", "source", "verified_on", "deprecation_date")}
    for i, row in enumerate(doc.get("aliases", [])):
        at = f"{where}: aliases[{i}]"
        alias = Alias(row["alias"], row["model"], _day(row.get("from"), at), _day(row.get("to"), at))
        catalog.aliases.setdefault(alias.alias, []).append(alias)
    return catalog


_LITELLM_TIERS = {"batch": "_batches", "flex": "_flex", "priority": "_priority"}


def from_litellm_json(doc: dict, where: str) -> Catalog:
    """Build a catalog from LiteLLM's model_prices_and_context_window.json (per-token USD)."""
    models = []
    for name, entry in doc.items():
        if name == "sample_spec" or not isinstance(entry, dict) or "input_cost_per_token" not in entry:
            continue
        spec = _litellm_rates(entry, "", f"{where}: {name}")
        for tier, suffix in _LITELLM_TIERS.items():
            if f"input_cost_per_token{suffix}" in entry:
                spec[tier] = _litellm_rates(entry, suffix, f"{where}: {name}")
        models.append({"model": name, "mode": entry.get("mode"), "source": entry.get("source"), "prices": [spec]})
    return from_costcap_json({"models": models}, where)


def _litellm_rates(entry: dict, suffix: str, where: str) -> dict:
    keys = {
        "input": "input_cost_per_token",
        "cached_input": "cache_read_input_token_cost",
        "output": "output_cost_per_token",
        "cache_write": "cache_creation_input_token_cost",
    }
    out = {}
    for ours, theirs in keys.items():
        value = entry.get(theirs + suffix)
        if value is not None:
            out[ours] = str(_dec(value, f"{where}.{theirs}{suffix}") * MILLION)
    return out


def load_file(path: str | Path) -> Catalog:
    """Read a price file: costcap's format or LiteLLM's JSON."""
    where = str(path)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"), parse_float=Decimal)
    except FileNotFoundError:
        raise CostcapError(f"{where}: no such price file (check the --prices path)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CostcapError(f"{where}: not a JSON price file ({exc}; use costcap's format or LiteLLM's JSON)") from None
    if not isinstance(doc, dict):
        raise CostcapError(f"{where}: not a price file (expected a JSON object)")
    if "models" in doc or "aliases" in doc:
        return from_costcap_json(doc, where)
    return from_litellm_json(doc, where)


@cache
def builtin() -> Catalog:
    """The catalog shipped with costcap."""
    text = (resources.files("costcap") / "data" / "prices.json").read_text(encoding="utf-8")
    return from_costcap_json(json.loads(text), "costcap/data/prices.json")


def catalog(override: str | Path | None = None) -> Catalog:
    """The built-in catalog, with `override`'s entries replacing or adding to it."""
    return builtin().merge(load_file(override)) if override else builtin()
