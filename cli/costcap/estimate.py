"""Price a planned run before launching it: every candidate model, batch size and Batch API choice,
with the retries that failures cost and the rate limits that set the wall time."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from costcap import prices, sql
from costcap.errors import CostcapError
from costcap.userfile import read_text

CACHE_MIN_PREFIX = 1024
BATCH_WINDOW_S = 24 * 3600
BATCH_MAX_REQUESTS = 50_000
# PRICES.md 3.1: (RPM, TPM, batch queue limit in input tokens) per usage tier.
_GPT_4O_LIMITS = {1: (500, 30_000, 90_000), 2: (5_000, 450_000, 1_350_000), 3: (5_000, 800_000, 50_000_000),
                  4: (10_000, 2_000_000, 200_000_000), 5: (10_000, 30_000_000, 5_000_000_000)}  # fmt: skip
_GPT_4O_MINI_LIMITS = {1: (500, 200_000, 2_000_000), 2: (5_000, 2_000_000, 20_000_000), 3: (5_000, 4_000_000, 40_000_000),
                       4: (10_000, 10_000_000, 1_000_000_000), 5: (30_000, 150_000_000, 15_000_000_000)}  # fmt: skip
RATE_LIMITS = {
    **dict.fromkeys(["gpt-4o-2024-05-13", "gpt-4o-2024-08-06", "gpt-4o-2024-11-20", "gpt-4.1-2025-04-14",
                     "o3-pro-2025-06-10", "gpt-5-pro-2025-10-06", "o1-pro-2025-03-19"], _GPT_4O_LIMITS),
    "gpt-4o-mini-2024-07-18": _GPT_4O_MINI_LIMITS,
}  # fmt: skip
PLAN_INTS = ("items", "orders", "prompt_tokens", "item_input_tokens", "item_output_tokens", "cached_prefix_tokens",
             "max_retries", "tier")  # fmt: skip
PLAN_NUMBERS = ("sleep_s", "latency_s")


@dataclass
class Plan:
    """What one order of the pipeline needs, and the candidates to price it under."""

    name: str = "plan"
    items: int = 1
    orders: int = 1
    prompt_tokens: int = 0
    item_input_tokens: int = 0
    item_output_tokens: int = 0
    cached_prefix_tokens: int = 0
    max_retries: int = 3
    sleep_s: Decimal = Decimal(0)
    latency_s: Decimal = Decimal(0)
    tier: int = 1
    models: list[str] = field(default_factory=lambda: ["gpt-4o"])
    batch_sizes: list[int] = field(default_factory=lambda: [1])
    batch_api: list[bool] = field(default_factory=lambda: [False])
    failure_rate: dict[int, Decimal] = field(default_factory=dict)
    deadline_h: Decimal | None = None


@dataclass
class Scenario:
    model: str
    batch_size: int
    batch_api: bool
    calls: int
    expected_attempts: Decimal
    expected_failed_calls: Decimal
    input_tokens: Decimal
    cached_input_tokens: Decimal
    output_tokens: Decimal
    cost_per_order_usd: Decimal
    cost_usd: Decimal
    retry_cost_usd: Decimal
    wall_time_s: Decimal
    binding_limit: str
    batch_files: int
    queue_fits: bool | None


PLAN_SECTIONS = ("plan", "candidates", "failure_rate", "estimate")
PLAN_KEYS = (*PLAN_INTS, *PLAN_NUMBERS, "name", "models", "batch_sizes", "batch_api", "deadline_h")
# What a plan cannot be priced without: a default here would price a broken plan (items 1, tokens 0) with exit 0.
REQUIRED = {
    "items": "the answers one order needs (--items)",
    "prompt_tokens": "the fixed input of one call (--prompt-tokens)",
    "item_input_tokens": "the input each item adds to a call (--item-input-tokens)",
    "item_output_tokens": "the output of one item (--item-output-tokens)",
}  # fmt: skip


def load_plan(path: Path | None, overrides: dict, catalog: prices.Catalog) -> Plan:
    """A plan from a TOML file ([plan], [candidates], [failure_rate]), flags winning over the file. Every key must be
    known and the four sizes given (or measured by --from-store)."""
    where = str(path) if path else "the flags"
    raw: dict = {}
    if path:
        doc = _read_toml(path)
        text = read_text(path, "the plan file")
        for section, value in doc.items():
            _known(section, PLAN_SECTIONS, _line_of(text, rf"\[\s*{re.escape(section)}\s*\]", where), "section")
            if section != "failure_rate" and isinstance(value, dict):
                for key in value:
                    _known(key, PLAN_KEYS, _line_of(text, rf"{re.escape(key)}\s*=", where), f"key in [{section}]")
            elif section != "failure_rate":
                raise CostcapError(f"{where}: {section} must be a [{section}] table of key = value lines")
        raw = {**doc.get("plan", {}), **doc.get("candidates", {}), "failure_rate": doc.get("failure_rate", {}),
               **{k: v for k, v in doc.get("estimate", {}).items()}}  # fmt: skip
    raw.update({k: v for k, v in overrides.items() if v is not None})
    missing = [key for key in REQUIRED if key not in raw]
    if missing:
        raise CostcapError(f"{where}: {missing[0]} is missing: {REQUIRED[missing[0]]} (write it in [plan] or pass it;"
                           " --from-store FEATURE measures the token counts)")  # fmt: skip
    return _checked(raw, where, catalog)


def _line_of(text: str, pattern: str, where: str) -> str:
    """`where:LINE` for the first line that starts with `pattern`, else `where`."""
    found = re.search(rf"^\s*{pattern}", text, re.MULTILINE)
    return f"{where}:{text.count(chr(10), 0, found.start()) + 1}" if found else where


def _known(name: str, known: tuple[str, ...], where: str, what: str) -> None:
    if name in known:
        return
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"
    raise CostcapError(f"{where}: unknown {what.split(' ', 1)[0]} {name!r}{what[len(what.split(' ', 1)[0]):]} ({hint})")


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(read_text(path, "the plan file"))
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no lineno: the line is at the end of its message
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        where, what = (f"{path}:{found.group(1)}", str(exc)[: found.start()].strip()) if found else (str(path), str(exc))
        raise CostcapError(f"{where}: not valid TOML: {what} (write key = value lines, see the README)") from None
    except RecursionError:
        raise CostcapError(f"{path}: nested too deeply to be a plan") from None


def _checked(raw: dict, where: str, catalog: prices.Catalog) -> Plan:
    plan = Plan(name=str(raw.get("name", "plan")))
    for key in PLAN_INTS:
        if key in raw:
            setattr(plan, key, _whole(raw[key], key, where, minimum=1 if key in ("items", "orders", "tier") else 0))
    for key in PLAN_NUMBERS:
        if key in raw:
            setattr(plan, key, _number(raw[key], key, where))
    if not 1 <= plan.tier <= 5:
        raise CostcapError(f"{where}: tier = {plan.tier}: usage tiers run from 1 to 5")
    plan.models = _list(raw.get("models", plan.models), "models", where, str)
    plan.batch_sizes = [_whole(b, "batch_sizes", where, 1) for b in _list(raw.get("batch_sizes", plan.batch_sizes), "batch_sizes", where, object)]
    plan.batch_api = _list(raw.get("batch_api", plan.batch_api), "batch_api", where, bool)
    plan.failure_rate = _failure_rates(raw.get("failure_rate", {}), where)
    if raw.get("deadline_h") is not None:
        plan.deadline_h = _number(raw["deadline_h"], "deadline_h", where)
    _check_candidates(plan, where, catalog)
    return plan


# The most a plan value can sanely be: beyond these a plan is a typo, and an estimate would never finish.
UPPER_BOUNDS = {
    "items": 10**9, "orders": 10**7, "max_retries": 100, "prompt_tokens": 10**7, "item_input_tokens": 10**7,
    "item_output_tokens": 10**6, "cached_prefix_tokens": 10**7, "batch_sizes": 10**6, "tier": 5,
    "sleep_s": 86_400, "latency_s": 86_400, "deadline_h": 24 * 366,
}  # fmt: skip


def _whole(value, key: str, where: str, minimum: int = 0) -> int:
    most = UPPER_BOUNDS.get(key, 10**12)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= most:
        raise CostcapError(f"{where}: {key} = {value!r}: write a whole number from {minimum} to {most:,}")
    return value


def _number(value, key: str, where: str) -> Decimal:
    most = UPPER_BOUNDS.get(key, 10**12)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)) or not math.isfinite(value) \
            or not 0 <= value <= most:
        raise CostcapError(f"{where}: {key} = {value!r}: write a number from 0 to {most:,}")
    return Decimal(str(value))


def _list(value, key: str, where: str, kind: type) -> list:
    if not isinstance(value, list) or not value or not all(isinstance(v, kind) for v in value):
        raise CostcapError(f"{where}: {key} = {value!r}: write a non-empty list of {kind.__name__} values")
    return value


def _failure_rates(raw, where: str) -> dict[int, Decimal]:
    if not isinstance(raw, dict):
        raise CostcapError(f"{where}: [failure_rate] must map batch sizes to probabilities, e.g. 3 = 0.02")
    rates = {}
    for size, rate in raw.items():
        try:
            b = int(size)
        except ValueError:
            raise CostcapError(f"{where}: failure_rate key {size!r} is not a batch size") from None
        f = _number(rate, f"failure_rate.{size}", where)
        if f >= 1:
            raise CostcapError(f"{where}: failure_rate.{size} = {rate}: a probability below 1")
        rates[b] = f
    return rates


def _check_candidates(plan: Plan, where: str, catalog: prices.Catalog) -> None:
    for b in plan.batch_sizes:
        if b not in plan.failure_rate:
            raise CostcapError(f"{where}: failure_rate has no rate for batch size {b} (add `{b} = 0.02` to [failure_rate])")
    for m in plan.models:
        if catalog.rates(m) is None:
            raise CostcapError(f"{where}: models: no price for {m!r} today (see `costcap prices`, or add it with --prices)")


def scenarios(plan: Plan, catalog: prices.Catalog) -> list[Scenario]:
    """Every candidate combination, cheapest first."""
    found = [
        scenario(plan, catalog, model, b, api)
        for model in plan.models for b in plan.batch_sizes for api in plan.batch_api
    ]  # fmt: skip
    return sorted(found, key=lambda s: (s.cost_usd, s.model, s.batch_size, s.batch_api))


def scenario(plan: Plan, catalog: prices.Catalog, model: str, b: int, batch_api: bool) -> Scenario:
    """The expected cost and time of one order for one candidate; see the README for the arithmetic."""
    rates = catalog.rates(model, tier="batch" if batch_api else "default")
    if rates is None:
        raise CostcapError(f"models: no price for {model!r} (add it with --prices)")
    f, retries = plan.failure_rate[b], plan.max_retries
    calls = math.ceil(plan.items / b)
    attempts = Decimal(1) + sum((f**k for k in range(1, retries + 1)), Decimal(0))
    inp, cached, out = _order_tokens(plan, calls, attempts, batch_api)
    per_request = plan.prompt_tokens + b * plan.item_input_tokens  # long-context rates are per request
    cost = prices.call_cost(rates, inp, cached, out, request_input=per_request)
    first_only = prices.call_cost(rates, *_order_tokens(plan, calls, Decimal(1), batch_api), request_input=per_request)
    wall, binding, files, fits = _timing(plan, catalog.resolve(model), calls * attempts, inp, out, batch_api)
    return Scenario(
        model, b, batch_api, calls, attempts, calls * f ** (retries + 1), inp, cached, out, cost,
        cost * plan.orders, (cost - first_only) * plan.orders, wall, binding, files, fits,
    )  # fmt: skip


def _order_tokens(plan: Plan, calls: int, attempts: Decimal, batch_api: bool) -> tuple[Decimal, Decimal, Decimal]:
    """Expected input, cached input and output tokens of one order: every attempt is paid in full."""
    inp = attempts * (calls * plan.prompt_tokens + plan.items * plan.item_input_tokens)
    out = attempts * plan.items * plan.item_output_tokens
    caches = plan.cached_prefix_tokens >= CACHE_MIN_PREFIX and not batch_api
    cached = (calls * attempts - 1) * plan.cached_prefix_tokens if caches else Decimal(0)
    return inp, max(cached, Decimal(0)), out


def _timing(plan: Plan, model: str | None, attempts: Decimal, inp: Decimal, out: Decimal, batch_api: bool):
    """(wall seconds, what binds it, batch files, whether the queue fits) for all orders."""
    limits = RATE_LIMITS.get(model or "", {}).get(plan.tier)
    total_attempts = attempts * plan.orders
    if batch_api:
        files = math.ceil(total_attempts / BATCH_MAX_REQUESTS)
        fits = None if limits is None else inp * plan.orders <= limits[2]
        return Decimal(BATCH_WINDOW_S), "batch window (up to 24 h)", files, fits
    candidates = {"latency and sleep": total_attempts * (plan.latency_s + plan.sleep_s)}
    if limits:
        rpm, tpm, _ = limits
        candidates["requests per minute"] = total_attempts / rpm * 60
        candidates["tokens per minute"] = (inp + out) * plan.orders / tpm * 60
    binding = max(candidates, key=candidates.get)
    return candidates[binding], binding if limits else binding + " (rate limits unknown for this model)", 0, None


def why_out(s: Scenario, deadline_h: Decimal | None) -> str | None:
    """Why a scenario cannot run as planned (None: it can): a Batch queue too small, or a deadline missed."""
    if s.queue_fits is False:
        return "the tier's Batch queue is too small"
    if deadline_h is not None and s.wall_time_s > deadline_h * 3600:
        return f"misses the {deadline_h:g} h deadline"
    return None


def best(found: list[Scenario], deadline_h: Decimal | None) -> Scenario | None:
    """The cheapest scenario among those that can run (the queue holds it, the deadline is met)."""
    eligible = [s for s in found if why_out(s, deadline_h) is None]
    return min(eligible, key=lambda s: s.cost_usd, default=None)


def plan_dict(plan: Plan) -> dict:
    doc = asdict(plan)
    doc["failure_rate"] = {str(k): v for k, v in plan.failure_rate.items()}
    return doc


def measured_from_store(store, feature: str) -> tuple[dict, str]:
    """Plan values measured from a feature's logged calls, and a sentence saying what was measured."""
    rows = store.con.execute(sql.load("estimate_from_store"), {"feature": feature}).fetchall()
    if not rows:
        raise CostcapError(f"--from-store {feature!r}: no logged calls of that feature in the store (ingest its logs first)")
    main = max(rows, key=lambda r: r[1])
    batch_size, attempts, _, prompt, p50, p90 = main
    if prompt is None:
        raise CostcapError(f"--from-store {feature!r}: no successful calls to measure")
    values = {
        "prompt_tokens": round(prompt), "item_input_tokens": 0, "item_output_tokens": math.ceil(p50),
        "failure_rate": {str(r[0]): round(r[2], 6) for r in rows}, "batch_sizes": [r[0] for r in rows],
    }  # fmt: skip
    said = (
        f"Measured from {attempts} calls of {feature} at {batch_size} items per call: input per call p50 {prompt:g} "
        f"(used as prompt_tokens), output per item p50 {p50:g} (used), p90 {p90:g}; failure rate by batch size: "
        + ", ".join(f"{r[0]}: {r[2]:.1%}" for r in rows)
        + "."
    )
    return values, said
