"""Reading a file the user named (a plan, a price file, a sample, costcap.toml) and writing one (a report, saved
pages): every way it can be wrong is one error line that names it and says what to do, never a traceback or an
endless read, and a write lands whole or not at all, never through a link someone planted."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from costcap.errors import CostcapError

MAX_BYTES = 256 << 20  # no plan, price file or sample is this big: a bigger one is the wrong file


def read_text(path: Path | str, what: str, max_bytes: int = MAX_BYTES) -> str:
    """The UTF-8 text of `path`, which the user gave as `what` (e.g. "the --prices file")."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise CostcapError(f"{path}: is a folder, not {what} (name the file)")
        if not stat.S_ISREG(mode):
            raise CostcapError(
                f"{path}: not a regular file (a device, pipe or socket), not {what}; save it to a file first"
            )
        if path.stat().st_size > max_bytes:
            raise CostcapError(f"{path}: {path.stat().st_size:,} bytes is too big to be {what}")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CostcapError(f"{path}: no such file (check the path of {what})") from None
    except PermissionError:
        raise CostcapError(f"{path}: permission denied (make {what} readable)") from None
    except UnicodeDecodeError as exc:
        raise CostcapError(f"{path}: not UTF-8 text at byte {exc.start} (save {what} as UTF-8)") from None
    except OSError as exc:
        raise CostcapError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None


def write_text(target: Path | str, text: str, what: str) -> Path:
    """Write `text` to the file named `target` whole or not at all: into a temporary file created exclusively beside
    it (a random name, never an existing file or link), then renamed over it. A link at `target` is followed to the
    file it names, as the shell's > would; a folder or a device there is an error. Returns the file written."""
    final = Path(os.path.realpath(target))
    if final.is_dir():
        raise CostcapError(f"{target}: is a folder; give a file name for {what}")
    if final.exists() and not final.is_file():
        raise CostcapError(f"{target}: not a regular file (a device, pipe or socket); give a file name for {what}")
    if not final.parent.is_dir():
        raise CostcapError(f"{target}: the folder {final.parent} does not exist (create it, or choose another name)")
    mode = stat.S_IMODE(final.stat().st_mode) if final.exists() else 0o666 & ~_umask()
    try:
        handle, partial = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".partial")
    except OSError as exc:
        raise CostcapError(
            f"{target}: cannot write {what} there ({exc.strerror or exc}); choose another place"
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(partial, mode)
        os.replace(partial, final)
    except OSError as exc:
        Path(partial).unlink(missing_ok=True)
        raise CostcapError(f"{target}: cannot write {what} ({exc.strerror or exc}); nothing was written") from None
    return final


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
