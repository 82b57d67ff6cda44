"""Who spends what: the bill against the spend the logs explain, breakdowns, and findings priced in dollars."""

from __future__ import annotations

import calendar
import math
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from costcap import aggregates, budget, reconcile
from costcap.endpoints import UNATTRIBUTABLE
from costcap.errors import CostcapError
from costcap.names import did_you_mean
from costcap.numbers import counted
from costcap.prices import unknown_tier
from costcap.scope import Scope
from costcap.store import Store

CALL_KEYS = ("feature", "model", "day", "week", "month", "batch_type", "order")
PERIOD_KEYS = ("day", "week", "month")  # billed beside attributed, per period
USAGE_KEYS = ("project", "api_key")
BY_KEYS = CALL_KEYS + USAGE_KEYS
ALWAYS_SHOWN = ("feature", "model", "day")

UNATTRIBUTED_SHARE = Decimal("0.05")  # a gap above 5% of the bill is a finding
OVERCLAIM_SHARE = Decimal("0.01")  # logs above the bill by more than rounding
BILL_ROUNDING_USD = Decimal("0.0001")  # a charge and its usage at catalog prices closer than this are equal
BILL_ROUNDING_SHARE = Decimal("0.01")  # ... or closer than 1% of the charge
CONCENTRATION_SHARE = Decimal("0.5")
CONCENTRATION_MIN_FEATURES = 4  # with three features or fewer, the top three are always 100%
SPIKE_FACTOR = 2
SPIKE_MIN_HISTORY = 3  # days before one can be called a spike
SPIKE_HISTORY = 7
PIPELINE_SHARE = 0.9  # calls carrying a batch type or order id: work nobody waits on
NIGHT_SHARE = 0.9
CACHE_MIN_PROMPT = 1024  # prompt caching starts at 1,024 tokens, then in steps of 128
CACHE_STEP = 128
TIERING_MAX_P90 = 300  # "short" answers
TIERING_MAX_SPREAD = 0.5  # "uniform": standard deviation under half the mean
FAR_ABOVE_USE = 2  # a cap more than twice the recommended one does not cap
PACING_SHARE = Decimal("0.8")
# The smaller model of the same family that a what-if prices large-model work at.
SMALLER_MODEL = {
    "gpt-4o": "gpt-4o-mini", "chatgpt-4o-latest": "gpt-4o-mini", "gpt-4-turbo": "gpt-4o-mini", "gpt-4": "gpt-4o-mini",
    "gpt-4.1": "gpt-4.1-mini", "gpt-5": "gpt-5-mini", "gpt-5.1": "gpt-5-mini", "o1": "o3-mini", "o3": "o4-mini",
}  # fmt: skip


@dataclass
class Settings:
    scope: Scope = field(default_factory=Scope)  # the days, and the one feature the whole report is narrowed to
    by: str = "feature"
    batch_features: tuple[str, ...] = ()
    min_calls: int = 10
    tier: int = 1  # the account's usage tier, for the rate limits a pace is checked against
    compare: bool = False  # beside the same length of time just before the period
    budgets: dict[str, Decimal] = field(default_factory=dict)  # [budget]: dollars a month per feature
    limits: Limits = field(default_factory=lambda: Limits())  # the gates: exit 3 past any of them
    project: bool = False  # month to date and the projected month end, without a budget or a projected gate

    @property
    def keys(self) -> tuple[str, ...]:
        """--by feature or --by feature,model: the key, and the one within it."""
        return by_keys(self.by)

    def check(self) -> None:
        check_by(self.by)
        self.scope.check()


def by_keys(by: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in by.split(","))


def check_by(by: str) -> None:
    """--by names one key, or two different keys of the calls."""
    keys = by_keys(by)
    for key in keys:
        if key not in BY_KEYS:
            raise CostcapError(f"--by {key!r}: use one of {', '.join(BY_KEYS)}{did_you_mean(key, BY_KEYS)}")
    if len(keys) > 2 or len(set(keys)) < len(keys):
        raise CostcapError(f"--by {by!r}: give one key, or two different ones such as feature,model")
    if len(keys) == 2 and not set(keys) <= set(CALL_KEYS):
        raise CostcapError(f"--by {by!r}: two keys come from the logged calls ({', '.join(CALL_KEYS)}); "
                           "project and api_key break down the usage export on their own")  # fmt: skip


@dataclass
class Finding:
    kind: str
    feature: str | None
    model: str | None
    saving_usd: Decimal | None
    detail: str
    fix: str
    saving_range_usd: tuple[Decimal, Decimal] | None = None
    evidence: dict = field(default_factory=dict)


@dataclass
class Billed:
    cost_usd: Decimal | None = None
    source: str | None = None
    requests: int = 0
    input_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    unpriced_rows: int = 0
    by_day: dict[date, Decimal] = field(default_factory=dict)
    by_line: dict[str, Decimal] = field(default_factory=dict)  # the part of the bill (endpoints.LINE_ITEM_WORDS)
    unknown_days: list[date] = field(default_factory=list)  # billed only by ungrouped usage: no model, no price
    ungrouped_rows: int = 0
    cost_days: set[date] = field(default_factory=set)  # the days the cost export bills (the rest: usage at catalog)

    @property
    def unattributable_usd(self) -> Decimal:
        """What no log of calls can explain: storage, sessions, tool calls billed per call, training."""
        return sum((usd for line, usd in self.by_line.items() if line in UNATTRIBUTABLE), Decimal(0))


@dataclass
class Report:
    settings: Settings
    start: date | None
    end: date | None
    billed: Billed
    attributed_usd: Decimal
    calls: int
    unpriced_calls: int
    breakdowns: dict[str, list[dict]]
    gaps: list[dict]
    unpriced: list[dict]
    findings: list[Finding]
    unknown_tiers: list[str] = field(default_factory=list)
    store_span: tuple[date | None, date | None] = (None, None)  # what the whole store covers, for an empty period
    feature_days: list[dict] = field(default_factory=list)  # attributed spend per feature and day
    reconciliation: reconcile.Reconciliation | None = None  # billed minus attributed, in named parts
    comparison: Comparison | None = None  # --compare previous
    projection: Projection | None = None  # month to date and the projected month end
    gates: list[Gate] = field(default_factory=list)  # the limits asked for, each passed or failed

    @property
    def unattributed_usd(self) -> Decimal | None:
        """The part of the bill that logged calls could explain and do not."""
        b = self.billed
        return None if b.cost_usd is None else b.cost_usd - b.unattributable_usd - self.attributed_usd

    @property
    def coverage(self) -> float | None:
        """The share of logged calls the catalog could price."""
        return None if not self.calls else (self.calls - self.unpriced_calls) / self.calls


def audit(store: Store, settings: Settings) -> Report:
    settings.check()
    aggregates.fit_prices(store)
    settings.scope.apply(store)
    for name in ("audit/scope_groups", "audit/scope_usage", "audit/scope_costs"):
        store.execute(name)
    first, last = store.rows("audit/period")[0]
    span = store.rows("audit/store_span")[0]
    billed = _billed(store)
    breakdowns = {key: breakdown(store, *key.split(",")) for key in dict.fromkeys([*ALWAYS_SHOWN, settings.by])}
    features = breakdowns["feature"]
    attributed = sum((r["cost_usd"] or Decimal(0) for r in features), Decimal(0))
    report = Report(
        settings, settings.scope.since or first, settings.scope.until or last, billed, attributed,
        calls=sum(r["calls"] for r in features), unpriced_calls=sum(r["unpriced_calls"] for r in features),
        breakdowns=breakdowns, gaps=_gaps(store), unpriced=store.dicts("audit/unpriced"), findings=[],
    )  # fmt: skip
    _add_billed_periods(report)
    report.reconciliation = _reconcile(store, report)
    report.unknown_tiers = [t for (t,) in store.rows("audit/service_tiers") if unknown_tier(t)]
    report.store_span = span
    report.feature_days = store.dicts("audit/feature_days")
    report.findings = sorted(_findings(store, report), key=_by_saving)
    if settings.compare:
        report.comparison = _compare_previous(store, report)
    if settings.project or settings.budgets or settings.limits.projected_above is not None:
        report.projection = _project_month(store, report)
    report.gates = settings.limits.check(report)
    return report


def _in_scope(store: Store, report: Report, scope: Scope, read):
    """read(store) with `scope` set and its tables built, then the report's own scope set again."""
    scope.apply(store)
    for name in ("audit/scope_groups", "audit/scope_usage", "audit/scope_costs"):
        store.execute(name)
    try:
        return read(store)
    finally:
        report.settings.scope.apply(store)
        for name in ("audit/scope_groups", "audit/scope_usage", "audit/scope_costs"):
            store.execute(name)


PROJECTION_WINDOW_DAYS = 7


@dataclass
class Projection:
    """Month to date, and the month's end projected from the recent daily rate."""

    month: str
    through: date
    days_left: int
    window: tuple[date, date]  # the days whose mean is the daily rate
    features: list[dict]  # feature, to_date_usd, daily_usd, projected_usd, budget_usd, over_budget
    to_date_usd: Decimal  # billed where a bill covers the month's days, else attributed
    projected_usd: Decimal
    source: str  # "billed" or "attributed"

    @property
    def method(self) -> str:
        first, last = self.window
        return (f"month to date through {self.through}, plus the mean daily spend of {first} to {last} times the "
                f"{self.days_left} days left")  # fmt: skip


def _project_month(store: Store, report: Report) -> Projection | None:
    end = report.end
    if end is None:
        return None
    month_start = end.replace(day=1)
    days_left = calendar.monthrange(end.year, end.month)[1] - end.day
    window = (max(month_start, end - timedelta(days=PROJECTION_WINDOW_DAYS - 1)), end)
    month = Scope(month_start, end, report.settings.scope.feature)
    days, billed = _in_scope(store, report, month, lambda s: (s.dicts("audit/feature_days"), _billed(s).by_day))
    width = Decimal((window[1] - window[0]).days + 1)

    def projected(by_day: dict[date, Decimal]) -> tuple[Decimal, Decimal, Decimal]:
        to_date = sum(by_day.values(), Decimal(0))
        rate = sum((v for d, v in by_day.items() if window[0] <= d <= window[1]), Decimal(0)) / width
        return to_date, rate, to_date + rate * days_left

    per_feature: dict[str, dict[date, Decimal]] = {}
    for row in days:
        per_feature.setdefault(row["feature"], {})[row["day"]] = row["cost_usd"] or Decimal(0)
    features: list[dict] = []
    for feature in sorted(per_feature.keys() | report.settings.budgets.keys()):
        to_date, rate, total = projected(per_feature.get(feature, {}))
        budget = report.settings.budgets.get(feature)
        features.append({"feature": feature, "to_date_usd": to_date, "daily_usd": rate, "projected_usd": total,
                         "budget_usd": budget, "over_budget": budget is not None and total > budget})  # fmt: skip
    features.sort(key=lambda f: (-f["projected_usd"], f["feature"]))
    logged = {d: sum((v.get(d, Decimal(0)) for v in per_feature.values()), Decimal(0)) for d in _days(per_feature)}
    source, by_day = ("billed", billed) if billed else ("attributed", logged)
    to_date, _, total = projected(by_day)
    return Projection(month_start.strftime("%Y-%m"), end, days_left, window, features, to_date, total, source)


def _days(per_feature: dict[str, dict[date, Decimal]]) -> set[date]:
    return {d for days in per_feature.values() for d in days}


@dataclass
class Gate:
    flag: str
    limit: Decimal
    figure: Decimal | None
    failed: bool
    said: str


@dataclass(frozen=True)
class Limits:
    """The gates a CI job sets: spend above, unattributed share above, coverage below, projected month above."""

    above: Decimal | None = None
    unattributed_above_pct: Decimal | None = None
    coverage_below_pct: Decimal | None = None
    projected_above: Decimal | None = None

    def check(self, report: Report) -> list[Gate]:
        spend = report.billed.cost_usd if report.billed.cost_usd is not None else report.attributed_usd
        what = "billed" if report.billed.cost_usd is not None else "attributed"
        rec = report.reconciliation
        share = (rec.gap_usd / rec.billed_usd * 100) if rec and rec.billed_usd else None
        coverage = Decimal(str(round(rec.coverage * 100, 4))) if rec and rec.coverage is not None else None
        projected = report.projection.projected_usd if report.projection else None
        wanted = [
            ("--fail-above", self.above, spend, True, f"{what} spend ${{figure:.4f}}"),
            ("--fail-unattributed-above", self.unattributed_above_pct, share, True, "the unattributed share {figure:.1f}%"),
            ("--fail-below-coverage", self.coverage_below_pct, coverage, False, "the bill's coverage by logs {figure:.1f}%"),
            ("--fail-projected-above", self.projected_above, projected, True, "projected month-end spend ${figure:.4f}"),
        ]  # fmt: skip
        return [
            _gate(flag, limit, figure, above, shown)
            for flag, limit, figure, above, shown in wanted
            if limit is not None
        ]


def _gate(flag: str, limit: Decimal, figure: Decimal | None, above: bool, shown: str) -> Gate:
    if figure is None:
        return Gate(flag, limit, None, False, f"{flag} {limit}: no figure to check (no bill or no calls in the period)")
    failed = figure > limit if above else figure < limit
    where = ("above" if above else "below") if failed else ("within" if above else "at or above")
    limit_text = format(limit.normalize(), "f")
    return Gate(
        flag, limit, figure, failed, f"{shown.format(figure=figure)} is {where} the limit ({flag} {limit_text})"
    )


@dataclass
class Comparison:
    """The period against the same length of time just before it: per feature and model, the change, largest first."""

    start: date
    end: date
    attributed_usd: Decimal  # in the previous period
    changes: dict[str, list[dict]]  # key -> rows of key, cost_usd, previous_usd, change_usd, change_pct


COMPARED = ("feature", "model")


def _compare_previous(store: Store, report: Report) -> Comparison | None:
    """Read the previous period's spend (its scope set, then the report's set again so nothing else changes)."""
    if report.start is None or report.end is None:
        return None
    length = report.end - report.start + timedelta(days=1)
    before = Scope(report.start - length, report.start - timedelta(days=1), report.settings.scope.feature)
    before.apply(store)
    store.execute("audit/scope_groups")
    previous = {key: breakdown(store, key) for key in COMPARED}
    report.settings.scope.apply(store)
    store.execute("audit/scope_groups")
    total = sum((r["cost_usd"] or Decimal(0) for r in previous["feature"]), Decimal(0))
    changes = {key: _changes(report.breakdowns[key], previous[key]) for key in COMPARED}
    return Comparison(before.since or report.start, before.until or report.end, total, changes)


def _changes(now: list[dict], before: list[dict]) -> list[dict]:
    spent = {r["key"]: r["cost_usd"] or Decimal(0) for r in now}
    spent_before = {r["key"]: r["cost_usd"] or Decimal(0) for r in before}
    rows = []
    for key in spent.keys() | spent_before.keys():
        current, previous = spent.get(key, Decimal(0)), spent_before.get(key, Decimal(0))
        rows.append({"key": key, "cost_usd": current, "previous_usd": previous, "change_usd": current - previous,
                     "change_pct": float((current - previous) / previous) if previous else None})  # fmt: skip
    return sorted(rows, key=lambda r: (-abs(r["change_usd"]), r["key"]))


def _reconcile(store: Store, report: Report) -> reconcile.Reconciliation | None:
    """The parts of the gap, where there is a bill to reconcile."""
    b = report.billed
    if b.cost_usd is None:
        return None
    lines = store.dicts("audit/billed_lines")
    days, cells = store.dicts("audit/reconcile_days"), store.dicts("audit/reconcile_cells")
    return reconcile.reconcile(b.by_day, b.cost_days, lines, days, cells, report.attributed_usd)


def _billed(store: Store) -> Billed:
    """Per day: the cost export's charge when it has rows that day, else the usage export at catalog prices (unknown
    on a day whose usage is ungrouped); split by the part of the bill each line is."""
    billed, sources = Billed(), set()
    from_costs = billed.cost_days
    for day in store.dicts("audit/billed_days"):
        if day["cost_rows"]:
            amount, source = day["charged_usd"], "cost export"
            from_costs.add(day["day"])
        elif day["usage_rows"] and day["ungrouped_rows"]:
            billed.unknown_days.append(day["day"])
            billed.ungrouped_rows += day["ungrouped_rows"]
            continue
        elif day["usage_rows"]:
            amount, source = day["usage_usd"] or Decimal(0), "usage export at catalog prices"
            billed.unpriced_rows += day["unpriced_rows"]
        else:
            continue
        billed.by_day[day["day"]] = amount
        sources.add(source)
        billed.requests += day["requests"]
        billed.input_tokens += day["input_tokens"]
        billed.cached_tokens += day["cached_tokens"]
        billed.output_tokens += day["output_tokens"]
    for row in store.dicts("audit/billed_lines"):
        if row["day"] in billed.by_day:
            usd = row["charged_usd"] if row["day"] in from_costs else row["usage_usd"]
            line = row["line_item"] or "not split (the cost rows name no line item)"
            billed.by_line[line] = billed.by_line.get(line, Decimal(0)) + (usd or Decimal(0))
    billed.by_line = {k: v for k, v in sorted(billed.by_line.items(), key=lambda kv: -kv[1]) if v}
    if billed.by_day:
        billed.cost_usd = sum(billed.by_day.values(), Decimal(0))
        billed.source = " + ".join(sorted(sources))
    return billed


def breakdown(store: Store, key: str, then: str | None = None) -> list[dict]:
    """Spend per value of one key (and of a second within it), with its share of the total and the cost of a call."""
    if key in USAGE_KEYS:
        rows = store.dicts("audit/breakdown_usage", by=key)
    else:
        rows = store.dicts("audit/breakdown", by=key, then=then)
    total = sum((r["cost_usd"] or Decimal(0) for r in rows), Decimal(0))
    for row in rows:
        cost, priced_calls = row["cost_usd"] or Decimal(0), row["calls"] - row["unpriced_calls"]
        row["share"] = float(cost / total) if total else 0.0
        row["cost_per_call"] = cost / priced_calls if priced_calls else None
    return rows


def period_key(day: date, by: str) -> str:
    """The key of a day's period: the day, its ISO week (2026-W45) or its month (2026-11), as group_key has it."""
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.strftime("%Y-%m") if by == "month" else day.isoformat()


def _add_billed_periods(report: Report) -> None:
    """Beside each day's (week's, month's) attributed spend, what was billed in it, and periods billed with no call."""
    for by in (key for key in report.breakdowns if key in PERIOD_KEYS):
        billed: dict[str, Decimal] = {}
        for day, amount in report.billed.by_day.items():
            billed[period_key(day, by)] = billed.get(period_key(day, by), Decimal(0)) + amount
        rows = report.breakdowns[by]
        for row in rows:
            found = billed.get(row["key"])
            row["billed_usd"] = found
            row["unattributed_usd"] = None if found is None else found - (row["cost_usd"] or Decimal(0))
        logged = {r["key"] for r in rows}
        for key, amount in sorted(billed.items()):
            if key not in logged:
                rows.append(
                    {"key": key, "key2": None, "cost_usd": Decimal(0), "calls": 0, "unpriced_calls": 0,
                     "input_tokens": 0, "output_tokens": 0, "orders": 0, "cost_per_order_p50": None,
                     "cost_per_order_p90": None, "share": 0.0, "cost_per_call": None, "billed_usd": amount,
                     "unattributed_usd": amount}
                )  # fmt: skip
        rows.sort(key=lambda r: r["key"])


def _gaps(store: Store) -> list[dict]:
    """Billed minus attributed per day and model, a side with no rows counting as zero."""
    rows = store.dicts("audit/gaps")
    for row in rows:
        row["unattributed_usd"] = (row["billed_usd"] or Decimal(0)) - (row["attributed_usd"] or Decimal(0))
    return rows


def _by_saving(finding: Finding):
    return (finding.saving_usd is None, -(finding.saving_usd or 0), finding.kind, finding.feature or "")


def _findings(store: Store, report: Report) -> list[Finding]:
    profiles = store.dicts("audit/profile")
    waste = store.dicts("audit/waste")
    found: list[Finding] = []
    caps = {
        g.group: g
        for g in budget.measure(
            store, budget.Settings(scope=report.settings.scope, min_calls=report.settings.min_calls)
        ).groups
    }
    found += _uncapped_output(caps, profiles)
    found += _truncation(waste, caps)
    found += _retry_waste(store, waste)
    found += _rate_limited(store, report.settings, waste, store.dicts("audit/rate_minutes"))
    found += _batch_failures(store.dicts("audit/batch_failures"))
    found += _batch_eligible(store, report.settings, profiles)
    found += _model_tiering(store, profiles)
    found += _prompt_caching(store, profiles)
    found += _concentration(report.breakdowns["feature"])
    found += _spend_spikes(report.feature_days)
    found += _unattributed(report)
    found += _bill_vs_catalog(report)
    found += _ungrouped(report.billed)
    found += _unpriced(report.unpriced)
    return found


def _models_of(profiles: list[dict], feature: str) -> str | None:
    return ", ".join(p["model"] for p in profiles if p["feature"] == feature) or None


def _uncapped_output(caps: dict[str, budget.Group], profiles: list[dict]) -> list[Finding]:
    """Features whose answers run far past what they need: the cap budget recommends, and what it saves."""
    found = []
    for g in caps.values():
        cap = g.recommended_max_tokens
        if cap is None or g.saving_usd <= 0 or g.raises_cap:
            continue
        if g.current_max_tokens is not None and g.current_max_tokens <= FAR_ABOVE_USE * cap:
            continue
        logged = "no max_tokens" if g.current_max_tokens is None else f"max_tokens={g.current_max_tokens}"
        found.append(Finding(
            "uncapped_output", g.group, _models_of(profiles, g.group), g.saving_usd,
            f"{g.calls} calls with {logged}: p90 {g.p90:g} completion tokens, max {g.max}; "
            f"{g.overrun_tokens:,} tokens above a cap of {cap} in {g.would_truncate_rate:.1%} of calls",
            f"set max_tokens={cap} (1.2 x p90; `costcap budget` shows the distribution)",
            evidence={"calls": g.calls, "p90": g.p90, "max": g.max, "current_max_tokens": g.current_max_tokens,
                      "recommended_max_tokens": cap, "overrun_tokens": g.overrun_tokens,
                      "would_truncate_rate": g.would_truncate_rate},
        ))  # fmt: skip
    return found


def _truncation(waste: list[dict], caps: dict[str, budget.Group]) -> list[Finding]:
    found = []
    for w in waste:
        if not w["truncated"]:
            continue
        rate = w["truncated"] / w["completed_calls"] if w["completed_calls"] else 0.0
        cost = w["truncated_usd"] + w["truncation_retries_usd"]
        group = caps.get(w["feature"])
        found.append(Finding(
            "truncation", w["feature"], w["model"], cost,
            f"{w['truncated']:,} of {w['completed_calls']:,} completed calls on {w['model']} ({rate:.1%}) stopped at "
            "max_tokens (finish_reason=length): "
            f"${w['truncated_usd']:.4f}, plus {w['truncation_retries']} retries after them ${w['truncation_retries_usd']:.4f}",
            _truncation_fix(group),
            evidence={"truncated": w["truncated"], "completed_calls": w["completed_calls"], "rate": rate,
                      "truncated_usd": w["truncated_usd"], "retries": w["truncation_retries"],
                      "retries_usd": w["truncation_retries_usd"],
                      "current_max_tokens": group.current_max_tokens if group else None,
                      "recommended_max_tokens": group.recommended_max_tokens if group else None},
        ))  # fmt: skip
    return found


def _truncation_fix(group: budget.Group | None) -> str:
    """budget's cap for the feature, from the same function: raised from today's when the answers hit it."""
    if group is None or group.recommended_max_tokens is None:
        why = group.warning if group and group.warning else "too few calls to measure a cap"
        return f"raise max_tokens ({why}), or ask for shorter answers"
    cap, today = group.recommended_max_tokens, group.current_max_tokens
    if group.raises_cap:
        return (
            f"raise max_tokens from {today} to at least {cap} ({group.truncated_calls:,} of {group.calls:,} of this "
            "feature's answers hit today's cap; `costcap budget` measures it again once they no longer do)"
        )
    return f"set max_tokens={cap} (`costcap budget`'s cap for this feature), or ask for shorter answers"


def _retry_waste(store: Store, waste: list[dict]) -> list[Finding]:
    found = []
    for w in waste:
        if not w["paid_failures"]:
            continue
        share = w["paid_failures"] / w["billed_calls"]
        found.append(Finding(
            "retry_waste", w["feature"], w["model"], w["paid_failures_usd"],
            f"{w['paid_failures']:,} of {w['billed_calls']:,} billed calls ({share:.1%}) failed after being paid "
            f"(errors, failed validation), {w['retries']} retries: total = successful calls x price + failed attempts x price",
            _batch_size_fix(store, w["feature"], w["model"]),
            evidence={"paid_failures": w["paid_failures"], "calls": w["billed_calls"], "failure_rate": share,
                      "retries": w["retries"]},
        ))  # fmt: skip
    return found


def _batch_size_fix(store: Store, feature: str, model: str) -> str:
    """The batch size with the lowest cost per item at the failure rates the store measured for each size."""
    from costcap import estimate

    generic = "make failures rarer rather than retrying: smaller batches per call, a token budget the answer fits in"
    try:
        measured = estimate.measured_from_store(store, feature)
    except CostcapError:
        return generic
    values, sizes = measured.values, measured.measured_sizes  # compared only where the store measured them
    if len(sizes) < 2:
        return (
            f"{generic}; every call used {sizes[0]} items, so the log cannot compare sizes: try a smaller one "
            f"(`costcap estimate --from-store {feature} --items N --batch-sizes 1,{sizes[0]}`)"
        )
    items = math.lcm(*sizes)
    plan = estimate.Plan(items=items, prompt_tokens=values["prompt_tokens"], item_output_tokens=values["item_output_tokens"],
                         models=[model], batch_sizes=sizes, batch_api=[False],
                         failure_rate={int(k): Decimal(str(v)) for k, v in values["failure_rate"].items()})  # fmt: skip
    try:
        found = {s.batch_size: s.cost_per_order_usd / items for s in estimate.scenarios(plan, store.catalog)}
    except CostcapError:
        return generic
    cheapest = min(found, key=lambda b: found[b])
    others = ", ".join(f"{b}: ${found[b]:.6f}" for b in sorted(found) if b != cheapest)
    return (
        f"use {cheapest} items per call: ${found[cheapest]:.6f} per item at its measured failure rate "
        f"{values['failure_rate'][str(cheapest)]:.1%}, against {others}"
    )


def _rate_limited(store: Store, settings: Settings, waste: list[dict], minutes: list[dict]) -> list[Finding]:
    from costcap.estimate import RATE_LIMITS

    busiest = {(m["feature"], m["model"]): m for m in minutes}
    found = []
    for w in waste:
        if not w["rate_limited"]:
            continue
        m = busiest.get((w["feature"], w["model"]), {})
        limits = RATE_LIMITS.get(store.catalog.resolve(w["model"]) or "", {}).get(settings.tier)
        paced, binding = _pacing(m.get("rpm_at_429"), limits, w["tokens_per_call"], settings.tier)
        paid = w["paid_retries_after_429_usd"]
        pace = (f"at most {paced:,} requests a minute (one every {60 / paced:.1f} s), 80% of {binding}" if paced
                else "a client-side token bucket")  # fmt: skip
        found.append(Finding(
            "rate_limited", w["feature"], w["model"], paid,
            f"{w['rate_limited']} calls got HTTP 429 (not billed themselves); {w['paid_retries_after_429']} paid retries "
            f"after them; peak {m.get('peak_rpm', '?')} requests and {m.get('peak_tpm', 0):,} tokens a minute, "
            f"429s from {m.get('rpm_at_429', '?')} requests / {m.get('tpm_at_429', 0):,} tokens a minute",
            f"pace to {pace}, with jittered backoff{_limits_note(m.get('rpm_at_429'), limits, w['tokens_per_call'], settings.tier)}",
            evidence={"rate_limited": w["rate_limited"], "paid_retries": w["paid_retries_after_429"],
                      "peak_rpm": m.get("peak_rpm"), "peak_tpm": m.get("peak_tpm"), "rpm_at_429": m.get("rpm_at_429"),
                      "tpm_at_429": m.get("tpm_at_429"), "paced_rpm": paced, "binding_limit": binding},
        ))  # fmt: skip
    return found


def _pacing(rpm_at_429: int | None, limits: tuple | None, tokens_per_call, tier: int) -> tuple[int | None, str | None]:
    """The pace to keep, in requests a minute, and the limit that binds it: 80% of the tier's requests a minute or
    of its tokens a minute (at the calls' own size), whichever allows fewer requests, or of the lightest minute that
    met a 429 when that is lower still."""
    candidates = {}
    if rpm_at_429:
        candidates[f"the lightest minute that met a 429 ({rpm_at_429:,} requests)"] = PACING_SHARE * rpm_at_429
    if limits:
        rpm, tpm = limits[0], limits[1]
        candidates[f"tier {tier}'s limit of {rpm:,} requests a minute (RPM)"] = PACING_SHARE * rpm
        if tokens_per_call:
            size = Decimal(str(tokens_per_call))
            candidates[f"tier {tier}'s limit of {tpm:,} tokens a minute (TPM), at about {size:,.0f} tokens a call"] = (
                PACING_SHARE * Decimal(tpm) / size)  # fmt: skip
    if not candidates:
        return None, None
    binding = min(candidates, key=lambda name: candidates[name])
    return max(1, int(candidates[binding])), binding


def _limits_note(rpm_at_429: int | None, limits: tuple | None, tokens_per_call, tier: int) -> str:
    if not limits:
        return " (this model's tier limits are not in costcap)"
    rpm, tpm = limits[0], limits[1]
    if rpm_at_429 and rpm_at_429 < rpm / 10 and (not tokens_per_call or rpm_at_429 * tokens_per_call < tpm / 10):
        return (
            f"; the 429s came far below tier {tier}'s limits: check the account's tier ([audit] tier in "
            "costcap.toml) and other callers of the same key"
        )
    return ""


def _batch_failures(rows: list[dict]) -> list[Finding]:
    return [Finding(
        "batch_failures", r["feature"], None, None,
        f"{r['failed']} Batch requests came back without an answer ({r['expired']} expired, {r['refused']} refused with "
        f"a 4xx, {r['server_errors']} server errors); they cost nothing but their work is not done. First: {r['example']}",
        "resubmit the expired ones in a new batch, or a smaller one that finishes within 24 h; fix the bodies of the "
        "refused ones (the error file names each custom_id)",
        evidence={"failed": r["failed"], "expired": r["expired"], "refused": r["refused"], "server_errors": r["server_errors"]},
    ) for r in rows]  # fmt: skip


def _reprice(store: Store, wanted: list[tuple[str, str, str | None]], tier: str | None, from_tier: str | None) -> dict:
    if not wanted:
        return {}
    features, models, targets = (list(x) for x in zip(*wanted, strict=False))
    rows = store.dicts(
        "audit/reprice", features=features, models=models, targets=targets, tier=tier, from_tier=from_tier
    )
    return {(r["feature"], r["model"]): r for r in rows}


def _batch_eligible(store: Store, settings: Settings, profiles: list[dict]) -> list[Finding]:
    reasons = {}
    for p in profiles:
        why = _batch_reason(p, settings)
        if p["sync_calls"] and why:
            reasons[(p["feature"], p["model"])] = why
    wanted: list[tuple[str, str, str | None]] = [(f, m, None) for f, m in reasons]
    batch = _reprice(store, wanted, tier="batch", from_tier="default")
    flex = _reprice(store, wanted, tier="flex", from_tier="default")
    found = []
    for (feature, model), why in reasons.items():
        r = batch.get((feature, model))
        if not r or r["unpriced_calls"] or not r["cost_usd"] or r["new_cost_usd"] >= r["cost_usd"]:
            continue  # advice only where the catalog prices these calls lower under Batch
        saving = r["cost_usd"] - r["new_cost_usd"]
        found.append(Finding(
            "batch_eligible", feature, model, saving,
            f"{r['calls']} synchronous calls ({why}) cost ${r['cost_usd']:.4f}; at Batch API prices ${r['new_cost_usd']:.4f}",
            "send them through the Batch API (results within 24 h at its lower price)" + _flex_too(flex.get((feature, model))),
            evidence={"calls": r["calls"], "reason": why, "cost_usd": r["cost_usd"], "batch_cost_usd": r["new_cost_usd"],
                      "flex_cost_usd": _cheaper(flex.get((feature, model)))},
        ))  # fmt: skip
    return found


def _cheaper(r: dict | None) -> Decimal | None:
    """A what-if's new cost, when the catalog has one for every call and it is lower than today's."""
    if not r or r["unpriced_calls"] or r["new_cost_usd"] is None or r["new_cost_usd"] >= r["cost_usd"]:
        return None
    return r["new_cost_usd"]


def _flex_too(r: dict | None) -> str:
    """The flex tier as a second way, only where the catalog prices it lower than standard for these calls."""
    cost = _cheaper(r)
    return f", or `service_tier=flex` (slower, ${cost:.4f} for the same calls)" if cost is not None else ""


def _batch_reason(profile: dict, settings: Settings) -> str | None:
    if profile["feature"] in settings.batch_features:
        return "listed in costcap.toml [audit] batch_features"
    if profile["pipeline_share"] >= PIPELINE_SHARE:
        return f"{profile['pipeline_share']:.0%} carry a batch type or order id"
    if profile["night_share"] >= NIGHT_SHARE:
        return f"{profile['night_share']:.0%} made between 00:00 and 06:00 UTC"
    return None


def _family(price_model: str | None) -> str | None:
    """gpt-4o-2024-08-06 -> gpt-4o: the name without a date suffix."""
    if not price_model:
        return None
    parts = price_model.split("-")
    while len(parts) > 1 and parts[-1].isdigit() and len(parts[-1]) in (2, 4):
        parts.pop()
    return "-".join(parts)


def _model_tiering(store: Store, profiles: list[dict]) -> list[Finding]:
    wanted: dict = {}
    for p in profiles:
        smaller = SMALLER_MODEL.get(_family(p["price_model"]) or "")
        short = p["p90_output"] <= TIERING_MAX_P90 and p["output_spread"] <= TIERING_MAX_SPREAD
        if smaller and short and p["calls"] >= 10 and not p["unpriced_calls"]:
            wanted[(p["feature"], p["model"])] = (smaller, p)
    priced = _reprice(store, [(f, m, s) for (f, m), (s, _) in wanted.items()], tier=None, from_tier=None)
    found = []
    for key, (smaller, p) in wanted.items():
        r = priced.get(key)
        if not r or r["unpriced_calls"] or r["new_cost_usd"] >= r["cost_usd"]:
            continue
        found.append(Finding(
            "model_tiering", key[0], key[1], r["cost_usd"] - r["new_cost_usd"],
            f"what-if, validate before switching: {r['calls']} calls with short, uniform answers "
            f"(p50 {p['p50_output']:g}, p90 {p['p90_output']:g} tokens) cost ${r['cost_usd']:.4f}; at {smaller} prices ${r['new_cost_usd']:.4f}",
            f"try {smaller} on a sample and compare the answers; route only the easy cases down",
            evidence={"calls": r["calls"], "smaller_model": smaller, "p50_output": p["p50_output"],
                      "p90_output": p["p90_output"], "cost_usd": r["cost_usd"], "smaller_cost_usd": r["new_cost_usd"]},
        ))  # fmt: skip
    return found


def _prompt_caching(store: Store, profiles: list[dict]) -> list[Finding]:
    wanted = {
        (p["feature"], p["model"]): max(CACHE_MIN_PROMPT, p["min_input"] // CACHE_STEP * CACHE_STEP)
        for p in profiles
        if p["p50_input"] >= CACHE_MIN_PROMPT and not p["cached_tokens"] and not p["unpriced_calls"]
    }
    if not wanted:
        return []
    rows = store.dicts("audit/caching", features=[f for f, _ in wanted], models=[m for _, m in wanted],
                       low=[CACHE_MIN_PROMPT] * len(wanted), high=list(wanted.values()))  # fmt: skip
    by_feature: dict[str, dict] = {}
    for r in rows:
        if r["high_usd"] <= 0:
            continue
        f = by_feature.setdefault(r["feature"], {"models": [], "low": Decimal(0), "high": Decimal(0), "prefix": 0})
        f["models"].append(r["model"])
        f["low"] += r["low_usd"]
        f["high"] += r["high_usd"]
        f["prefix"] = max(f["prefix"], wanted[(r["feature"], r["model"])])
    found = []
    for feature, f in by_feature.items():
        one = f["low"] == f["high"]
        span = f"${f['low']:.4f}" if one else f"${f['low']:.4f} to ${f['high']:.4f}"
        prefix = f"{CACHE_MIN_PROMPT:,}" if f["prefix"] == CACHE_MIN_PROMPT else f"1,024 to {f['prefix']:,}"
        found.append(Finding(
            "prompt_caching", feature, ", ".join(f["models"]), f["low"],
            f"prompts of {CACHE_MIN_PROMPT:,}+ tokens and no cached tokens: a stable prefix of {prefix} tokens billed at "
            f"the cached rate saves {span}",
            "put the static part of the prompt (instructions, schema, examples) first and unchanged between calls",
            saving_range_usd=None if one else (f["low"], f["high"]),
            evidence={"prefix_tokens": [CACHE_MIN_PROMPT, f["prefix"]], "models": f["models"]},
        ))  # fmt: skip
    return found


def _concentration(features: list[dict]) -> list[Finding]:
    tagged = [r for r in features if r["key"] != "(untagged)" and r["cost_usd"]]
    total = sum((r["cost_usd"] or Decimal(0) for r in features), Decimal(0))
    if len(tagged) < CONCENTRATION_MIN_FEATURES or not total:
        return []
    top = tagged[:3]
    share = sum((r["cost_usd"] for r in top), Decimal(0)) / total
    if share <= CONCENTRATION_SHARE:
        return []
    names = ", ".join(r["key"] for r in top)
    return [Finding(
        "concentration", names, None, None,
        f"{len(tagged)} features; the top three ({names}) hold {share:.0%} of the attributed spend",
        "start with these three: cap, batch or cache them first",
        evidence={"features": [r["key"] for r in top], "share": float(share)},
    )]  # fmt: skip


def _spend_spikes(days: list[dict]) -> list[Finding]:
    found = []
    by_feature: dict[str, list[dict]] = {}
    for row in days:
        by_feature.setdefault(row["feature"], []).append(row)
    for feature, rows in by_feature.items():
        for i, row in enumerate(rows):
            history = rows[max(0, i - SPIKE_HISTORY) : i]
            if len(history) < SPIKE_MIN_HISTORY:
                continue
            spike = _spike(feature, row, history)
            if spike:
                found.append(spike)
    return found


def _spike(feature: str, row: dict, history: list[dict]) -> Finding | None:
    median = Decimal(statistics.median(h["cost_usd"] for h in history))
    if median > 0 and row["cost_usd"] > SPIKE_FACTOR * median:
        return Finding(
            "spend_spike", feature, None, row["cost_usd"] - median,
            f"{row['day']}: ${row['cost_usd']:.4f}, {row['cost_usd'] / median:.1f}x the median ${median:.4f} "
            f"of the {len(history)} days before",
            "look at what changed that day: a deploy, a loop, a new caller",
            evidence={"day": row["day"].isoformat(), "cost_usd": row["cost_usd"], "trailing_median_usd": median},
        )  # fmt: skip
    unit = [h["order_usd"] / h["orders"] for h in history if h["orders"] and h["order_usd"] is not None]
    if row["orders"] and row["order_usd"] is not None and len(unit) >= SPIKE_MIN_HISTORY:
        today, typical = row["order_usd"] / row["orders"], Decimal(statistics.median(unit))
        if typical > 0 and today > SPIKE_FACTOR * typical:
            return Finding(
                "spend_spike", feature, None, (today - typical) * row["orders"],
                f"{row['day']}: ${today:.4f} per order over {row['orders']} orders, {today / typical:.1f}x the median "
                f"${typical:.4f} of the days before",
                "look at what changed that day: retries, longer answers, a bigger batch size",
                evidence={"day": row["day"].isoformat(), "cost_per_order_usd": today, "trailing_median_usd": typical},
            )  # fmt: skip
    return None


def _unattributed(report: Report) -> list[Finding]:
    billed, gap = report.billed.cost_usd, report.unattributed_usd
    if not billed or gap is None:
        return []
    parts = (
        [p for p in report.reconciliation.parts if p.kind != "not_loggable" and p.usd] if report.reconciliation else []
    )
    parts.sort(key=lambda p: -abs(p.usd))
    where = "; ".join(f"{p.title} ${p.usd:.4f}" for p in parts[:3])
    if gap > UNATTRIBUTED_SHARE * billed:
        return [Finding(
            "unattributed", None, None, None,
            f"${gap:.4f} of ${billed:.4f} billed ({gap / billed:.1%}) matches no logged call; its parts: {where}",
            parts[0].fix if parts else "log a feature tag on every call from every key and script",
            evidence={"unattributed_usd": gap, "billed_usd": billed},
        )]  # fmt: skip
    if -gap > OVERCLAIM_SHARE * billed:
        return [Finding(
            "over_attributed", None, None, None,
            f"the logs account for ${report.attributed_usd:.4f}, ${-gap:.4f} more than the ${billed:.4f} billed; "
            f"its parts: {where}",
            "look for calls logged twice, a wrong --model default, or logs from outside the billed period or organisation",
            evidence={"attributed_usd": report.attributed_usd, "billed_usd": billed},
        )]  # fmt: skip
    return []


def _bill_vs_catalog(report: Report) -> list[Finding]:
    """Days whose charge differs from the usage export at catalog prices by more than rounding: both figures said."""
    part = (
        next((p for p in report.reconciliation.parts if p.kind == "bill_vs_catalog"), None)
        if report.reconciliation
        else None
    )
    days = [
        d
        for d in (part.evidence.get("days", []) if part else [])
        if _beyond_rounding(d["charged_usd"], d["catalog_usd"])
    ]
    if not part or not days:
        return []
    charged = sum((d["charged_usd"] for d in days), Decimal(0))
    catalog = sum((d["catalog_usd"] for d in days), Decimal(0))
    shown = "; ".join(f"{d['day']}: charged ${d['charged_usd']:.4f}, catalog ${d['catalog_usd']:.4f}" for d in days[:3])
    relative = f" ({(charged - catalog) / catalog:+.0%})" if catalog else ""
    return [Finding(
        "bill_vs_catalog", None, None, None,
        f"on {counted(len(days), 'day')} the cost export charged ${charged:.4f} where the usage export at catalog prices comes to "
        f"${catalog:.4f}{relative}: {shown}",
        part.fix, evidence={"charged_usd": charged, "catalog_usd": catalog, "days": [d["day"].isoformat() for d in days]},
    )]  # fmt: skip


def _beyond_rounding(charged: Decimal, catalog: Decimal) -> bool:
    """More apart than a cent's rounding of a day's charge, and more than 1% of it."""
    gap = abs(charged - catalog)
    return gap > BILL_ROUNDING_USD and gap > BILL_ROUNDING_SHARE * max(abs(charged), abs(catalog))


def _ungrouped(billed: Billed) -> list[Finding]:
    if not billed.unknown_days:
        return []
    days = ", ".join(d.isoformat() for d in billed.unknown_days[:5]) + (", ..." if len(billed.unknown_days) > 5 else "")
    return [Finding(
        "ungrouped_usage", None, None, None,
        f"{billed.ungrouped_rows} usage rows on {len(billed.unknown_days)} days ({days}) name no model, so they "
        "cannot be priced: billed on those days is unknown, not $0",
        "fetch the Usage API with group_by=model (costcap pull does), or export the usage grouped by model; "
        "or ingest the cost export of those days",
        evidence={"days": [d.isoformat() for d in billed.unknown_days], "rows": billed.ungrouped_rows},
    )]  # fmt: skip


def _unpriced(unpriced: list[dict]) -> list[Finding]:
    return [_unpriced_finding(u) for u in unpriced]


def before_release(u: dict) -> bool:
    """Whether a model's unpriced calls are all dated before the catalog's first price of it (its release)."""
    return u.get("released") is not None and u.get("last_day") is not None and u["last_day"] < u["released"]


def _unpriced_finding(u: dict) -> Finding:
    evidence = {"calls": u["calls"], "requests": u["requests"], "released": u.get("released")}
    if before_release(u):
        return Finding(
            "unpriced", None, u["model"], None,
            f"{u['model']} was released on {u['released']}: {u['calls']} logged calls and {u['requests']} billed "
            f"requests are dated before it, so they have no price and are not in the dollar figures",
            "check the clock or the time zone of whatever wrote those lines (a time read as UTC that was local?)",
            evidence=evidence,
        )  # fmt: skip
    return Finding(
        "unpriced",
        None,
        u["model"],
        None,
        f"no price for {u['model']}: {u['calls']} logged calls and {u['requests']} billed requests are not in the dollar figures",
        "add its price with --prices FILE (costcap or LiteLLM JSON)",
        evidence=evidence,
    )


@dataclass
class Explained:
    """The calls behind one number: what was asked, how many calls match and what they cost, the dearest first."""

    asked: dict
    calls: int
    cost_usd: Decimal
    rows: list[dict]


# Findings about the bill as a whole, or about a model with no price: no set of calls makes up their figure.
WHOLE_BILL = ("unattributed", "over_attributed", "ungrouped_usage", "concentration")


def explain(store: Store, settings: Settings, feature: str | None = None, model: str | None = None,
            day: date | None = None, finding: str | None = None, top: int = 20, latest: bool = False) -> Explained:  # fmt: skip
    """The calls that make up a breakdown row (feature, model, day) or a finding (its id in audit's list), dearest
    first, or the latest first."""
    kind = None
    if finding:
        found = _finding_by_id(audit(store, settings), finding)
        if found.kind in WHOLE_BILL:
            raise CostcapError(f"finding {finding} ({found.kind}) is about the bill as a whole, not a set of calls: "
                               "`costcap audit --by day` shows where it comes from")  # fmt: skip
        kind = found.kind
        feature = feature or (found.feature if found.kind != "unpriced" else None)
        model = model or found.model
    settings.scope.narrowed(feature).apply(store)
    store.execute("audit/scope_calls")
    rows = store.dicts("audit/explain_calls", model=model, day=day, kind=kind, top=max(1, top), latest=latest)
    calls = rows[0]["matching"] if rows else 0
    total = rows[0]["matching_usd"] if rows else Decimal(0)
    for row in rows:
        del row["matching"], row["matching_usd"]
    asked = {
        "feature": feature,
        "model": model,
        "day": day.isoformat() if day else None,
        "finding": finding,
        "kind": kind,
        "latest": top if latest else None,
    }
    return Explained({k: v for k, v in asked.items() if v is not None}, calls, total or Decimal(0), rows)


def _finding_by_id(report: Report, finding: str) -> Finding:
    ids = finding_ids(report.findings)
    if finding not in ids:
        raise CostcapError(f"no finding {finding!r} in this audit (it lists {', '.join(ids) or 'none'}; "
                           "use the same --since, --until and --feature as the audit)")  # fmt: skip
    return report.findings[ids.index(finding)]


def finding_ids(findings: list[Finding]) -> list[str]:
    """F1, F2, ...: the order audit lists them in (largest saving first), stable for one store and period."""
    return [f"F{i}" for i in range(1, len(findings) + 1)]
