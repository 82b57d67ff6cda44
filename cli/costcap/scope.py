"""What a command looks at: the inclusive UTC days and the one feature (None: all) of audit, budget, report and
explain. Built once from the options, checked once, and set in the session as the one-row table `scope` that every
query of those commands reads, so no command depends on another having run before it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from costcap.errors import CostcapError


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
        """Set this scope in the store's session: the queries that follow read it."""
        self.check()
        store.execute("scope/set", since=self.since, until=self.until, feature=self.feature)
