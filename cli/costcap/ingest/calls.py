"""Records become calls here, and only here: readers hand over (line, JSON object text) batches, one SQL statement
(queries/insert_record_calls.sql) stores the calls among them, and what it refuses comes back with its line."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from costcap import sql
from costcap.errors import InputError
from costcap.ingest.presets import Mapping, call_fields, json_path, lookup, parts
from costcap.ingest.records import DEFAULT_FIX, Options
from costcap.store import Store

MAX_BAD_EXAMPLES = 5
SCAN_ROWS = 16_384
FIXES = {"the call names no model": "pass --model with the model these logs used"}
# Not a call field: a record whose `object` names a summary (a Batch object, a page) is never a call.
SUMMARY_KEY = "object"


@dataclass
class Tally:
    """What a file's records gave: calls stored, bad records and the keys ending in _tokens seen."""

    calls: int = 0
    bad: int = 0
    bad_examples: list[str] = field(default_factory=list)
    token_keys: list[str] = field(default_factory=list)


class CallSink:
    """Stores the calls among one file's records, batch by batch, inside the ingest's transaction."""

    def __init__(self, store: Store, name: str, source_id: int, mapping: Mapping, options: Options, skip_bad: bool):
        self.store, self.name, self.source_id = store, name, source_id
        self.mapping, self.options, self.skip_bad = mapping, options, skip_bad
        self.tally = Tally()
        self._holder = _Holder()

    def add(self, lines: list[int], records: list) -> None:
        """Store the calls of one batch of records (JSON object texts) and the lines they start on."""
        if not len(lines):
            return
        table = self._table(lines, records)
        con = self.store.con
        self._holder.table = table
        if not self._holder.registered:
            con.register("incoming_records", self._holder)
            self._holder.registered = True
            con.execute(values_view(self.mapping))
        params = {
            "source_id": self.source_id, "default_model": self.options.default_model, "now": self.options.now,
            "origin": self.mapping.preset.origin, "tier": self.mapping.preset.tier,
            "every_record": self.mapping.preset.every_record, "kind": self.mapping.preset.description,
        }  # fmt: skip
        stored = con.execute(sql.load("insert_record_calls"), params).fetchone()[0]
        stored -= self._take_bad()
        self.tally.calls += stored
        if not self.tally.calls and len(self.tally.token_keys) < 8:
            found = [row[0] for row in con.execute(sql.load("record_token_keys")).fetchall()]
            self.tally.token_keys = sorted(set(self.tally.token_keys) | set(found))[:8]
        self._holder.table = None

    def reject(self, line: int, what: str, fix: str = DEFAULT_FIX) -> None:
        """A record a reader could not even hand over (bad bytes, broken JSON); fatal unless --skip-bad."""
        if not self.skip_bad:
            raise InputError(self.name, line, what, fix)
        self.tally.bad += 1
        if len(self.tally.bad_examples) < MAX_BAD_EXAMPLES:
            self.tally.bad_examples.append(f"{self.name}:{line}: {what}")

    def close(self) -> Tally:
        import duckdb

        if self._holder.registered:
            self._holder.registered = False
            try:
                self.store.con.unregister("incoming_records")
            except duckdb.Error:
                pass  # the transaction was aborted (an error, Ctrl-C): the error that did it is on its way up
        return self.tally

    def _take_bad(self) -> int:
        """Report the records SQL refused (the first one is fatal without --skip-bad) and delete them."""
        found = self.store.con.execute(sql.load("bad_calls"), {"source_id": self.source_id}).fetchall()
        if not found:
            return 0
        for line, what, _ in found:
            self.reject(line, self._named(line, what), FIXES.get(what, DEFAULT_FIX))
        self.tally.bad += found[0][2] - len(found)
        return self.store.con.execute(sql.load("delete_bad_calls"), {"source_id": self.source_id}).fetchone()[0]

    def _named(self, line: int, what: str) -> str:
        """SQL names the call field at fault; say which of the record's keys held the value, as the user wrote it."""
        name = what.split(" ", 1)[0]
        if name not in call_fields():
            return what
        [(text,)] = self.store.con.execute(sql.load("record_text"), {"line": line}).fetchall()
        try:
            record = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return what
        key = next((k for k in self.mapping.keys(name) if lookup(record, k) is not None), name)
        return key + what[len(name):]

    def _table(self, lines, records):
        """An Arrow table (line, record) from lists of JSON texts, or from Arrow arrays a reader already built."""
        import pyarrow as pa

        if not isinstance(records, (pa.Array, pa.ChunkedArray)):
            lines, records = pa.array(lines, pa.int64()), pa.array(records, pa.string())
        return _parallel(pa.table({"line": lines, "record": records}))


def _parallel(table):
    """DuckDB scans an Arrow table one record batch per thread: cut it into batches both cores can share."""
    import pyarrow as pa

    return pa.Table.from_batches(table.to_batches(max_chunksize=SCAN_ROWS), table.schema)


class _Holder:
    """The current batch, handed to DuckDB through the Arrow C stream interface. DuckDB keeps what was registered
    until the transaction ends, so one holder is registered per file and emptied after each batch."""

    def __init__(self):
        self.table = None
        self.registered = False

    def __arrow_c_stream__(self, requested_schema=None):
        return self.table.__arrow_c_stream__(requested_schema)


# Fields whose exact JSON text matters (numbers written 4.0 or "12", times, an error object); the others are read
# as text, which is what DuckDB gives for strings, numbers and booleans alike.
JSON_FIELDS = {
    "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens", "reasoning_tokens", "max_tokens",
    "audio_input_tokens", "audio_output_tokens", "image_input_tokens",
    "status_code", "attempt", "batch_size", "timestamp", "error", "reported_cost_usd",
}  # fmt: skip


def values_view(mapping: Mapping) -> str:
    """record_values: per record, `readable` and one column j_<field> per call field, the first of the field's keys
    that is present and not null. One json_transform parses each record once for every key; a key that is both a
    value and a parent of another key is read with json_extract instead. Keys come from presets or --field and reach
    the text only inside quoted literals and identifiers."""
    wanted = {**{name: mapping.keys(name) for name in call_fields()}, "object": [SUMMARY_KEY]}
    leaves = {tuple(parts(key)): "JSON" if name in JSON_FIELDS else "VARCHAR" for name, keys in wanted.items() for key in keys}
    tree, apart = _shape(leaves)
    columns = []
    for name, keys in wanted.items():
        picks = [_pick(key, leaves[tuple(parts(key))], apart) for key in keys]
        picked = "coalesce(" + ", ".join(picks) + ")" if picks else "NULL"
        columns.append(f"CAST({picked} AS VARCHAR) AS j_{name}")
    checks: list[str] = []
    columns.append(_first_key(mapping.preset.objects, checks, "v[{i}] IS NOT NULL AND v[{i}] <> 'null' AND NOT starts_with(v[{i}], '{{')", "not_object"))
    columns.append(_first_key(mapping.preset.required, checks, "v[{i}] IS NULL OR v[{i}] = 'null'", "missing"))
    extract = f", try(json_extract(record, [{', '.join(map(_literal, checks))}])) AS v" if checks else ""
    return (
        "CREATE OR REPLACE TEMP VIEW record_values AS SELECT line, r IS NOT NULL AS readable, "
        # a call's identity beside its request_id: the record's own text, so a line read again is never a new call
        + "md5_number_upper(record) AS line_key, " + ", ".join(columns)
        + f" FROM (SELECT line, record, try(json_transform(record, {_literal(json.dumps(tree))})) AS r{extract}"
        + " FROM incoming_records)"
    )


def _shape(leaves: dict[tuple, str]) -> tuple[dict, set[tuple]]:
    """The json_transform structure of every key path, and the paths it cannot hold (a value that is also a parent,
    a list index beside a name), which are read apart with json_extract."""
    apart = {path for path in leaves for other in leaves if other != path and other[: len(path)] == path}
    tree: dict = {}
    for path, kind in leaves.items():
        if path not in apart and not _place(tree, path, kind):
            apart.add(path)
    return tree, apart


def _place(tree: dict, path: tuple, kind: str) -> bool:
    """Put one path in the structure; False (and the structure unchanged) where it clashes with what is there."""
    node, steps = tree, list(path)
    while steps:
        step = steps.pop(0)
        if isinstance(step, int) or any(k != step and k.lower() == step.lower() for k in node):
            return False  # an index with no name before it; names DuckDB's structs would not tell apart (case)
        if not steps:
            if step in node and node[step] != kind:
                return False
            node[step] = kind
            return True
        if isinstance(steps[0], int):
            steps.pop(0)
            inner = [kind] if not steps else [{}]
            found = node.setdefault(step, inner)
            if not isinstance(found, list) or (not steps and found != inner) or (steps and not isinstance(found[0], dict)):
                return False
            if not steps:
                return True
            node = found[0]
        else:
            found = node.setdefault(step, {})
            if not isinstance(found, dict):
                return False
            node = found
    return True


def _pick(key: str, kind: str, apart: set[tuple]) -> str:
    path = tuple(parts(key))
    if path in apart:
        reader = "json_extract_string" if kind == "VARCHAR" else "json_extract"
        return f"nullif(CAST(try({reader}(record, {_literal(json_path(key))})) AS VARCHAR), 'null')"
    expression = "r"
    for step in path:
        expression += f"[{step + 1}]" if isinstance(step, int) else '."' + step.replace('"', '""') + '"'
    return expression


def _first_key(keys: tuple[str, ...], paths: list[str], test: str, column: str) -> str:
    """A column naming the first of `keys` whose value passes `test` (a shape rule of the preset), else NULL."""
    arms = []
    for key in keys:
        paths.append(json_path(key))
        arms.append(f"WHEN {test.format(i=len(paths))} THEN {_literal(key)}")
    return f"CASE {' '.join(arms)} END AS {column}" if arms else f"NULL AS {column}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
