"""Structlog logs in bulk: Arrow splits the lines, DuckDB reads every line it can read exactly as the line readers
would (JSON, JSON after a stdlib prefix, plain dev-console lines) and hands the others back to be read one by one.

The SQL never rejects a line: what it cannot read exactly (floats, odd timestamps, error objects, bad JSON, other
renderers) goes back to loglines and records, which give the row or the error with its line number. So the two
paths store the same rows; tests/test_bulk.py checks that line by line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from costcap import sql
from costcap.ingest import files
from costcap.ingest.records import FIELD_KEYS, Options

# Lines per round trip to DuckDB: enough record batches for both cores, few enough to keep memory flat.
ROUND_BYTES = 32 << 20
ARROW_BLOCK_BYTES = 8 << 20
# A byte never in a JSON or console line: a line holding it is not split into one cell, so the file goes back.
_DELIMITER = "\x1f"
# Field keys SQL can address: a key with other characters (from --field) sends the file to the line readers.
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*)*")


class NotBulk(Exception):
    """The file cannot take the bulk path (not UTF-8, an unsplittable line); nothing it read is kept."""


@dataclass
class Outcome:
    """What the bulk pass did: lines read and calls stored (the lines it left are in bulk_leftovers)."""

    lines: int
    stored: int


def usable(options: Options) -> bool:
    """Whether every field key can be read by json_transform: plain names, none both a value and a parent."""
    keys = [key for name in FIELD_KEYS for key in options.keys(name)]
    if not all(_PLAIN_KEY.fullmatch(key) for key in keys):
        return False
    parents = {key.rsplit(".", 1)[0] for key in keys if "." in key}
    return not any(key in parents or any(p.startswith(key + ".") for p in parents) for key in keys if "." not in key)


def load(con, item: files.Input, source_id: int, first_line: int, skip_bytes: int, options: Options,
         progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Store the calls SQL reads exactly; keep the other lines in bulk_leftovers. Raises NotBulk."""
    con.execute(sql.load("create_bulk_leftovers"))
    outcome, offset = Outcome(0, 0), skip_bytes
    batch = _Batch()
    try:
        for table in _rounds(item, skip_bytes, first_line):
            batch.table = table
            if not batch.registered:
                _register(con, batch, options)
            outcome.stored += _store_batch(con, source_id, first_line + outcome.lines, options)
            batch.table = None
            _release_arrow_memory()
            outcome.lines += table.num_rows
            offset += _bytes(table)
            if progress:
                progress(offset, item.size)
    finally:
        if batch.registered:
            con.unregister("bulk_lines")
    con.execute(sql.load("delete_bulk_placeholders"), {"source_id": source_id})
    return outcome


def _register(con, batch: _Batch, options: Options) -> None:
    """Register the holder (DuckDB reads its schema now, so a batch must be in it) and the views that read it."""
    con.register("bulk_lines", batch)
    batch.registered = True
    con.execute(sql.load("create_view_bulk_records"))
    con.execute(fields_view(options))


def _store_batch(con, source_id: int, first: int, options: Options) -> int:
    """Calls stored from the registered batch, whose first line is `first`; the lines SQL could not read are kept."""
    params = {"source_id": source_id, "default_model": options.default_model, "now": options.now}
    rows = con.execute(sql.load("insert_bulk_calls"), params).fetchone()[0]
    left = con.execute(sql.load("stage_bulk_leftovers"), {"source_id": source_id, "first_line": first}).fetchone()[0]
    return rows - left


class _Batch:
    """The current batch of lines, handed to DuckDB through the Arrow C stream interface. DuckDB keeps what was
    registered until the ingest's transaction ends, so this one holder is registered once and emptied after each
    batch; registering each batch itself kept every batch of the file in memory."""

    def __init__(self):
        self.table = None
        self.registered = False

    def __arrow_c_stream__(self, requested_schema=None):
        return self.table.__arrow_c_stream__(requested_schema)


def leftover_lines(con) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) for every line the bulk pass left, in file order."""
    found = con.execute(sql.load("bulk_leftovers"))
    while rows := found.fetchmany(10_000):
        for line, text in rows:
            yield line, text.encode("utf-8")


def fields_view(options: Options) -> str:
    """bulk_fields: one JSON-text column per call field (j_<field>), the first of its keys present and not null, and
    `dotted`: a key such as "usage.prompt_tokens" written literally, which records.lookup prefers (Python reads those
    lines). One json_transform parses each record once. Only field names from FIELD_KEYS and keys that usable()
    accepted reach the text."""
    structure: dict = {}
    columns, literal, nested = [], [], []
    for name in FIELD_KEYS:
        picks = []
        for key in options.keys(name):
            parts = key.split(".")
            node = structure
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = "JSON"
            picks.append(_field(parts))
            if len(parts) > 1:
                structure[key] = "JSON"
                literal.append(key)
                nested.append(picks[-1])
        columns.append(f"coalesce({', '.join(picks)}) AS j_{name}")
    shape = json.dumps(structure).replace("'", "''")
    return (
        "CREATE OR REPLACE TEMP VIEW bulk_fields AS SELECT line, blank, record IS NOT NULL AS plain, "
        + ", ".join(columns)
        + f", {_dotted(sorted(set(literal)), nested)} AS dotted"
        + f" FROM (SELECT *, json_transform(record, '{shape}') AS r FROM bulk_records)"
    )


def _field(parts: list[str]) -> str:
    return "CAST(r." + ".".join(f'"{part}"' for part in parts) + " AS VARCHAR)"


def _dotted(literal: list[str], nested: list[str]) -> str:
    """A literal dotted key that is present: json_transform reads null as absent, so where a nested value could
    be hidden by a literal null, json_extract (which keeps null) looks again."""
    if not literal:
        return "false"
    present = " OR ".join(f'r."{key}" IS NOT NULL' for key in literal)
    paths = ", ".join(f"'$.\"{key}\"'" for key in literal)
    return (
        f"({present} OR CASE WHEN {' OR '.join(f'{n} IS NOT NULL' for n in nested)} "
        f"THEN list_bool_or(list_transform(json_extract(record, [{paths}]), lambda v: v IS NOT NULL)) ELSE false END)"
    )


def _rounds(item: files.Input, skip_bytes: int, first_line: int):
    """Tables (line, text) of about ROUND_BYTES of whole lines, numbered from first_line, split by Arrow's CSV reader."""
    import pyarrow as pa

    pending, size, line = [], 0, first_line
    for text in _texts(item, skip_bytes):
        numbers = pa.array(range(line, line + len(text)), pa.int64())
        pending.append(pa.RecordBatch.from_arrays([numbers, text], names=["line", "text"]))
        size, line = size + text.nbytes, line + len(text)
        if size >= ROUND_BYTES:
            yield pa.Table.from_batches(pending)
            pending, size = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def _texts(item: files.Input, skip_bytes: int):
    """The lines as Arrow string arrays, one per block Arrow reads."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    options = (
        # one thread: parsing a single undelimited column is cheap, and threads read far ahead of DuckDB
        pcsv.ReadOptions(column_names=["text"], block_size=ARROW_BLOCK_BYTES, use_threads=False),
        pcsv.ParseOptions(delimiter=_DELIMITER, quote_char=False, escape_char=False, ignore_empty_lines=False),
        pcsv.ConvertOptions(column_types={"text": pa.string()}, strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    with files.arrow_stream(item, skip_bytes) as stream:
        try:
            for batch in pcsv.open_csv(stream, *options):
                if batch.num_rows:
                    yield batch.column(0)
        except pa.ArrowException as exc:
            raise NotBulk(str(exc)) from None


def _release_arrow_memory() -> None:
    """Give back the memory Arrow's pool keeps after a batch is done (DuckDB's scan of it allocates there too)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _bytes(table) -> int:
    """Content bytes the rows came from: their text plus one newline each (a CRLF counts one less, for progress only)."""
    import pyarrow.compute as pc

    column = table.column("text")
    return (pc.sum(pc.binary_length(column)).as_py() or 0) + len(column)
