"""Every wait on a server is bounded: the limits in force (costcap.toml's [network]), and a call given up on when
it runs past its time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from costcap.errors import CostcapError

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """Seconds to wait: for a connection, for each read, and for the whole of one fetch or pull."""

    connect_s: float = 10.0
    read_s: float = 60.0
    total_s: float = 3600.0


def within(call: Callable[[], T], seconds: float, late: Callable[[], CostcapError]) -> T:
    """call() in a worker thread, given up on (the thread left behind, a daemon) after `seconds`: then late() is
    raised. What the call raises is raised here."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # noqa: BLE001  handed to the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(max(seconds, 0.0))
    if worker.is_alive():
        raise late()
    if "error" in box:
        raise box["error"]
    return box["value"]
