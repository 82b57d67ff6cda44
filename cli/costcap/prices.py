"""The dated price catalog and the cost arithmetic, exact to the fraction of a cent."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path

from costcap.errors import CostcapError

MILLION = Decimal(1_000_000)
# A stored call whose input is above this many tokens keeps its own aggregate group, so a long-context rate (decided
# per request) prices it as it would the call. It is below every threshold in the catalog (272k); a catalog with a
# lower one has the aggregates rebuilt for its session (costcap.aggregates.fit_prices).
LONG_INPUT_FLOOR = 200_000
# ultrafast is billed only where a model lists its rates: without them a call is unpriced, never billed at standard.
TIERS = ("default", "batch", "flex", "priority", "ultrafast")
OWN_RATES_ONLY = ("ultrafast",)
BATCH_DISCOUNT = Decimal("0.5")
# Every service_tier name OpenAI reports, mapped to the catalog tier that bills it. OpenAI renamed Priority to Fast
# on 2026-07-30 (both bill at the priority rates); auto is a request setting and scale is no longer accepted.
TIER_NAMES = {
    "default": "default", "auto": "default", "scale": "default", "standard": "default", "flex": "flex",
    "priority": "priority", "fast": "priority", "ultrafast": "ultrafast", "batch": "batch",
}  # fmt: skip
FINE_TUNE_PREFIX = "ft:"
# Audio and image tokens are billed at their own rates; a model without them leaves such tokens unpriced.
MODALITY_RATES = (
    "audio_input",
    "audio_cached_input",
    "audio_output",
    "image_input",
    "image_cached_input",
    "image_output",
)


@dataclass(frozen=True)
class Rates:
    """USD per 1M tokens for one tier; cached and cache-write fall back to input when unknown; audio and image
    rates are None when the model has none."""

    input: Decimal
    cached_input: Decimal
    output: Decimal
    cache_write: Decimal
    long_context_above: int | None = None
    long_context: Rates | None = None
    audio_input: Decimal | None = None
    audio_cached_input: Decimal | None = None
    audio_output: Decimal | None = None
    image_input: Decimal | None = None
    image_cached_input: Decimal | None = None
    image_output: Decimal | None = None
    # the catalog lists this tier's cached-input price: caching is known to work here (a Batch tier that lists none
    # may not cache at all, PRICES.md 2.6), which is what a plan assumes before it counts on it
    cached_listed: bool = False

    def for_prompt(self, input_tokens: int) -> Rates:
        """The rates that bill a request of this many input tokens (long-context tier above the threshold)."""
        if self.long_context and self.long_context_above is not None and input_tokens > self.long_context_above:
            return self.long_context
        return self

    def scaled(self, factor: Decimal) -> Rates:
        """These rates times a factor (the Batch API's 50%)."""
        changed = {
            f.name: getattr(self, f.name) * factor for f in fields(self) if isinstance(getattr(self, f.name), Decimal)
        }
        return replace(self, **changed, long_context=self.long_context.scaled(factor) if self.long_context else None)


@dataclass(frozen=True)
class Period:
    """The prices of one model over one span of dates: token rates per tier (none for a model billed only in other
    units) and prices per other unit (characters, seconds, images, calls)."""

    model: str
    effective_from: date | None
    effective_to: date | None
    tiers: dict[str, Rates]
    units: dict[str, Decimal] = field(default_factory=dict)

    def covers(self, day: date) -> bool:
        starts = self.effective_from is None or day >= self.effective_from
        return starts and (self.effective_to is None or day < self.effective_to)

    @property
    def undated(self) -> bool:
        return self.effective_from is None and self.effective_to is None


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


@dataclass(frozen=True)
class ToolPrice:
    """A price per unit that belongs to no model: vector storage, code-interpreter sessions, tool calls."""

    unit: str
    usd: Decimal
    effective_from: date | None
    effective_to: date | None
    what: str
    source: str | None = None

    def tool_covers(self, day: date) -> bool:
        return _spans(self.effective_from, self.effective_to, day)


# A provider's prefix before an OpenAI model id, as routers and SDKs log it (LiteLLM's openai/gpt-4o-mini).
PROVIDER_PREFIXES = ("openai/", "azure/", "azure_ai/", "openai:", "litellm_proxy/", "openrouter/openai/")


def price_key(model: str) -> str:
    """The id a model is priced under, whatever the spelling: case and spaces aside, a provider prefix (openai/, azure/)
    dropped; a fine-tune ft:BASE:org:name:id bills at BASE's fine-tuned rates (ft:BASE)."""
    key = model.strip().lower()
    for prefix in PROVIDER_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
    if key.startswith(FINE_TUNE_PREFIX):
        return FINE_TUNE_PREFIX + key[len(FINE_TUNE_PREFIX) :].split(":", 1)[0]
    return key


def tier_macro() -> str:
    """catalog_tier(name): TIER_NAMES as the store's SQL macro, the catalog tier a reported service_tier bills at;
    a name OpenAI never reported bills as default (see unknown_tier). Needs py_strip (queries/session/)."""
    cases = " ".join(f"WHEN '{name}' THEN '{tier}'" for name, tier in TIER_NAMES.items())
    return f"CREATE OR REPLACE TEMP MACRO catalog_tier(name) AS CASE lower(py_strip(name)) {cases} ELSE 'default' END"


def price_key_macro() -> str:
    """price_key() as the store's SQL macro, so both sides apply the one rule."""
    p = FINE_TUNE_PREFIX
    prefixes = ", ".join(f"'{prefix}'" for prefix in PROVIDER_PREFIXES)
    stripped = (
        "CREATE OR REPLACE TEMP MACRO model_key(m) AS list_reduce(list_prepend(lower(trim(m)), "
        f"[{prefixes}]), lambda k, x: CASE WHEN starts_with(k, x) THEN substr(k, length(x) + 1) ELSE k END)"
    )
    keyed = (
        f"CREATE OR REPLACE TEMP MACRO price_key(m) AS CASE WHEN starts_with(model_key(m), '{p}') "
        f"THEN '{p}' || split_part(substr(model_key(m), {len(p) + 1}), ':', 1) ELSE model_key(m) END"
    )
    return stripped + ";\n" + keyed


@dataclass
class Catalog:
    """Price periods per model, plus the explicit alias table; no prefix guessing beyond the fine-tune rule."""

    periods: dict[str, list[Period]] = field(default_factory=dict)
    aliases: dict[str, list[Alias]] = field(default_factory=dict)
    info: dict[str, dict] = field(default_factory=dict)
    tools: list[ToolPrice] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def resolve(self, model: str | None, day: date | None = None) -> str | None:
        """The catalog model that bills `model` on `day`, or None when it is unpriced."""
        if not model:
            return None
        key, day = price_key(model), day or date.today()
        if any(period.covers(day) for period in self.periods.get(key, [])):
            return key
        for alias in self.aliases.get(key, []):
            if alias.covers(day):
                return alias.model
        return key if key in self.periods and not self.aliases.get(key) else None

    def names(self) -> list[str]:
        """Every model name the catalog prices on some day: its models and their aliases."""
        return sorted({*self.periods, *self.aliases})

    def knows(self, model: str) -> bool:
        """Whether `model` is priced on some day (by its own name, an alias, or the fine-tune rule)."""
        return price_key(model) in self.periods or price_key(model) in self.aliases

    def period(self, model: str | None, day: date | None = None) -> Period | None:
        """The price period in force for `model` on `day`."""
        day = day or date.today()
        for period in self.periods.get(self.resolve(model, day) or "", []):
            if period.covers(day):
                return period
        return None

    def rates(self, model: str | None, day: date | None = None, tier: str = "default") -> Rates | None:
        """The rates in force for `model` on `day` in `tier`, or None when unpriced."""
        found = self.period(model, day)
        return found.tiers.get(tier if tier in TIERS else "default") if found else None

    def merge(self, other: Catalog) -> Catalog:
        """A catalog where `other`'s models and aliases replace or add to these. An undated price never replaces a
        dated history: it takes the place of the latest period only, and the earlier ones stay."""
        periods, kept = {**self.periods}, []
        for name, new in other.periods.items():
            periods[name] = self._keep_history(name, new)
            if periods[name] is not new:
                kept.append(name)
        aliases = {**self.aliases}
        for name, rows in other.aliases.items():
            aliases[name] = rows + aliases.get(name, [])
        notes = [*self.notes, *other.notes]
        if kept:
            notes.append(
                f"kept costcap's dated price history of {len(kept)} models ({', '.join(sorted(kept)[:6])}"
                f"{', …' if len(kept) > 6 else ''}): the price file's undated price applies from the latest change on"
            )
        tools = other.tools + [t for t in self.tools if t.unit not in {o.unit for o in other.tools}]
        return Catalog(periods, aliases, {**self.info, **other.info}, tools, notes)

    def _keep_history(self, name: str, new: list[Period]) -> list[Period]:
        if len(new) != 1 or not new[0].undated:
            return new
        old = sorted(self.periods.get(name, []), key=lambda p: p.effective_from or date.min)
        if len(old) > 1:
            return [
                *old[:-1],
                replace(new[0], effective_from=old[-1].effective_from, effective_to=old[-1].effective_to),
            ]
        dated = [a for a in self.aliases.get(name, []) if a.valid_from or a.valid_to]
        if not old and len({a.model for a in dated}) > 1:
            return [replace(new[0], effective_from=max(a.valid_from for a in dated if a.valid_from))]
        return new

    def all_aliases(self) -> list[Alias]:
        """Every id the catalog prices, canonical ids mapping to themselves."""
        rows = [Alias(model, model) for model in self.periods]
        return rows + [a for group in self.aliases.values() for a in group]


def _spans(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or day >= start) and (end is None or day < end)


@dataclass(frozen=True)
class Modalities:
    """The audio and image parts of a request's tokens (each part of the totals, not added to them)."""

    audio_input: int = 0
    audio_cached_input: int = 0
    audio_output: int = 0
    image_input: int = 0
    image_cached_input: int = 0
    image_output: int = 0


# The cost formula, defined once: each billed part of a request and the rate that bills it. call_cost evaluates it
# in Python (plans, Batch input files, token counts); cost_macro renders the same terms as the store's SQL macro
# (ingested calls and usage buckets). Reasoning tokens are part of the output and are not added again. The text
# parts are the totals less the cache writes and the audio and image parts.
COST_TERMS = (
    ("text_uncached", "input"), ("text_cached", "cached_input"), ("written", "cache_write"), ("text_output", "output"),
    ("audio_input", "audio_input"), ("audio_cached_input", "audio_cached_input"), ("audio_output", "audio_output"),
    ("image_input", "image_input"), ("image_cached_input", "image_cached_input"), ("image_output", "image_output"),
)  # fmt: skip


def _billed_parts(inp, cached, written, outp, m: dict, less) -> dict:
    """The count billed by each rate of COST_TERMS, from a request's totals and its audio and image parts `m`:
    numbers (less: _less_numbers) for Python's price, SQL text (less: _less_text) for the store's macro."""
    return {
        "text_uncached": less(inp, cached, written, m["audio_input"], m["image_input"]),
        "text_cached": less(cached, m["audio_cached_input"], m["image_cached_input"]),
        "written": written,
        "text_output": less(outp, m["audio_output"], m["image_output"]),
        **m,
    }


def _less_numbers(total, *parts):
    return total - sum(parts)


def _less_text(total: str, *parts: str) -> str:
    kept = [p for p in parts if p != "0"]  # a part that is the literal 0 is left out of the text
    return f"({' - '.join([total, *kept])})" if kept else total


def call_cost(
    rates: Rates, input_tokens, cached_tokens, output_tokens, cache_write_tokens=0, request_input=None,
    modalities: Modalities | None = None,
) -> Decimal | None:  # fmt: skip
    """Exact USD cost of the tokens at these rates, None when audio or image tokens have no rate. The long-context
    rates apply per request: `request_input` is the input of one request when the counts are totals over several
    equal ones (an estimate); by default they are one call's."""
    r = rates.for_prompt(input_tokens if request_input is None else request_input)
    m = modalities or Modalities()
    parts = {name: getattr(m, name) for name in MODALITY_RATES}
    billed = _billed_parts(input_tokens, cached_tokens, cache_write_tokens, output_tokens, parts, _less_numbers)
    total = Decimal(0)
    for part, rate in COST_TERMS:
        if billed[part]:
            price = getattr(r, rate)
            if price is None:
                return None
            total += billed[part] * price
    return total / MILLION


def text_cost(
    rates: Rates, input_tokens, cached_tokens, output_tokens, cache_write_tokens=0, request_input=None
) -> Decimal:
    """call_cost of text tokens alone (a plan, a Batch input file): every Rates prices text, so never unpriced."""
    cost = call_cost(rates, input_tokens, cached_tokens, output_tokens, cache_write_tokens, request_input)
    if cost is None:
        raise ValueError("text tokens are always priced")
    return cost


def cost_macro() -> str:
    """The store's token_cost(inp, cached, written, outp, a_in, a_cached, a_out, i_in, i_cached, i_out,
    request_inp, p): COST_TERMS over one price_rates row p (rates per token), with its long-context rates when one
    request's input, request_inp, is above the threshold. NULL when audio or image tokens have no rate."""
    modal = dict(zip(MODALITY_RATES, ("a_in", "a_cached", "a_out", "i_in", "i_cached", "i_out"), strict=False))

    def terms(prefix: str, parts: dict[str, str]) -> str:
        # a part of 0 tokens costs 0 even where its rate is unknown (NULL); audio and image have no long-context rate
        shown = []
        for part, rate in COST_TERMS:
            if parts[part] == "0":
                continue
            column = f"p.{'' if rate in MODALITY_RATES else prefix}{rate}"
            shown.append(f"coalesce({parts[part]} * {column}, CASE WHEN {parts[part]} = 0 THEN 0 END)"
                         if rate in MODALITY_RATES else f"{parts[part]} * {column}")  # fmt: skip
        return " + ".join(shown)

    full = _billed_parts("inp", "cached", "written", "outp", modal, _less_text)
    text = _billed_parts("inp", "cached", "written", "outp", dict.fromkeys(MODALITY_RATES, "0"), _less_text)
    plain = " + ".join(modal.values()) + " = 0"  # the usual call: text only, four terms to add
    params = "inp, cached, written, outp, " + ", ".join(modal.values()) + ", request_inp, p"
    return (
        f"CREATE OR REPLACE TEMP MACRO token_cost({params}) AS CASE"
        f" WHEN p.long_context_above IS NOT NULL AND request_inp > p.long_context_above THEN"
        f" CASE WHEN {plain} THEN {terms('lc_', text)} ELSE {terms('lc_', full)} END"
        f" WHEN {plain} THEN {terms('', text)} ELSE {terms('', full)} END"
    )


def unknown_tier(service_tier: str | None) -> bool:
    name = (service_tier or "").strip().lower()
    return bool(name) and name not in TIER_NAMES


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
    """Rates from a {input, cached_input, output, cache_write, audio, image} dict, gaps filled from `fallback`."""

    def pick(holder: dict, key: str, default: Decimal | None, at: str) -> Decimal | None:
        return _dec(holder[key], f"{at}.{key}") if holder.get(key) is not None else default

    inp = pick(spec, "input", fallback.input if fallback else None, where)
    out = pick(spec, "output", fallback.output if fallback else None, where)
    if inp is None or out is None:
        raise CostcapError(f"{where}: needs both input and output prices")
    cached = pick(spec, "cached_input", fallback.cached_input if fallback else inp, where) or Decimal(0)
    write = pick(spec, "cache_write", fallback.cache_write if fallback else inp, where) or Decimal(0)
    modal: dict[str, Decimal | None] = {}
    for kind in ("audio", "image"):
        own = spec.get(kind) or {}
        for part in ("input", "cached_input", "output"):
            name = f"{kind}_{part}"
            modal[name] = pick(own, part, getattr(fallback, name) if fallback else None, f"{where}.{kind}")
        if modal[f"{kind}_cached_input"] is None:
            modal[f"{kind}_cached_input"] = modal[f"{kind}_input"]
    listed = spec.get("cached_input") is not None or bool(fallback and fallback.cached_listed and "input" not in spec)
    return Rates(inp, cached, out, write, cached_listed=listed, **modal)  # type: ignore[arg-type]  # the modal rates by name


def _period_tiers(spec: dict, where: str) -> dict[str, Rates]:
    """Resolve every tier of one price period, applying the catalog's rules where a price is absent."""
    if spec.get("input") is None and spec.get("output") is None and spec.get("units"):
        return {}  # billed only per character, second, image or call
    standard = _with_long_context(_rates(spec, None, where), spec.get("long_context"), None, where)
    tiers = {"default": standard}
    halved = replace(standard.scaled(BATCH_DISCOUNT), cached_listed=False)  # a price by rule, not one listed
    tiers["batch"] = _tier_rates(spec.get("batch"), halved, standard, f"{where}.batch")
    for tier in ("flex", "priority", *OWN_RATES_ONLY):
        if spec.get(tier) or tier not in OWN_RATES_ONLY:
            tiers[tier] = _tier_rates(spec.get(tier), standard, standard, f"{where}.{tier}")
    return tiers


def _with_long_context(rates: Rates, lc: dict | None, scaled_from: Rates | None, where: str) -> Rates:
    if lc:
        above = int(lc.get("above_tokens") or (scaled_from or rates).long_context_above or 0)
        base = scaled_from.long_context if scaled_from and scaled_from.long_context else rates
        long = _rates(lc, base, f"{where}.long_context")
        if lc.get("cache_write") is None and rates.input:
            # a write is billed at 1.25x the input rate it is part of: above the threshold, the long-context one
            long = replace(long, cache_write=rates.cache_write * long.input / rates.input)
        return replace(rates, long_context_above=above, long_context=long)
    return rates


def _tier_rates(spec: dict | None, default: Rates, standard: Rates, where: str) -> Rates:
    """A tier's rates: its own prices where listed, else `default`; long context is the tier's own where listed,
    else scales with the tier."""
    if not spec:
        return default
    own = _rates(spec, default, where)
    ratio = own.input / standard.input if standard.input else Decimal(1)
    if spec.get("cache_write") is None:
        # OpenAI states writes at 1.25x the uncached input rate; LiteLLM and genai-prices read that per tier
        own = replace(own, cache_write=standard.cache_write * ratio)
    if spec.get("long_context"):
        return _with_long_context(own, spec["long_context"], standard, where)
    if standard.long_context is None:
        return own
    return replace(
        own, long_context_above=standard.long_context_above, long_context=standard.long_context.scaled(ratio)
    )


def from_costcap_json(doc: dict, where: str) -> Catalog:
    """Build a catalog from costcap's own price file format."""
    catalog = Catalog()
    for i, entry in enumerate(_listed(doc, "models", where)):
        model = entry.get("model") if isinstance(entry, dict) else None
        if not model or not isinstance(model, str):
            raise CostcapError(f"{where}: models[{i}] has no model name")
        periods = []
        for j, spec in enumerate(_listed(entry, "prices", f"{where}: {model}")):
            at = f"{where}: {model}.prices[{j}]"
            units = {unit: _dec(usd, f"{at}.units.{unit}") for unit, usd in (spec.get("units") or {}).items()}
            periods.append(Period(model, _day(spec.get("effective_from"), at), _day(spec.get("effective_to"), at),
                                  _period_tiers(spec, at), units))  # fmt: skip
        catalog.periods[model] = sorted(periods, key=lambda p: p.effective_from or date.min)
        catalog.info[model] = {k: entry.get(k) for k in ("mode", "source", "verified_on", "deprecation_date", "note")}
    for i, row in enumerate(_listed(doc, "aliases", where)):
        at = f"{where}: aliases[{i}]"
        alias = Alias(row["alias"], row["model"], _day(row.get("from"), at), _day(row.get("to"), at))
        catalog.aliases.setdefault(alias.alias, []).append(alias)
    for i, row in enumerate(_listed(doc, "tools", where)):
        at = f"{where}: tools[{i}]"
        catalog.tools.append(ToolPrice(row["unit"], _dec(row["usd"], f"{at}.usd"), _day(row.get("effective_from"), at),
                                       _day(row.get("effective_to"), at), row.get("what", row["unit"]), row.get("source")))  # fmt: skip
    return catalog


def _listed(holder: dict, key: str, where: str) -> list:
    found = holder.get(key, [])
    if not isinstance(found, list):
        raise CostcapError(f"{where}: `{key}` must be a list")
    return found


# LiteLLM's model_prices_and_context_window.json (PRICES.md 1.3): per-token USD, tier and long-context suffixes.
LITELLM_TIERS = {"batch": "_batches", "flex": "_flex", "priority": "_priority", "ultrafast": "_ultrafast"}
LITELLM_PROVIDERS = {"openai", "text-completion-openai"}
LITELLM_TOKEN_KEYS = {
    "input": "input_cost_per_token", "cached_input": "cache_read_input_token_cost", "output": "output_cost_per_token",
    "cache_write": "cache_creation_input_token_cost",
}  # fmt: skip
LITELLM_MODALITY_KEYS = {
    "audio": {"input": "input_cost_per_audio_token", "cached_input": "cache_read_input_audio_token_cost",
              "output": "output_cost_per_audio_token"},
    "image": {"input": "input_cost_per_image_token", "cached_input": "cache_read_input_image_token_cost",
              "output": "output_cost_per_image_token"},
}  # fmt: skip
LITELLM_UNITS = {"character": "input_cost_per_character", "second": "input_cost_per_second"}
_LONG_CONTEXT_KEY = re.compile(r"^input_cost_per_token_above_(\d+)k_tokens$")


def from_litellm_json(doc: dict, where: str) -> Catalog:
    """Build a catalog from LiteLLM's price map: its OpenAI entries with their tier, long-context, cache, audio and
    image keys; what cannot be used is counted by reason in one note."""
    models: list = []
    skipped: Counter[str] = Counter()
    for name, entry in doc.items():
        if name == "sample_spec":
            continue
        reason = _litellm_skip_reason(name, entry)
        if reason:
            skipped[reason] += 1
            continue
        at = f"{where}: {name}"
        period = {"effective_from": None, "effective_to": None, **_litellm_rates(entry, "", at)}
        for tier, suffix in LITELLM_TIERS.items():
            if entry.get(f"input_cost_per_token{suffix}") is not None:
                period[tier] = _litellm_rates(entry, suffix, at)
        if not period.get("units") and (period.get("input") is None or period.get("output") is None):
            skipped["no input or output price"] += 1
            continue
        models.append({"model": name, "mode": entry.get("mode"), "source": entry.get("source"), "prices": [period]})
    if not models:
        raise CostcapError(f"{where}: no OpenAI price in this LiteLLM file (need entries with input_cost_per_token and "
                           "output_cost_per_token)")  # fmt: skip
    catalog = from_costcap_json({"models": models}, where)
    catalog.notes.append(f"{where}: loaded {len(models)} OpenAI prices" + _skipped_text(skipped))
    return catalog


def _skipped_text(skipped: Counter) -> str:
    if not skipped:
        return ""
    parts = ", ".join(f"{count} {reason}" for reason, count in skipped.most_common())
    return f"; skipped {sum(skipped.values())} entries ({parts})"


def _litellm_skip_reason(name: str, entry) -> str | None:
    if not isinstance(entry, dict):
        return "not an entry"
    if entry.get("litellm_provider", "openai") not in LITELLM_PROVIDERS:
        return "of other providers"
    if "/" in name:
        return "keyed by image size or a provider prefix"
    return None


def _litellm_rates(entry: dict, suffix: str, where: str) -> dict:
    """One tier's prices, USD per 1M tokens, from the keys ending in `suffix`."""
    out = _per_million(entry, LITELLM_TOKEN_KEYS, suffix, where)
    if out.get("output") is None and entry.get(f"output_cost_per_image_token{suffix}") is not None:
        # image models report their output as output tokens: those are image tokens
        out["output"] = _million(entry[f"output_cost_per_image_token{suffix}"], where)
    for kind, keys in LITELLM_MODALITY_KEYS.items():
        if found := _per_million(entry, keys, suffix, where):
            out[kind] = found
    for key in entry:
        lc = _LONG_CONTEXT_KEY.match(key)
        if lc and (found := _per_million(entry, LITELLM_TOKEN_KEYS, f"_above_{lc.group(1)}k_tokens{suffix}", where)):
            out["long_context"] = {"above_tokens": int(lc.group(1)) * 1000, **found}
    if not suffix:
        units = {unit: str(_dec(entry[key], f"{where}.{key}")) for unit, key in LITELLM_UNITS.items() if entry.get(key)}
        search = entry.get("search_context_cost_per_query")
        if isinstance(search, dict) and search.get("search_context_size_medium") is not None:
            units["web_search_call"] = str(
                _dec(search["search_context_size_medium"], f"{where}.search_context_cost_per_query")
            )
        if units:
            out["units"] = units
    return out


def _per_million(entry: dict, keys: dict[str, str], suffix: str, where: str) -> dict:
    return {ours: _million(entry[theirs + suffix], f"{where}.{theirs}{suffix}")
            for ours, theirs in keys.items() if entry.get(theirs + suffix) is not None}  # fmt: skip


def _million(value, where: str) -> str:
    return str(_dec(value, where) * MILLION)


def load_file(path: str | Path) -> Catalog:
    """Read a price file: costcap's format or LiteLLM's (or tokencost's copy of it) JSON."""
    where = str(path)
    from costcap.userfile import read_text

    try:
        doc = json.loads(read_text(path, "the price file", max_bytes=1 << 30), parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CostcapError(f"{where}: not a JSON price file ({exc}; use costcap's format or LiteLLM's JSON)") from None
    except RecursionError:
        raise CostcapError(f"{where}: nested too deeply to be a price file") from None
    if not isinstance(doc, dict):
        raise CostcapError(f"{where}: not a price file (expected a JSON object)")
    if "models" in doc or "aliases" in doc:
        found = from_costcap_json(doc, where)
        if not found.periods and not found.aliases:
            raise CostcapError(f"{where}: the price file lists no model")
        return found
    return from_litellm_json(doc, where)


@cache
def builtin() -> Catalog:
    """The catalog shipped with costcap."""
    text = (resources.files("costcap") / "data" / "prices.json").read_text(encoding="utf-8")
    return from_costcap_json(json.loads(text), "costcap/data/prices.json")


def catalog(override: str | Path | None = None) -> Catalog:
    """The built-in catalog, with `override`'s entries replacing or adding to it."""
    return builtin().merge(load_file(override)) if override else builtin()
