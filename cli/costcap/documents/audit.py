"""audit's document: the header lines, the breakdown, the findings and the JSON contract."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from costcap import audit as core
from costcap import reconcile
from costcap.document import DECOR, EXTRA, KEEP, KEY, Doc, Section, column
from costcap.endpoints import UNATTRIBUTABLE
from costcap.numbers import counted, money, usd

BAR_WIDTH = 12
MONEY_KEYS = ("cost_usd", "cost_per_call", "billed_usd", "unattributed_usd")


def document(report: core.Report, top: int = 20) -> Doc:
    by = report.settings.by
    rows = [{**_row_doc(by, r), "share_bar": _bar(r["share"])} for r in report.breakdowns[by]]
    shown = rows if top <= 0 or by == "day" else rows[:top]
    hidden = len(rows) - len(shown)
    named = " and ".join(k.replace("_", " ") for k in report.settings.keys)
    breakdown = Section(f"by_{'_'.join(report.settings.keys)}", f"Spend by {named}", _columns(report), shown,
                        footer=f"{hidden} more rows not shown: --top 0 shows them all" if hidden > 0 else None)  # fmt: skip
    sections = [breakdown, *([comparison_section(report.comparison)] if report.comparison else []),
                *([reconciliation_section(report.reconciliation)] if report.reconciliation else []),
                *([projection_section(report.projection)] if report.projection else []),
                *([gates_section(report.gates)] if report.gates else []),
                findings_section(report)]  # fmt: skip
    return Doc("audit", contract(report), "costcap audit", summary(report), sections)


def projection_section(projection: core.Projection) -> Section:
    columns = [column("feature", drop=KEY), column("to_date_usd", "to date", drop=KEY),
               column("daily_usd", "per day", kind="rate"), column("projected_usd", "projected", drop=KEY),
               column("budget_usd", "budget", drop=KEEP), column("over_budget", "over", kind="mark")]  # fmt: skip
    title = (f"Month to date {projection.month}: {usd(projection.to_date_usd)} {projection.source}, "
             f"{usd(projection.projected_usd)} projected ({projection.method})")  # fmt: skip
    return Section("month_to_date", title, columns, projection.features)


def projection_contract(projection: core.Projection | None) -> dict | None:
    if projection is None:
        return None
    return {
        "month": projection.month, "through": projection.through, "days_left": projection.days_left,
        "method": projection.method, "source": projection.source, "to_date_usd": money(projection.to_date_usd),
        "projected_usd": money(projection.projected_usd),
        "features": [{k: money(v) if isinstance(v, Decimal) else v for k, v in f.items()} for f in projection.features],
    }  # fmt: skip


def gates_section(gates: list[core.Gate]) -> Section:
    columns = [
        column("flag", drop=KEY, kind="text"),
        column("result", kind="text", drop=KEY),
        column("said", "", kind="text"),
    ]
    rows = [{"flag": g.flag, "result": "failed" if g.failed else "passed" if g.figure is not None else "unchecked",
             "said": g.said} for g in gates]  # fmt: skip
    return Section("gates", "Gates", columns, rows)


def gates_contract(gates: list[core.Gate]) -> list[dict]:
    return [{"flag": g.flag, "limit": float(g.limit), "figure": None if g.figure is None else float(g.figure),
             "failed": g.failed, "said": g.said} for g in gates]  # fmt: skip


def comparison_section(comparison: core.Comparison) -> Section:
    """Per feature and model: spend now, before, and the change, the largest movers first."""
    columns = [column("by", drop=KEY, kind="text"), column("name", drop=KEY, kind="text"),
               column("cost_usd", "now", drop=KEY), column("previous_usd", "before", drop=KEEP),
               column("change_usd", "change", drop=KEY, kind="money"), column("change_pct", "change %", kind="pct")]  # fmt: skip
    rows = [{"by": key, "name": r["key"], **{k: r[k] for k in ("cost_usd", "previous_usd", "change_usd", "change_pct")}}
            for key, found in comparison.changes.items() for r in found if r["change_usd"] or r["cost_usd"]]  # fmt: skip
    title = f"Change against {_iso(comparison.start)} to {_iso(comparison.end)} ({usd(comparison.attributed_usd)} then)"
    return Section("compare", title, columns, rows)


def comparison_contract(comparison: core.Comparison | None) -> dict | None:
    if comparison is None:
        return None
    return {
        "previous": {"start": comparison.start, "end": comparison.end, "attributed_usd": money(comparison.attributed_usd)},
        **{f"by_{key}": [{key: r["key"], "cost_usd": money(r["cost_usd"]), "previous_usd": money(r["previous_usd"]),
                          "change_usd": money(r["change_usd"]),
                          "change_pct": None if r["change_pct"] is None else round(r["change_pct"], 6)}
                         for r in rows] for key, rows in comparison.changes.items()},
    }  # fmt: skip


def reconciliation_section(rec: reconcile.Reconciliation) -> Section:
    """The gap's parts, largest first, each with where it sits and what to do; they add up to the gap."""
    columns = [column("part", drop=KEY, kind="text"), column("cost_usd", "cost", drop=KEY), column("where", kind="text"),
               column("fix")]  # fmt: skip
    rows = [{"part": p.title, "cost_usd": p.usd, "where": _where(p), "fix": p.fix}
            for p in sorted(rec.parts, key=lambda p: -abs(p.usd)) if p.usd]  # fmt: skip
    title = f"Why the bill and the logs differ by {usd(rec.gap_usd)} (the parts add up to it)"
    return Section("reconciliation", title, columns, rows, stacked=True)


def _where(part: reconcile.Part, shown: int = 3) -> str:
    """The largest days, models and projects of a part."""
    said = []
    for label, book in (("day", part.by_day), ("model", part.by_model), ("project", part.by_project)):
        top = sorted(book.items(), key=lambda kv: -abs(kv[1]))[:shown]
        if top and (label != "day" or len(book) > 0):
            more = f" and {len(book) - shown} more" if len(book) > shown else ""
            said.append(
                f"{label}: " + ", ".join(f"{_iso(k) if isinstance(k, date) else k} {usd(v)}" for k, v in top) + more
            )
    return "; ".join(said)


def reconciliation_contract(rec: reconcile.Reconciliation | None) -> dict | None:
    if rec is None:
        return None
    return {
        "billed_usd": money(rec.billed_usd), "attributed_usd": money(rec.attributed_usd), "gap_usd": money(rec.gap_usd),
        "explainable_usd": money(rec.explainable_usd),
        "coverage": None if rec.coverage is None else round(rec.coverage, 6),
        "parts": [
            {"kind": p.kind, "title": p.title, "usd": money(p.usd), "fix": p.fix,
             "by_day": [{"day": d, "usd": money(v)} for d, v in sorted(p.by_day.items())],
             "by_model": [{"model": m, "usd": money(v)} for m, v in sorted(p.by_model.items(), key=lambda kv: -abs(kv[1]))],
             "by_project": [{"project": k, "usd": money(v)} for k, v in sorted(p.by_project.items(), key=lambda kv: -abs(kv[1]))],
             "evidence": {k: money(v) if isinstance(v, Decimal) else v for k, v in p.evidence.items()}}
            for p in rec.parts
        ],
    }  # fmt: skip


def findings_section(report: core.Report) -> Section:
    columns = [column("id", drop=KEY), column("saving_usd", "saving", drop=KEY), column("kind", drop=KEY),
               column("feature", kind="text"), column("model", kind="text"), column("detail", "evidence"), column("fix")]  # fmt: skip
    rows = [{"id": i, "saving_usd": _saving(f), **{k: getattr(f, k) for k in ("kind", "feature", "model", "detail", "fix")}}
            for i, f in zip(core.finding_ids(report.findings), report.findings, strict=False)]  # fmt: skip
    title = f"Findings ({len(rows)}), largest saving first (they overlap: do not add them up)"
    return Section("findings", title, columns, rows, stacked=True)


def _saving(f: core.Finding):
    if f.saving_range_usd:
        low, high = f.saving_range_usd
        return f"{usd(low)}-{usd(high)}"
    return f.saving_usd


def contract(report: core.Report) -> dict:
    """The JSON contract: money as numbers rounded to 6 decimals, shares 0..1."""
    b = report.billed
    doc = {
        "period": {"start": report.start, "end": report.end},
        "billed": {
            "cost_usd": money(b.cost_usd), "source": b.source, "requests": b.requests,
            "input_tokens": b.input_tokens, "cached_tokens": b.cached_tokens, "output_tokens": b.output_tokens,
            "by_line_item": [{"line_item": line, "cost_usd": money(amount), "attributable": line not in UNATTRIBUTABLE}
                             for line, amount in b.by_line.items()],
            "not_attributable_usd": money(b.unattributable_usd),
            "unknown_days": list(b.unknown_days),
        },
        "unknown_service_tiers": report.unknown_tiers,
        "attributed": {"cost_usd": money(report.attributed_usd), "calls": report.calls, "coverage": report.coverage},
        "unattributed_usd": money(report.unattributed_usd),
        "reconciliation": reconciliation_contract(report.reconciliation),
        "compare": comparison_contract(report.comparison),
        "month_to_date": projection_contract(report.projection),
        "gates": gates_contract(report.gates),
        "unpriced": {"calls": report.unpriced_calls, "models": [u["model"] for u in report.unpriced]},
    }  # fmt: skip
    for key, rows in report.breakdowns.items():
        doc[f"by_{key.replace(',', '_')}"] = [_row_doc(key, r) for r in rows]
    doc["unattributed_by_day_model"] = [
        {"day": g["day"], "model": g["model"], "billed_usd": money(g["billed_usd"]),
         "attributed_usd": money(g["attributed_usd"]), "unattributed_usd": money(g["unattributed_usd"])}
        for g in report.gaps
    ]  # fmt: skip
    doc["findings"] = [
        {"id": i, **_finding_doc(f)} for i, f in zip(core.finding_ids(report.findings), report.findings, strict=False)
    ]
    return doc


def _row_doc(key: str, row: dict) -> dict:
    first, *then = key.split(",")
    doc = {first: row["key"], **({then[0]: row.get("key2")} if then else {})}
    for name, value in row.items():
        if name in ("key", "key2") or (name == "logged_as" and first != "model"):
            continue
        if name == "logged_as":  # by model: the names logged for the snapshot that bills them
            doc[name] = ", ".join(value or [])
            continue
        doc[name] = money(value) if name in MONEY_KEYS or name.startswith("cost_per_order") else value
    doc["share"] = round(row["share"], 6)
    return doc


def _finding_doc(f: core.Finding) -> dict:
    evidence = {k: money(v) if isinstance(v, Decimal) else v for k, v in f.evidence.items()}
    return {
        "kind": f.kind, "feature": f.feature, "model": f.model, "saving_usd": money(f.saving_usd),
        "saving_range_usd": None if f.saving_range_usd is None else [money(v) for v in f.saving_range_usd],
        "detail": f.detail, "fix": f.fix, "evidence": evidence,
    }  # fmt: skip


def _columns(report: core.Report) -> list:
    by, keys = report.settings.by, report.settings.keys
    columns = [*(column(k, drop=KEY) for k in keys), column("cost_usd", "cost", drop=KEEP, missing="unpriced"),
               column("share_bar", "", kind="text", drop=DECOR, table_only=True), column("share", drop=KEEP), column("calls"),
               column("input_tokens", "input tok", drop=EXTRA), column("output_tokens", "output tok", drop=EXTRA),
               column("cost_per_call", "per call", kind="rate")]  # fmt: skip
    if by in core.CALL_KEYS and any(r["orders"] for r in report.breakdowns[by]):
        columns += [column("orders", drop=EXTRA), column("cost_per_order_p50", "per order p50"),
                    column("cost_per_order_p90", "per order p90")]  # fmt: skip
    if by in core.PERIOD_KEYS:
        columns += [column("billed_usd", "billed", drop=KEEP), column("unattributed_usd", "unattributed")]
    if by == "model" and any(r.get("logged_as") for r in report.breakdowns[by]):
        columns.insert(1, column("logged_as", "logged as", kind="text", drop=KEEP))
    return columns


def _bar(share: float) -> str:
    filled = round(share * BAR_WIDTH)
    return "█" * filled + "·" * (BAR_WIDTH - filled)


def summary(report: core.Report) -> list[tuple[str, str]]:
    """The header lines: what was billed, what the logs explain, and how much of it could be priced."""
    b, gap = report.billed, report.unattributed_usd
    period = f"{_iso(report.start) or '?'} to {_iso(report.end) or '?'} (UTC, inclusive)"
    billed = "no usage or cost export in the period" if b.cost_usd is None else f"{usd(b.cost_usd)} ({b.source})"
    if b.unknown_days:
        unknown = f"unknown on {counted(len(b.unknown_days), 'day')} of ungrouped usage (no model)"
        billed = unknown if b.cost_usd is None else f"{billed}; {unknown}"
    share = f" ({gap / b.cost_usd:.1%} of billed)" if gap is not None and b.cost_usd else ""
    coverage = "no calls" if report.coverage is None else f"{report.coverage:.1%} of calls priced"
    return [
        ("Period", period),
        ("Billed", billed),
        *(
            [("Billed by line", "; ".join(f"{line} {usd(amount)}" for line, amount in b.by_line.items()))]
            if len(b.by_line) > 1
            else []
        ),
        *(
            [("No log explains", f"{usd(b.unattributable_usd)} (storage, sessions, tool calls billed per call)")]
            if b.unattributable_usd
            else []
        ),
        ("Attributed", f"{usd(report.attributed_usd)} over {report.calls:,} logged calls"),
        ("Unattributed", _gap_line(report, gap, share)),
        *(
            [("Logs cover", f"{rec.coverage:.1%} of the part of the bill that calls can explain")]
            if (rec := report.reconciliation) is not None and rec.coverage is not None and rec.coverage <= 1
            else []
        ),
        (
            "Coverage",
            coverage + (f"; unpriced: {', '.join(u['model'] for u in report.unpriced)}" if report.unpriced else ""),
        ),
    ]


def _gap_line(report: core.Report, gap: Decimal | None, share: str) -> str:
    if gap is None:
        return (
            "not split by feature (--feature narrows the calls only)"
            if report.settings.scope.feature
            else "unknown without a bill"
        )
    if gap < 0:
        return (f"{usd(gap)}{share}: the logs record more than the bill shows (calls logged twice, logs of another "
                "organisation or period, a wrong --model default, or prices above what was charged)")  # fmt: skip
    return f"{usd(gap)}{share} that logged calls could explain"


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
