"""What a command shows, as data: the JSON contract plus the tables, header lines and charts every writer renders.

The core builds one `Doc` per command; `costcap.output.write(doc, format)` renders it. A column says what kind of
value it holds, so every writer formats money, counts and percentages by the same rule (costcap.numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# What a column holds; the writers format each kind one way.
KINDS = ("text", "money", "rate", "price", "count", "number", "pct", "bool", "mark", "day", "duration", "path", "line")

# A key column is the name of a row (feature, file, group, model): never cut, never dropped.
KEY, KEEP, USEFUL, EXTRA, DECOR = 0, 1, 2, 3, 4  # drop order when a table is too wide: DECOR first, never KEY


@dataclass(frozen=True)
class Column:
    key: str  # snake_case, as in JSON and CSV
    heading: str  # human words, for tables, Markdown and HTML
    kind: str = "text"
    drop: int = USEFUL
    missing: str = ""  # what a table shows for None
    table_only: bool = False  # a picture of another column (a share bar): tables only, never CSV


def column(
    key: str,
    heading: str | None = None,
    kind: str | None = None,
    drop: int | None = None,
    missing: str = "",
    table_only: bool = False,
) -> Column:
    """A column whose heading and kind follow from its key unless given: `cost_usd` is money headed "cost"."""
    guessed = _kind_of(key)
    heading = _heading_of(key) if heading is None else heading
    assert (kind or guessed) in KINDS, f"{kind!r} is not a kind of column the writers know"
    return Column(key, heading, kind or guessed, USEFUL if drop is None else drop, missing, table_only)


def _kind_of(key: str) -> str:
    if key == "line" or key.endswith("_line"):
        return "line"
    if key.startswith(("cost_per", "saving_per")) or key.endswith("_per_call_usd"):
        return "rate"
    if key.endswith("_usd"):
        return "money"
    if key.endswith(("_rate", "share", "coverage")):
        return "pct"
    if key.endswith(
        (
            "tokens",
            "calls",
            "rows",
            "_count",
            "orders",
            "requests",
            "attempts",
            "bad",
            "skipped",
            "duplicates",
            "unpriced",
            "line",
            "first_line",
            "p50",
            "p90",
            "p99",
            "max",
            "items",
            "batch_size",
        )
    ):
        return "count"
    if key.endswith(("_from", "_to", "_day", "_on")) or key == "day":
        return "day"
    return "text"


def _heading_of(key: str) -> str:
    return key.removesuffix("_usd").replace("_", " ")


@dataclass
class Section:
    """One table: its columns and its rows of plain values (Decimal, int, float, str, bool, None)."""

    name: str  # the snake_case name of the table, e.g. by_feature
    title: str
    columns: list[Column]
    rows: list[dict]
    stacked: bool = False  # each row a block of lines (findings): long text that a grid would cut
    footer: str | None = None  # said under the table, e.g. "3 more rows: --top 0 shows them all"


@dataclass
class Chart:
    """A chart as data; the HTML writer draws it. kind: stacked_days, bars, distribution or lines."""

    kind: str
    title: str
    data: dict[str, Any]
    caption: str = ""


@dataclass
class Doc:
    command: str
    data: Any  # the JSON contract
    title: str = ""
    summary: list[tuple[str, str]] = field(default_factory=list)  # header lines: label, value
    sections: list[Section] = field(default_factory=list)  # the first is the one CSV writes
    charts: list[Chart] = field(default_factory=list)
    constants: dict[str, Any] = field(default_factory=dict)  # for the python and toml writers: name -> value or mapping

    @property
    def main(self) -> Section | None:
        return self.sections[0] if self.sections else None


def one_table(command: str, name: str, title: str, columns: list[Column], rows: list[dict], data=None) -> Doc:
    """A document of one table whose JSON is `data` (default: its rows)."""
    return Doc(command, rows if data is None else data, title, sections=[Section(name, title, columns, rows)])
