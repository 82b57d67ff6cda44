"""Ingest exports, logs and Batch output into the store: files -> reader -> records -> calls, all files in one
transaction, each file once, and never silent: a file that gives nothing is said and not stored."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from costcap import aggregates, sql
from costcap.errors import InputError
from costcap.ingest import files, presets, readers
from costcap.ingest.calls import CallSink, Tally
from costcap.ingest.records import Options
from costcap.store import Store

PREVIEW_CALLS = 3
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
    dry_run: bool = False  # read and check everything, store nothing
    force: bool = False  # re-read a file already stored: its earlier sources (by path or content) go first
    recursive: bool = False  # a folder's subfolders are read too


@dataclass
class FileResult:
    """What one file added to the store."""

    path: str
    kind: str
    status: str  # ingested | appended | unchanged | not an input | passed over | nothing to store
    rows: int = 0
    skipped: int = 0
    bad: int = 0
    duplicates: int = 0  # calls whose request_id was stored already; for exports, older rows of the same bucket replaced
    spend_usd: Decimal = Decimal(0)
    unpriced: int = 0
    unpriced_models: list[str] = field(default_factory=list)
    first_line: int = 1
    bad_examples: list[str] = field(default_factory=list)
    preset: str | None = None
    note: str | None = None
    reported_usd: Decimal | None = None  # what the writing tool said these calls cost (LiteLLM's spend)
    priced_where_reported: Decimal | None = None
    field_keys: dict[str, str] = field(default_factory=dict)  # dry run: the key that fed each call field
    preview: list[dict] = field(default_factory=list)  # dry run: the first calls as they would be stored


def ingest(store: Store, request: Request, progress: Progress | None = None) -> list[FileResult]:
    """Ingest every file named; any error rolls the whole ingest back, and so does a dry run."""
    with tempfile.TemporaryDirectory(prefix="costcap-") as spool:
        items = files.expand(request.paths, Path(spool), request.recursive)
        with store.transaction(commit=not request.dry_run):
            found = [_ingest_file(store, item, request, progress) for item in items]
            aggregates.recount_runs(store)
            return found


def _ingest_file(store: Store, item: files.Input, request: Request, progress: Progress | None) -> FileResult:
    raw = files.head(item)
    binary = readers.binary_kind(raw)
    try:
        if binary is not None and request.kind in ("auto", binary.name):
            reader, head_text = binary, binary.head_text(item)
        else:
            head_text = readers.decode_head(item.name, raw, lenient=request.skip_bad)
            reader = readers.detect(item.name, head_text) if request.kind == "auto" else readers.forced(item.name, head_text, request.kind)
    except readers.UnknownKind as exc:
        if item.explicit:
            raise
        return FileResult(item.name, "unknown", "not an input", note=exc.what)
    if reader.note:
        return FileResult(item.name, reader.name, "passed over", note=reader.note(head_text))
    path = _stored_path(item)
    if request.force:
        _forget_earlier(store, item, path)
    # fetchall, not fetchone: DuckDB keeps a half-read result open and refuses to register Arrow data after it
    prior = next(iter(store.con.execute(sql.load("find_latest_source_by_path"), {"path": path}).fetchall()), None)
    grows = prior is not None and reader.appends and prior[3] == reader.name
    content = files.digest(item, prior[1] if grows else None)
    item.limit = content.size  # read what was hashed, no more: the stored size and lines then match the read
    if store.con.execute(sql.load("find_source_by_sha"), {"sha256": content.sha256}).fetchall():
        return FileResult(item.name, reader.name, "unchanged")
    appended = grows and content.prefix_sha256 == prior[0] and content.size > prior[1]
    skip_bytes, first_line = (prior[1], prior[2] + 1) if appended else (0, 1)
    source_id = store.con.execute(sql.load("next_source_id")).fetchall()[0][0]
    result = FileResult(item.name, reader.name, "appended" if appended else "ingested", first_line=first_line)
    if reader.calls:
        lines_read = _load_calls(store, reader, item, head_text, source_id, request, result, (skip_bytes, progress))
        spend_query = "source_calls_spend"
    else:
        lines_read, spend_query = _load_summary(store, reader, item, head_text, source_id, request, result)
    if result.status in ("ingested", "appended"):
        total_lines = prior[2] + lines_read if appended else lines_read
        _record_source(store, source_id, path, content.sha256, content.size, total_lines, result)
        _add_spend(store, spend_query, source_id, result)
    return result


def _forget_earlier(store: Store, item: files.Input, path: str) -> None:
    """--force: the sources of this path, and of this content under any path, are taken out before it is re-read."""
    from costcap import sources

    sha = files.digest(item).sha256
    earlier = {source_id: where for source_id, where in store.rows("find_sources", given="", path=path)}
    earlier |= {row[0]: row[1] for row in store.rows("find_source_by_sha", sha256=sha)}
    for source_id, where in sorted(earlier.items()):
        sources.remove(store, source_id, where)


def _stored_path(item: files.Input) -> str:
    if item.url:
        return item.url
    return item.name if item.name == "<stdin>" else str(item.path.resolve())


def _load_calls(store, reader, item, head_text, source_id, request, result, where) -> int:
    """Records -> calls through the file's preset; returns the lines (or values) read."""
    skip_bytes, progress = where
    sample = reader.sample(head_text)
    mapping = presets.Mapping(_preset(reader, request.options, sample), request.options.fields)
    result.preset = mapping.preset.name
    sink = CallSink(store, item.name, source_id, mapping, request.options, request.skip_bad)
    read, done = 0, skip_bytes
    try:
        for numbers, records, count, size in reader.batches(item, skip_bytes, result.first_line, sink.reject):
            sink.add(numbers, records)
            read, done = read + count, done + size
            if progress:
                progress(min(done, item.size), item.size)
    finally:
        tally = sink.close()
    found = store.con.execute(sql.load("delete_duplicate_calls"), {"source_id": source_id})
    result.duplicates = found.fetchone()[0]
    aggregates.count_source(store, source_id)
    result.rows = tally.calls - result.duplicates
    result.bad, result.bad_examples = tally.bad, tally.bad_examples
    result.skipped = read - tally.calls - tally.bad
    if request.dry_run:
        result.field_keys = _fed_by(mapping, sample)
        result.preview = store.dicts("preview_calls", source_id=source_id, limit=PREVIEW_CALLS)
    _never_silent(item, reader, mapping, tally, result)
    return read


def _preset(reader: readers.Reader, options: Options, sample: list[dict]) -> presets.Preset:
    if options.preset:
        return presets.named(options.preset)
    return presets.named(reader.preset) if reader.preset else presets.pick(sample)


def _never_silent(item: files.Input, reader: readers.Reader, mapping: presets.Mapping, tally: Tally, result: FileResult) -> None:
    """A file that gave no call: an error when it holds token counts, else said, and in either case not stored."""
    if tally.calls:
        if not result.rows:
            result.status, result.note = "nothing to store", f"all {result.duplicates} calls are stored already"
        return
    if tally.bad:
        result.status, result.note = "nothing to store", "every call in it was a bad line"
        return
    if tally.token_keys:
        others = ", ".join(p for p in presets.presets() if p != mapping.preset.name)
        raise InputError(
            item.name, None,
            f"it holds token counts ({', '.join(tally.token_keys)}) but no call could be read with the "
            f"{mapping.preset.name} preset",
            f"pass --preset with one of: {others}; or map the keys, e.g. --field input_tokens=KEY --field output_tokens=KEY",
        )  # fmt: skip
    result.status = "not an input"
    result.note = f"read as {reader.name}: no call and no token counts in it; nothing stored"


def _fed_by(mapping: presets.Mapping, sample: list[dict]) -> dict[str, str]:
    """For each call field, the key that fed it in the first records (the first key present, as SQL picks it)."""
    fed = {}
    for name in presets.call_fields():
        for record in sample:
            key = next((k for k in mapping.keys(name) if presets.lookup(record, k) is not None), None)
            if key:
                fed[name] = key
                break
    return fed


def _load_summary(store, reader, item, head_text, source_id, request, result) -> tuple[int, str]:
    rows, skipped, duplicates, table = reader.load(store.con, item, head_text, source_id, request.options.now)
    result.rows, result.skipped, result.duplicates = rows, skipped, duplicates
    if request.replace_range and table:
        start, end = request.replace_range
        query = "replace_cost_range" if table == "costs" else "replace_usage_range"
        found = store.con.execute(sql.load(query), {"source_id": source_id, "range_start": start, "range_end": end})
        result.duplicates += found.fetchone()[0]
    if not rows:
        result.status, result.note = "nothing to store", "only empty buckets: no usage or cost in it"
    return rows + skipped, "source_billed" if table == "costs" else "source_usage_spend"


def _record_source(store: Store, source_id: int, path: str, sha: str, size: int, lines: int, r: FileResult) -> None:
    store.con.execute(
        sql.load("insert_source"),
        {
            "source_id": source_id, "path": path, "sha256": sha, "kind": r.kind, "rows": r.rows,
            "skipped": r.skipped, "bad": r.bad, "duplicates": r.duplicates, "bytes": size, "lines": lines,
            "first_line": r.first_line,
        },
    )  # fmt: skip


def _add_spend(store: Store, query: str, source_id: int, result: FileResult) -> None:
    found = store.dicts(query, source_id=source_id)[0]
    result.spend_usd, result.unpriced = Decimal(found["spend_usd"]), found["unpriced"]
    result.unpriced_models = list(found["unpriced_models"] or [])
    result.reported_usd = found.get("reported_usd")
    result.priced_where_reported = found.get("priced_where_reported")
