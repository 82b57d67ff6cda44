"""Finding input files, reading them (gzip by content, stdin spooled) and hashing what was read."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from costcap.errors import CostcapError, InputError
from costcap.ingest import remote
from costcap.waits import Limits

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
    partition: dict[str, str] = field(default_factory=dict)  # hive keys of the folders it sits in: part of its records

    def open(self):
        """A binary stream of the (decompressed) content."""
        raw = open(self.path, "rb")  # noqa: SIM115  the caller closes the stream it is given
        return gzip.GzipFile(fileobj=raw) if self.gzipped else raw


@dataclass
class Aside:
    """A path a walk did not read, or read with a word to say: an unreadable file or folder (with --skip-bad), a
    link back to a folder already read, a link out of the folder."""

    path: str
    kind: str  # file | folder
    status: str  # unreadable | passed over | link followed
    note: str


DEFAULT_LIMITS = Limits()


def expand(paths: list[str], spool_dir: Path, recursive: bool = False, limits: Limits = DEFAULT_LIMITS,
           skip_bad: bool = False) -> tuple[list[Input], list[Aside]]:  # fmt: skip
    """Every file named, matched by a glob, or inside a named folder (its subfolders too when `recursive`, its hive
    partitions always), sorted; `-` spools stdin to a file first; URLs are fetched into the spool. Each real folder
    is read once; what could not be read is an error, or with `skip_bad` set aside and said."""
    found: list[Input] = []
    aside: list[Aside] = []
    for given in paths:
        if given == STDIN:
            found.append(_spool_stdin(spool_dir))
        elif remote.is_url(given):
            found.extend(
                input_of(name, target, url=name)
                for name, target in remote.fetch(given, spool_dir, limits, _named_input)
            )
        else:
            found.extend(_local(given, recursive, skip_bad, aside))
    return found, aside


def _local(given: str, recursive: bool, skip_bad: bool, aside: list[Aside]) -> list[Input]:
    path = Path(given)
    try:
        if not path.exists() and _GLOB.search(given):
            return _matches(given, skip_bad, aside)
        if path.is_dir():
            return _folder(given, path, recursive, skip_bad, aside)
        if path.is_file():
            return [input_of(given, path)]
        if path.exists():
            raise CostcapError(
                f"{given}: not a regular file (a device, pipe or socket); save its content to a file first"
            )
        raise CostcapError(f"{given}: no such file or directory (check the path)")
    except PermissionError as exc:
        raise CostcapError(f"{exc.filename or given}: permission denied (make it readable, or leave it out)") from None
    except OSError as exc:
        raise CostcapError(f"{exc.filename or given}: cannot be read ({exc.strerror or exc})") from None


def _folder(given: str, path: Path, recursive: bool, skip_bad: bool, aside: list[Aside]) -> list[Input]:
    """A folder's files (its subfolders' when recursive, its hive partitions' always)."""

    def deep(relative: Path) -> bool:
        return recursive or _PARTITION.match(relative.parts[0]) is not None

    children = _readable(_walk(path, deep, aside), skip_bad, aside)
    if not children:
        folders = any(p.is_dir() for p in path.iterdir())
        raise CostcapError(f"{given}: the folder holds no files" + (
            " (only subfolders: pass --recursive to read them)" if folders and not recursive else
            " (point at exports or logs)"))  # fmt: skip
    return [input_of(str(p), p, explicit=False) for p in children]


def _walk(top: Path, deep, aside: list[Aside]) -> list[Path]:
    """The input files under `top`, entering a subfolder when deep(its path below top) says so, each real folder once
    (a link back to a folder already read is said, not followed again); hidden files and folders are left out."""
    real_top = top.resolve()
    seen = {_identity(top)}
    folders, files = [top], []
    while folders:
        folder = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            aside.append(Aside(str(folder), "folder", "unreadable", exc.strerror or str(exc)))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            member = Path(entry.path)
            if _is_dir(entry):
                if deep(member.relative_to(top)):
                    _enter(member, real_top, seen, folders, aside)
            elif _may_be_input(member, is_file=_is_file(entry)):
                files.append(member)
    return sorted(files)


def _enter(member: Path, real_top: Path, seen: set, folders: list[Path], aside: list[Aside]) -> None:
    """Queue a subfolder unless its real folder was read already; say a link that leads out of the tree."""
    try:
        identity = _identity(member)
    except OSError as exc:
        aside.append(Aside(str(member), "folder", "unreadable", exc.strerror or str(exc)))
        return
    if identity in seen:
        aside.append(Aside(str(member), "folder", "passed over", "a link to a folder already read: not read twice"))
        return
    seen.add(identity)
    if member.is_symlink() and not member.resolve().is_relative_to(real_top):
        aside.append(Aside(str(member), "folder", "link followed", f"links out of the folder, to {member.resolve()}"))
    folders.append(member)


def _identity(path: Path) -> tuple[int, int]:
    found = path.stat()
    return found.st_dev, found.st_ino


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _readable(found: list[Path], skip_bad: bool, aside: list[Aside]) -> list[Path]:
    """The files that can be opened; one that cannot is an error naming it, or with --skip-bad set aside."""
    kept = []
    for path in found:
        if os.access(path, os.R_OK):
            kept.append(path)
        elif skip_bad:
            aside.append(Aside(str(path), "file", "unreadable", "permission denied"))
        else:
            raise CostcapError(f"{path}: permission denied (make it readable, leave it out, or pass --skip-bad)")
    unreadable = [a for a in aside if a.status == "unreadable"]
    if unreadable and not skip_bad:
        raise CostcapError(f"{unreadable[0].path}: cannot be read ({unreadable[0].note}): make it readable, leave it "
                           "out, or pass --skip-bad to read the rest")  # fmt: skip
    return kept


def _matches(pattern: str, skip_bad: bool, aside: list[Aside]) -> list[Input]:
    """The files a glob names (** crosses folders), each its own source, every real folder walked once; none is an
    error."""
    parts = Path(pattern).parts
    fixed = next(i for i, part in enumerate(parts) if _GLOB.search(part))
    base = Path(*parts[:fixed]) if fixed else Path(".")
    rest = parts[fixed:]
    crosses = "**" in rest
    wanted = _glob_regex(rest)

    def deep(relative: Path) -> bool:
        return crosses or len(relative.parts) < len(rest)

    found = _walk(base, deep, aside) if base.is_dir() else []
    chosen = _readable([p for p in found if wanted.fullmatch(p.relative_to(base).as_posix())], skip_bad, aside)
    if not chosen:
        raise CostcapError(f"{pattern}: no file matches (quote the pattern so costcap, not the shell, expands it)")
    return [input_of(str(p), p) for p in chosen]


def _glob_regex(parts: tuple[str, ...]) -> re.Pattern:
    """A glob's parts as one pattern over a path below its base: * and ? stay within a folder, ** crosses any."""
    pattern = ""
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if part == "**":
            pattern += "(?:[^/]+/)*" + ("[^/]+" if last else "")
        else:
            pattern += _glob_part(part) + ("" if last else "/")
    return re.compile(pattern)


def _glob_part(part: str) -> str:
    """One folder or file name of a glob as a pattern that never crosses a /."""
    out, i = "", 0
    while i < len(part):
        char = part[i]
        end = part.find("]", i + 2) if char == "[" else -1
        if char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif end > 0:
            body = part[i + 1 : end]
            out += "[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]"
            i = end
        else:
            out += re.escape(char)
        i += 1
    return out


def _named_input(path: Path) -> bool:
    return _may_be_input(path, is_file=True)


def _may_be_input(path: Path, is_file: bool | None = None) -> bool:
    """Directory members worth reading: not hidden, not docs, code or a DuckDB store sitting beside the data."""
    if is_file is None:
        is_file = path.is_file()
    return is_file and not path.name.startswith(".") and path.suffix.lower() not in NOT_INPUTS


def input_of(name: str, path: Path, explicit: bool = True, url: str | None = None) -> Input:
    """One file to read, gzip known by its first bytes, with the hive partition keys its name carries."""
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
    except PermissionError:
        raise CostcapError(f"{name}: permission denied (make it readable, or leave it out)") from None
    return Input(name, path, magic == GZIP_MAGIC, path.stat().st_size, explicit, url=url, partition=partitions(name))


def partitions(name: str) -> dict[str, str]:
    """The hive partition keys in the folders of a path: logs/day=2026-11-03/feature=daily/x.parquet."""
    found = {}
    for part in PurePosixPath(name.replace("\\", "/")).parts[:-1]:
        match = _PARTITION.match(part)
        if match:
            key, _, value = part.partition("=")
            found[key] = value
    return found


def source_sha(content_sha: str, partition: dict[str, str]) -> str:
    """What a source is known by: its content's sha256, and the partition keys its records take from its folders
    (byte-identical files in two partitions are two sources)."""
    if not partition:
        return content_sha
    keys = json.dumps(partition, sort_keys=True)
    return hashlib.sha256(f"{content_sha}\n{keys}".encode()).hexdigest()


def _spool_stdin(spool_dir: Path) -> Input:
    if sys.stdin is None or sys.stdin.closed:
        raise CostcapError("-: stdin is closed (pipe a file in, or name the file instead of -)")
    try:
        handle, name = tempfile.mkstemp(dir=spool_dir, prefix="stdin-")
        with open(handle, "wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out, _CHUNK)
    except OSError as exc:
        raise CostcapError(
            f"-: cannot keep stdin in the temporary folder {spool_dir.parent} ({exc.strerror or exc}); "
            "free space there or point TMPDIR at a folder with room, or name a file instead of -"
        ) from None
    return input_of("<stdin>", Path(name))


def head(item: Input, limit: int = 65536) -> bytes:
    """The first bytes of the content, for detecting its kind."""
    try:
        with item.open() as stream:
            return stream.read(limit)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(
            item.name, None, f"cannot read the gzip content ({exc})", "re-download or unzip the file"
        ) from None


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
