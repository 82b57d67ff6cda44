"""Parquet files whose columns are a log's fields (what log shippers write); hive partition keys join each record
as every partitioned file's do (ingest/calls.py).

Each row becomes one record, numbered by its row, and goes on as JSON text to the same one SQL statement that makes
calls of every other log (ingest/calls.py): a preset maps its columns exactly as it maps a JSON line's keys.
"""

from __future__ import annotations

from collections.abc import Iterator

from costcap.errors import InputError
from costcap.ingest import files

MAGIC = b"PAR1"
BATCH_ROWS = 200_000
SAMPLE_ROWS = 200


def looks_like(data: bytes) -> bool:
    return data.startswith(MAGIC)


def _frames(item: files.Input, rows: int) -> Iterator:
    import polars as pl
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(item.path)
        for batch in table.iter_batches(batch_size=rows):
            frame = _portable(pl.from_arrow(batch))
            naive = [c for c, t in frame.schema.items() if isinstance(t, pl.Datetime) and t.time_zone is None]
            # a time with no zone is read as UTC, as every other log's is
            yield frame.with_columns([pl.col(c).dt.replace_time_zone("UTC") for c in naive])
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            item.name, None, f"not a readable Parquet file ({exc})", "write it again, or leave it out"
        ) from None


def _portable(frame):
    """Columns JSON text can carry as the reader meant them: bytes as text (0x-hex where they are not UTF-8, which no
    call field reads), and a float column that holds NaN or infinity as text, so the one place that makes calls
    refuses that row by name instead of reading a missing count as 0."""
    import polars as pl

    changed = []
    for name, kind in frame.schema.items():
        if kind == pl.Binary:
            values = [None if v is None else _text(v) for v in frame[name].to_list()]
            changed.append(pl.Series(name, values, dtype=pl.String))
        elif kind.is_float() and not frame[name].is_finite().fill_null(True).all():
            changed.append(frame[name].cast(pl.String))
    return frame.with_columns(changed) if changed else frame


def _text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return "0x" + value.hex()


def _texts(frame) -> list[str]:
    return frame.write_ndjson().splitlines() if frame.height else []


def batches(item: files.Input, skip_bytes: int, first_line: int, reject) -> Iterator[tuple[list[int], list, int, int]]:
    """(row numbers, records as JSON text, rows read, bytes) per ~200k rows; a Parquet file is read whole."""
    row = 1
    for frame in _frames(item, BATCH_ROWS):
        texts = _texts(frame)
        yield list(range(row, row + len(texts))), texts, len(texts), item.size * len(texts) // max(1, _rows(item))
        row += len(texts)


def _rows(item: files.Input) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(item.path).metadata.num_rows


def head_text(item: files.Input) -> str:
    """The first rows as JSON lines: what detection and the preset's choice look at."""
    for frame in _frames(item, SAMPLE_ROWS):
        return "\n".join(_texts(frame)) + "\n"
    return ""
