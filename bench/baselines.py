"""The readers costcap's ingest is measured against, run as their own process by bench/run.py:

    python bench/baselines.py floor|naive KIND FILE DB

floor: DuckDB's bare CREATE TABLE AS SELECT * FROM read_json/read_csv with explicit columns, persisted to DB; no
checks, no normalisation, no line numbers: the least any DuckDB-based reader can do.
naive: the plain-Python way: a json.loads (or regex, or csv) loop over the lines, picking the fields costcap
reads into columns, stored in DuckDB 100,000 rows at a time through Arrow. It checks nothing either.
"""

from __future__ import annotations

import csv
import json
import re
import sys

# What costcap reads from each kind, as DuckDB types, for the floor's explicit columns.
JSON_COLUMNS = {
    "feature": "VARCHAR", "batch_type": "VARCHAR", "user": "VARCHAR", "model": "VARCHAR", "prompt_tokens": "BIGINT",
    "completion_tokens": "BIGINT", "input_tokens": "BIGINT", "output_tokens": "BIGINT", "prompt_tokens_details": "JSON",
    "output_tokens_details": "JSON", "finish_reason": "VARCHAR", "max_tokens": "BIGINT", "status": "VARCHAR",
    "status_code": "BIGINT", "error": "VARCHAR", "attempt": "BIGINT", "request_id": "VARCHAR", "order_id": "VARCHAR",
    "batch_size": "BIGINT", "service_tier": "VARCHAR", "timestamp": "VARCHAR", "event": "VARCHAR",
}  # fmt: skip
BATCH_COLUMNS = {"id": "VARCHAR", "custom_id": "VARCHAR", "response": "JSON", "error": "JSON"}
TEXT_KEYS = ["timestamp", "event", "feature", "batch_type", "user", "model", "finish_reason", "status", "error",
             "request_id", "order_id", "service_tier"]  # fmt: skip
NUMBER_KEYS = ["prompt_tokens", "completion_tokens", "input_tokens", "output_tokens", "max_tokens", "status_code",
               "attempt", "batch_size"]  # fmt: skip
CONSOLE = re.compile(r"^(\S+) \[(\w+)\s*\] (\S+)\s+(.*)$")
PAIR = re.compile(r"(\w+)=(\S+)")
CHUNK = 100_000


def floor(kind: str, path: str, con) -> None:
    if kind == "json":
        con.execute("CREATE TABLE t AS SELECT * FROM read_json($p, format = 'newline_delimited', columns = $c)",
                    {"p": path, "c": JSON_COLUMNS})  # fmt: skip
    elif kind == "batch-output":
        con.execute("CREATE TABLE t AS SELECT * FROM read_json($p, format = 'newline_delimited', columns = $c)",
                    {"p": path, "c": BATCH_COLUMNS})  # fmt: skip
    elif kind == "console":  # no reader parses these: the floor is the lines themselves, stored
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv($p, columns = {'line': 'VARCHAR'}, delim = '\x1f', "
                    "quote = '', escape = '', header = false, auto_detect = false)", {"p": path})  # fmt: skip
    else:
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv($p, header = true)", {"p": path})


def naive(kind: str, path: str, con) -> None:
    rows = {"json": _json_rows, "console": _console_rows, "usage-csv": _csv_rows, "batch-output": _batch_rows}[kind]
    store = Chunks(con)
    for row in rows(path):
        store.add(row)
    store.flush()


def _json_rows(path: str):
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if "prompt_tokens" in record or "input_tokens" in record:
                yield _pick(record)


def _console_rows(path: str):
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            head = CONSOLE.match(line)
            if head:
                record = dict(PAIR.findall(head.group(4)), timestamp=head.group(1), event=head.group(3))
                if "prompt_tokens" in record or "input_tokens" in record:
                    yield _pick(record)


def _csv_rows(path: str):
    with open(path, newline="", encoding="utf-8") as source:
        for row in csv.DictReader(source):
            yield {key: row.get(key) for key in ("start_time", "project_id", "api_key_id", "model", "batch")} | {
                key: float(row[key] or 0)
                for key in ("num_model_requests", "input_tokens", "output_tokens", "input_cached_tokens")
            }


def _batch_rows(path: str):
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            body = (record.get("response") or {}).get("body") or {}
            usage = body.get("usage") or {}
            yield {"custom_id": record["custom_id"], "model": body.get("model"),
                   "input_tokens": usage.get("input_tokens", usage.get("prompt_tokens", 0)),
                   "output_tokens": usage.get("output_tokens", usage.get("completion_tokens", 0))}  # fmt: skip


def _pick(record: dict) -> dict:
    picked = {key: record.get(key) for key in TEXT_KEYS}
    picked.update({key: int(record[key]) if record.get(key) is not None else None for key in NUMBER_KEYS})
    return picked


class Chunks:
    """Rows into one DuckDB table, 100,000 at a time through Arrow (executemany would be far slower)."""

    def __init__(self, con):
        self.con, self.rows, self.created = con, [], False

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if not self.rows:
            return
        chunk = pa.Table.from_pylist(self.rows)
        self.con.register("chunk", chunk)
        self.con.execute(
            "INSERT INTO t SELECT * FROM chunk" if self.created else "CREATE TABLE t AS SELECT * FROM chunk"
        )
        self.con.unregister("chunk")
        self.created, self.rows = True, []


def main(argv: list[str]) -> None:
    import duckdb

    way, kind, path, db = argv
    con = duckdb.connect(db)
    (floor if way == "floor" else naive)(kind, path, con)
    con.close()


if __name__ == "__main__":
    main(sys.argv[1:])
