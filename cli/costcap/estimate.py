"""Price a planned run before launching it: every candidate model, batch size and Batch API choice,
with the retries that failures cost and the rate limits that set the wall time."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from costcap import names, prices
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
             "max_retries", "tier", "parallel_orders")  # fmt: skip
PLAN_NUMBERS = ("sleep_s", "latency_s", "cached_share")
# a retry round is expected while at least this many of an order's calls are still expected to fail
RETRY_ROUND_CALLS = Decimal("0.5")


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
    parallel_orders: int = 1  # orders run at the same time: in the Batch API, orders per submission window
    cached_share: Decimal | None = None  # a measured share of input served from the cache (--from-store)


def changed_inputs(base: Plan, new: Plan) -> list[dict]:
    """The plan inputs whose value differs, in the plan's order (its name aside)."""
    old, now = asdict(base), asdict(new)
    return [{"input": key, "base": old[key], "new": now[key]} for key in old if key != "name" and old[key] != now[key]]


def changed_scenarios(base: list[Scenario], new: list[Scenario]) -> list[dict]:
    """Per model, batch size and Batch flag: the cost per order in each plan where it differs (None: not priced
    there), the largest change first."""
    before = {(s.model, s.batch_size, s.batch_api): s.cost_per_order_usd for s in base}
    after = {(s.model, s.batch_size, s.batch_api): s.cost_per_order_usd for s in new}
    rows = []
    for key in sorted(before.keys() | after.keys()):
        old, now = before.get(key), after.get(key)
        if old != now:
            change = now - old if old is not None and now is not None else None
            rows.append({"model": key[0], "batch_size": key[1], "batch_api": key[2], "base_per_order_usd": old,
                         "new_per_order_usd": now, "change_per_order_usd": change})  # fmt: skip
    return sorted(rows, key=lambda r: -abs(r["change_per_order_usd"] or Decimal(0)))


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
    cache_write_tokens: Decimal
    output_tokens: Decimal
    cost_per_order_usd: Decimal
    cost_usd: Decimal
    retry_cost_usd: Decimal
    wall_time_s: Decimal | None  # None when the plan cannot run
    binding_limit: str
    schedule: str  # how the orders run: one after another, N at a time, N per Batch window
    submissions: int  # Batch API: the windows submitted one after another, retry rounds included
    batch_files: int
    queue_fits: bool | None  # Batch API: whether one order's input fits the tier's queue (None: limits unknown)
    cannot_run: str | None = None  # why the plan cannot run at all as asked (None: it can)


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
               **dict(doc.get("estimate", {}).items())}  # fmt: skip
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
    near = names.closest(name, known)
    hint = f"did you mean {near}?" if near else f"known: {', '.join(known)}"
    raise CostcapError(
        f"{where}: unknown {what.split(' ', 1)[0]} {name!r}{what[len(what.split(' ', 1)[0]) :]} ({hint})"
    )


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(read_text(path, "the plan file"))
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no lineno: the line is at the end of its message
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        where, what = (
            (f"{path}:{found.group(1)}", str(exc)[: found.start()].strip()) if found else (str(path), str(exc))
        )
        raise CostcapError(f"{where}: not valid TOML: {what} (write key = value lines, see the README)") from None
    except RecursionError:
        raise CostcapError(f"{path}: nested too deeply to be a plan") from None


def _checked(raw: dict, where: str, catalog: prices.Catalog) -> Plan:
    plan = Plan(name=str(raw.get("name", "plan")))
    for key in PLAN_INTS:
        if key in raw:
            setattr(
                plan,
                key,
                _whole(raw[key], key, where, minimum=1 if key in ("items", "orders", "tier", "parallel_orders") else 0),
            )
    for key in PLAN_NUMBERS:
        if key in raw:
            setattr(plan, key, _number(raw[key], key, where))
    if not 1 <= plan.tier <= 5:
        raise CostcapError(f"{where}: tier = {plan.tier}: usage tiers run from 1 to 5")
    plan.models = _list(raw.get("models", plan.models), "models", where, str)
    plan.batch_sizes = [
        _whole(b, "batch_sizes", where, 1)
        for b in _list(raw.get("batch_sizes", plan.batch_sizes), "batch_sizes", where, object)
    ]
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
    "sleep_s": 86_400, "latency_s": 86_400, "deadline_h": 24 * 366, "parallel_orders": 10**7, "cached_share": 1,
}  # fmt: skip


def _whole(value, key: str, where: str, minimum: int = 0) -> int:
    most = UPPER_BOUNDS.get(key, 10**12)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= most:
        raise CostcapError(f"{where}: {key} = {value!r}: write a whole number from {minimum} to {most:,}")
    return value


def _number(value, key: str, where: str) -> Decimal:
    most = UPPER_BOUNDS.get(key, 10**12)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, Decimal))
        or not math.isfinite(value)
        or not 0 <= value <= most
    ):
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
            raise CostcapError(
                f"{where}: failure_rate has no rate for batch size {b} (add `{b} = 0.02` to [failure_rate])"
            )
    for m in plan.models:
        if catalog.rates(m) is None:
            raise CostcapError(
                f"{where}: models: no price for {m!r} today{names.did_you_mean(m, catalog.names())} (see "
                "`costcap prices`, or add it with --prices)"
            )


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
    caches = not batch_api or rates.cached_listed  # under Batch only where the catalog lists a cached price
    inp, cached, written, out = _order_tokens(plan, calls, attempts, caches)
    per_request = plan.prompt_tokens + b * plan.item_input_tokens  # long-context rates are per request
    cost = prices.text_cost(rates, inp, cached, out, written, request_input=per_request)
    first_only = _first_attempts_cost(plan, rates, calls, caches, per_request)
    timing = _timing(plan, catalog.resolve(model), calls, attempts, f, inp, out, batch_api)
    return Scenario(
        model, b, batch_api, calls, attempts, calls * f ** (retries + 1), inp, cached, written, out, cost,
        cost * plan.orders, (cost - first_only) * plan.orders, *timing,
    )  # fmt: skip


def _first_attempts_cost(plan: Plan, rates: prices.Rates, calls: int, caches: bool, per_request: int) -> Decimal:
    inp, cached, written, out = _order_tokens(plan, calls, Decimal(1), caches)
    return prices.text_cost(rates, inp, cached, out, written, request_input=per_request)


def _order_tokens(plan: Plan, calls: int, attempts: Decimal, caches: bool) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Expected input, cached input, cache-written and output tokens of one order: every attempt is paid in full. A
    measured cached share applies to every attempt; else a static prefix of 1,024 tokens or more is written by an
    order's first attempt and read by every other."""
    inp = attempts * (calls * plan.prompt_tokens + plan.items * plan.item_input_tokens)
    out = attempts * plan.items * plan.item_output_tokens
    zero = Decimal(0)
    if not caches:
        return inp, zero, zero, out
    if plan.cached_share is not None:
        return inp, plan.cached_share * inp, zero, out
    if plan.cached_prefix_tokens < CACHE_MIN_PREFIX:
        return inp, zero, zero, out
    cached = max((calls * attempts - 1) * plan.cached_prefix_tokens, zero)
    return inp, cached, Decimal(plan.cached_prefix_tokens), out


def _timing(plan: Plan, model: str | None, calls: int, attempts: Decimal, f: Decimal, inp: Decimal, out: Decimal,
            batch_api: bool) -> tuple:  # fmt: skip
    """(wall seconds, what binds it, schedule, submissions, batch files, queue fits, why it cannot run) for all
    orders, scheduled `plan.parallel_orders` at a time (one after another by default) either way."""
    limits = RATE_LIMITS.get(model or "", {}).get(plan.tier)
    if batch_api:
        return _batch_timing(plan, model, limits, calls, f, inp / attempts)
    waves = math.ceil(plan.orders / plan.parallel_orders)
    candidates = {"latency and sleep": waves * calls * attempts * (plan.latency_s + plan.sleep_s)}
    if limits:
        rpm, tpm, _ = limits
        candidates["requests per minute"] = calls * attempts * plan.orders / rpm * 60
        candidates["tokens per minute"] = (inp + out) * plan.orders / tpm * 60
    binding = max(candidates, key=lambda name: candidates[name])
    shown = binding if limits else binding + " (rate limits unknown for this model)"
    return candidates[binding], shown, _sync_schedule(plan), 0, 0, None, None


def _sync_schedule(plan: Plan) -> str:
    if plan.orders == 1:
        return "one order"
    return (
        "orders one after another"
        if plan.parallel_orders == 1
        else f"{min(plan.parallel_orders, plan.orders):,} orders at a time"
    )


def _batch_timing(plan: Plan, model: str | None, limits, calls: int, f: Decimal, order_input: Decimal) -> tuple:
    """The Batch API runs in windows of up to 24 h, one after another: each submits as many orders as the plan runs
    at once and the tier's queue (the input tokens enqueued at once) holds; failed requests go again in a later window,
    with the next orders, and the last orders' retries in windows of their own."""
    queue = limits[2] if limits else None
    if queue is not None and order_input > queue:
        holding = [t for t, row in sorted(RATE_LIMITS.get(model or "", {}).items()) if row[2] >= order_input]
        where = f"tier {holding[0]} would hold it" if holding else "no usage tier holds it: split the order"
        reason = f"one order's Batch input ({order_input:,.0f} tokens) is more than tier {plan.tier}'s queue ({queue:,}); {where}"
        return None, "Batch queue", "cannot be queued", 0, 0, False, reason
    per_window = plan.parallel_orders if queue is None else max(1, min(plan.parallel_orders, int(queue // order_input)))
    per_window = min(per_window, plan.orders)
    windows = math.ceil(plan.orders / per_window)
    rounds = sum(1 for k in range(1, plan.max_retries + 1) if calls * f**k >= RETRY_ROUND_CALLS)
    submissions = windows + rounds
    files = windows * math.ceil(per_window * calls / BATCH_MAX_REQUESTS) + rounds
    schedule = f"{per_window:,} order{'s' if per_window > 1 else ''} per window, {windows:,} window{'s' if windows > 1 else ''}"
    if rounds:
        schedule += f" + {rounds} for retries"
    fits = None if queue is None else True
    return (
        Decimal(submissions * BATCH_WINDOW_S),
        "Batch windows (up to 24 h each)",
        schedule,
        submissions,
        files,
        fits,
        None,
    )


def why_out(s: Scenario, deadline_h: Decimal | None) -> str | None:
    """Why a scenario cannot run as planned (None: it can): an order the Batch queue cannot hold, or a deadline missed."""
    if s.cannot_run:
        return s.cannot_run
    if deadline_h is not None and s.wall_time_s is not None and s.wall_time_s > deadline_h * 3600:
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


@dataclass
class Measured:
    """A plan measured from one feature's logged calls, what was measured, and the cost per call to check it by."""

    feature: str
    values: dict  # plan keys, as a plan file would give them
    said: str
    model: str | None  # the model most of the calls used (None: no call was priced), and their batch size
    batch_size: int
    measured_sizes: list[int]  # the batch sizes the store holds calls at (the rest were added around them)
    cost_per_call: Decimal | None  # the store's mean priced cost per billed call of that model


def measured_from_store(store, feature: str) -> Measured:
    """Plan values measured from a feature's logged calls: money from the means (the percentiles are their spread),
    the cached share, every model used, the measured batch sizes and their neighbours, the Batch API on and off."""
    rows = store.dicts("estimate/from_store", feature=feature)
    if not rows:
        raise CostcapError(
            f"--from-store {feature!r}: no logged calls of that feature in the store (ingest its logs first)"
        )
    main = max(rows, key=lambda r: r["attempts"])
    if main["prompt_mean"] is None:
        raise CostcapError(f"--from-store {feature!r}: no successful calls to measure")
    profile = [p for p in store.dicts("estimate/store_profile", feature=feature) if p["priced"]]
    rates = {r["batch_size"]: round(r["failure_rate"], 6) for r in rows}
    assumed = _neighbours(main["batch_size"], rates) if len(rows) == 1 else {}
    share = _cached_share(store, feature)
    values = {
        "prompt_tokens": round(main["prompt_mean"]), "item_input_tokens": 0,
        "item_output_tokens": max(1, round(main["item_output_mean"])),
        "failure_rate": {str(b): r for b, r in sorted({**rates, **assumed}.items())},
        "batch_sizes": sorted({**rates, **assumed}), "batch_api": [False, True],
        **({"models": [p["model"] for p in profile]} if profile else {}),
        **({"cached_share": share} if share else {}),
    }  # fmt: skip
    model = profile[0]["model"] if profile else None
    cost = profile[0]["cost_usd"] / profile[0]["calls"] if profile and profile[0]["calls"] else None
    return Measured(feature, values, _said(feature, main, rows, assumed, share, profile), model, main["batch_size"],
                    sorted(rates), cost)  # fmt: skip


def _neighbours(size: int, rates: dict[int, float]) -> dict[int, float]:
    """One measured batch size: the sizes on either side, priced at its failure rate (said as assumed)."""
    return {b: rates[size] for b in (size - 1, size + 1) if b >= 1}


def _cached_share(store, feature: str) -> float | None:
    found = [p for p in store.dicts("estimate/store_profile", feature=feature) if p["cached_share"]]
    calls = sum(p["calls"] for p in found)
    return round(sum(p["cached_share"] * p["calls"] for p in found) / calls, 6) if calls else None


def _said(feature: str, main: dict, rows: list[dict], assumed: dict, share, profile: list[dict]) -> str:
    """What --from-store measured, in a sentence a reader can check against the store."""
    used = ", ".join(f"{p['model']} ({p['calls']:,} calls)" for p in profile) or "no priced model"
    text = (f"Measured from {main['attempts']:,} calls of {feature} at {main['batch_size']} items per call, on {used}: "
            f"input per call mean {main['prompt_mean']:,.1f} (p50 {main['prompt_p50']:,g}), output per item mean "
            f"{main['item_output_mean']:,.1f} (p50 {main['item_output_p50']:,g}, p90 {main['item_output_p90']:,g}); the "
            "means are priced")  # fmt: skip
    if share:
        text += f"; {share:.1%} of the input came from the cache"
    text += "; failure rate by batch size: " + ", ".join(f"{r['batch_size']}: {r['failure_rate']:.1%}" for r in rows)
    if assumed:
        sizes = " and ".join(str(b) for b in sorted(assumed))
        text += (f". Sizes {sizes} have no calls in the store: priced at size {main['batch_size']}'s failure rate, an "
                 "assumption to test")  # fmt: skip
    return text + "."


def agreement(measured: Measured, found: list[Scenario]) -> str | None:
    """The store's cost per call beside the plan's for the same model, batch size and API: the model agrees with
    history when the two are close."""
    same = next(
        (s for s in found if (s.model, s.batch_size, s.batch_api) == (measured.model, measured.batch_size, False)), None
    )
    if measured.cost_per_call is None or same is None or not same.calls:
        return None
    planned = same.cost_per_order_usd / (same.calls * same.expected_attempts)
    gap = (planned - measured.cost_per_call) / measured.cost_per_call if measured.cost_per_call else Decimal(0)
    return (
        f"Measured ${measured.cost_per_call:.6f} per call of {measured.feature} in the store; this plan "
        f"${planned:.6f} per call on {same.model} at {same.batch_size} per call ({gap:+.1%})."
    )
