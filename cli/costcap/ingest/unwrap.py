"""The application's record inside whatever wrapped it on its way to the user: a container runtime, a log shipper,
a platform's query API. Found by rule, not by platform:

- a string value that holds a JSON object, a Python repr of a dict or of an SDK object, or a log line is a
  candidate inner record; a field is unwrapped when its inner records show token counts the outer ones lack;
- the wrapper's time is kept where the inner record has none (costcap_wrapper_time, the last timestamp key tried);
- wrappers nest (a journal entry holding a container's line), and a line a runtime split into pieces is joined;
- a text line's prefix before its body (syslog in both RFC forms, a runtime's `TIME STREAM FLAG`, a platform's
  router prefix, stdlib `asctime LEVEL logger`) gives its time and leaves the body to be read.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field

from costcap.ingest import infer, loglines, presets
from costcap.ingest.records import WRAPPER_TIME, BadRecord

MAX_NESTING = 4
_TIME_KEYS = ("time", "timestamp", "@timestamp", "date", "ts", "__realtime_timestamp", "_source_realtime_timestamp",
              "eventtime", "receivedat", "_time", "datetime", "logged_at")  # fmt: skip


def inner_record(text: str) -> dict | None:
    """The record a string holds: a JSON object, a Python dict's repr, an SDK object's repr, or a structured log
    line (JSON after a prefix, key=value, logfmt, console); None for plain text."""
    stripped = text.strip()
    if not stripped:
        return None
    if stripped[0] == "{":
        try:
            value = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError):
            value = python_literal(stripped)
        return value if isinstance(value, dict) else None
    if loglines.SDK_OBJECT.match(stripped):
        found = loglines.sdk_object(stripped)
        return found if isinstance(found, dict) and found else None
    try:
        found = loglines.parse(stripped)
    except BadRecord:
        return None
    return found if found and len(found) > 1 else None


def python_literal(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None


@dataclass
class Shape:
    """One level of wrapping: the path of the string that holds the inner record, the wrapper's time path, whether
    pieces of a long line arrive as records of their own, and the wrapping inside it."""

    field: tuple
    time: tuple | None = None
    newline_ended: bool = False  # inner strings end in a newline: one that does not is a piece of a longer line
    inner: Shape | None = None

    def describe(self) -> str:
        said = f"the record inside {infer.key_text(self.field)}"
        if self.time:
            said += f" (where it has no time, the wrapper's {infer.key_text(self.time)})"
        return said + (f", then {self.inner.describe()}" if self.inner else "")


def detect(sample: list[dict], depth: int = 0) -> Shape | None:
    """The wrapping of a file, from a sample of its records: the string field whose inner records show token
    counts that the records themselves do not carry (None: they are not wrapped)."""
    if depth >= MAX_NESTING or not sample:
        return None
    words = infer.vocabulary()
    if any(words.names_tokens(infer.dotted(p)) and infer.is_count(v) for r in sample for p, v in infer.leaves(r)):
        return None  # the records carry their usage themselves
    counts: dict[tuple, list[dict]] = {}
    for record in sample:
        for path, value in infer.leaves(record):
            if isinstance(value, str) and len(value) > 2:
                inner = inner_record(value)
                if inner is not None:
                    counts.setdefault(path, []).append(inner)
    holding = {p: inners for p, inners in counts.items() if infer.token_keys(inners) or detect(inners, depth + 1)}
    if not holding:
        return None
    chosen = max(holding, key=lambda p: (len(holding[p]), -len(p)))
    texts = [v for r in sample for p, v in infer.leaves(r) if p == chosen and isinstance(v, str)]
    ended = sum(t.endswith("\n") for t in texts) > len(texts) / 2
    return Shape(chosen, _time_path(sample, chosen), ended, detect(holding[chosen], depth + 1))


def _time_path(sample: list[dict], inner: tuple) -> tuple | None:
    """The wrapper's own time: a time-named key beside the inner record, not inside it."""
    for name in _TIME_KEYS:
        for record in sample:
            for path, value in infer.leaves(record):
                if (
                    path != inner
                    and path[: len(inner)] != inner
                    and str(path[-1]).lower() == name
                    and value not in (None, "")
                ):
                    return path
    return None


@dataclass
class Unwrapper:
    """Takes the wrapping off records one after another: a query answer's events (documents=True), then each level
    of a shape, joining the pieces of a split line."""

    shape: Shape | None
    documents: bool = False  # each record is a query API's answer: its events are the records
    pieces: dict = field(default_factory=dict)  # level -> text gathered so far
    joined: int = 0

    def take(self, record: dict, as_text: bool = False) -> list:
        """The application's records in one outer record, each with the wrapper's time where it has none; none
        while a line's pieces are still arriving, or when the wrapped string holds no record. With as_text, a
        record may come as its JSON text (left unparsed where it was JSON already)."""
        found = events(record) if self.documents else [record]
        if self.shape is None:
            return [r for r in found if isinstance(r, dict)]
        inner = (self._level(r, self.shape, 0, None, as_text) for r in found if isinstance(r, dict))
        return [r for r in inner if r is not None]

    def describe(self) -> str:
        said = [
            *(["each event of a query's answer"] if self.documents else []),
            *([self.shape.describe()] if self.shape else []),
        ]
        return ", then ".join(said)

    def _level(self, record: dict, shape: Shape, level: int, time, as_text: bool):
        own = presets.at(record, shape.time) if shape.time else None
        time = own if own not in (None, "") else time  # the innermost wrapper's time is the closest to the call
        text = presets.at(record, shape.field)
        if not isinstance(text, str):
            return None
        if shape.newline_ended:
            text = self.pieces.pop(level, "") + text
            if not text.endswith("\n"):
                self.pieces[level] = text
                self.joined += 1
                return None
        if as_text and shape.inner is None:
            spliced = _json_text(text, time)
            if spliced is not None:
                return spliced
        inner = inner_record(text)
        if inner is None:
            return None
        if shape.inner is not None:
            return self._level(inner, shape.inner, level + 1, time, as_text)
        if time is not None and WRAPPER_TIME not in inner:
            inner[WRAPPER_TIME] = time
        return inner


def _json_text(text: str, time) -> str | None:
    """The inner record's JSON text with the closest time beside it, where the record is JSON (after a prefix, whose
    time is closer still); None where it must be parsed."""
    stripped = text.lstrip()
    if stripped[:1] != "{":
        prefix = loglines.split_prefix(stripped.rstrip())
        if prefix is None or prefix.piece:
            return None
        stripped, time = prefix.body, prefix.time or time
    return loglines.json_with_time(stripped, time)


def unwrapper_for(sample: list[dict]) -> tuple[Unwrapper | None, list[dict]]:
    """How a file's records are unwrapped, judged on a sample of them (None: they are read as they are), and the
    sample unwrapped. Records are answers of a query API when only their events show token counts."""
    expanded = [e for r in sample for e in events(r)]
    documents = (
        len(expanded) != len(sample)
        and not infer.token_keys(sample)
        and (bool(infer.token_keys(expanded)) or detect(expanded) is not None)
    )
    shape = detect(expanded if documents else sample)
    if shape is None and not documents:
        return None, sample
    probe = Unwrapper(shape, documents)
    return Unwrapper(shape, documents), [r for record in sample for r in probe.take(record)]


def events(document) -> list:
    """The records a JSON document holds: itself, or, where it is a query API's answer that carries no usage of its
    own (search hits, a log query's streams, an events page), each event of the list inside it; [time, line] pairs
    (a log query's values) become {"time", "line"} records."""
    if not isinstance(document, dict) or _own_tokens(document):
        return [document]
    found = _event_list(document, 0)
    return found if found is not None else [document]


def _own_tokens(document: dict) -> bool:
    """Whether the document names a token count outside any list it holds."""
    words = infer.vocabulary()
    stack: list[tuple[tuple, dict]] = [((), document)]
    while stack:
        path, node = stack.pop()
        for key, value in node.items():
            if isinstance(value, dict):
                stack.append(((*path, key), value))
            elif (
                not isinstance(value, list) and words.names_tokens(infer.dotted((*path, key))) and infer.is_count(value)
            ):
                return True
    return False


def _event_list(node, depth: int) -> list | None:
    """The first list of events inside a document (depth first), flattened over streams of [time, line] pairs."""
    if depth > MAX_NESTING or not isinstance(node, dict):
        return None
    for value in node.values():
        if isinstance(value, list) and value and all(isinstance(v, (dict, list)) for v in value):
            flat = [event for item in value for event in _entries(item)]
            if flat:
                return flat
        found = _event_list(value, depth + 1)
        if found is not None:
            return found
    return None


def _entries(item) -> list:
    if _is_pair(item):
        return [{"time": item[0], "line": item[1]}]
    if isinstance(item, dict):
        pairs = next((v for v in item.values() if isinstance(v, list) and v and all(_is_pair(p) for p in v)), None)
        if pairs is not None:  # a stream of [time, line] values: each value an event, the stream's labels beside it
            labels = {k: v for k, v in item.items() if not isinstance(v, list)}
            return [{**labels, "time": p[0], "line": p[1]} for p in pairs]
        return [item]
    return []


def _is_pair(item) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 2
        and isinstance(item[1], str)
        and isinstance(item[0], (str, int, float))
    )


def apply_batch(unwrapper: Unwrapper | None, lines, records) -> tuple[list[int], list[str]]:
    """A batch of records (JSON texts) with each one's wrapping taken off; a wrapper that holds no record (a plain
    message, a piece of a longer line) gives none, a query answer one per event (all on the answer's line)."""
    if unwrapper is None:
        return lines, records
    if not isinstance(records, list):
        columns = _by_columns(unwrapper, lines, records)
        if columns is not None:
            return columns
        lines, records = lines.to_pylist(), records.to_pylist()
    return _by_python(unwrapper, lines, records)


def _by_columns(unwrapper: Unwrapper, lines, records):
    """A big block unwrapped by Rust (polars), where every level is JSON reached by names and the innermost record
    is JSON: (lines, records) in Arrow, the rows it cannot take done by _by_python; None to leave the block to it
    (a query answer's events, a split line in the block)."""
    import polars as pl

    levels, shape = [], unwrapper.shape
    while shape is not None:
        levels.append(shape)
        shape = shape.inner
    steps = [s for level in levels for s in (*level.field, *(level.time or ()))]
    if unwrapper.documents or unwrapper.pieces or not levels or not all(isinstance(s, str) for s in steps):
        return None
    frame = pl.DataFrame(_arrow_table(lines, records))
    text, time = pl.col("text"), pl.lit(None, pl.String)
    for level in levels:
        if level.time:  # the innermost wrapper's time wins
            time = pl.coalesce(text.str.json_path_match(_json_path(level.time)), time)
        text = text.str.json_path_match(_json_path(level.field))
    found = frame.with_columns(inner=text, time=time)
    if levels[-1].newline_ended and found["inner"].drop_nulls().str.ends_with("\n").not_().any():
        return None  # a piece of a split line: joined in order, by Python
    found = found.with_columns(record=loglines.json_with_time_column(pl.col("inner"), pl.col("time")))
    done = found.filter(pl.col("record").is_not_null()).select("line", text=pl.col("record"))
    rest = found.filter(pl.col("record").is_null())
    rest_lines, rest_records = _by_python(unwrapper, rest["line"].to_list(), rest["text"].to_list())
    merged = pl.concat([done, pl.DataFrame({"line": rest_lines, "text": rest_records}, schema=done.schema)]).sort(
        "line"
    )
    return merged["line"].to_arrow(), merged["text"].to_arrow()


def _arrow_table(lines, records):
    import pyarrow as pa

    return pa.table({"line": pa.array(lines, pa.int64()) if isinstance(lines, list) else lines, "text": records})


def _json_path(steps: tuple) -> str:
    return "$" + "".join(f"[{json.dumps(step)}]" for step in steps)


def _by_python(unwrapper: Unwrapper, lines: list, records: list) -> tuple[list[int], list[str]]:
    kept_lines, kept = [], []
    for line, text in zip(lines, records, strict=False):
        outer = inner_record(text)
        for inner in unwrapper.take(outer, as_text=True) if outer is not None else ():
            kept_lines.append(line)
            kept.append(inner if isinstance(inner, str) else json.dumps(inner, ensure_ascii=False, default=str))
    return kept_lines, kept
