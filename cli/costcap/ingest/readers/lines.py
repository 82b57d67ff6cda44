"""Line-oriented call logs: structlog (every renderer, stdlib prefixes, colour) and Batch output files.

A line that starts with `{` is handed on as it is: the one SQL statement in ingest/calls.py parses it. Any other
line is read by ingest/loglines.py (key=value, logfmt, console, JSON after a prefix) and handed on as JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from costcap.ingest import files, loglines
from costcap.ingest.records import BadRecord

BATCH_BYTES = 32 << 20
SAMPLE_LINES = 200


def batches(item: files.Input, skip_bytes: int, first_line: int, reject) -> Iterator[tuple[list[int], list, int]]:
    """(line numbers, records, lines read) per ~32 MB of whole lines from `skip_bytes` on; `reject(line, what, fix)`
    hears the lines that are not records."""
    line = first_line
    for chunk in _chunks(item, skip_bytes):
        numbers, records = [], []
        for raw in chunk:
            if raw[:1] == b"{":
                numbers.append(line)
                records.append(raw)
            elif raw.strip():
                record = _parsed(raw, line, reject)
                if record is not None:
                    numbers.append(line)
                    records.append(record)
            line += 1
        yield numbers, records, len(chunk)


def _parsed(raw: bytes, line: int, reject) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        reject(line, "the line is not UTF-8 text", "re-write the log as UTF-8, or pass --skip-bad")
        return None
    try:
        record = loglines.parse(text.removeprefix("\ufeff"))
    except BadRecord as exc:
        reject(line, exc.what, exc.fix)
        return None
    return None if record is None else json.dumps(record, default=repr, ensure_ascii=False)


def _chunks(item: files.Input, skip_bytes: int) -> Iterator[list[bytes]]:
    """Lists of whole lines (split on \\n only, as Python reads a binary file), ~BATCH_BYTES each."""
    with files.opened(item, skip_bytes) as stream:
        rest = b""
        while block := stream.read(BATCH_BYTES):
            block = rest + block
            cut = block.rfind(b"\n")
            if cut < 0:
                rest = block
                continue
            rest = block[cut + 1:]
            yield block[:cut].split(b"\n")
        if rest:
            yield [rest]


def sample(text: str) -> list[dict]:
    """The records of the first lines of a file, for picking its preset."""
    found = []
    for line in text.splitlines()[:SAMPLE_LINES]:
        try:
            record = loglines.parse(line.removeprefix("\ufeff"))
        except BadRecord:
            continue
        if record is not None:
            found.append(record)
    return found
