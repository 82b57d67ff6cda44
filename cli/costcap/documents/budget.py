"""budget's document: the caps per group with their distribution, and the constants to paste into code."""

from __future__ import annotations

from costcap import budget as core
from costcap.document import EXTRA, KEEP, KEY, Doc, Section, column
from costcap.numbers import money, usd

BAR_WIDTH = 24
COLUMNS = [
    column("group", drop=KEY), column("calls", "calls", drop=KEEP), column("truncated_calls", "truncated", drop=EXTRA),
    column("p50", kind="number", drop=EXTRA), column("p90", kind="number"), column("p99", kind="number", drop=EXTRA), column("max", drop=EXTRA),
    column("distribution", "p50 █ p90 ▓ max ░ | cap", table_only=True),
    column("current_max_tokens", "cap today", kind="count", drop=KEEP), column("truncation_rate", "truncated %"),
    column("recommended_max_tokens", "recommended", kind="count", drop=KEY),
    column("would_truncate_rate", "would truncate"), column("overrun_tokens", "overrun tok", drop=EXTRA),
    column("saving_usd", "saving", drop=KEEP), column("warning", drop=EXTRA),
]  # fmt: skip
DATA_KEYS = [c.key for c in COLUMNS if not c.table_only]


def title(settings: core.Settings) -> str:
    return (
        f"max_tokens = ceil({settings.safety} x p{float(settings.percentile):g} of completion tokens), by {settings.by}"
    )


def document(report: core.Report) -> Doc:
    s = report.settings
    groups = [group_doc(g) for g in report.groups]
    top = max((g.max for g in report.groups), default=1) or 1
    rows = [{**doc, "distribution": _bar(g, top)} for doc, g in zip(groups, report.groups, strict=False)]
    data = {
        "by": s.by, "percentile": float(s.percentile), "safety": float(s.safety), "round": s.round_to,
        "denominator": "calls that returned a completion (output tokens > 0, no HTTP error)",
        "groups": groups, "total_saving_usd": money(report.total_saving_usd),
    }  # fmt: skip
    caps = {g.group: g.recommended_max_tokens for g in report.groups if g.recommended_max_tokens is not None}
    summary = [("Saving", f"{usd(report.total_saving_usd)} on the observed calls if capped"),
               ("Calls", "those that returned a completion (output tokens > 0, no HTTP error)")]  # fmt: skip
    return Doc("budget", data, "costcap budget", summary, [Section("groups", title(s), COLUMNS, rows)],
               constants={"max_tokens": caps})  # fmt: skip


def group_doc(g: core.Group) -> dict:
    doc = {key: getattr(g, key) for key in DATA_KEYS}
    doc["saving_usd"] = money(g.saving_usd)
    doc["truncation_rate"] = round(g.truncation_rate, 6)
    doc["would_truncate_rate"] = None if g.would_truncate_rate is None else round(g.would_truncate_rate, 6)
    return doc


def _bar(g: core.Group, top: int) -> str:
    """█ up to p50, ▓ up to p90, ░ up to the longest; | marks the recommended cap."""
    scale = BAR_WIDTH / top
    cells = [
        "█" if i < g.p50 * scale else "▓" if i < g.p90 * scale else "░" if i < g.max * scale else " "
        for i in range(BAR_WIDTH)
    ]
    if g.recommended_max_tokens is not None:
        cells[min(BAR_WIDTH - 1, int(g.recommended_max_tokens * scale))] = "|"
    return "".join(cells)


SPEC_COLUMNS = [column("words", kind="count"), column("items", kind="count"), column("tokens_per_word", kind="number"),
                column("safety", kind="number"), column("round", kind="count"), column("max_tokens", kind="count", drop=KEY),
                column("measured_from", "measured from"), column("sample_words", kind="count"),
                column("sample_tokens", kind="count")]  # fmt: skip


def spec_document(spec: core.Spec) -> Doc:
    data = {
        "words": float(spec.words), "items": spec.items, "tokens_per_word": float(spec.tokens_per_word),
        "safety": float(spec.safety), "round": spec.round_to, "max_tokens": spec.max_tokens,
        "measured_from": spec.measured_from, "sample_words": spec.sample_words, "sample_tokens": spec.sample_tokens,
    }  # fmt: skip
    section = Section("spec", "max_tokens from a spec: words x items x tokens per word x safety", SPEC_COLUMNS, [data])
    return Doc("budget", data, "", sections=[section], constants={"max_tokens": spec.max_tokens})
