"""estimate's documents: the scenarios of a plan, the change between two plans, a Batch input file's price."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from costcap import estimate as core
from costcap.document import EXTRA, KEEP, KEY, Doc, Section, column, one_table
from costcap.numbers import counted, duration, money, usd

SCENARIO_COLUMNS = [
    column("best", "", kind="mark", drop=KEY), column("model", drop=KEY), column("batch_size", "per call", drop=KEY),
    column("batch_api", "Batch API", kind="bool", drop=KEY), column("calls", drop=EXTRA),
    column("expected_attempts", "attempts", kind="number"), column("expected_failed_calls", "failed", kind="number", drop=EXTRA),
    column("input_tokens", "input tok", kind="count", drop=EXTRA), column("cached_input_tokens", "cached tok", kind="count", drop=EXTRA),
    column("output_tokens", "output tok", kind="count", drop=EXTRA), column("cost_per_order_usd", "per order", kind="rate", drop=KEEP),
    column("cost_usd", "cost", drop=KEEP), column("retry_cost_usd", "retries"),
    column("wall_time_s", "wall time", kind="duration", drop=KEEP), column("binding_limit", "limited by", drop=EXTRA),
    column("schedule", drop=EXTRA), column("submissions", "Batch windows", kind="count", drop=EXTRA),
    column("batch_files", "files", kind="count", drop=EXTRA), column("queue_fits", "queue fits", kind="bool", drop=EXTRA),
    column("out", "why out", drop=KEEP),
]  # fmt: skip


def scenario_row(s: core.Scenario, best: core.Scenario | None, deadline_h=None) -> dict:
    row = asdict(s)
    del row["cannot_run"]  # said in `out`
    row["best"] = s is best
    row["out"] = core.why_out(s, deadline_h)
    for key in (
        "expected_attempts",
        "expected_failed_calls",
        "input_tokens",
        "cached_input_tokens",
        "cache_write_tokens",
        "output_tokens",
        "wall_time_s",
    ):
        row[key] = None if row[key] is None else round(float(row[key]), 6)
    for key in ("cost_per_order_usd", "cost_usd", "retry_cost_usd"):
        row[key] = money(row[key])
    return row


def plan_document(plan, found: list[core.Scenario], best: core.Scenario | None) -> Doc:
    rows = [scenario_row(s, best, plan.deadline_h) for s in found]
    data = {"plan": core.plan_dict(plan), "scenarios": rows, "best": rows[found.index(best)] if best else None}
    title = f"{plan.name}: {counted(plan.items, 'item')} x {counted(plan.orders, 'order')}"
    # one order: its cost is the cost per order, said once
    columns = [c for c in SCENARIO_COLUMNS if not (plan.orders == 1 and c.key == "cost_usd")]
    doc = one_table("estimate", "scenarios", title, columns, rows, data)
    doc.summary = [("Best", _best_line(best) if best else "no scenario can run: see why out")]
    return doc


def _best_line(best: core.Scenario) -> str:
    mode = "through the Batch API" if best.batch_api else "synchronous"
    wall = f", about {duration(float(best.wall_time_s))}" if best.wall_time_s is not None else ""
    return (f"{best.model}, {best.batch_size} per call, {mode}: {usd(best.cost_per_order_usd, 6)} per order, "
            f"{usd(best.cost_usd)} in all{wall}")  # fmt: skip


DIFF_COLUMNS = [column("side", "", drop=KEY), column("plan", drop=KEY), column("model"), column("batch_size", "per call"),
                column("batch_api", "Batch API", kind="bool"), column("cost_per_order_usd", "per order", kind="rate", drop=KEY),
                column("change_pct", "change", kind="text")]  # fmt: skip


def diff_document(picked: list, threshold: Decimal, found: tuple[list, list] | None = None) -> Doc:
    """Base against new: the chosen scenarios' cost per order, the plan inputs that changed and, given every
    scenario of each plan (`found`), the scenarios whose cost changed."""
    (base_path, base_plan, base), (new_path, new_plan, new) = picked
    change = new.cost_per_order_usd - base.cost_per_order_usd
    pct = change / base.cost_per_order_usd * 100 if base.cost_per_order_usd else Decimal(0)
    data = {
        "base": {"plan": str(base_path), **scenario_row(base, base)}, "new": {"plan": str(new_path), **scenario_row(new, new)},
        "change_per_order_usd": money(change), "change_usd": money(change * new_plan.orders),
        "change_pct": round(float(pct), 4), "threshold_pct": float(threshold), "over_threshold": pct > threshold,
    }  # fmt: skip
    rows = [{"side": side, "plan": str(p), "model": s.model, "batch_size": s.batch_size, "batch_api": s.batch_api,
             "cost_per_order_usd": s.cost_per_order_usd} for side, (p, _, s) in zip(("base", "new"), picked, strict=False)]  # fmt: skip
    rows.append({"side": "change", "cost_per_order_usd": change, "change_pct": f"{pct:+.1f}%"})
    inputs = core.changed_inputs(base_plan, new_plan)
    scenarios = core.changed_scenarios(*found) if found else []
    data["inputs_changed"] = [{**i, "base": _plain(i["base"]), "new": _plain(i["new"])} for i in inputs]
    data["scenarios_changed"] = [
        {k: money(v) if isinstance(v, Decimal) else v for k, v in s.items()} for s in scenarios
    ]
    sections = [
        Section("diff", "Cost per order: base vs new", DIFF_COLUMNS, rows),
        Section("inputs", "Plan inputs that changed",
                [column("input", drop=KEY, kind="text"), column("base", kind="text"), column("new", kind="text")],
                [{k: str(_plain(v)) for k, v in i.items()} for i in inputs]),
        Section("scenarios", "Scenarios whose cost per order changed",
                [column("model", drop=KEY), column("batch_size", "per call", drop=KEY),
                 column("batch_api", "Batch API", kind="bool", drop=KEY),
                 column("base_per_order_usd", "base", kind="rate"), column("new_per_order_usd", "new", kind="rate"),
                 column("change_per_order_usd", "change", kind="rate")], scenarios),
    ]  # fmt: skip
    summary = [("Per order", f"{usd(base.cost_per_order_usd)} -> {usd(new.cost_per_order_usd)} ({pct:+.1f}%, threshold "
                             f"{threshold}%)")]  # fmt: skip
    shown = [s for s in sections if s.rows or s.name == "diff"]
    return Doc("estimate", data, "Cost per order: base vs new", summary=summary, sections=shown)


def _plain(value):
    """A plan input as text and JSON show it: lists and tables as they are, decimals as numbers."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def requests_document(rows: list[dict]) -> Doc:
    keys = [k for k in rows[0] if k != "uncounted"] if rows else []
    shown = [{k: money(v) if isinstance(v, Decimal) else v for k, v in r.items()} for r in rows]
    columns = [column(k, drop=KEY if k == "model" else None) for k in keys]
    return one_table("estimate", "models", "Batch input file", columns, shown, {"models": shown})
