"""Parquet files whose columns are a log's fields (what log shippers write), hive partition keys included.

Each row becomes one record, numbered by its row, and goes on as JSON text to the same one SQL statement that makes
calls of every other log (ingest/calls.py): a preset maps its columns exactly as it maps a JSON line's keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from costcap.errors import InputError
from costcap.ingest import files

MAGIC = b"PAR1"
BATCH_ROWS = 200_000
SAMPLE_ROWS = 200
_PARTITION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.+)$")


def looks_like(data: bytes) -> bool:
    return data.startswith(MAGIC)


def partitions(name: str) -> dict[str, str]:
    """The hive partition keys in the folders of a path: logs/day=2026-11-03/feature=daily/x.parquet."""
    found = {}
    for part in PurePosixPath(name.replace("\\", "/")).parts[:-1]:
        match = _PARTITION.match(part)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _frames(item: files.Input, rows: int) -> Iterator:
    import polars as pl
    import pyarrow as pa
    import pyarrow.parquet as pq

    keys = partitions(item.name)
    try:
        table = pq.ParquetFile(item.path)
        for batch in table.iter_batches(batch_size=rows):
            frame = pl.from_arrow(batch)
            frame = frame.with_columns([pl.lit(v).alias(k) for k, v in keys.items() if k not in frame.columns])
            naive = [c for c, t in frame.schema.items() if isinstance(t, pl.Datetime) and t.time_zone is None]
            # a time with no zone is read as UTC, as every other log's is
            yield frame.with_columns([pl.col(c).dt.replace_time_zone("UTC") for c in naive])
    except (pa.ArrowException, OSError) as exc:
        raise InputError(item.name, None, f"not a readable Parquet file ({exc})", "write it again, or leave it out") from None


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
