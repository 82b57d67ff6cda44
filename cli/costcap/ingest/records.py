"""How records are read: the options an ingest passes to every reader, and the error a reader raises for a record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

DEFAULT_FIX = "fix or delete that line, or pass --skip-bad to pass over bad lines"
# the key a wrapper's time is kept under, beside the record's own keys: the last a call's time is read from
WRAPPER_TIME = "costcap_wrapper_time"


class BadRecord(ValueError):
    """A line or document a reader cannot turn into a record; the message says why."""

    def __init__(self, what: str, fix: str = DEFAULT_FIX):
        super().__init__(what)
        self.what, self.fix = what, fix


@dataclass
class Options:
    """The default model, the preset (None: detected) and --field overrides of call fields' source keys."""

    default_model: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    preset: str | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    tz: str | None = None  # the zone of times written with no offset (None: UTC, and said)
