"""The errors a user can fix, and the exit code of each way a command ends; anything else reaching the top is a
bug."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # a user's mistake, said in one line; also a bug, with its traceback
    USAGE = 2  # an unknown command or option, a bad value for one (as Click counts it)
    OVER_THRESHOLD = 3  # a gate a command was asked to check failed (estimate --fail-above)
    INTERRUPTED = 130  # the shell's code for a command stopped by SIGINT


class CostcapError(Exception):
    """A problem the user can fix: shown as one `Error: ...` line, exit code 1."""


class InputError(CostcapError):
    """A bad input file, pointing at the file and line."""

    def __init__(self, path: str, line: int | None, what: str, fix: str):
        self.path, self.line, self.what, self.fix = path, line, what, fix
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {what} ({fix})")


class StoreBusyError(CostcapError):
    """Another process holds the store's lock."""


class WriteConflict(CostcapError):
    """A team store's commit lost the race to another writer: nothing of it landed, and the work can run again."""


# what this run has committed to a store so far ("the ingest of 3 files"), for the truth after a Ctrl-C
LANDED: list[str] = []


class Interrupted(Exception):
    """Ctrl-C: the message says what this run committed before it, if anything (a transaction in flight is rolled
    back; one whose COMMIT ran has landed)."""

    def __init__(self, landed: bool = False):
        self.landed = landed or bool(LANDED)
        done = "; ".join(LANDED) or "everything from this run"
        super().__init__(f"interrupted after the store was saved: {done} landed" if self.landed else
                         "interrupted: nothing from this run was stored")  # fmt: skip
