"""The report's document: audit, budget and (with a plan) estimate in one page, with the charts drawn from them.

Every figure is the one the command itself gives: the report calls audit, budget and estimate and only arranges
their results; the charts are built from the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from costcap import audit as audit_core
from costcap import budget as budget_core
from costcap.document import KEY, Chart, Doc, Section, column
from costcap.documents import audit as audit_doc
from costcap.documents import budget as budget_doc
from costcap.documents import estimate as estimate_doc
from costcap.store import Store

TOP_FEATURES = 8  # the rest of the features are drawn as one "other" band
DISTRIBUTIONS = 8


def document(store: Store, audit_settings: audit_core.Settings, plan=None, scenarios=None, best=None) -> Doc:
    return build(store, audit_settings, plan, scenarios, best)[0]


def build(store: Store, audit_settings: audit_core.Settings, plan=None, scenarios=None, best=None):
    """The page's document, and the audit and budget results it was made from (for their warnings)."""
    report = audit_core.audit(store, audit_settings)
    spread = _completion_tokens(store)  # in the scope budget set, the audit's
    caps = budget_core.measure(store, budget_core.Settings("feature", audit_settings.scope))
    audited, budgeted = audit_doc.document(report, top=0), budget_doc.document(caps)
    charts = [_days(report), _bars("Spend by feature", report.breakdowns["feature"]),
              _bars("Spend by model", report.breakdowns["model"])]  # fmt: skip
    if caps.groups:
        charts.append(_distributions(caps, spread))
    named = {s.name: s for s in audited.sections}
    # the findings first, then the breakdown, and the reconciliation where there is a bill
    sections = [named["findings"], audited.sections[0], *([named["reconciliation"]] if "reconciliation" in named else []),
                _by_model(report), budgeted.main]  # fmt: skip
    data = {"audit": audited.data, "budget": budgeted.data}
    if plan is not None:
        planned = estimate_doc.plan_document(plan, scenarios, best)
        charts.append(_plan_chart(plan, scenarios, best))
        sections.append(planned.main)
        data["estimate"] = planned.data
    summary = [*audited.summary, ("Where from", "billed: the cost export per day (else the usage export at catalog "
                                  "prices); attributed: logged and Batch-output calls at catalog prices")]  # fmt: skip
    return Doc("report", data, "costcap report", summary, sections, charts), report, caps


def _by_model(report: audit_core.Report):
    columns = [
        column("model", drop=KEY),
        column("cost_usd", "cost", missing="unpriced"),
        column("share"),
        column("calls"),
    ]
    rows = [
        {"model": r["key"], "cost_usd": r["cost_usd"], "share": r["share"], "calls": r["calls"]}
        for r in report.breakdowns["model"]
    ]
    return Section("by_model", "Spend by model", columns, rows)


def _completion_tokens(store: Store) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for feature, tokens, calls in store.rows("audit/report_completion_tokens"):
        found[feature].append((tokens, calls))
    return found


def _float(value) -> float:
    return float(value or Decimal(0))


def _days(report: audit_core.Report) -> Chart:
    days = sorted(
        {str(r["day"]) for r in report.feature_days if r["day"] is not None} | {str(d) for d in report.billed.by_day}
    )
    totals: defaultdict[str, Decimal] = defaultdict(Decimal)
    for r in report.feature_days:
        totals[r["feature"]] += r["cost_usd"] or Decimal(0)
    top = [f for f, _ in sorted(totals.items(), key=lambda kv: -kv[1])[:TOP_FEATURES]]
    series = {f: [0.0] * len(days) for f in top}
    index = {d: i for i, d in enumerate(days)}
    for r in report.feature_days:
        if r["day"] is None:
            continue
        name = r["feature"] if r["feature"] in series else "other"
        series.setdefault(name, [0.0] * len(days))[index[str(r["day"])]] += _float(r["cost_usd"])
    billed = [_float(report.billed.by_day[d]) if d in report.billed.by_day else None
              for d in (_day(x) for x in days)]  # fmt: skip
    caption = "Bars: attributed spend of logged calls per feature; line: billed per day."
    return Chart(
        "stacked_days",
        "Spend per day, by feature, against the bill",
        {"days": days, "series": series, "billed": billed},
        caption,
    )


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _bars(title: str, rows: list[dict]) -> Chart:
    priced = [r for r in rows if r["cost_usd"] is not None][:15]
    unpriced = [r["key"] for r in rows if r["cost_usd"] is None]
    caption = f"Unpriced, not drawn: {', '.join(unpriced)}." if unpriced else ""
    return Chart(
        "bars",
        title,
        {"labels": [r["key"] for r in priced], "values": [_float(r["cost_usd"]) for r in priced]},
        caption,
    )


def _distributions(caps: budget_core.Report, spread: dict) -> Chart:
    groups = [
        {"name": g.group, "values": spread.get(g.group, []), "p50": _whole(g.p50), "p90": _whole(g.p90),
         "cap": g.current_max_tokens, "recommended": g.recommended_max_tokens}
        for g in caps.groups[:DISTRIBUTIONS]
    ]  # fmt: skip
    caption = (f"Completion tokens of the calls that returned a completion; recommended = "
               f"ceil({caps.settings.safety} x p{float(caps.settings.percentile):g}) (costcap budget).")  # fmt: skip
    return Chart(
        "distribution",
        "Completion tokens per feature, against today's cap and the recommended one",
        {"groups": groups},
        caption,
    )


def _whole(value) -> int | None:
    return None if value is None else round(float(value))


def _plan_chart(plan, scenarios, best) -> Chart:
    series: dict = {}
    for s in scenarios:
        key = (s.model, s.batch_api)
        series.setdefault(key, []).append((s.batch_size, _float(s.cost_per_order_usd)))
    lines = [{"name": f"{model}, {'Batch API' if api else 'synchronous'}", "batch_api": api, "points": sorted(points)}
             for (model, api), points in series.items()]  # fmt: skip
    marked = None
    if best is not None:
        marked = {"x": best.batch_size, "y": _float(best.cost_per_order_usd),
                  "name": f"{best.model}, {best.batch_size} per call{', Batch API' if best.batch_api else ''}"}  # fmt: skip
    return Chart(
        "lines",
        f"Cost per order against batch size: {plan.name}",
        {"series": lines, "best": marked},
        "Dashed: with the Batch API. Retries are priced in (estimate's arithmetic).",
    )
