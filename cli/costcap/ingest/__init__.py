"""Ingest exports, logs and Batch output into the store: all files in one transaction, each file once."""

from __future__ import annotations

import tempfile
from functools import cache
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from costcap import sql
from costcap.errors import InputError
from costcap.ingest import api_pages, batch_output, bulk, detect, exports, files, loglines, records
from costcap.ingest.records import BadRecord, Options
from costcap.store import Store

CHUNK_ROWS = 100_000
MAX_BAD_EXAMPLES = 5
LINE_KINDS = ("structlog", "batch-output")
CALL_COLUMNS = (
    "source_id", "line", "origin", "ts", "feature", "batch_type", "model", "tier", "service_tier",
    "input_tokens", "cached_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens",
    "finish_reason", "max_tokens", "status", "status_code", "error", "attempt", "request_id",
    "custom_id", "order_id", "batch_size", "event",
)  # fmt: skip
Progress = Callable[[int, int], None]


@dataclass
class Request:
    """What to ingest and how."""

    paths: list[str]
    kind: str = "auto"
    options: Options = field(default_factory=Options)
    skip_bad: bool = False
    # a pull: API rows replace every stored bucket that starts in [start, end), whatever source it came from
    replace_range: tuple[datetime, datetime] | None = None


@dataclass
class FileResult:
    """What one file added to the store."""

    path: str
    kind: str
    status: str  # ingested | appended | unchanged
    rows: int = 0
    skipped: int = 0
    bad: int = 0
    duplicates: int = 0  # calls whose request_id was stored already; for exports, older rows of the same bucket replaced
    spend_usd: Decimal = Decimal(0)
    unpriced: int = 0
    unpriced_models: list[str] = field(default_factory=list)
    first_line: int = 1
    bad_examples: list[str] = field(default_factory=list)


def ingest(store: Store, request: Request, progress: Progress | None = None) -> list[FileResult]:
    """Ingest every file named; any error rolls the whole ingest back."""
    with tempfile.TemporaryDirectory(prefix="costcap-") as spool:
        items = files.expand(request.paths, Path(spool))
        with store.transaction():
            return [_ingest_file(store, item, request, progress) for item in items]


def _ingest_file(store: Store, item: files.Input, request: Request, progress: Progress | None) -> FileResult:
    head_text = detect.decode_head(item.name, files.head(item), lenient=request.skip_bad)
    try:
        kind = detect.detect(item.name, head_text) if request.kind == "auto" else detect.forced(item.name, head_text, request.kind)
    except detect.UnknownKind:
        if item.explicit:
            raise
        return FileResult(item.name, "unknown", "not an input")
    path = _stored_path(item)
    # fetchall, not fetchone: DuckDB keeps a half-read result open and refuses to register Arrow data after it
    prior = next(iter(store.con.execute(sql.load("find_latest_source_by_path"), {"path": path}).fetchall()), None)
    grows = prior is not None and kind in LINE_KINDS and prior[3] == kind
    content = files.digest(item, prior[1] if grows else None)
    sha, size = content.sha256, content.size
    if store.con.execute(sql.load("find_source_by_sha"), {"sha256": sha}).fetchall():
        return FileResult(item.name, kind, "unchanged")
    appended = grows and content.prefix_sha256 == prior[0] and size > prior[1]
    skip_bytes, first_line = (prior[1], prior[2] + 1) if appended else (0, 1)
    source_id = store.con.execute(sql.load("next_source_id")).fetchall()[0][0]
    result = FileResult(item.name, kind, "appended" if appended else "ingested", first_line=first_line)
    spend_query = None
    if kind in LINE_KINDS:
        reader = LineReader(store, item, kind, source_id, request, result)
        lines_read = reader.load(skip_bytes, progress, bulk_ok=not content.lone_cr)
    elif kind == api_pages.KIND:
        result.rows, result.skipped, result.duplicates, table = api_pages.load(store.con, item, source_id, request.options.now)
        if request.replace_range and table:
            start, end = request.replace_range
            query = "replace_cost_range" if table == "costs" else "replace_usage_range"
            found = store.con.execute(sql.load(query), {"source_id": source_id, "range_start": start, "range_end": end})
            result.duplicates += found.fetchone()[0]
        spend_query, lines_read = _SPEND_QUERY["cost-csv" if table == "costs" else "usage-csv"], result.rows + result.skipped
    else:
        loader = exports.load_usage if kind == "usage-csv" else exports.load_costs
        result.rows, result.skipped, result.duplicates = loader(store.con, item, head_text, source_id, request.options.now)
        lines_read = result.rows + result.skipped + 1
    _record_source(store, source_id, path, sha, size, prior[2] + lines_read if appended else lines_read, result)
    _add_spend(store, spend_query or _SPEND_QUERY.get(kind, "source_calls_spend"), source_id, result)
    return result


def _stored_path(item: files.Input) -> str:
    return item.name if item.name == "<stdin>" else str(item.path.resolve())


class LineReader:
    """Reads a log or Batch output file line by line, or structlog logs through the bulk path and its leftovers."""

    def __init__(self, store: Store, item: files.Input, kind: str, source_id: int, request: Request, result: FileResult):
        self.store, self.item, self.kind, self.source_id = store, item, kind, source_id
        self.request, self.result = request, result

    def load(self, skip_bytes: int, progress: Progress | None, bulk_ok: bool) -> int:
        """Store every call, then drop those whose request_id is stored already; returns the lines read."""
        done = self._bulk(skip_bytes, progress, bulk_ok)
        if done is None:
            lines, stored = self._read(self._numbered(skip_bytes, progress))
        else:
            lines, stored = done.lines, done.stored + self._read(bulk.leftover_lines(self.store.con))[1]
        found = self.store.con.execute(sql.load("delete_duplicate_calls"), {"source_id": self.source_id})
        self.result.duplicates = found.fetchone()[0]
        self.result.rows = stored - self.result.duplicates
        self.result.skipped = lines - stored - self.result.bad
        return lines

    def _bulk(self, skip_bytes: int, progress: Progress | None, bulk_ok: bool) -> bulk.Outcome | None:
        """The bulk pass for a structlog file it can take, else None (and nothing stored)."""
        if not bulk_ok or self.kind != "structlog" or not bulk.usable(self.request.options):
            return None
        try:
            return bulk.load(self.store.con, self.item, self.source_id, self.result.first_line, skip_bytes,
                             self.request.options, progress)  # fmt: skip
        except bulk.NotBulk:
            self.store.con.execute(sql.load("delete_source_calls"), {"source_id": self.source_id})
            return None

    def _numbered(self, skip_bytes: int, progress: Progress | None):
        line_no = self.result.first_line - 1
        for offset, raw in files.lines(self.item, skip_bytes):
            line_no += 1
            yield line_no, raw
            if progress and line_no % CHUNK_ROWS == 0:
                progress(offset, self.item.size)

    def _read(self, numbered) -> tuple[int, int]:
        """Parse and check each (line number, raw line), storing calls in chunks; returns (lines, calls stored)."""
        parse = loglines.parse if self.kind == "structlog" else batch_output.parse
        to_row = _log_row if self.kind == "structlog" else batch_output.to_row
        lines, stored, chunk = 0, 0, _empty_chunk()
        for line_no, raw in numbered:
            lines += 1
            try:
                row = _parse_line(raw, parse, to_row, self.request.options)
            except BadRecord as exc:
                _bad_line(self.item, line_no, exc, self.request, self.result)
                continue
            if row is None:
                continue
            row["source_id"], row["line"] = self.source_id, line_no
            for name in CALL_COLUMNS:
                chunk[name].append(row[name])
            if len(chunk["line"]) >= CHUNK_ROWS:
                stored += _store_chunk(self.store, chunk)
                chunk = _empty_chunk()
        return lines, stored + _store_chunk(self.store, chunk)


def _parse_line(raw: bytes, parse, to_row, options: Options) -> dict | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRecord("the line is not UTF-8 text", "re-write the log as UTF-8, or pass --skip-bad") from None
    record = parse(text.removeprefix("\ufeff"))
    if record is None:
        return None
    return to_row(record, options)


def _log_row(record: dict, options: Options) -> dict | None:
    """A log record becomes a call only when it carries token counts; other events are skipped."""
    if not records.is_call(record, options):
        return None
    return records.to_call(record, options, origin="log")


def _bad_line(item, line_no: int, exc: BadRecord, request: Request, result: FileResult) -> None:
    if not request.skip_bad:
        raise InputError(item.name, line_no, exc.what, exc.fix) from None
    result.bad += 1
    if len(result.bad_examples) < MAX_BAD_EXAMPLES:
        result.bad_examples.append(f"{item.name}:{line_no}: {exc.what}")


def _empty_chunk() -> dict[str, list]:
    return {name: [] for name in CALL_COLUMNS}


def _store_chunk(store: Store, chunk: dict[str, list]) -> int:
    rows = len(chunk["line"])
    if rows:
        import pyarrow as pa

        store.con.register("incoming_chunk", pa.table(chunk, schema=_arrow_schema()))
        store.con.execute(sql.load("store_calls_chunk"))
        store.con.unregister("incoming_chunk")
    return rows


@cache
def _arrow_schema():
    import pyarrow as pa

    text, big, small = pa.string(), pa.int64(), pa.int32()
    types = {
        "source_id": small, "line": big, "ts": pa.timestamp("us"), "input_tokens": big, "cached_tokens": big,
        "cache_write_tokens": big, "output_tokens": big, "reasoning_tokens": big, "max_tokens": big,
        "status_code": small, "attempt": small, "batch_size": small,
    }  # fmt: skip
    return pa.schema([(name, types.get(name, text)) for name in CALL_COLUMNS])


def _record_source(store: Store, source_id: int, path: str, sha: str, size: int, lines: int, r: FileResult) -> None:
    store.con.execute(
        sql.load("insert_source"),
        {
            "source_id": source_id, "path": path, "sha256": sha, "kind": r.kind, "rows": r.rows,
            "skipped": r.skipped, "bad": r.bad, "duplicates": r.duplicates, "bytes": size, "lines": lines,
            "first_line": r.first_line,
        },
    )  # fmt: skip


_SPEND_QUERY = {"usage-csv": "source_usage_spend", "cost-csv": "source_billed"}


def _add_spend(store: Store, query: str, source_id: int, result: FileResult) -> None:
    spend, unpriced, models = store.con.execute(sql.load(query), {"source_id": source_id}).fetchone()
    result.spend_usd, result.unpriced, result.unpriced_models = Decimal(spend), unpriced, list(models or [])
