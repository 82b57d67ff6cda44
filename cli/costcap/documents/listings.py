"""The documents of the smaller commands: ingest and pull (what each file gave), sources, forget, explain, tokens,\ndoctor and sql."""

from __future__ import annotations

import os.path
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from costcap.document import EXTRA, KEEP, KEY, Doc, column, one_table
from costcap.numbers import counted, exact, money

FILE_COLUMNS = [
    column("file", drop=KEY), column("kind"), column("preset", drop=EXTRA), column("status", drop=KEY),
    column("rows", drop=KEEP), column("skipped", drop=EXTRA), column("bad"), column("duplicates", "dupes", drop=EXTRA),
    column("spend_usd", "spend", drop=KEEP), column("unpriced", kind="count"),
]  # fmt: skip


def files_document(results) -> Doc:
    """What each file (or pulled range) added to the store; the table names files below the folder they share."""
    docs = [file_doc(r) for r in results]
    folder = _shared_folder([r.path for r in results])
    rows = [{**d, "file": d["file"][len(folder):] if folder else d["file"],
             "spend_usd": r.spend_usd if r.status in ("ingested", "appended") else None} for d, r in zip(docs, results, strict=False)]  # fmt: skip
    title = f"Files in {folder}" if folder else ""
    return one_table("ingest", "files", title, FILE_COLUMNS, rows, {"files": docs})


def _shared_folder(paths: list[str]) -> str:
    """The folder every path lies in, with its trailing slash ('' when they share none)."""
    if not paths or any(p == "-" or "/" not in p for p in paths):
        return ""
    folder = os.path.commonpath(paths) if len(paths) > 1 else os.path.dirname(paths[0])
    if len(paths) > 1 and folder in paths:
        folder = os.path.dirname(folder)
    return folder.rstrip("/") + "/" if folder else ""


def file_doc(r) -> dict:
    return {
        "file": r.path, "kind": r.kind, "preset": r.preset, "status": r.status, "note": r.note,
        "rows": r.rows, "skipped": r.skipped, "bad": r.bad,
        "duplicates": r.duplicates, "spend_usd": money(r.spend_usd),
        "spend_usd_exact": exact(r.spend_usd), "unpriced": r.unpriced,
        "unpriced_models": r.unpriced_models,
        "priced_coverage": round((r.rows - r.unpriced) / r.rows, 6) if r.rows else None,
        "reported_usd": exact(r.reported_usd) if r.reported_usd is not None else None,
        "rounded_amounts": r.rounded_amounts, "largest_rounding_usd": r.largest_rounding_usd,
        "read_as": r.read_as, "inferred_mapping": r.inferred, "passed_over": r.passed_over,
        "disagreeing_parent_spans": r.disagreeing_parents, "times_without_offset": r.naive_times,
        "unread_token_records": r.unread, "unread_token_keys": r.unread_keys,
        "field_keys": r.field_keys, "preview": [_preview(c) for c in r.preview],
    }  # fmt: skip


def _preview(call: dict) -> dict:
    return {**call, "cost_usd": exact(call["cost_usd"]) if call["cost_usd"] is not None else None}


SOURCE_COLUMNS = [
    column("id", kind="count", drop=KEY), column("path", kind="path", drop=KEY), column("kind", drop=KEEP), column("rows", drop=KEEP),
    column("first_line", "from line", drop=EXTRA), column("first_day", "first day"), column("last_day", "last day"),
    column("spend_usd", "spend", drop=KEEP), column("unpriced", kind="count", drop=EXTRA), column("ingested_at", "ingested", drop=EXTRA),
]  # fmt: skip


def sources_document(rows: list[dict], db: str) -> Doc:
    shown = [{**r, "spend_usd": money(r["spend_usd"])} for r in rows]
    return one_table("sources", "sources", f"Sources in {Path(db).name}", SOURCE_COLUMNS, shown)


FORGOTTEN_COLUMNS = [column("source_id", "id", kind="count", drop=KEY), column("path", kind="path", drop=KEY), column("calls"),
                     column("kept", "kept (held elsewhere)", drop=EXTRA), column("usage_rows", "usage rows"),
                     column("cost_rows", "cost rows"), column("spend_usd", "spend")]  # fmt: skip


def forgotten_document(gone, dry_run: bool = False) -> Doc:
    rows = [{**vars(f), "spend_usd": money(f.spend_usd)} for f in gone]
    title = "Would be forgotten (dry run)" if dry_run else "Forgotten"
    return one_table("forget", "forgotten", title, FORGOTTEN_COLUMNS, rows, {"forgotten": rows, "dry_run": dry_run})


CALL_COLUMNS = [
    column("path", kind="path", drop=KEY), column("line", drop=KEY), column("ts", "time", drop=EXTRA), column("feature"),
    column("model"), column("tier", drop=EXTRA), column("input_tokens", "input tok"),
    column("cached_tokens", "cached tok", drop=EXTRA), column("output_tokens", "output tok", drop=KEEP),
    column("status", drop=EXTRA), column("finish_reason", "finish", drop=KEEP), column("cost_usd", "cost", kind="rate", drop=KEY, missing="unpriced"),
]  # fmt: skip


def explained_document(found) -> Doc:
    rows = [{**r, "cost_usd": money(r["cost_usd"])} for r in found.rows]
    data = {"asked": found.asked, "calls": found.calls, "cost_usd": money(found.cost_usd), "shown": rows}
    asked = {k: v for k, v in found.asked.items() if k != "latest"}
    said = ", ".join(f"{k} {v}" for k, v in asked.items())
    latest = found.asked.get("latest")
    title = ("The latest call" if latest == 1 else f"The {latest} latest calls") if latest else "The calls"
    return one_table("explain", "calls", f"{title} behind {said}" if said else title, CALL_COLUMNS, rows, data)


TOKEN_COLUMNS = [column("model", drop=KEY), column("encoding"), column("tokens", kind="count", drop=KEY),
                 column("input_cost_usd", "input cost", kind="rate", missing="unpriced")]  # fmt: skip


def tokens_document(model: str, encoding: str, count: int, cost, uncounted: list[str]) -> Doc:
    row = {"model": model, "encoding": encoding, "tokens": count, "input_cost_usd": money(cost)}
    return one_table("tokens", "tokens", "", TOKEN_COLUMNS, [row], {**row, "uncounted": uncounted})


HEALTH_COLUMNS = [column("check", drop=KEY), column("status", drop=KEY), column("found", drop=KEY)]


def health_document(checks) -> Doc:
    rows = [vars(c) for c in checks]
    return one_table("doctor", "checks", "costcap doctor", HEALTH_COLUMNS, rows, {"checks": rows})


def query_document(columns: list[str], rows: list[tuple]) -> Doc:
    """A person's own query: its columns as DuckDB named them, each read by its name (cost_usd is money); a value
    of a type no writer knows (a list, a struct, bytes) as its text."""
    dicts = [{k: _simple(v) for k, v in zip(columns, row, strict=False)} for row in rows]
    shown = [column(name, name, drop=KEY if i == 0 else None) for i, name in enumerate(dict.fromkeys(columns))]
    return one_table("sql", "rows", counted(len(rows), "row"), shown, dicts, {"columns": columns, "rows": dicts})


def moved_document(command: str, folder: str, moved) -> Doc:
    """What an export wrote or an import loaded: each table and its rows."""
    rows = [{"table": m.table, "rows": m.rows} for m in moved]
    shown = [column("table", "table", drop=KEY), column("rows", "rows")]
    return one_table(command, "tables", f"{folder}: {counted(len(rows), 'table')}", shown, rows,
                     {"folder": folder, "tables": rows})  # fmt: skip


def _simple(value):
    return value if value is None or isinstance(value, (bool, int, float, str, Decimal, date, datetime)) else str(value)
