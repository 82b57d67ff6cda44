"""Why the bill differs from the logs: billed minus attributed, split into parts a person can act on, per day, and
per model and project where the bill has them. The parts add up to the gap exactly, "unexplained" being what is
left once every named cause is taken out.

Per billed day d (the bill as audit reads it: the cost export's charge, else the usage export at catalog prices):
  B(d) = N(d) + U(d) + D(d) + base(d)
where N is the line items no log can explain, U the cost-export lines that name a model the catalog cannot price,
D the bill against the catalog (the rest of the charge less the usage export at catalog prices, on a day both
exports cover), and base the attributable usage at catalog prices (or the rest of the charge, with no usage
export). A day with no logged call leaves its whole base unlogged; otherwise base(d) - A(d) splits into Batch usage
with no logged Batch call, usage of a model no log shows that day, and the unexplained rest. Logged calls on a day
the bill does not cover (or with no time) count against the gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from costcap.endpoints import UNATTRIBUTABLE

ZERO = Decimal(0)

# kind -> (what the part is, what to do about it), in the order the parts are shown
PARTS = {
    "not_loggable": (
        "line items no log can explain",
        "nothing to log: storage, sessions, tool calls and training are billed apart from calls; budget them apart",
    ),
    "unpriced_models": (
        "models with no catalog price",
        "add their prices with --prices FILE so their calls are priced",
    ),
    "bill_vs_catalog": (
        "the bill against the catalog",
        "the charge differs from the usage at catalog prices: check for a discount or a newer price (--prices FILE), "
        "or costs that lag usage by a day",
    ),
    "unlogged_days": (
        "days billed with no logged call",
        "ingest the logs of those days, or check that every service and script writes its calls",
    ),
    "batch_without_output": (
        "Batch usage with no output file ingested",
        "ingest the Batch output files of those days (costcap ingest batch_output.jsonl)",
    ),
    "unlogged_usage": (
        "usage of a model no log shows that day",
        "ingest the logs of the projects and API keys named, or log their calls",
    ),
    "unbilled_calls": (
        "logged calls on days the bill does not cover",
        "ingest the cost or usage export of those days, or narrow --since/--until to the billed days",
    ),
    "unexplained": (
        "unexplained",
        "log a feature tag on every call from every key and script; `costcap audit --by day` shows where it is",
    ),
}


@dataclass
class Part:
    kind: str
    usd: Decimal = ZERO
    by_day: dict[date, Decimal] = field(default_factory=dict)
    by_model: dict[str, Decimal] = field(default_factory=dict)
    by_project: dict[str, Decimal] = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return PARTS[self.kind][0]

    @property
    def fix(self) -> str:
        return PARTS[self.kind][1]

    def add(self, usd: Decimal, day: date | None = None, model: str | None = None, project: str | None = None) -> None:
        if not usd:
            return
        self.usd += usd
        if day is not None:
            self.by_day[day] = self.by_day.get(day, ZERO) + usd
        for key, book in ((model, self.by_model), (project, self.by_project)):
            if key is not None:
                book[key] = book.get(key, ZERO) + usd


@dataclass
class Reconciliation:
    billed_usd: Decimal
    attributed_usd: Decimal
    parts: list[Part]
    explainable_usd: Decimal  # what logged calls could explain: the bill less its line items no log can explain

    @property
    def gap_usd(self) -> Decimal:
        return self.billed_usd - self.attributed_usd

    @property
    def coverage(self) -> float | None:
        """The share of the bill that logs could explain which logged calls do explain."""
        return float(self.attributed_usd / self.explainable_usd) if self.explainable_usd > 0 else None

    def largest(self) -> Part | None:
        named = [p for p in self.parts if p.usd]
        return max(named, key=lambda p: abs(p.usd)) if named else None


def reconcile(
    by_day: dict[date, Decimal], cost_days: set[date], lines: list[dict], days: list[dict], cells: list[dict],
    attributed_usd: Decimal,
) -> Reconciliation:  # fmt: skip
    """The parts of billed minus attributed. `by_day`: the bill per day; `cost_days`: the days billed by the cost
    export; `lines`: audit/billed_lines; `days`: audit/reconcile_days; `cells`: audit/reconcile_cells."""
    parts = {kind: Part(kind) for kind in PARTS}
    logged = {d["day"]: d for d in days}
    not_loggable = _not_loggable(lines, cost_days)
    cells_of: dict[date, list[dict]] = {}
    for cell in cells:
        cells_of.setdefault(cell["day"], []).append(cell)
    for day, billed in sorted(by_day.items()):
        row = logged.get(day, {})
        attributed = row.get("attributed_usd") or ZERO
        n = not_loggable.get(day, ZERO)
        parts["not_loggable"].add(n, day)
        base = billed - n
        if day in cost_days:
            unpriced = min(row.get("unpriced_charged_usd") or ZERO, base)
            parts["unpriced_models"].add(unpriced, day)
            base -= unpriced
            if row.get("usage_rows"):
                catalog = row.get("catalog_usd") or ZERO
                parts["bill_vs_catalog"].add(base - catalog, day)
                if base != catalog:
                    parts["bill_vs_catalog"].evidence.setdefault("days", []).append(
                        {"day": day, "charged_usd": base, "catalog_usd": catalog}
                    )
                base = catalog
        if not row.get("calls"):
            parts["unlogged_days"].add(base, day)
            continue
        rest = base - attributed
        for cell in cells_of.get(day, []) if row.get("usage_rows") else []:
            kind = _unlogged_kind(cell)
            if kind:
                parts[kind].add(cell["usage_usd"], day, cell["model"], _payer(cell))
                rest -= cell["usage_usd"]
        parts["unexplained"].add(rest, day)
    logged_total = sum((d.get("attributed_usd") or ZERO for d in days), ZERO)
    for row in days:
        if row["day"] not in by_day and row.get("attributed_usd"):
            parts["unbilled_calls"].add(-row["attributed_usd"], row["day"])
    parts["unbilled_calls"].add(-(attributed_usd - logged_total))  # calls with no time: on no billed day
    _unpriced_evidence(parts["unpriced_models"], days)
    billed_usd = sum(by_day.values(), ZERO)
    explainable = billed_usd - parts["not_loggable"].usd
    return Reconciliation(billed_usd, attributed_usd, list(parts.values()), explainable)


def _not_loggable(lines: list[dict], cost_days: set[date]) -> dict[date, Decimal]:
    """Per day: the lines of the bill no log can explain, from the cost export on its days, else the usage export."""
    found: dict[date, Decimal] = {}
    for line in lines:
        if line["line_item"] in UNATTRIBUTABLE:
            usd = line["charged_usd"] if line["day"] in cost_days else line["usage_usd"]
            found[line["day"]] = found.get(line["day"], ZERO) + (usd or ZERO)
    return found


def _unlogged_kind(cell: dict) -> str | None:
    if cell["batch"] and not cell["logged_batch"]:
        return "batch_without_output"
    if not cell["logged"]:
        return "unlogged_usage"
    return None


def _payer(cell: dict) -> str:
    """Who the usage was billed to: its project, and its API key where the export names one."""
    key = cell.get("api_key")
    return f"{cell['project']} / {key}" if key and key != "(none)" else cell["project"]


def _unpriced_evidence(part: Part, days: list[dict]) -> None:
    calls = sum(d.get("unpriced_calls") or 0 for d in days)
    if calls:
        part.evidence["unpriced_calls"] = calls
