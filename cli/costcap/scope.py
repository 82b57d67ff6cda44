"""What a command looks at: the inclusive UTC days and the one feature (None: all) of audit, budget, report and
explain. Built once from the options, checked once, and set in the session as the one-row table `scope` that every
query of those commands reads, so no command depends on another having run before it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from costcap.errors import CostcapError
from costcap.names import did_you_mean

_SPAN = re.compile(r"^(\d{1,4})([dw])$")


def today() -> date:
    return datetime.now(UTC).date()


def parse_day(text: str, now: date | None = None) -> date:
    """A day as the options take it: 2026-11-20, 20261120, or a span back from today (UTC): 7d, 2w."""
    text = text.strip()
    span = _SPAN.match(text.lower())
    if span:
        return (now or today()) - _length(span)
    for form in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a day: write 2026-11-20, 20261120, or a span back from today such as 7d or 2w")


def parse_last(text: str, now: date | None = None) -> tuple[date, date]:
    """--last 30d: the 30 days that end today (UTC), today included."""
    span = _SPAN.match(text.strip().lower())
    if not span or _length(span).days < 1:
        raise ValueError(f"--last {text!r}: write a span such as 7d, 30d or 2w")
    end = now or today()
    return end - _length(span) + timedelta(days=1), end


def _length(span: re.Match) -> timedelta:
    return timedelta(days=int(span.group(1)) * (7 if span.group(2) == "w" else 1))


@dataclass(frozen=True)
class Scope:
    since: date | None = None
    until: date | None = None
    feature: str | None = None

    def check(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise CostcapError(f"--since {self.since} is after --until {self.until}: swap them")

    def narrowed(self, feature: str | None) -> Scope:
        """The same days, one feature (None keeps this scope's)."""
        return self if feature is None else replace(self, feature=feature)

    def apply(self, store) -> None:
        """Set this scope in the store's session: the queries that follow read it. A feature no call carries is an
        error, with the nearest known one."""
        self.check()
        if self.feature is not None:
            known = [f for (f,) in store.rows("store/list_features")]
            if known and self.feature not in known:
                raise CostcapError(f"--feature {self.feature!r}: no call in the store carries it"
                                   f"{did_you_mean(self.feature, known)}")  # fmt: skip
        store.execute("scope/set", since=self.since, until=self.until, feature=self.feature)
