"""The report's charts, drawn as SVG when the page is built (matplotlib, no script in the page).

Each chart kind is one function over plain data from the core (`costcap.document.Chart`). Text is kept as SVG
text, escaped by matplotlib's SVG writer; `$` is escaped so a name never turns into mathtext.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from costcap.document import Chart
from costcap.output.talk import inert

COLORS = ["#4a7bd0", "#e0893a", "#3fa66a", "#c4485a", "#8a63c7", "#7a8a99", "#c9a227", "#2aa3b3", "#b565a7"]
LABEL_CHARS = 42
CHARTS: dict[str, Callable] = {}


def chart(kind: str):
    def register(function):
        CHARTS[kind] = function
        return function

    return register


def svg(spec: Chart) -> str:
    """The chart as an inline <svg> element."""
    import matplotlib

    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "costcap", "font.size": 9,
                                "axes.spines.top": False, "axes.spines.right": False})  # fmt: skip
    figure = CHARTS[spec.kind](spec.data)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def label(value) -> str:
    """Input text as a chart label: inert, no mathtext, long names shortened (the tables give them in full)."""
    text = re.sub(r"([$\\])", r"\\\1", inert(value))
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=96)


def _usd_axis(axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:,.2f}" if abs(v) < 100 else f"${v:,.0f}"))


@chart("stacked_days")
def stacked_days(data: dict):
    """Spend per day, one stacked bar per day by feature, with billed per day drawn over it."""
    figure = _figure(10, 3.8)
    ax = figure.subplots()
    days = list(range(len(data["days"])))
    bottom = [0.0] * len(days)
    for i, (name, values) in enumerate(data["series"].items()):
        ax.bar(days, values, bottom=bottom, color=COLORS[i % len(COLORS)], label=label(name), width=0.8)
        bottom = [b + v for b, v in zip(bottom, values, strict=False)]
    billed = [(d, v) for d, v in zip(days, data["billed"], strict=False) if v is not None]
    if billed:
        ax.plot([d for d, _ in billed], [v for _, v in billed], color="#1d2430", marker="o", markersize=3,
                linewidth=1.5, label="billed")  # fmt: skip
    step = max(1, len(days) // 12)
    ax.set_xticks(days[::step], [data["days"][d][5:] for d in days[::step]])
    _usd_axis(ax.yaxis)
    if data["series"] or billed:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_ylabel("USD per day")
    return figure


@chart("bars")
def bars(data: dict):
    """One horizontal bar per name, largest on top, its amount at its end."""
    labels, values = data["labels"][::-1], data["values"][::-1]
    figure = _figure(7, 0.45 * len(labels) + 0.8)
    ax = figure.subplots()
    ax.barh(range(len(labels)), values, color=COLORS[0])
    ax.set_yticks(range(len(labels)), [label(x) for x in labels])
    top = max(values, default=0) or 1
    for y, v in enumerate(values):
        ax.text(v + top * 0.01, y, f"${v:,.4f}", va="center", fontsize=8)
    ax.set_xlim(0, top * 1.25)
    _usd_axis(ax.xaxis)
    return figure


@chart("distribution")
def distribution(data: dict):
    """Per group, how many calls answered with how many completion tokens, with p50, p90 and the caps."""
    groups = data["groups"]
    columns = 2 if len(groups) > 1 else 1
    rows = (len(groups) + columns - 1) // columns
    figure = _figure(10, 2.4 * rows + 0.4)
    axes = figure.subplots(rows, columns, squeeze=False)
    marks = (
        ("p50", "#3fa66a", ":"),
        ("p90", "#e0893a", "--"),
        ("cap", "#c4485a", "-"),
        ("recommended", "#4a7bd0", "-."),
    )
    for ax, group in zip(axes.flat, groups, strict=False):
        tokens = [v for v, _ in group["values"]]
        counts = [n for _, n in group["values"]]
        ax.hist(tokens, bins=min(40, max(1, len(set(tokens)))), weights=counts, color="#9db4dd")
        for key, color, style in marks:
            if group.get(key) is not None:
                ax.axvline(group[key], color=color, linestyle=style, linewidth=1.4, label=f"{key} {group[key]:,}")
        ax.set_title(label(group["name"]), fontsize=9, loc="left")
        ax.legend(fontsize=7, frameon=False)
        ax.set_xlabel("completion tokens")
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_visible(False)
    figure.tight_layout()
    return figure


@chart("lines")
def lines(data: dict):
    """Cost per order against batch size, one line per model and API; the best plan marked."""
    figure = _figure(8, 3.6)
    ax = figure.subplots()
    for i, series in enumerate(data["series"]):
        xs, ys = zip(*series["points"], strict=False)
        ax.plot(xs, ys, marker="o", markersize=3, color=COLORS[i % len(COLORS)], label=label(series["name"]),
                linestyle="--" if series.get("batch_api") else "-")  # fmt: skip
    best = data.get("best")
    if best:
        ax.plot([best["x"]], [best["y"]], marker="*", markersize=16, color="#c9a227", linestyle="none",
                label=f"best: {label(best['name'])}")  # fmt: skip
    ax.set_xlabel("batch size (items per call)")
    ax.set_ylabel("cost per order")
    _usd_axis(ax.yaxis)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure
