"""Render results to stdout (table, json, csv, markdown) and talk to the user on stderr; all input text made inert."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from contextlib import contextmanager
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from enum import Enum

from rich.console import Console
from rich.table import Table
from rich.text import Text

# Control characters, and the invisible format characters that reorder or hide text (bidi embeddings, overrides and
# isolates, zero-width marks, line and paragraph separators, the BOM): shown as escapes, never passed on.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONEY_PLACES = Decimal("0.000001")


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class ShortFormat(str, Enum):
    table = "table"
    json = "json"


err = Console(stderr=True, soft_wrap=True, highlight=False)


def out_console() -> Console:
    """stdout for tables: the terminal's width, COLUMNS when set (tests pin it), else wide enough for a file."""
    probe = Console()
    width = None if probe.is_terminal or os.environ.get("COLUMNS") else 200
    return Console(soft_wrap=False, highlight=False, width=width)


def inert(value) -> str:
    """Input text with control and invisible format characters (ANSI escapes, bidi overrides) shown as \\xNN or
    \\uNNNN, so it can neither drive a terminal nor reorder what is shown."""
    return _CONTROL.sub(_escaped, str(value))


def _escaped(match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def money(value: Decimal | None) -> float | None:
    """Money for JSON: a number rounded to 6 decimals, None when unknown."""
    if value is None:
        return None
    return float(Decimal(value).quantize(MONEY_PLACES, rounding=ROUND_HALF_EVEN))


def exact(value: Decimal | None) -> str | None:
    """Money with every digit kept, as a string: 0.0002832, never rounded."""
    return None if value is None else f"{Decimal(value).normalize():f}"


def usd(value: Decimal | None, places: int = 4) -> str:
    """Money for people: $1,234.5678; 'unpriced' when unknown."""
    if value is None:
        return "unpriced"
    return f"${Decimal(value):,.{places}f}"


def _plain(value):
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(doc) -> None:
    sys.stdout.write(json.dumps(doc, default=_plain, indent=2, ensure_ascii=False) + "\n")


def _cell(value, human: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, float):
        if human:
            return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:.6g}"
        return repr(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def write_csv(rows: list[dict], columns: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_safe(row.get(c)) for c in columns])
    sys.stdout.write(buffer.getvalue())


def _csv_safe(value) -> str:
    text = inert(_cell(value)) if isinstance(value, str) else _cell(value)
    # a spreadsheet would run a cell starting like a formula
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


_MARKDOWN_ACTIVE = re.compile(r"([\\|`$*_\[\]<>!#~])")


def md_escape(value) -> str:
    """Text for a Markdown table cell that renders as itself: no link, image, HTML, emphasis, maths (`$`) or
    autolinked URL can come from a name in the data."""
    text = _MARKDOWN_ACTIVE.sub(r"\\\1", inert(_cell(value)))
    return text.replace("://", ":\\/\\/").replace("www.", "www\\.")


def write_markdown(rows: list[dict], columns: list[str], title: str | None = None) -> None:
    lines = [f"## {md_escape(title)}", ""] if title else []
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + "---|" * len(columns))
    lines += ["| " + " | ".join(md_escape(row.get(c)) for c in columns) + " |" for row in rows]
    sys.stdout.write("\n".join(lines) + "\n")


def write_table(rows: list[dict], columns: list[str], title: str | None = None, right: set[str] = frozenset()) -> None:
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left")
    for row in rows:
        table.add_row(*[Text(inert(_cell(row.get(c), human=True))) for c in columns])
    out_console().print(table)


def render(rows: list[dict], fmt: str, columns: list[str], *, doc=None, title=None, right=frozenset()) -> None:
    """rows as a table, CSV or Markdown; `doc` (default: the rows) as JSON."""
    fmt = fmt.value if isinstance(fmt, Enum) else fmt
    if fmt == "json":
        write_json(rows if doc is None else doc)
    elif fmt == "csv":
        write_csv(rows, columns)
    elif fmt == "markdown":
        write_markdown(rows, columns, title)
    else:
        write_table(rows, columns, title, right)


quiet = False  # --quiet: notes are left out; warnings and errors are always said


def note(message: str) -> None:
    """A message for the user on stderr, made inert whatever it quotes."""
    if not quiet:
        err.print(Text(inert(message)))


def warn(message: str) -> None:
    err.print(Text("Warning: ", style="yellow"), Text(inert(message)), sep="")


def error(message: str) -> None:
    err.print(Text("Error: ", style="bold red"), Text(inert(message)), sep="")


@contextmanager
def progress_bar(label: str):
    """A progress callback (done, total) drawing a bar on stderr when it is a terminal; None otherwise."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
