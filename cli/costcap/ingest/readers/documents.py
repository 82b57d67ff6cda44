"""Whole JSON documents: one JSON array (LiteLLM's /spend/logs, saved API results) or a stream of pretty-printed
JSON values (OpenTelemetry's ConsoleSpanExporter). Each object is one record, numbered by the line it starts on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from costcap.errors import InputError
from costcap.ingest import files

BATCH_RECORDS = 50_000
SAMPLE_VALUES = 200
_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n\ufeff"


def looks_like(text: str) -> bool:
    """An array, or an object that does not end on its first line (pretty-printed)."""
    head = text.lstrip(_SPACE)
    if head.startswith("["):  # not a console line such as "[info     ] event"
        return re.match(r"\[\s*[\[{\"\]\d-]", head) is not None
    if not head.startswith("{"):
        return False
    first = head.split("\n", 1)[0].strip()
    try:
        json.loads(first)
    except (json.JSONDecodeError, RecursionError):
        return True
    return False


def values(text: str, name: str, strict: bool = True) -> Iterator[tuple[int, object]]:
    """(line, value) for each element of a top-level array, or for each value of a stream of values. With
    strict=False (a head cut short) a value that does not parse ends the listing instead of being an error."""
    line_of = _Lines(text)
    position = _skip_space(text, 0)
    if text.startswith("[", position):
        yield from _elements(text, position + 1, name, strict, line_of)
        return
    while position < len(text):
        decoded, start = _decode(text, position, name, strict, line_of)
        if start < 0:
            return
        yield line_of(start), decoded[0]
        position = _skip_space(text, decoded[1])


def _elements(text: str, position: int, name: str, strict: bool, line_of) -> Iterator[tuple[int, object]]:
    position = _skip_space(text, position)
    if text.startswith("]", position):
        return
    while True:
        value, start = _decode(text, position, name, strict, line_of)
        if start < 0:
            return
        yield line_of(start), value[0]
        position = _skip_space(text, value[1])
        if text.startswith("]", position):
            if strict and _skip_space(text, position + 1) < len(text):
                raise InputError(
                    name, line_of(position + 1), "text after the end of the JSON array", "save the document unchanged"
                )
            return
        if not text.startswith(",", position):
            if not strict:
                return
            raise InputError(
                name, line_of(position), "the JSON array is cut short or corrupted here", "save the document unchanged"
            )
        position = _skip_space(text, position + 1)


def _decode(text: str, position: int, name: str, strict: bool, line_of):
    """((value, end), start) for the value at `position`; start -1 when a cut head ends the listing."""
    try:
        return _DECODER.raw_decode(text, position), position
    except RecursionError:
        if not strict:
            return None, -1
        raise InputError(name, line_of(position), "this JSON value is nested too deeply to read",
                         "leave the file out, or flatten what it nests") from None  # fmt: skip
    except json.JSONDecodeError as exc:
        if not strict:
            return None, -1
        what = f"this JSON value is cut short or corrupted ({exc.msg.removesuffix(' at')})"
        raise InputError(name, line_of(position), what, "save the document unchanged") from None


class _Lines:
    """The line a position is on, counting forward from the last position asked (positions only grow)."""

    def __init__(self, text: str):
        self.text, self.position, self.line = text, 0, 1

    def __call__(self, position: int) -> int:
        if position >= self.position:
            self.line += self.text.count("\n", self.position, position)
            self.position = position
        return self.line


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in _SPACE:
        position += 1
    return position


def read_text(item: files.Input) -> str:
    """The whole content as text; bad UTF-8 names its line."""
    with files.opened(item) as stream:
        data = stream.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(item.name, line, "the text is not UTF-8", "save the document as UTF-8") from None


def batches(item: files.Input, reject, records=None) -> Iterator[tuple[list[int], list, int, int]]:
    """(line numbers, JSON texts, values read, bytes read) of the objects in the document, BATCH_RECORDS at a time
    (the bytes all count with the last batch: the document is parsed whole)."""
    text = read_text(item)
    found = records(text, item.name) if records else _events(values(text, item.name))
    numbers, out, seen = [], [], 0
    for line, value in found:
        seen += 1
        if isinstance(value, dict):
            numbers.append(line)
            out.append(json.dumps(value, ensure_ascii=False))
        if len(out) >= BATCH_RECORDS:
            yield numbers, out, seen, 0
            numbers, out, seen = [], [], 0
    yield numbers, out, seen, item.size


def sample(text: str, records=None) -> list[dict]:
    """The first objects of a head that may be cut short, for picking a preset."""
    found = records(text, "", strict=False) if records else _events(values(text, "", strict=False))
    picked = []
    for _, value in found:
        if isinstance(value, dict):
            picked.append(value)
        if len(picked) >= SAMPLE_VALUES:
            break
    return picked


def _events(found):
    """Each value of a document, or the events of a query API's answer (ingest/unwrap.py), on the value's line."""
    from costcap.ingest.unwrap import events

    for line, value in found:
        for event in events(value):
            yield line, event
