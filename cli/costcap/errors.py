"""The errors a user can fix; anything else reaching the top is a bug."""


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


class Interrupted(Exception):
    """Ctrl-C after the store's COMMIT ran: what was being stored landed."""

    def __init__(self, landed: bool):
        self.landed = landed
        super().__init__("interrupted after the store was saved: everything from this run landed" if landed else
                         "interrupted: nothing from this run was stored")  # fmt: skip
