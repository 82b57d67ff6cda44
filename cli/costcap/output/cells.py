"""A section's cells as people read them, shared by the text writers and the HTML page."""

from __future__ import annotations

from costcap.document import Column, Section
from costcap.numbers import human
from costcap.output.talk import inert


def data_columns(section: Section) -> list[Column]:
    """The columns every writer but the terminal table shows: a bar is a picture of another column."""
    return [c for c in section.columns if not c.table_only]


def cell(section_column: Column, row: dict) -> str:
    """A cell as people read it, made inert."""
    return inert(human(row.get(section_column.key), section_column.kind, section_column.missing))


def right_aligned(column: Column) -> bool:
    return column.kind in ("money", "rate", "price", "count", "number", "pct")
