"""`costcap budget`: max_tokens caps from measured completion tokens, or from a spec."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from costcap import budget as core, output
from costcap.commands import (
    DayOption, DbOption, FieldOption, Kind, KindOption, ModelOption, PricesOption, SkipBadOption, RecursiveOption, load_store,
    IngestFlags, PresetOption,
)  # fmt: skip
from costcap.store import DEFAULT_PATH

COLUMNS = [
    "group", "calls", "truncated_calls", "p50", "p90", "p99", "max", "current_max_tokens", "truncation_rate",
    "recommended_max_tokens", "would_truncate_rate", "overrun_tokens", "saving_usd", "warning",
]  # fmt: skip
TABLE_COLUMNS = ["group", "calls", "p50", "p90", "max", "distribution", "current_max_tokens", "truncation_rate",
                 "recommended_max_tokens", "would_truncate_rate", "saving_usd"]  # fmt: skip
BAR_WIDTH = 24


class By(str, Enum):
    feature = "feature"
    batch_type = "batch_type"
    model = "model"


class BudgetFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    python = "python"
    toml = "toml"


def budget(
    paths: Annotated[list[str] | None, typer.Argument(help="Read these into a throwaway store instead of --db.")] = None,
    by: Annotated[By, typer.Option(help="Group calls by this.")] = By.feature,
    feature: Annotated[str | None, typer.Option(help="Only this feature's calls.")] = None,
    since: DayOption = None,
    until: DayOption = None,
    percentile: Annotated[float, typer.Option(help="Percentile of completion tokens the cap covers.")] = 90,
    safety: Annotated[float, typer.Option(help="Headroom factor over the percentile.")] = 1.2,
    round_to: Annotated[int, typer.Option("--round", help="Round caps up to a multiple of this.")] = 1,
    min_calls: Annotated[int, typer.Option(help="Fewer calls than this: no recommendation.")] = 10,
    words: Annotated[float | None, typer.Option(help="Spec: words per item in the answer.")] = None,
    items: Annotated[int | None, typer.Option(help="Spec: items answered per call.")] = None,
    tokens_per_word: Annotated[float, typer.Option(help="Spec: tokens per word (1.3 for English).")] = 1.3,
    sample: Annotated[Path | None, typer.Option(help="Spec: example answers to measure tokens per word on.")] = None,
    model: ModelOption = None,
    kind: KindOption = Kind.auto,
    field: FieldOption = [],  # noqa: B006
    preset: PresetOption = None,
    skip_bad: SkipBadOption = False,
    recursive: RecursiveOption = False,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: Annotated[BudgetFormat, typer.Option("--format", "-f")] = BudgetFormat.table,
) -> None:
    """Derive max_tokens caps: ceil(safety x p90 of measured completion tokens), per feature, batch type or model.

    From a spec before any data exists: costcap budget --words 150 --items 60  (150 x 60 x 1.3 x 1.2 = 14,040).
    """
    safety_d, round_to = _decimal(safety), round_to
    if words is not None or items is not None:
        spec = core.Spec(_decimal(words or 0), items or 0, _decimal(tokens_per_word), safety_d, round_to)
        if sample:
            spec = core.measured_spec(spec, core.sample_texts(sample), _encoding(model), str(sample))
        return _show_spec(spec, fmt)
    settings = core.Settings(
        by.value, feature, since and since.date(), until and until.date(), _decimal(percentile), safety_d, round_to, min_calls
    )
    store, _ = load_store(db, prices_file, paths or [], IngestFlags(kind, model, field, skip_bad, preset, recursive=recursive))
    with store:
        report = core.measure(store, settings)
    _show(report, fmt)


def _decimal(value: float) -> Decimal:
    return Decimal(str(value))


def _encoding(model: str | None) -> str:
    from costcap import tokens

    return tokens.encoding_name(model or "gpt-4o")


def _doc(report: core.Report) -> dict:
    s = report.settings
    return {
        "by": s.by, "percentile": float(s.percentile), "safety": float(s.safety), "round": s.round_to,
        "groups": [_group_doc(g) for g in report.groups], "total_saving_usd": output.money(report.total_saving_usd),
    }  # fmt: skip


def _group_doc(g: core.Group) -> dict:
    doc = {c: getattr(g, c) for c in COLUMNS}
    doc["saving_usd"] = output.money(g.saving_usd)
    doc["truncation_rate"] = round(g.truncation_rate, 6)
    doc["would_truncate_rate"] = None if g.would_truncate_rate is None else round(g.would_truncate_rate, 6)
    return doc


def _show(report: core.Report, fmt: BudgetFormat) -> None:
    caps = {g.group: g.recommended_max_tokens for g in report.groups if g.recommended_max_tokens is not None}
    if fmt == BudgetFormat.python:
        # repr: a valid Python literal for any name, with invisible characters escaped
        print("MAX_TOKENS = {" + ", ".join(f"{k!r}: {v}" for k, v in caps.items()) + "}")
    elif fmt == BudgetFormat.toml:
        print("[max_tokens]\n" + "".join(f"{toml_string(k)} = {v}\n" for k, v in caps.items()), end="")
    elif fmt == BudgetFormat.table:
        _table(report)
    else:
        output.render([_group_doc(g) for g in report.groups], fmt.value, COLUMNS, doc=_doc(report),
                      title=f"max_tokens = ceil({report.settings.safety} x p{float(report.settings.percentile):g})")  # fmt: skip
    _notes(report)


def toml_string(text: str) -> str:
    """A TOML basic string for any text: quotes and backslashes escaped, control and invisible characters as
    \\uXXXX or \\UXXXXXXXX (TOML has no surrogates, so never JSON's \\ud83d pairs)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable() and ch != "\u2028" and ch != "\u2029":
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _table(report: core.Report) -> None:
    top = max((g.max for g in report.groups), default=1) or 1
    rows = [
        {**_group_doc(g), "saving_usd": output.usd(g.saving_usd), "distribution": _bar(g, top),
         "truncation_rate": f"{g.truncation_rate:.1%}",
         "would_truncate_rate": "" if g.would_truncate_rate is None else f"{g.would_truncate_rate:.1%}"}
        for g in report.groups
    ]  # fmt: skip
    s = report.settings
    title = f"max_tokens = ceil({s.safety} x p{float(s.percentile):g} of completion tokens), by {s.by}"
    output.write_table(rows, TABLE_COLUMNS, title, right=set(TABLE_COLUMNS[1:5] + TABLE_COLUMNS[6:]))
    output.note(f"Saving on the observed calls if capped: {output.usd(report.total_saving_usd)}")


def _bar(g: core.Group, top: int) -> str:
    """█ up to p50, ▓ up to p90, ░ up to the longest; | marks the recommended cap."""
    scale = BAR_WIDTH / top
    cells = ["█" if i < g.p50 * scale else "▓" if i < g.p90 * scale else "░" if i < g.max * scale else " " for i in range(BAR_WIDTH)]
    if g.recommended_max_tokens is not None:
        cells[min(BAR_WIDTH - 1, int(g.recommended_max_tokens * scale))] = "|"
    return "".join(cells)


def _notes(report: core.Report) -> None:
    for g in report.groups:
        if g.warning:
            output.warn(f"{output.inert(g.group)}: {g.warning}")
        if g.unpriced_overrun_calls:
            output.warn(f"{output.inert(g.group)}: {g.unpriced_overrun_calls} calls over the cap use unpriced models; their saving is not counted")
    if not report.groups:
        output.warn("no calls with completion tokens in the store: ingest logs or Batch output first")


def _show_spec(spec: core.Spec, fmt: BudgetFormat) -> None:
    doc = {
        "words": float(spec.words), "items": spec.items, "tokens_per_word": float(spec.tokens_per_word),
        "safety": float(spec.safety), "round": spec.round_to, "max_tokens": spec.max_tokens,
        "measured_from": spec.measured_from, "sample_words": spec.sample_words, "sample_tokens": spec.sample_tokens,
    }  # fmt: skip
    if spec.measured_from:
        output.note(
            f"Measured on {output.inert(spec.measured_from)}: {spec.sample_tokens} tokens for {spec.sample_words} words,"
            f" {spec.tokens_per_word:.4f} tokens per word."
        )
    if fmt == BudgetFormat.python:
        print(f"MAX_TOKENS = {spec.max_tokens}")
    elif fmt == BudgetFormat.toml:
        print(f"[max_tokens]\nspec = {spec.max_tokens}")
    else:
        output.render([doc], "table" if fmt == BudgetFormat.table else fmt.value, list(doc), doc=doc)
