"""`costcap audit`: the bill against the spend the logs explain, per feature, model, project and day, with findings."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated

import typer

from costcap import audit as core, config, output
from costcap.commands import (
    DayOption, DbOption, FieldOption, Kind, KindOption, ModelOption, PricesOption, SkipBadOption, RecursiveOption, load_store,
    IngestFlags, PresetOption,
)  # fmt: skip
from costcap.endpoints import UNATTRIBUTABLE
from costcap.store import DEFAULT_PATH

BAR_WIDTH = 12
HEADINGS = {
    "cost_usd": "cost", "share": "share", "input_tokens": "input tok", "output_tokens": "output tok",
    "cost_per_call": "per call", "cost_per_order_p50": "per order p50", "cost_per_order_p90": "per order p90",
    "billed_usd": "billed", "unattributed_usd": "unattributed",
}  # fmt: skip
MONEY_KEYS = ("cost_usd", "cost_per_call", "billed_usd", "unattributed_usd")
FINDING_KEYS = ("kind", "feature", "model", "saving_usd", "saving_range_usd", "detail", "fix", "evidence")


class By(str, Enum):
    feature = "feature"
    model = "model"
    project = "project"
    api_key = "api_key"
    day = "day"
    batch_type = "batch_type"
    order = "order"


def audit(
    paths: Annotated[list[str] | None, typer.Argument(help="Read these into a throwaway store instead of --db.")] = None,
    since: DayOption = None,
    until: DayOption = None,
    by: Annotated[By, typer.Option(help="Break the spend down by this (project and api_key come from the usage export).")] = By.feature,
    top: Annotated[int, typer.Option(help="Rows of the breakdown to show in table, CSV and Markdown; 0 for all.")] = 20,
    feature: Annotated[str | None, typer.Option("--feature", help="Narrow the whole report to this feature's calls.")] = None,
    model: ModelOption = None,
    kind: KindOption = Kind.auto,
    field: FieldOption = [],  # noqa: B006
    preset: PresetOption = None,
    skip_bad: SkipBadOption = False,
    recursive: RecursiveOption = False,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: Annotated[output.Format, typer.Option("--format", "-f")] = output.Format.table,
) -> None:
    """Who spends what: billed vs attributed spend, a breakdown, and findings with the dollars they would save.

    Billed is the cost export's charge (or, for days without one, the usage export at catalog prices);
    attributed is the logged and Batch-output calls at catalog prices; unattributed is the difference.
    """
    store, _ = load_store(db, prices_file, paths or [], IngestFlags(kind, model, field, skip_bad, preset, recursive=recursive))
    with store:
        settings = core.Settings(
            since and since.date(), until and until.date(), by.value, config.batch_features(store.directory),
            min_calls=config.audit_number(store.directory, "min_calls", 10, 1, 10**6), feature=feature,
            tier=config.audit_number(store.directory, "tier", 1, 1, 5),
        )
        report = core.audit(store, settings)
    _show(report, fmt, top)
    _warnings(report)


def document(report: core.Report) -> dict:
    """The JSON contract: money as numbers rounded to 6 decimals, shares 0..1."""
    b = report.billed
    doc = {
        "period": {"start": _iso(report.start), "end": _iso(report.end)},
        "billed": {
            "cost_usd": output.money(b.cost_usd), "source": b.source, "requests": b.requests,
            "input_tokens": b.input_tokens, "cached_tokens": b.cached_tokens, "output_tokens": b.output_tokens,
            "by_line_item": [{"line_item": line, "cost_usd": output.money(usd), "attributable": line not in UNATTRIBUTABLE}
                             for line, usd in b.by_line.items()],
            "not_attributable_usd": output.money(b.unattributable_usd),
            "unknown_days": [_iso(d) for d in b.unknown_days],
        },
        "unknown_service_tiers": report.unknown_tiers,
        "attributed": {"cost_usd": output.money(report.attributed_usd), "calls": report.calls, "coverage": report.coverage},
        "unattributed_usd": output.money(report.unattributed_usd),
        "unpriced": {"calls": report.unpriced_calls, "models": [u["model"] for u in report.unpriced]},
    }  # fmt: skip
    for key, rows in report.breakdowns.items():
        doc[f"by_{key}"] = [_row_doc(key, r) for r in rows]
    doc["unattributed_by_day_model"] = [
        {"day": _iso(g["day"]), "model": g["model"], "billed_usd": output.money(g["billed_usd"]),
         "attributed_usd": output.money(g["attributed_usd"]), "unattributed_usd": output.money(g["unattributed_usd"])}
        for g in report.gaps
    ]  # fmt: skip
    doc["findings"] = [{"id": i, **_finding_doc(f)} for i, f in zip(core.finding_ids(report.findings), report.findings)]
    return doc


def _iso(day) -> str | None:
    return None if day is None else day.isoformat()


def _row_doc(key: str, row: dict) -> dict:
    doc = {key: row["key"]}
    for name, value in row.items():
        if name == "key":
            continue
        doc[name] = output.money(value) if name in MONEY_KEYS or name.startswith("cost_per_order") else value
    doc["share"] = round(row["share"], 6)
    return doc


def _finding_doc(f: core.Finding) -> dict:
    evidence = {k: output.money(v) if isinstance(v, Decimal) else v for k, v in f.evidence.items()}
    return {
        "kind": f.kind, "feature": f.feature, "model": f.model, "saving_usd": output.money(f.saving_usd),
        "saving_range_usd": None if f.saving_range_usd is None else [output.money(v) for v in f.saving_range_usd],
        "detail": f.detail, "fix": f.fix, "evidence": evidence,
    }  # fmt: skip


def _shown_rows(report: core.Report, top: int) -> list[dict]:
    rows = report.breakdowns[report.settings.by]
    return rows if top <= 0 or report.settings.by == "day" else rows[:top]


def _columns(report: core.Report) -> list[str]:
    by = report.settings.by
    columns = [by, "cost_usd", "share", "calls", "input_tokens", "output_tokens", "cost_per_call"]
    if by in core.CALL_KEYS and any(r["orders"] for r in report.breakdowns[by]):
        columns += ["orders", "cost_per_order_p50", "cost_per_order_p90"]
    if by == "day":
        columns += ["billed_usd", "unattributed_usd"]
    return columns


def _show(report: core.Report, fmt: output.Format, top: int) -> None:
    if fmt == output.Format.json:
        output.write_json(document(report))
        return
    rows = [_row_doc(report.settings.by, r) for r in _shown_rows(report, top)]
    if fmt == output.Format.csv:
        output.write_csv(rows, _columns(report))
    elif fmt == output.Format.markdown:
        _markdown(report, rows)
    else:
        _table(report, rows)
    hidden = len(report.breakdowns[report.settings.by]) - len(rows)
    if hidden > 0:
        output.note(f"{hidden} more rows not shown: --top 0 shows them all")


def summary(report: core.Report) -> list[tuple[str, str]]:
    """The header lines: what was billed, what the logs explain, and how much of it could be priced."""
    b, gap = report.billed, report.unattributed_usd
    period = f"{_iso(report.start) or '?'} to {_iso(report.end) or '?'} (UTC, inclusive)"
    billed = "no usage or cost export in the period" if b.cost_usd is None else f"{output.usd(b.cost_usd)} ({b.source})"
    if b.unknown_days:
        unknown = f"unknown on {len(b.unknown_days)} day(s) of ungrouped usage (no model)"
        billed = unknown if b.cost_usd is None else f"{billed}; {unknown}"
    share = f" ({gap / b.cost_usd:.1%} of billed)" if gap is not None and b.cost_usd else ""
    coverage = "no calls" if report.coverage is None else f"{report.coverage:.1%} of calls priced"
    return [
        ("Period", period),
        ("Billed", billed),
        *([("Billed by line", "; ".join(f"{line} {output.usd(usd)}" for line, usd in b.by_line.items()))]
          if len(b.by_line) > 1 else []),
        *([("No log explains", f"{output.usd(b.unattributable_usd)} (storage, sessions, tool calls billed per call)")]
          if b.unattributable_usd else []),
        ("Attributed", f"{output.usd(report.attributed_usd)} over {report.calls:,} logged calls"),
        ("Unattributed", ("not split by feature (--feature narrows the calls only)" if report.settings.feature else
                          "unknown without a bill") if gap is None else f"{output.usd(gap)}{share} that logged calls could explain"),
        ("Coverage", coverage + (f"; unpriced: {', '.join(u['model'] for u in report.unpriced)}" if report.unpriced else "")),
    ]


def _table(report: core.Report, rows: list[dict]) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = output.out_console()
    head = Table.grid(padding=(0, 2))
    for label, value in summary(report):
        head.add_row(Text(label, style="bold"), Text(output.inert(value)))
    console.print(Panel(head, title="costcap audit", title_align="left", expand=False))
    by = report.settings.by
    table = Table(title=f"Spend by {by}", title_justify="left", header_style="bold")
    columns = _columns(report)
    for c in columns:
        table.add_column(HEADINGS.get(c, c), justify="left" if c == by else "right", no_wrap=c != by, max_width=40 if c == by else None)
    for row in rows:
        table.add_row(*[Text(output.inert(_human(c, row.get(c)))) for c in columns])
    console.print(table)
    console.print(_findings_table(report.findings))


def _human(column: str, value) -> str:
    if column == "share":
        return f"{_bar(value)} {value:5.1%}"
    if column in MONEY_KEYS or column.startswith("cost_per_order"):
        return "" if value is None else output.usd(Decimal(str(value)), 6 if column.startswith("cost_per") else 4)
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def _bar(share: float) -> str:
    filled = round(share * BAR_WIDTH)
    return "█" * filled + "·" * (BAR_WIDTH - filled)


def _findings_table(findings: list[core.Finding]):
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Findings ({len(findings)}), largest saving first (they overlap: do not add them up)", title_justify="left", header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("saving", justify="right", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("feature", max_width=22, overflow="fold")
    table.add_column("model", max_width=22, overflow="fold")
    table.add_column("evidence and fix", ratio=1)
    for finding_id, f in zip(core.finding_ids(findings), findings):
        table.add_row(
            Text(finding_id), Text(_saving_text(f)), Text(f.kind), Text(output.inert(f.feature or "")), Text(output.inert(f.model or "")),
            Text(output.inert(f.detail)) + Text("\nfix: ", style="bold") + Text(output.inert(f.fix)),
        )
    return table


def _saving_text(f: core.Finding) -> str:
    if f.saving_range_usd:
        low, high = f.saving_range_usd
        return f"{output.usd(low)}-{output.usd(high)}"
    return "" if f.saving_usd is None else output.usd(f.saving_usd)


def _markdown(report: core.Report, rows: list[dict]) -> None:
    lines = ["# costcap audit", ""]
    lines += [f"- **{label}**: {output.md_escape(value)}" for label, value in summary(report)]
    by, columns = report.settings.by, _columns(report)
    lines += ["", f"## Spend by {by}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(output.md_escape(_human(c, r.get(c)) if c != "share" else f"{r[c]:.1%}") for c in columns) + " |"
              for r in rows]  # fmt: skip
    lines += ["", f"## Findings ({len(report.findings)})", "", "| id | saving | kind | feature | model | evidence | fix |",
              "|---|---|---|---|---|---|---|"]  # fmt: skip
    lines += [
        "| " + " | ".join(output.md_escape(v) for v in (i, _saving_text(f), f.kind, f.feature or "", f.model or "", f.detail, f.fix)) + " |"
        for i, f in zip(core.finding_ids(report.findings), report.findings)
    ]
    print("\n".join(lines))


def _warnings(report: core.Report) -> None:
    first, last = report.store_span
    if first is None:
        output.warn("the store is empty: ingest usage or cost exports and logs first (costcap ingest PATH)")
    elif report.calls == 0 and report.billed.cost_usd is None and not report.billed.unknown_days:
        asked = f"{_iso(report.settings.since) or '…'} to {_iso(report.settings.until) or '…'}"
        output.warn(f"the store covers {first} to {last}; nothing in {asked}: widen --since/--until")
    if report.unpriced_calls:
        output.warn(
            f"{report.unpriced_calls} of {report.calls} calls use models with no price "
            f"({', '.join(output.inert(u['model']) for u in report.unpriced)}): their cost is left out, not counted as $0"
        )
    if report.billed.unpriced_rows:
        output.warn(f"{report.billed.unpriced_rows} usage-export rows could not be priced: billed is a lower bound")
    if report.billed.unknown_days:
        output.warn(f"{report.billed.ungrouped_rows} usage rows name no model (ungrouped): billed is unknown on "
                    f"{len(report.billed.unknown_days)} days; pull or export them grouped by model")
    for tier in report.unknown_tiers:
        output.warn(f"service tier {output.inert(tier)!r} is not one OpenAI is known to report: billed at standard rates")
