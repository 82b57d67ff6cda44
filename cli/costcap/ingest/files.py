"""Finding input files, reading them (gzip by content, stdin spooled) and hashing what was read."""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import sys
import tempfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from costcap.errors import CostcapError, InputError

GZIP_MAGIC = b"\x1f\x8b"
STDIN = "-"
NOT_INPUTS = {".md", ".rst", ".py", ".toml", ".ini", ".cfg", ".yaml", ".yml", ".html", ".duckdb", ".wal", ".sql"}
_CHUNK = 1 << 20


@dataclass
class Input:
    """One file to ingest: the name to show, the real path to read, and whether it is gzip."""

    name: str
    path: Path
    gzipped: bool
    size: int
    explicit: bool = True  # named by the user, not found inside a directory

    def open(self):
        """A binary stream of the (decompressed) content."""
        raw = open(self.path, "rb")
        return gzip.GzipFile(fileobj=raw) if self.gzipped else raw


def expand(paths: list[str], spool_dir: Path) -> list[Input]:
    """Every file named or inside a named directory, sorted; `-` spools stdin to a file first."""
    found: list[Input] = []
    for given in paths:
        if given == STDIN:
            found.append(_spool_stdin(spool_dir))
            continue
        path = Path(given)
        if path.is_dir():
            children = sorted(p for p in path.iterdir() if _may_be_input(p))
            if not children:
                raise CostcapError(f"{given}: the directory holds no files (point at exports or logs)")
            found.extend(_input(str(p), p, explicit=False) for p in children)
        elif path.is_file():
            found.append(_input(given, path))
        else:
            raise CostcapError(f"{given}: no such file or directory (check the path)")
    return found


def _may_be_input(path: Path) -> bool:
    """Directory members worth reading: not hidden, not docs, code or a DuckDB store sitting beside the data."""
    return path.is_file() and not path.name.startswith(".") and path.suffix.lower() not in NOT_INPUTS


def _input(name: str, path: Path, explicit: bool = True) -> Input:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return Input(name, path, magic == GZIP_MAGIC, path.stat().st_size, explicit)


def _spool_stdin(spool_dir: Path) -> Input:
    target = Path(tempfile.mkstemp(dir=spool_dir, prefix="stdin-")[1])
    with open(target, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out, _CHUNK)
    return _input("<stdin>", target)


def head(item: Input, limit: int = 65536) -> bytes:
    """The first bytes of the content, for detecting its kind."""
    try:
        with item.open() as stream:
            return stream.read(limit)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(item.name, None, f"cannot read the gzip content ({exc})", "re-download or unzip the file") from None


@dataclass
class Digest:
    """What one pass over the content found: its sha256 and length, and the sha256 of a prefix."""

    sha256: str
    size: int
    prefix_sha256: str | None


def digest(item: Input, prefix_bytes: int | None = None) -> Digest:
    """sha256 of the whole content, its length, and the sha256 of its first `prefix_bytes` bytes."""
    whole = hashlib.sha256()
    prefix_hash = None
    seen = 0
    try:
        with item.open() as stream:
            while chunk := stream.read(_CHUNK):
                if prefix_bytes is not None and prefix_hash is None and seen + len(chunk) >= prefix_bytes:
                    cut = prefix_bytes - seen
                    whole.update(chunk[:cut])
                    prefix_hash = whole.copy().hexdigest()
                    whole.update(chunk[cut:])
                else:
                    whole.update(chunk)
                seen += len(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(item.name, None, f"the gzip content is damaged ({exc})", "re-download the file") from None
    if prefix_bytes == 0:
        prefix_hash = hashlib.sha256().hexdigest()
    return Digest(whole.hexdigest(), seen, prefix_hash)


@contextmanager
def opened(item: Input, skip_bytes: int = 0):
    """A binary stream of the (decompressed) content from `skip_bytes` on; damaged gzip is a one-line error."""
    try:
        with item.open() as stream:
            if skip_bytes:
                _skip(stream, skip_bytes)
            yield stream
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(item.name, None, f"the gzip content is damaged ({exc})", "re-download the file") from None


def lines(item: Input, skip_bytes: int = 0):
    """Yield (byte offset after the line, line text) from `skip_bytes` on; bad UTF-8 names its line."""
    try:
        with item.open() as stream:
            if skip_bytes:
                _skip(stream, skip_bytes)
            offset = skip_bytes
            for raw in stream:
                offset += len(raw)
                yield offset, raw
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(item.name, None, f"the gzip content is damaged ({exc})", "re-download the file") from None


def _skip(stream: io.BufferedIOBase, count: int) -> None:
    while count > 0:
        chunk = stream.read(min(count, _CHUNK))
        if not chunk:
            return
        count -= len(chunk)
