"""Finding input files, reading them (gzip by content, stdin spooled) and hashing what was read."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import shutil
import sys
import tempfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from costcap.errors import CostcapError, InputError
from costcap.ingest import remote

GZIP_MAGIC = b"\x1f\x8b"
STDIN = "-"
NOT_INPUTS = {".md", ".rst", ".py", ".toml", ".ini", ".cfg", ".yaml", ".yml", ".html", ".duckdb", ".wal", ".sql"}
_CHUNK = 1 << 20
_GLOB = re.compile(r"[*?\[]")
_PARTITION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=.+$")


@dataclass
class Input:
    """One file to ingest: the name to show, the real path to read, and whether it is gzip."""

    name: str
    path: Path
    gzipped: bool
    size: int
    explicit: bool = True  # named by the user, not found inside a directory
    # the bytes of content to read: what the digest saw, so lines a writer adds meanwhile wait for the next ingest
    limit: int | None = None
    url: str | None = None  # fetched from object storage into the spool: the source is known by its URL

    def open(self):
        """A binary stream of the (decompressed) content."""
        raw = open(self.path, "rb")
        return gzip.GzipFile(fileobj=raw) if self.gzipped else raw


def expand(paths: list[str], spool_dir: Path, recursive: bool = False) -> list[Input]:
    """Every file named or inside a named directory (and its subfolders when `recursive`), sorted; `-` spools stdin
    to a file first."""
    found: list[Input] = []
    for given in paths:
        if given == STDIN:
            found.append(_spool_stdin(spool_dir))
            continue
        if remote.is_url(given):
            found.extend(remote.fetch(given, spool_dir))
            continue
        path = Path(given)
        if not path.exists() and _GLOB.search(given):
            found.extend(_matches(given))
            continue
        try:
            if path.is_dir():
                members = path.rglob("*") if recursive else _members(path)
                children = sorted(p for p in members if _may_be_input(p) and not _hidden_below(p, path))
                if not children:
                    folders = any(p.is_dir() for p in path.iterdir())
                    raise CostcapError(f"{given}: the folder holds no files" + (
                        " (only subfolders: pass --recursive to read them)" if folders and not recursive else
                        " (point at exports or logs)"))  # fmt: skip
                found.extend(_input(str(p), p, explicit=False) for p in children)
            elif path.is_file():
                found.append(_input(given, path))
            elif path.exists():
                raise CostcapError(f"{given}: not a regular file (a device, pipe or socket); save its content to a file first")
            else:
                raise CostcapError(f"{given}: no such file or directory (check the path)")
        except PermissionError as exc:
            raise CostcapError(f"{exc.filename or given}: permission denied (make it readable, or leave it out)") from None
    return found


def _members(folder: Path):
    """A folder's files, and those of its hive partitions (subfolders named key=value: one dataset, split)."""
    for member in folder.iterdir():
        if member.is_dir() and _PARTITION.match(member.name):
            yield from member.rglob("*")
        else:
            yield member


def _matches(pattern: str) -> list[Input]:
    """The files a glob names (** crosses folders), each its own source; none is an error."""
    import glob

    matched = sorted(Path(p) for p in glob.glob(pattern, recursive=True))
    chosen = [p for p in matched if _may_be_input(p)]
    if not chosen:
        raise CostcapError(f"{pattern}: no file matches (quote the pattern so costcap, not the shell, expands it)")
    return [_input(str(p), p) for p in chosen]


def _hidden_below(path: Path, top: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(top).parts[:-1])


def _may_be_input(path: Path, is_file: bool | None = None) -> bool:
    """Directory members worth reading: not hidden, not docs, code or a DuckDB store sitting beside the data."""
    if is_file is None:
        is_file = path.is_file()
    return is_file and not path.name.startswith(".") and path.suffix.lower() not in NOT_INPUTS


def input_of(name: str, path: Path, explicit: bool = True, url: str | None = None) -> Input:
    """One file to read, gzip known by its first bytes."""
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
    except PermissionError:
        raise CostcapError(f"{name}: permission denied (make it readable, or leave it out)") from None
    return Input(name, path, magic == GZIP_MAGIC, path.stat().st_size, explicit, url=url)


_input = input_of


def _spool_stdin(spool_dir: Path) -> Input:
    if sys.stdin is None or sys.stdin.closed:
        raise CostcapError("-: stdin is closed (pipe a file in, or name the file instead of -)")
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
    """A binary stream of the (decompressed) content from `skip_bytes` up to the item's limit; damaged gzip is a
    one-line error."""
    try:
        with item.open() as stream:
            if skip_bytes:
                _skip(stream, skip_bytes)
            yield stream if item.limit is None else _Capped(stream, max(0, item.limit - skip_bytes))
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(item.name, None, f"the gzip content is damaged ({exc})", "re-download the file") from None


def lines(item: Input, skip_bytes: int = 0):
    """Yield (byte offset after the line, line text) from `skip_bytes` on; bad UTF-8 names its line."""
    with opened(item, skip_bytes) as stream:
        offset = skip_bytes
        for raw in stream:
            offset += len(raw)
            yield offset, raw


class _Capped:
    """A stream that ends after `left` bytes."""

    def __init__(self, stream, left: int):
        self.stream, self.left = stream, left

    def read(self, size: int = -1) -> bytes:
        wanted = self.left if size is None or size < 0 else min(size, self.left)
        data = self.stream.read(wanted) if wanted else b""
        self.left -= len(data)
        return data

    def __iter__(self):
        while self.left > 0 and (raw := self.stream.readline(self.left)):
            self.left -= len(raw)
            yield raw


def _skip(stream: io.BufferedIOBase, count: int) -> None:
    while count > 0:
        chunk = stream.read(min(count, _CHUNK))
        if not chunk:
            return
        count -= len(chunk)
