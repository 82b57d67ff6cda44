"""Tell an input's kind from its content, never from its file name."""

from __future__ import annotations

import csv
import json

from costcap.errors import InputError
from costcap.ingest import api_pages

KINDS = ("usage-csv", "cost-csv", "structlog", "batch-output", "usage-api-json")
TIME_COLUMNS = {"start_time", "end_time"}
LEGACY_USAGE_COLUMNS = {"n_context_tokens_total", "n_generated_tokens_total"}


class UnknownKind(InputError):
    """Content that is none of the kinds costcap reads."""


def decode_head(name: str, data: bytes, lenient: bool = False) -> str:
    """The head of a file as text; binary and non-UTF-8 content is refused with the line it starts on.

    lenient (--skip-bad): a bad byte only spoils its own line, which the line readers then skip and count.
    """
    if b"\x00" in data:
        raise UnknownKind(name, None, "this is a binary file, not an export or a log", "point costcap at CSV, JSONL or log files")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a multi-byte character cut by the head's length limit
            text = data[: exc.start].decode("utf-8")
        elif lenient:
            text = data.decode("utf-8", errors="replace")
        else:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(name, line, "the text is not UTF-8", "re-export the file as UTF-8") from None
    return text.removeprefix("\ufeff")


def detect(name: str, text: str) -> str:
    """The kind of a file whose first bytes are `text`."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise UnknownKind(name, None, "the file is empty", "export it again or leave it out")
    first = lines[0].strip()
    header = set(_csv_header(first))
    if TIME_COLUMNS <= header:
        return "cost-csv" if "amount_value" in header else "usage-csv"
    if LEGACY_USAGE_COLUMNS <= header:
        return "usage-csv"
    if api_pages.looks_like_page(text):
        return api_pages.KIND
    record = _json_object(first)
    if record is not None and "custom_id" in record and ("response" in record or "error" in record):
        return "batch-output"
    if record is not None and record.get("object") == "bucket":
        raise InputError(name, 1, "a single bucket, not a whole API page", "save the whole response of the Usage or Costs API")
    if first.startswith("[") and isinstance(_json_value(first), list):
        raise InputError(name, 1, "a JSON array is not an input costcap reads", "use JSON lines: one object per line")
    if any(_looks_like_log(line) for line in lines[:50]):
        return "structlog"
    raise UnknownKind(name, 1, "cannot tell what kind of file this is", f"pass --kind, one of: {', '.join(KINDS)}")


def forced(name: str, text: str, kind: str) -> str:
    """The kind given with --kind, once the file is known to hold something."""
    if not text.strip():
        raise UnknownKind(name, None, "the file is empty", "export it again or leave it out")
    return kind


def _csv_header(line: str) -> list[str]:
    try:
        return [c.strip() for c in next(csv.reader([line]))]
    except (csv.Error, StopIteration):
        return []


def _json_value(line: str):
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def _json_object(line: str) -> dict | None:
    value = _json_value(line) if line.startswith("{") else None
    return value if isinstance(value, dict) else None


def _looks_like_log(line: str) -> bool:
    return line.lstrip().startswith("{") or "=" in line or "{" in line
