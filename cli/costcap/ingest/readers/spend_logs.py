"""A CSV export of LiteLLM's LiteLLM_SpendLogs table: each row a record; cells holding JSON (metadata,
request_tags) are read as JSON so the preset can reach inside them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from costcap.errors import InputError
from costcap.ingest.readers import documents

COLUMNS = {"request_id", "call_type", "spend"}


def looks_like(header: set[str]) -> bool:
    return header >= COLUMNS


def rows(text: str, name: str, strict: bool = True) -> Iterator[tuple[int, dict]]:
    """(line the row starts on, record) for every row."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader, [])
        line = reader.line_num + 1
        for cells in reader:
            if len(cells) != len(header):
                if not strict:
                    return
                raise InputError(
                    name,
                    line,
                    f"the row has {len(cells)} cells where the header has {len(header)}",
                    "export the table again",
                )
            yield line, {key: _cell(value) for key, value in zip(header, cells, strict=False) if value != ""}
            line = reader.line_num + 1
    except csv.Error as exc:
        if strict:
            raise InputError(name, reader.line_num, f"not valid CSV ({exc})", "export the table again") from None


def _cell(value: str):
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return value
    return value


def batches(item, reject):
    return documents.batches(item, reject, rows)
