"""Reading a file the user named (a plan, a price file, a sample, costcap.toml): every way it can be wrong is one
error line that names it and says what to do, never a traceback or an endless read."""

from __future__ import annotations

import stat
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
            raise CostcapError(f"{path}: not a regular file (a device, pipe or socket), not {what}; save it to a file first")
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
