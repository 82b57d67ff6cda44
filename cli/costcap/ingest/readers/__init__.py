"""The registry of input readers: each kind's name, how it knows a file from its head, and how it loads.

Detection, the --kind choices, the per-kind summaries, the tests' lists and the benchmark's inputs all come from
READERS. Call readers stop at records (line, JSON object text); ingest/calls.py makes the calls. Summary readers
(exports, API pages) store aggregates, never calls.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from costcap.errors import InputError
from costcap.ingest.readers import (
    api_pages,
    batch_object,
    documents,
    exports,
    lines,
    log_csv,
    otlp,
    parquet,
    spend_logs,
)


class UnknownKind(InputError):
    """Content that no reader claims."""


@dataclass(frozen=True)
class Head:
    """The first bytes of a file as text, with the views of it the readers sniff."""

    name: str
    text: str

    @cached_property
    def lines(self) -> list[str]:
        # \n only: U+2028 and other Unicode breaks are text inside a JSON string, not ends of lines
        return [line.rstrip("\r") for line in self.text.split("\n") if line.strip()]

    @cached_property
    def columns(self) -> list[str]:
        """The first line read as a CSV header (empty when it is not one)."""
        try:
            return [c.strip() for c in next(csv.reader([self.lines[0].strip()]))] if self.lines else []
        except csv.Error:
            return []

    @cached_property
    def first_object(self) -> dict | None:
        first = self.lines[0].strip() if self.lines else ""
        if not first.startswith("{"):
            return None
        try:
            value = json.loads(first)
        except (json.JSONDecodeError, RecursionError):
            return None
        return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Reader:
    """One input kind. A call reader gives `batches` of records and a `sample` of them for picking a preset; a
    summary reader `load`s aggregates itself."""

    name: str
    what: str
    sniff: Callable[[Head], bool]
    batches: Callable | None = None  # (item, skip_bytes, first_line, reject) -> ((lines, records, read, bytes), ...)
    sample: Callable[[str], list[dict]] | None = None
    load: Callable | None = None  # (store, item, head_text, source_id, now) -> (rows, skipped, replaced, table)
    preset: str | None = None  # the preset it always uses; None: picked from the records' keys
    appends: bool = False  # a grown file is read from where the last ingest stopped
    note: Callable[[str], str] | None = None  # a file passed over, never stored: what to do instead
    binary: Callable[[bytes], bool] | None = None  # a binary format known by its first bytes, read as text by head_text
    head_text: Callable | None = None  # (item) -> the first records as text, for a binary format

    @property
    def calls(self) -> bool:
        return self.batches is not None


def _export(loader, table: str):
    return lambda store, item, head_text, source_id, now: (*loader(store, item, head_text, source_id, now), table)


def _api(loader):
    return lambda store, item, head_text, source_id, now: loader(store, item, source_id, now)


def _whole_document(reader_batches):
    return lambda item, skip_bytes, first_line, reject: reader_batches(item, reject)


def _usage_csv(head: Head) -> bool:
    header = set(head.columns)
    return ({"start_time", "end_time"} <= header and "amount_value" not in header) or header >= exports.LEGACY_USAGE


READERS: tuple[Reader, ...] = (
    Reader("usage-csv", "dashboard usage export (completions_usage_*.csv, 2023-2026 headers)", _usage_csv,
           load=_export(exports.load_usage, "usage")),
    Reader("cost-csv", "dashboard cost export (cost_*.csv)", lambda h: {"start_time", "amount_value"} <= set(h.columns),
           load=_export(exports.load_costs, "costs")),
    Reader("spend-logs-csv", "LiteLLM SpendLogs table exported as CSV", lambda h: spend_logs.looks_like(set(h.columns)),
           batches=_whole_document(spend_logs.batches), sample=lambda t: documents.sample(t, spend_logs.rows),
           preset="litellm"),
    Reader("log-csv", "a log platform's CSV export whose columns hold the calls' token counts (one event per row)",
           lambda h: log_csv.looks_like(h.columns), batches=_whole_document(log_csv.batches),
           sample=lambda t: documents.sample(t, spend_logs.rows)),
    Reader("usage-api-json", "Usage or Costs API pages, JSON lines of pages, or a bare array of buckets",
           lambda h: api_pages.looks_like_page(h.text), load=_api(api_pages.load)),
    Reader("usage-legacy-json", "the legacy /v1/usage JSON (snapshot_id, n_context_tokens_total)",
           lambda h: api_pages.looks_like_legacy(h.text), load=_api(api_pages.load_legacy)),
    Reader("batch-object", "a saved Batch object: a summary, passed over for its output file",
           lambda h: batch_object.looks_like(h.text), note=batch_object.note),
    Reader("otlp-json", "OpenTelemetry OTLP/JSON traces (resourceSpans)", lambda h: otlp.looks_like(h.text),
           batches=_whole_document(lambda item, reject: documents.batches(item, reject, otlp.spans)),
           sample=lambda t: documents.sample(t, otlp.spans), preset="otel"),
    Reader("batch-output", "Batch API output or error file", lambda h: _batch_line(h.first_object),
           batches=lines.batches, sample=lines.sample, preset="batch-output", appends=True),
    Reader("json-document", "a JSON array or a stream of pretty-printed JSON values (LiteLLM /spend/logs, OTel console spans)",
           lambda h: documents.looks_like(h.text), batches=_whole_document(documents.batches), sample=documents.sample),
    Reader("parquet", "Parquet files with a log's fields as columns (hive partition keys in the path become fields)",
           lambda h: False, batches=parquet.batches, sample=lines.sample, binary=parquet.looks_like,
           head_text=parquet.head_text),
    Reader("structlog", "application call logs, one event per line: structlog (every renderer), python-json-logger, "
           "LangChain, Rasa, AutoGen and home-made JSON lines", lambda h: any(_log_like(line) for line in h.lines[:50]),
           batches=lines.batches, sample=lines.sample, appends=True),
)  # fmt: skip
KINDS = tuple(r.name for r in READERS)


def _batch_line(record: dict | None) -> bool:
    return record is not None and "custom_id" in record and ("response" in record or "error" in record)


def _log_like(line: str) -> bool:
    return line.lstrip().startswith("{") or "=" in line or "{" in line


def binary_kind(data: bytes) -> Reader | None:
    """The binary format whose first bytes these are, if any (text formats are told apart by `detect`)."""
    return next((r for r in READERS if r.binary and r.binary(data)), None)


def named(name: str) -> Reader:
    return next(r for r in READERS if r.name == name)


def detect(name: str, text: str) -> Reader:
    """The first reader that claims a file whose first bytes are `text`; else an error saying what it looks like."""
    head = Head(name, text)
    if not head.lines:
        raise UnknownKind(name, None, "the file is empty", "export it again or leave it out")
    if head.first_object is not None and head.first_object.get("object") == "bucket":
        raise InputError(
            name, 1, "a single bucket, not a whole API page", "save the whole response of the Usage or Costs API"
        )
    for reader in READERS:
        if reader.sniff(head):
            return reader
    raise UnknownKind(name, 1, f"{_looks(head)}, which is no input costcap reads", f"costcap reads: {', '.join(KINDS)}")


def forced(name: str, text: str, kind: str) -> Reader:
    """The reader given with --kind, once the file is known to hold something."""
    if not text.strip():
        raise UnknownKind(name, None, "the file is empty", "export it again or leave it out")
    return named(kind)


def _looks(head: Head) -> str:
    """What an unclaimed file looks like, in a few words."""
    columns = head.columns
    if len(columns) > 1:
        shown = ", ".join(columns[:6]) + (", ..." if len(columns) > 6 else "")
        return f"a CSV with the columns {shown}"
    return "text with no JSON, key=value or console log lines"


def decode_head(name: str, data: bytes, lenient: bool = False) -> str:
    """The head of a file as text; binary and non-UTF-8 content is refused with the line it starts on.

    lenient (--skip-bad): a bad byte only spoils its own line, which the readers then skip and count.
    """
    if b"\x00" in data:
        raise UnknownKind(
            name, None, "this is a binary file, not an export or a log", "point costcap at CSV, JSONL or log files"
        )
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
