"""audit's document: the header lines, the breakdown, the findings and the JSON contract."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from costcap import audit as core
from costcap.document import DECOR, EXTRA, KEEP, KEY, Doc, Section, column
from costcap.endpoints import UNATTRIBUTABLE
from costcap.numbers import money, usd

BAR_WIDTH = 12
MONEY_KEYS = ("cost_usd", "cost_per_call", "billed_usd", "unattributed_usd")


def document(report: core.Report, top: int = 20) -> Doc:
    by = report.settings.by
    rows = [{**_row_doc(by, r), "share_bar": _bar(r["share"])} for r in report.breakdowns[by]]
    shown = rows if top <= 0 or by == "day" else rows[:top]
    hidden = len(rows) - len(shown)
    breakdown = Section(f"by_{by}", f"Spend by {by.replace('_', ' ')}", _columns(report), shown,
                        footer=f"{hidden} more rows not shown: --top 0 shows them all" if hidden > 0 else None)  # fmt: skip
    return Doc("audit", contract(report), "costcap audit", summary(report), [breakdown, findings_section(report)])


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
        "unpriced": {"calls": report.unpriced_calls, "models": [u["model"] for u in report.unpriced]},
    }  # fmt: skip
    for key, rows in report.breakdowns.items():
        doc[f"by_{key}"] = [_row_doc(key, r) for r in rows]
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
    doc = {key: row["key"]}
    for name, value in row.items():
        if name == "key" or (name == "logged_as" and key != "model"):
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
    by = report.settings.by
    columns = [column(by, drop=KEY), column("cost_usd", "cost", drop=KEEP, missing="unpriced"),
               column("share_bar", "", kind="text", drop=DECOR, table_only=True), column("share", drop=KEEP), column("calls"),
               column("input_tokens", "input tok", drop=EXTRA), column("output_tokens", "output tok", drop=EXTRA),
               column("cost_per_call", "per call", kind="rate")]  # fmt: skip
    if by in core.CALL_KEYS and any(r["orders"] for r in report.breakdowns[by]):
        columns += [column("orders", drop=EXTRA), column("cost_per_order_p50", "per order p50"),
                    column("cost_per_order_p90", "per order p90")]  # fmt: skip
    if by == "day":
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
        unknown = f"unknown on {len(b.unknown_days)} day(s) of ungrouped usage (no model)"
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
