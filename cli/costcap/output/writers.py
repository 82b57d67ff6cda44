"""The writers: one function per output format, all reading the same `Doc`. A command accepts a subset by name."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from html import escape

from costcap import redact
from costcap.document import KEY, Column, Doc, Section
from costcap.numbers import counted, data_value, plain
from costcap.output.cells import cell, data_columns, right_aligned
from costcap.output.html import page
from costcap.output.talk import _CONTROL, inert, md_escape, note, out_console

WRITERS: dict[str, Callable[[Doc], str]] = {}
TALKING = ("table", "markdown", "html")  # formats for people: a section's footer is said on stderr
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def writer(name: str):
    def register(function):
        WRITERS[name] = function
        return function

    return register


def render(doc: Doc, fmt: str) -> str:
    """`doc` as text in format `fmt`, with no secret in it; a format no writer has is a bug in the command."""
    fmt = getattr(fmt, "value", fmt)
    if fmt not in WRITERS:
        raise ValueError(f"{fmt!r} is not a format costcap can write ({', '.join(WRITERS)})")
    return redact.text(WRITERS[fmt](doc))


def write(doc: Doc, fmt: str, out=None) -> None:
    """Render `doc` in format `fmt` to stdout (or `out`), and say its sections' footers on stderr."""
    fmt = getattr(fmt, "value", fmt)
    (out or sys.stdout).write(render(doc, fmt))
    if fmt in TALKING:
        for section in doc.sections:
            if section.footer:
                note(section.footer)


# JSON: plain decimals (never an exponent), dates as ISO text, non-ASCII kept.
@writer("json")
def json_text(doc: Doc) -> str:
    return _json(doc.data, 0) + "\n"


def _json(value, depth: int) -> str:
    value = data_value(value)
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_json(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _json(v, depth + 1) for v in value) + "\n" + pad + "]"
    if value is None or isinstance(value, str):
        # invisible and control characters as JSON escapes: the same string to a parser, inert in a terminal
        return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
    if isinstance(value, (bool, int, float)) or type(value).__name__ == "Decimal":
        return plain(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# CSV: the main table, snake_case headers, plain numbers; no cell a spreadsheet would run as a formula.
@writer("csv")
def csv_text(doc: Doc) -> str:
    section = doc.main
    buffer = io.StringIO()
    rows = csv.writer(buffer, lineterminator="\n")
    if section is not None:
        columns = data_columns(section)
        rows.writerow([c.key for c in columns])
        rows.writerows([_csv_cell(row.get(c.key)) for c in columns] for row in section.rows)
    return buffer.getvalue()


def _csv_cell(value) -> str:
    value = data_value(value)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ", ".join(map(str, value))
    elif isinstance(value, dict):
        value = ", ".join(f"{k}={v}" for k, v in value.items())
    if not isinstance(value, str):
        return plain(value)
    text = inert(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


# Markdown: every section as a table, headers in words, cells escaped so no name renders as a link or HTML.
@writer("markdown")
def markdown_text(doc: Doc) -> str:
    lines = [f"# {md_escape(doc.title)}", ""] if doc.title else []
    lines += [f"- **{label}**: {md_escape(value)}" for label, value in doc.summary]
    for section in doc.sections:
        lines += ["", f"## {md_escape(section.title)}", ""] if (doc.summary or len(doc.sections) > 1 or lines) else []
        lines += _markdown_table(section)
    return "\n".join(lines).lstrip("\n") + "\n"


def _markdown_table(section: Section) -> list[str]:
    columns = data_columns(section)
    return [
        "| " + " | ".join(c.heading for c in columns) + " |",
        "|" + "".join("---:|" if right_aligned(c) else "---|" for c in columns),
        *("| " + " | ".join(md_escape(cell(c, row)) for c in columns) + " |" for row in section.rows),
    ]


# GitHub: a pull-request comment. The summary on top, every section folded under its title (GitHub's <details>).
@writer("github")
def github_text(doc: Doc) -> str:
    lines = [f"### {md_escape(doc.title)}", ""] if doc.title else []
    if doc.summary:
        lines += [" · ".join(f"**{md_escape(label)}** {md_escape(value)}" for label, value in doc.summary), ""]
    for section in doc.sections:
        title = escape(f"{section.title} ({counted(len(section.rows), 'row')})", quote=False).replace("$", "&#36;")
        lines += ["<details>", f"<summary>{title}</summary>", "", *_markdown_table(section), "", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# Tables: fitted to the terminal. Key columns are never cut; low-value columns drop first when the width is short.
@writer("table")
def table_text(doc: Doc) -> str:
    console = out_console()
    with console.capture() as captured:
        if doc.summary:
            console.print(_summary(doc))
        for section in doc.sections:
            console.print(_stacked(section, console.width) if section.stacked else _grid(section, console.width))
    return captured.get()


def _summary(doc: Doc):
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    head = Table.grid(padding=(0, 2))
    head.add_column(no_wrap=True)
    head.add_column(overflow="fold")
    for label, value in doc.summary:
        head.add_row(Text(label, style="bold"), Text(inert(value)))
    return Panel(head, title=doc.title or None, title_align="left", expand=False)


def fitted(section: Section, width: int) -> list[Column]:
    """The columns that fit `width`: the droppable ones with the highest drop rank go first, rightmost first."""
    shown = list(section.columns)
    widths = {c.key: max([len(c.heading)] + [len(cell(c, row)) for row in section.rows]) for c in shown}

    def total() -> int:
        return sum(widths[c.key] + 3 for c in shown) + 1  # one space each side and a rule per column

    while total() > width:
        droppable = [c for c in shown if c.drop != KEY]
        if not droppable:
            break
        shown.remove(max(reversed(droppable), key=lambda c: c.drop))
    return shown


def _grid(section: Section, width: int):
    from rich.table import Table
    from rich.text import Text

    shown = fitted(section, width)
    natural = {c.key: max([len(c.heading)] + [len(cell(c, row)) for row in section.rows]) for c in shown}
    # names keep their whole width unless the names alone are wider than the terminal: then they wrap, never cut
    keys_fit = sum(natural[c.key] + 3 for c in shown if c.drop == KEY) + 1 <= width
    table = Table(title=section.title, title_justify="left", header_style="bold")
    for c in shown:
        if c.drop == KEY and keys_fit:  # the other columns wrap around a name
            table.add_column(
                c.heading, justify="right" if right_aligned(c) else "left", no_wrap=True, min_width=natural[c.key]
            )
        else:
            table.add_column(c.heading, justify="right" if right_aligned(c) else "left", overflow="fold")
    for row in section.rows:
        table.add_row(*[Text(cell(c, row)) for c in shown])
    left = [c.heading or c.key for c in section.columns if c not in shown and not c.table_only]
    if left:
        note(
            f"{section.title or section.name}: left out to fit {width} columns: {', '.join(left)} (-f json shows every field)"
        )
    return table


_LONG = ("detail", "fix", "evidence")


def _stacked(section: Section, width: int):
    """Each row as a block: the short fields on one line, then each long text wrapped beneath it."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    parts: list = [Text(section.title, style="italic")]
    short = [c for c in section.columns if c.key not in _LONG]
    for row in section.rows:
        fields = [(c, cell(c, row)) for c in short]
        head = Text("  ").join(
            Text(value, style="bold" if c is short[0] else "") if c.drop == KEY else Text(f"{c.heading} {value}")
            for c, value in fields
            if value
        )
        parts.append(head)
        for c in section.columns:
            if c.key in _LONG and row.get(c.key):
                label = "" if c.key == "detail" else f"{c.heading}: "
                parts.append(Padding(Text(label, style="bold") + Text(cell(c, row)), (0, 0, 0, 4), expand=False))
    return Group(*parts)


# Python and TOML: the constants a command offers to paste into code (budget's caps).
@writer("python")
def python_text(doc: Doc) -> str:
    # repr: a valid Python literal for any name, with invisible characters escaped
    return "".join(f"{name.upper()} = {_python(value)}\n" for name, value in doc.constants.items())


def _python(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in value.items()) + "}"
    return repr(value)


@writer("toml")
def toml_text(doc: Doc) -> str:
    lines = []
    for name, value in doc.constants.items():
        if isinstance(value, dict):
            lines += [f"[{name}]"] + [f"{toml_string(k)} = {v}" for k, v in value.items()]
        else:
            lines.append(f"{name} = {value}")
    return "\n".join(lines) + "\n"


def toml_string(text: str) -> str:
    """A TOML basic string for any text: quotes and backslashes escaped, control and invisible characters as
    \\uXXXX or \\UXXXXXXXX (TOML has no surrogates, so never JSON's \\ud83d pairs)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable() and ch not in "\u2028\u2029":
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


@writer("html")
def html_text(doc: Doc) -> str:
    return page(doc)
