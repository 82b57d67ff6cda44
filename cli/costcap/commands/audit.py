"""`costcap audit`: the bill against the spend the logs explain, per feature, model, project and day, with findings."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Annotated

import typer

from costcap import audit as core
from costcap import config, numbers, output
from costcap.commands import (
    AUTO,
    DayOption,
    DbOption,
    FieldOption,
    FormatOption,
    IngestFlags,
    KindOption,
    LastOption,
    ModelOption,
    PresetOption,
    PricesOption,
    RecursiveOption,
    SkipBadOption,
    TzOption,
    load_store,
    period,
    usage_checked,
)  # fmt: skip
from costcap.documents import audit as documents
from costcap.errors import CostcapError, ExitCode
from costcap.scope import Scope
from costcap.store import DEFAULT_PATH


def audit(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Read these into a throwaway store instead of --db.")
    ] = None,
    since: DayOption = None,
    until: DayOption = None,
    last: LastOption = None,
    by: Annotated[
        str,
        typer.Option(
            metavar="KEY[,KEY]",
            callback=lambda value: usage_checked(core.check_by, value),
            help=f"Break the spend down by this ({', '.join(core.BY_KEYS)}), or by two keys of the calls such as "
            "feature,model (project and api_key come from the usage export).",
        ),
    ] = "feature",
    compare: Annotated[
        str | None, typer.Option(metavar="previous", help="Set beside the same length of time just before.")
    ] = None,
    project: Annotated[
        bool, typer.Option("--project-month", help="Show month to date and the projected month-end spend.")
    ] = False,
    fail_above: Annotated[
        float | None,
        typer.Option(metavar="USD", min=0, help="Exit 3 when the spend (billed, else attributed) is above."),
    ] = None,
    fail_unattributed_above: Annotated[
        float | None,
        typer.Option(metavar="PCT", min=0, help="Exit 3 when the unattributed share of the bill is above."),
    ] = None,
    fail_below_coverage: Annotated[
        float | None, typer.Option(metavar="PCT", min=0, help="Exit 3 when logs cover less of the bill than this.")
    ] = None,
    fail_projected_above: Annotated[
        float | None, typer.Option(metavar="USD", min=0, help="Exit 3 when the projected month-end spend is above.")
    ] = None,
    top: Annotated[
        int,
        typer.Option(help="Rows of the breakdown to show in table, CSV and Markdown; 0 for all.", min=0, max=1_000_000),
    ] = 20,
    feature: Annotated[
        str | None, typer.Option("--feature", help="Narrow the whole report to this feature's calls.")
    ] = None,
    model: ModelOption = None,
    kind: KindOption = AUTO,
    field: FieldOption = [],  # noqa: B006
    preset: PresetOption = None,
    tz: TzOption = None,
    skip_bad: SkipBadOption = False,
    recursive: RecursiveOption = False,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Who spends what: billed vs attributed spend, a breakdown, and findings with the dollars they would save.

    Billed is the cost export's charge (or, for days without one, the usage export at catalog prices);
    attributed is the logged and Batch-output calls at catalog prices; unattributed is the difference.

    Example: costcap audit --last 30d --by week --fail-unattributed-above 20
    """
    store, _ = load_store(
        db, prices_file, paths or [], IngestFlags(kind, model, field, skip_bad, preset, recursive=recursive, tz=tz)
    )
    with store:
        settings = settings_for(store, *period(since, until, last), by, feature)
        limits = core.Limits(
            *map(_decimal, (fail_above, fail_unattributed_above, fail_below_coverage, fail_projected_above))
        )
        report = core.audit(store, replace(settings, compare=_compare(compare), limits=limits, project=project))
    output.write(documents.document(report, top), fmt)
    say_warnings(report)
    fail_gates(report.gates)


def fail_gates(gates: list[core.Gate]) -> None:
    """A failed gate is one line on stderr and exit 3, after the output is written."""
    for gate in gates:
        if gate.figure is None:
            output.warn(gate.said)
    failed = [g for g in gates if g.failed]
    for gate in failed:
        output.error(gate.said)
    if failed:
        raise typer.Exit(ExitCode.OVER_THRESHOLD)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _compare(text: str | None) -> bool:
    if text is None:
        return False
    if text.strip().lower() != "previous":
        raise CostcapError(f"--compare {text!r}: the one comparison is --compare previous")
    return True


def settings_for(store, since, until, by: str = "feature", feature: str | None = None) -> core.Settings:
    """audit's settings: the days and feature asked, and the configuration's [audit] section beside the store."""
    return core.Settings(
        Scope(since, until, feature),
        by,
        config.batch_features(store.directory),
        min_calls=config.audit_number(store.directory, "min_calls", 10, 1, 10**6),
        tier=config.audit_number(store.directory, "tier", 1, 1, 5),
        budgets=config.monthly_budgets(store.directory),
    )


def say_warnings(report: core.Report) -> None:
    first, last = report.store_span
    then = report.comparison
    if then is not None and not any(row["previous_usd"] for rows in then.changes.values() for row in rows):
        output.warn(f"--compare previous: no logged spend in {then.start} to {then.end}, so every change is from $0")
    if first is None and not report.calls:
        output.warn("the store is empty: ingest usage or cost exports and logs first (costcap ingest PATH)")
    elif first is not None and report.calls == 0 and report.billed.cost_usd is None and not report.billed.unknown_days:
        asked = f"{report.settings.scope.since or '…'} to {report.settings.scope.until or '…'}"
        output.warn(f"the store covers {first} to {last}; nothing in {asked}: widen --since/--until")
    if report.settings.scope.feature and not report.calls:
        output.warn(
            f"--feature {output.inert(report.settings.scope.feature)} has no calls in {report.start or '…'} to "
            f"{report.end or '…'}: the store holds its calls on other days"
        )
    if report.unpriced_calls:
        output.warn(
            f"{report.unpriced_calls:,} of {report.calls:,} calls use models with no price "
            f"({', '.join(output.inert(u['model']) for u in report.unpriced)}): their cost is left out, not counted as $0"
        )
    for u in report.unpriced:
        if core.before_release(u):
            output.warn(
                f"{output.inert(u['model'])}: {numbers.counted(u['calls'], 'call')} dated before its release "
                f"on {u['released']}: left unpriced; check the clock or time zone that wrote them"
            )
    if report.billed.unpriced_rows:
        output.warn(f"{report.billed.unpriced_rows} usage-export rows could not be priced: billed is a lower bound")
    if report.billed.unknown_days:
        output.warn(
            f"{report.billed.ungrouped_rows} usage rows name no model (ungrouped): billed is unknown on "
            f"{len(report.billed.unknown_days)} days; pull or export them grouped by model"
        )
    for tier in report.unknown_tiers:
        output.warn(
            f"service tier {output.inert(tier)!r} is not one OpenAI is known to report: billed at standard rates"
        )
