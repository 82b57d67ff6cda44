"""Records become calls here, and only here: readers hand over (line, JSON object text) batches, one SQL statement
(queries/ingest/insert_record_calls.sql) stores the calls among them, and what it refuses comes back with its line."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field

from costcap.errors import InputError
from costcap.ingest.infer import vocabulary
from costcap.ingest.presets import Mapping, call_fields, json_path, lookup, parts
from costcap.ingest.records import DEFAULT_FIX, Options
from costcap.store import Store

MAX_BAD_EXAMPLES = 5
SCAN_ROWS = 16_384
# records gathered from small files before one SQL statement stores them (a big file's block goes on its own)
FLUSH_RECORDS = 100_000
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
    passed: dict[str, int] = field(default_factory=dict)  # records with tokens that are not calls, by reason
    unread: int = 0  # records naming token counts that gave no call (the mapping read none of their keys)
    unread_keys: list[str] = field(default_factory=list)


@dataclass
class _File:
    """One file whose records go through the sink: its name, tally, and where its records stand."""

    name: str
    document_id: int
    partition: str | None
    tally: Tally = field(default_factory=Tally)
    last_line: int = -1
    last_item: int = 0


class CallSink:
    """Stores the calls among the records of the files read with one mapping, inside the ingest's transaction.

    Records of small files are gathered and stored by one statement; each keeps its source, line and item (its
    number among the records that start on the same line)."""

    def __init__(self, store: Store, mapping: Mapping, options: Options, skip_bad: bool):
        self.store, self.mapping, self.options, self.skip_bad = store, mapping, options, skip_bad
        self.files: dict[int, _File] = {}
        self._pieces: list = []
        self._gathered = _Gathered()
        self._holder = _Holder()

    def open(self, source_id: int, name: str, document_id: int, partition: dict[str, str] | None = None) -> None:
        """Begin a file; `partition` (hive keys from its folders) joins each of its records, its own keys winning."""
        self.files[source_id] = _File(name, document_id, json.dumps(partition) if partition else None)

    def tally(self, source_id: int) -> Tally:
        return self.files[source_id].tally

    def add(self, source_id: int, lines: list[int], records: list) -> None:
        """Take one batch of a file's records (JSON object texts) and the lines they start on."""
        if not len(lines):
            return
        import pyarrow as pa

        if isinstance(records, (pa.Array, pa.ChunkedArray)):  # a big block, already in Arrow: stored on its own
            self.flush()
            self._pieces.append(self._piece(source_id, lines, records))
            self.flush()
            return
        self._gathered.add(self.files[source_id], source_id, lines, records)
        if len(self._gathered.records) >= FLUSH_RECORDS:
            self.flush()

    def reject(self, source_id: int, line: int, what: str, fix: str = DEFAULT_FIX) -> None:
        """A record a reader could not even hand over (bad bytes, broken JSON); fatal unless --skip-bad."""
        file = self.files[source_id]
        if not self.skip_bad:
            raise InputError(file.name, line, what, fix)
        file.tally.bad += 1
        if len(file.tally.bad_examples) < MAX_BAD_EXAMPLES:
            file.tally.bad_examples.append(f"{file.name}:{line}: {what}")

    def flush(self) -> None:
        """Store the calls among the gathered records."""
        if self._gathered.records:
            self._pieces.append(self._gathered.table())
            self._gathered = _Gathered()
        if not self._pieces:
            return
        import pyarrow as pa

        table = pa.concat_tables(self._pieces) if len(self._pieces) > 1 else self._pieces[0]
        sources = sorted(set(table.column("source_id").unique().to_pylist()))
        self._pieces = []
        self._holder.table = _parallel(table)
        if not self._holder.registered:
            self.store.register("incoming_records", self._holder)
            self._holder.registered = True
            self.store.composed(values_view(self.mapping))
        params = {
            "default_model": self.options.default_model, "now": self.options.now,
            "origin": self.mapping.preset.origin, "tier": self.mapping.preset.tier,
            "every_record": self.mapping.preset.every_record, "kind": self.mapping.preset.description,
            "tz": self.options.tz,
        }  # fmt: skip
        (stored,) = self.store.one("ingest/insert_record_calls", **params)
        if self.mapping.keys("span_id"):
            self.store.execute(
                "ingest/keep_trace_spans"
            )  # a trace's spans with no tokens still link calls to their parents
        if stored < table.num_rows:  # some records gave no call: those that name token counts are said
            for source_id, records, keys in self.store.rows(
                "ingest/count_unread_token_records", sources=sources, **vocabulary().sql_params()
            ):
                tally = self.files[source_id].tally
                tally.unread += records
                tally.unread_keys = sorted(set(tally.unread_keys) | set(keys))[:8]
        stored -= self.take_refused(sources)
        self._count(sources, stored)
        self._note_token_keys(
            [s for s in sources if not self.files[s].tally.calls and len(self.files[s].tally.token_keys) < 8]
        )
        self._holder.table = None

    def close(self) -> dict[int, Tally]:
        """Store what is gathered and let go of the records; each file's tally."""
        import duckdb

        try:
            self.flush()
        finally:
            if self._holder.registered:
                self._holder.registered = False
                # the transaction was aborted (an error, Ctrl-C): the error that did it is on its way up
                with contextlib.suppress(duckdb.Error):
                    self.store.unregister("incoming_records")
        return {source_id: file.tally for source_id, file in self.files.items()}

    def _count(self, sources: list[int], stored: int) -> None:
        if len(sources) == 1:
            self.files[sources[0]].tally.calls += stored
            return
        counted = dict(self.store.rows("ingest/count_source_calls", sources=sources))
        for source_id in sources:
            self.files[source_id].tally.calls = counted.get(source_id, 0)

    def _note_token_keys(self, sources: list[int]) -> None:
        """For files that gave no call yet: the keys ending in _tokens their records hold, for the error that says
        which --preset or --field would read them."""
        if not sources:
            return
        for source_id, key in self.store.rows("ingest/record_token_keys", sources=sources, **vocabulary().sql_params()):
            keys = self.files[source_id].tally.token_keys
            if key not in keys and len(keys) < 8:
                keys.append(key)
                keys.sort()

    def take_refused(self, sources: list[int]) -> int:
        """Report the records SQL refused (the first one is fatal without --skip-bad), count those it passed over
        (cache hits, parent spans), and delete both; how many went."""
        found = self.store.rows("ingest/bad_calls", sources=sources, shown=MAX_BAD_EXAMPLES)
        for source_id, line, item, what, _ in found:
            self.reject(source_id, line, self._named(source_id, line, item, what), FIXES.get(what, DEFAULT_FIX))
        totals = {source_id: total for source_id, *_, total in found}
        for source_id, total in totals.items():
            self.files[source_id].tally.bad += total - sum(1 for row in found if row[0] == source_id)
        for source_id, reason, count in self.store.rows("ingest/passed_calls", sources=sources):
            passed = self.files[source_id].tally.passed
            passed[reason] = passed.get(reason, 0) + count
        return self.store.rows("ingest/delete_bad_calls", sources=sources)[0][0]

    def _named(self, source_id: int, line: int, item: int, what: str) -> str:
        """SQL names the call field at fault; say which of the record's keys held the value, as the user wrote it."""
        name = what.split(" ", 1)[0]
        if name not in call_fields():
            return what
        [(text,)] = self.store.rows("ingest/record_text", source_id=source_id, line=line, item=item)
        try:
            record = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return what
        key = next((k for k in self.mapping.keys(name) if lookup(record, k) is not None), name)
        return key + what[len(name) :]

    def _piece(self, source_id: int, lines, records):
        """An Arrow table of one big block of a line reader's (one record per line): source, document, line, item,
        record and partition."""
        import pyarrow as pa

        file, count = self.files[source_id], len(records)
        return pa.table({
            "source_id": pa.nulls(count, pa.int32()).fill_null(source_id),
            "document_id": pa.nulls(count, pa.int32()).fill_null(file.document_id),
            "line": lines, "item": pa.nulls(count, pa.int32()).fill_null(0), "record": records,
            "partition": pa.nulls(count, pa.string()).fill_null(file.partition) if file.partition else pa.nulls(count, pa.string()),
        })  # fmt: skip


@dataclass
class _Gathered:
    """Records of small files gathered as plain lists, stored together by one statement."""

    sources: list[int] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)
    records: list[str] = field(default_factory=list)
    partitions: list[str | None] = field(default_factory=list)

    def add(self, file: _File, source_id: int, lines, records) -> None:
        for line, record in zip(lines, records, strict=False):
            # a record's number among those that start on its line (a document may hold several per line)
            file.last_item = file.last_item + 1 if line == file.last_line else 0
            file.last_line = line
            self.items.append(file.last_item)
            self.lines.append(line)
            self.records.append(record)
        count = len(records)
        self.sources += [source_id] * count
        self.documents += [file.document_id] * count
        self.partitions += [file.partition] * count

    def table(self):
        import pyarrow as pa

        return pa.table({
            "source_id": pa.array(self.sources, pa.int32()), "document_id": pa.array(self.documents, pa.int32()),
            "line": pa.array(self.lines, pa.int64()), "item": pa.array(self.items, pa.int32()),
            "record": pa.array(self.records, pa.string()), "partition": pa.array(self.partitions, pa.string()),
        })  # fmt: skip


def _parallel(table):
    """DuckDB scans an Arrow table one record batch per thread: cut it into batches both cores can share."""
    import pyarrow as pa

    return pa.Table.from_batches(table.to_batches(max_chunksize=SCAN_ROWS), table.schema)


class _Holder:
    """The current batch, handed to DuckDB through the Arrow C stream interface. DuckDB keeps what was registered
    until the transaction ends, so one holder is registered per sink and emptied after each batch."""

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
    leaves = {
        tuple(parts(key)): "JSON" if name in JSON_FIELDS else "VARCHAR" for name, keys in wanted.items() for key in keys
    }
    tree, apart = _shape(leaves)
    columns = []
    for name, keys in wanted.items():
        picks = [_pick(key, leaves[tuple(parts(key))], apart) for key in keys]
        picked = "coalesce(" + ", ".join(picks) + ")" if picks else "NULL"
        columns.append(f"CAST({picked} AS VARCHAR) AS j_{name}")
    checks: list[str] = []
    columns.append(
        _first_key(
            mapping.preset.objects,
            checks,
            "v[{i}] IS NOT NULL AND v[{i}] <> 'null' AND NOT starts_with(v[{i}], '{{')",
            "not_object",
        )
    )
    columns.append(_first_key(mapping.preset.required, checks, "v[{i}] IS NULL OR v[{i}] = 'null'", "missing"))
    extract = f", try(json_extract(record, [{', '.join(map(_literal, checks))}])) AS v" if checks else ""
    return (
        "CREATE OR REPLACE TEMP VIEW record_values AS SELECT source_id, document_id, line, item, r IS NOT NULL AS readable, "
        # a call's identity beside its request_id: the record's own text, so a line read again is never a new call
        + "md5_number_upper(record) AS line_key, "
        + ", ".join(columns)
        + f" FROM (SELECT source_id, document_id, line, item, record, try(json_transform(record, {_literal(json.dumps(tree))})) AS r{extract}"
        # a hive partition's keys are part of each of its records (the record's own keys win)
        + " FROM (SELECT source_id, document_id, line, item, CASE WHEN partition IS NULL THEN record"
        + " ELSE coalesce(CAST(try(json_merge_patch(partition, record)) AS VARCHAR), record) END AS record"
        + " FROM incoming_records))"
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
            inner: list = [kind] if not steps else [{}]
            found = node.setdefault(step, inner)
            if (
                not isinstance(found, list)
                or (not steps and found != inner)
                or (steps and not isinstance(found[0], dict))
            ):
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
