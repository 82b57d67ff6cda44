"""Line-oriented call logs: structlog (every renderer, stdlib prefixes, colour) and Batch output files.

A line that starts with `{` is handed on as it is: the one SQL statement in ingest/calls.py parses it. Any other
line is read by ingest/loglines.py (key=value, logfmt, console, JSON after a prefix) and handed on as JSON text.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

from costcap.ingest import files, loglines
from costcap.ingest.records import BadRecord

BATCH_BYTES = 32 << 20
SMALL_BLOCK = 256 << 10  # below this, a plain loop beats setting polars up for the block
SAMPLE_LINES = 200
NOT_UTF8 = ("the line is not UTF-8 text", "re-write the log as UTF-8, or pass --skip-bad")


def batches(item: files.Input, skip_bytes: int, first_line: int, reject) -> Iterator[tuple[list[int], list, int, int]]:
    """(line numbers, records, lines read, bytes read) per ~32 MB of whole lines from `skip_bytes` on;
    `reject(line, what, fix)` hears the lines that are not records. The pieces of a line a container runtime split
    (its P flag) are joined before the line is read."""
    line, pieces = first_line, _Pieces()
    for block in _blocks(item, skip_bytes):
        count = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        split = _split(block, count) if len(block) >= SMALL_BLOCK else None
        read = _by_polars(split, line, reject, pieces) if split is not None else _by_python(block, line, reject, pieces)
        yield *read, count, len(block)
        line += count


class _Pieces:
    """The pieces of a split line read so far (a runtime's text format marks all but the last with P)."""

    def __init__(self):
        self.body, self.time = "", None

    def read(self, text: str) -> str | None:
        """The JSON text of the record a line holds, once its pieces are whole; None while pieces are still
        arriving, or when the line holds no record."""
        if not self.body and " P " not in text[:64]:
            return loglines.record_text(text)
        prefix = loglines.split_prefix(text.strip())
        if prefix is None:
            return loglines.record_text(text)
        self.time = self.time or prefix.time
        self.body += prefix.body
        if prefix.piece:
            return None
        body, time, self.body, self.time = self.body, self.time, "", None
        return loglines.json_with_time(body, time) or _dumped(loglines.with_time(loglines.parse(body), time))


def _split(block: bytes, count: int):
    """The block's lines as a polars column (Rust splits on \\n only, as Python does), or None when polars cannot
    take it as one text column (bad UTF-8, a 0x1f byte): then Python reads it line by line."""
    import polars as pl

    try:
        frame = pl.read_csv(io.BytesIO(block), has_header=False, separator="\x1f", quote_char=None,
                            schema={"text": pl.String}, eol_char="\n")  # fmt: skip
    except (pl.exceptions.PolarsError, ValueError):
        return None
    return frame if frame.height == count else None


def _by_polars(frame, first: int, reject, pieces: _Pieces) -> tuple[list, list]:
    """Lines that start with `{` go on as they are; other non-blank lines are parsed here, in Python."""
    import polars as pl

    numbered = frame.with_row_index("line", offset=0).with_columns(pl.col("line").cast(pl.Int64) + first)
    text = pl.col("text")
    is_json = text.str.starts_with("{")
    plain = numbered.filter(is_json)
    others = numbered.filter(~is_json & text.is_not_null() & (text.str.strip_chars() != ""))
    numbers, records = plain["line"].to_arrow(), plain["text"].to_arrow()
    if not others.height:
        return numbers, records
    spliced, others = _prefixed_json(others, pieces)
    parsed = [
        (n, _parsed_text(t, n, reject, pieces))
        for n, t in zip(others["line"].to_list(), others["text"].to_list(), strict=False)
    ]
    kept = pl.DataFrame(
        [(n, r) for n, r in parsed if r is not None], schema={"line": pl.Int64, "text": pl.String}, orient="row"
    )
    merged = pl.concat([plain, spliced, kept]).sort("line")
    return merged["line"].to_arrow(), merged["text"].to_arrow()


def _prefixed_json(others, pieces: _Pieces):
    """(records, the rest): lines of a known prefix before a JSON object, made records by Rust (the prefix's time
    spliced in as json_with_time does), and the lines left for Python. A block with a piece of a split line in it
    is all left to Python, which joins the pieces in order."""
    import polars as pl

    done = []
    for pattern, groups in loglines.column_prefixes():
        if not others.height:
            break
        text = pl.col("text").str.strip_chars()
        found = others.with_columns(
            time=text.str.extract(pattern, groups["time"]), body=text.str.extract(pattern, groups["body"]),
            flag=text.str.extract(pattern, groups["flag"]) if "flag" in groups else pl.lit(None, pl.String),
        )  # fmt: skip
        if pieces.body or found["flag"].eq("P").any():
            return others.clear(), others
        found = found.with_columns(
            record=loglines.json_with_time_column(pl.col("body"), pl.col("time").replace("-", None))
        )
        done.append(found.filter(pl.col("record").is_not_null()).select("line", text=pl.col("record")))
        others = found.filter(pl.col("record").is_null()).select("line", "text")
    return pl.concat(done) if done else others.clear(), others


def _by_python(block: bytes, line: int, reject, pieces: _Pieces) -> tuple[list[int], list]:
    numbers, records = [], []
    for raw in block.split(b"\n")[: block.count(b"\n") + (0 if block.endswith(b"\n") else 1)]:
        if raw[:1] == b"{":
            try:
                records.append(raw.decode("utf-8"))
                numbers.append(line)
            except UnicodeDecodeError:
                reject(line, *NOT_UTF8)
        elif raw.strip():
            record = _parsed(raw, line, reject, pieces)
            if record is not None:
                numbers.append(line)
                records.append(record)
        line += 1
    return numbers, records


def _parsed(raw: bytes, line: int, reject, pieces: _Pieces) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        reject(line, *NOT_UTF8)
        return None
    return _parsed_text(text, line, reject, pieces)


def _parsed_text(text: str, line: int, reject, pieces: _Pieces) -> str | None:
    """A non-JSON line (console, key=value, logfmt, JSON after a prefix) as JSON text; None when not an event."""
    try:
        return pieces.read(text.removeprefix("\ufeff"))
    except BadRecord as exc:
        reject(line, exc.what, exc.fix)
        return None


def _dumped(record: dict | None) -> str | None:
    return None if record is None else json.dumps(record, default=repr, ensure_ascii=False)


def _blocks(item: files.Input, skip_bytes: int) -> Iterator[bytes]:
    """Blocks of whole lines, ~BATCH_BYTES each (the last may lack its newline)."""
    with files.opened(item, skip_bytes) as stream:
        rest = b""
        while block := stream.read(BATCH_BYTES):
            block = rest + block
            cut = block.rfind(b"\n")
            if cut < 0:
                rest = block
                continue
            rest = block[cut + 1 :]
            yield block[: cut + 1]
        if rest:
            yield rest


def sample(text: str) -> list[dict]:
    """The records of the first lines of a file, for picking its preset."""
    found = []
    for line in text.split("\n")[:SAMPLE_LINES]:
        try:
            record = loglines.parse(line.removeprefix("\ufeff"))
        except BadRecord:
            continue
        if record is not None:
            found.append(record)
    return found
