"""Dashboard usage and cost CSV exports, read by DuckDB's CSV reader and mapped by header name."""

from __future__ import annotations

import csv
import re
from datetime import datetime

from costcap.endpoints import DETAILS, ENDPOINTS, Endpoint, of_export
from costcap.errors import InputError
from costcap.ingest.files import Input

# Our column name -> header names that carry it, across the 2023-2026 export versions (FORMATS.md 1.2, 1.6).
USAGE_COLUMNS = {
    "start_time": ["start_time", "timestamp", "aggregation_timestamp"],
    "end_time": ["end_time"],
    "start_time_iso": ["start_time_iso"],
    "end_time_iso": ["end_time_iso"],
    "project_id": ["project_id"],
    "user_id": ["user_id", "user"],
    "api_key_id": ["api_key_id", "api_key_name"],
    "model": ["model", "snapshot_id"],
    "batch": ["batch"],
    "service_tier": ["service_tier"],
    "requests": ["num_model_requests", "n_requests"],
    "input_tokens": ["input_tokens", "n_context_tokens_total"],
    "output_tokens": ["output_tokens", "n_generated_tokens_total"],
    "cached_tokens": ["input_cached_tokens", "n_cached_context_tokens_total"],
    "cache_write_tokens": ["input_cache_write_tokens"],
    "audio_input_tokens": ["input_audio_tokens"],
    "audio_cached_tokens": ["input_cached_audio_tokens"],
    "audio_output_tokens": ["output_audio_tokens"],
    "image_input_tokens": ["input_image_tokens"],
    "image_cached_tokens": ["input_cached_image_tokens"],
    "image_output_tokens": ["output_image_tokens"],
    # what the other endpoints count (FORMATS.md 1.7, 2.5), and the dimensions they add
    "quantity": ["quantity", *dict.fromkeys(e.quantity for e in ENDPOINTS if e.quantity)],
    "endpoint": ["endpoint"],
    **{name: [name] for name in DETAILS},
}
COST_COLUMNS = {
    "start_time": ["start_time"],
    "end_time": ["end_time"],
    "start_time_iso": ["start_time_iso"],
    "end_time_iso": ["end_time_iso"],
    "amount_value": ["amount_value"],
    "amount_currency": ["amount_currency"],
    "line_item": ["line_item"],
    "project_id": ["project_id"],
    "project_name": ["project_name"],
    "api_key_id": ["api_key_id"],
    "user_id": ["user_id"],
    "organization_id": ["organization_id"],
    "quantity": ["quantity"],
    "quantity_unit": ["quantity_unit"],
}
# A usage export with usage must carry these; a four-column header (no usage at all) is fine too.
USAGE_NEEDS = ("input_tokens", "output_tokens", "model")
TOKENS_ONLY_NEEDS = ("input_tokens", "model")  # embeddings and moderations count input tokens only
# The 2023-24 activity export's header carries these instead of start_time/end_time.
LEGACY_USAGE = {"n_context_tokens_total", "n_generated_tokens_total"}
_DUCKDB_LINE = re.compile(r"Line:\s*(\d+)")


def header(text: str) -> list[str]:
    """The column names in the first line of a CSV export."""
    first = re.split(r"\r\n|\n|\r", text.lstrip("\ufeff"), maxsplit=1)[0]  # CSV line ends only, not U+2028
    try:
        return [name.strip() for name in next(csv.reader([first]), [])]
    except csv.Error:
        return []


def load_usage(store, item: Input, head_text: str, source_id: int, now: datetime) -> tuple[int, int, int]:
    """Store a usage export's rows; returns (rows stored, empty buckets skipped, older rows replaced)."""
    names = header(head_text)
    endpoint = of_export(item.name, names)
    _require_usage_columns(item, names, endpoint)
    return _store(store, item, names, USAGE_COLUMNS, "usage", source_id, now, endpoint.name)


def load_costs(store, item: Input, head_text: str, source_id: int, now: datetime) -> tuple[int, int, int]:
    """Store a cost export's rows; returns (rows stored, rows without an amount skipped, older rows replaced)."""
    names = header(head_text)
    if "amount_value" not in names or not {"start_time", "start_time_iso"} & set(names):
        raise InputError(item.name, 1, f"a CSV with the columns {', '.join(names[:6])}, not a cost export "
                         "(it needs start_time and amount_value)",
                         "costcap reads OpenAI's dashboard exports; leave this file out, or drop --kind")  # fmt: skip
    return _store(store, item, names, COST_COLUMNS, "cost", source_id, now)


def store_rows(
    store, name: str, table: str, names: list[str], rows: list[list], source_id: int, now: datetime, endpoint=None
):
    """Store rows already split into cells (line first, then one text cell per name), as if read from a CSV export."""
    import pyarrow as pa

    columns = {"line": pa.array([r[0] for r in rows], pa.int64())}
    for i in range(len(names)):
        columns[f"column{i}"] = pa.array([r[i + 1] for r in rows], pa.string())
    with store.registered("parsed_export", pa.table(columns)):
        store.execute("ingest/keep_parsed_export")
    wanted = USAGE_COLUMNS if table == "usage" else COST_COLUMNS
    return _checked_insert(store, name, names, wanted, table, source_id, now, endpoint)


def _store(
    store, item, names, wanted, table: str, source_id: int, now: datetime, endpoint=None
) -> tuple[int, int, int]:
    """Load, check every row, insert; then a re-export of the same buckets replaces the older rows."""
    _load(store, item, len(names), _raw_columns(names, wanted).values())
    return _checked_insert(store, item.name, names, wanted, table, source_id, now, endpoint)


# per table: the statements that find its first bad row, insert its rows and let a re-export replace older buckets
STATEMENTS = {
    "usage": ("ingest/find_bad_usage_row", "ingest/insert_usage", "ingest/replace_usage_buckets"),
    "cost": ("ingest/find_bad_cost_row", "ingest/insert_costs", "ingest/replace_cost_buckets"),
}


def _checked_insert(store, name: str, names, wanted, table: str, source_id: int, now: datetime, endpoint=None):
    store.composed(_mapping_view(names, wanted))
    (total,) = store.one("ingest/count_export_rows")
    if not total:
        raise InputError(
            name, 1, "the export has a header and no rows", "export a period that has usage, or leave the file out"
        )
    find_bad, insert, replace = STATEMENTS[table]
    bad = store.first(find_bad, now=now)
    if bad:
        raise InputError(name, bad[0], bad[1], "fix that row, or export or pull it again")
    (stored,) = store.one(insert, source_id=source_id, endpoint=endpoint or "completions")
    (replaced,) = store.one(replace, source_id=source_id)
    return stored, total - stored, replaced


def _require_usage_columns(item: Input, names: list[str], endpoint: Endpoint) -> None:
    present = {ours for ours, theirs in USAGE_COLUMNS.items() if any(n in names for n in theirs)}
    if not present & {"start_time", "start_time_iso"}:
        raise InputError(item.name, 1, f"a CSV with the columns {', '.join(names[:6])}, not a usage export (no start_time)",
                         "costcap reads OpenAI's dashboard exports; leave this file out, or drop --kind")  # fmt: skip
    only_times = present <= {"start_time", "end_time", "start_time_iso", "end_time_iso"}
    needs = (
        USAGE_NEEDS if endpoint.name == "completions" else TOKENS_ONLY_NEEDS if not endpoint.quantity else ("quantity",)
    )
    missing = [endpoint.quantity if c == "quantity" else c for c in needs if c not in present]
    if missing and not only_times:
        raise InputError(
            item.name,
            1,
            f"the {endpoint.name} usage export has no {missing[0]} column",
            f"export the {endpoint.name} CSV from the usage dashboard again, unedited",
        )


def _load(store, item: Input, width: int, keep) -> None:
    import duckdb

    columns = {f"column{i}": "VARCHAR" for i in range(width)}
    params = {
        "path": str(item.path),
        "columns": columns,
        "compression": "gzip" if item.gzipped else "none",
        "keep": list(keep),
    }
    try:
        store.execute("ingest/read_export_csv", **params)
    except duckdb.Error as exc:
        raise _csv_error(item, exc) from None


def _raw_columns(names: list[str], wanted: dict[str, list[str]]) -> dict[str, str]:
    """Our column name -> the raw column (column<i>) that carries it, for the columns the export has."""
    found = {}
    for ours, theirs in wanted.items():
        index = next((names.index(n) for n in theirs if n in names), None)
        if index is not None:
            found[ours] = f"column{index}"
    return found


def _mapping_view(names: list[str], wanted: dict[str, list[str]]) -> str:
    """A view naming the raw columns; every identifier comes from the fixed lists above, never from the file."""
    raw = _raw_columns(names, wanted)
    selected = [f"{raw.get(ours, 'CAST(NULL AS VARCHAR)')} AS {ours}" for ours in wanted]
    return "CREATE OR REPLACE TEMP VIEW export_rows AS SELECT line, " + ", ".join(selected) + " FROM raw_export"


def _csv_error(item: Input, exc: Exception) -> InputError:
    message = str(exc)
    found = _DUCKDB_LINE.search(message)
    line = int(found.group(1)) if found else None
    if "unicode" in message.lower() or "utf-8" in message.lower():
        return InputError(item.name, line, "the text is not UTF-8", "re-export the file as UTF-8")
    if "Expected Number of Columns" in message:
        counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
        what = (
            f"the row has {counts.group(2)} cells where the header has {counts.group(1)}"
            if counts
            else "wrong number of cells"
        )
        return InputError(item.name, line, what, "a cut or hand-edited export: export it again")
    if "unterminated quote" in message.lower():
        return InputError(item.name, line, "a quoted cell never ends", "the file is cut short: export it again")
    detail = message.replace("Invalid Input Error: ", "").splitlines()[0]
    return InputError(item.name, line, f"cannot read the CSV ({detail})", "export it again from the dashboard")
