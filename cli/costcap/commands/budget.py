"""`costcap budget`: max_tokens caps from measured completion tokens, or from a spec."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from costcap import budget as core
from costcap import output
from costcap.commands import (
    AUTO,
    STANDARD_FORMATS,
    DayOption,
    DbOption,
    FieldOption,
    IngestFlags,
    KindOption,
    LastOption,
    ModelOption,
    PresetOption,
    PricesOption,
    RecursiveOption,
    SkipBadOption,
    TzOption,
    format_option,
    load_store,
    period,
)  # fmt: skip
from costcap.documents import budget as documents
from costcap.scope import Scope
from costcap.store import DEFAULT_PATH

FORMATS = format_option(*STANDARD_FORMATS, "python", "toml")


class By(StrEnum):
    feature = "feature"
    batch_type = "batch_type"
    model = "model"


def budget(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Read these into a throwaway store instead of --db.")
    ] = None,
    by: Annotated[By, typer.Option(help="Group calls by this.")] = By.feature,
    feature: Annotated[str | None, typer.Option(help="Only this feature's calls.")] = None,
    since: DayOption = None,
    until: DayOption = None,
    last: LastOption = None,
    percentile: Annotated[float, typer.Option(help="Percentile of completion tokens the cap covers.")] = 90,
    safety: Annotated[float, typer.Option(help="Headroom factor over the percentile.")] = 1.2,
    round_to: Annotated[int, typer.Option("--round", help="Round caps up to a multiple of this.")] = 1,
    min_calls: Annotated[int, typer.Option(help="Fewer calls than this: no recommendation.")] = 10,
    words: Annotated[float | None, typer.Option(help="Spec: words per item in the answer.")] = None,
    items: Annotated[int | None, typer.Option(help="Spec: items answered per call.")] = None,
    tokens_per_word: Annotated[float, typer.Option(help="Spec: tokens per word (1.3 for English).")] = 1.3,
    sample: Annotated[Path | None, typer.Option(help="Spec: example answers to measure tokens per word on.")] = None,
    model: ModelOption = None,
    kind: KindOption = AUTO,
    field: FieldOption = [],  # noqa: B006
    preset: PresetOption = None,
    tz: TzOption = None,
    skip_bad: SkipBadOption = False,
    recursive: RecursiveOption = False,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: FORMATS = "table",  # type: ignore[valid-type]  # built from the writer registry
) -> None:
    """Derive max_tokens caps: ceil(safety x p90 of measured completion tokens), per feature, batch type or model.

    From a spec before any data exists: costcap budget --words 150 --items 60  (150 x 60 x 1.3 x 1.2 = 14,040).

    Example: costcap budget --by batch_type -f python
    """
    safety_d, round_to = _decimal(safety), round_to
    if words is not None or items is not None:
        spec = core.Spec(_decimal(words or 0), items or 0, _decimal(tokens_per_word), safety_d, round_to)
        if sample:
            spec = core.measured_spec(spec, core.sample_texts(sample), _encoding(model), str(sample))
        return _show_spec(spec, fmt)
    settings = core.Settings(
        by.value,
        Scope(*period(since, until, last), feature),
        _decimal(percentile),
        safety_d,
        round_to,
        min_calls,
    )
    store, _ = load_store(
        db, prices_file, paths or [], IngestFlags(kind, model, field, skip_bad, preset, recursive=recursive, tz=tz)
    )
    with store:
        report = core.measure(store, settings)
    _show(report, fmt)


def _decimal(value: float) -> Decimal:
    return Decimal(str(value))


def _encoding(model: str | None) -> str:
    from costcap import tokens

    return tokens.encoding_name(model or "gpt-4o")


def _show(report: core.Report, fmt: str) -> None:
    output.write(documents.document(report), fmt)
    say_notes(report)


def say_notes(report: core.Report) -> None:
    for g in report.groups:
        if g.warning:
            output.warn(f"{output.inert(g.group)}: {g.warning}")
        if g.unpriced_overrun_calls:
            output.warn(
                f"{output.inert(g.group)}: {g.unpriced_overrun_calls} calls over the cap use unpriced models; their saving is not counted"
            )
    if not report.groups:
        output.warn("no calls with completion tokens in the store: ingest logs or Batch output first")


def _show_spec(spec: core.Spec, fmt: str) -> None:
    if spec.measured_from:
        output.note(
            f"Measured on {output.inert(spec.measured_from)}: {spec.sample_tokens} tokens for {spec.sample_words} words,"
            f" {spec.tokens_per_word:.4f} tokens per word."
        )
    output.write(documents.spec_document(spec), fmt)
