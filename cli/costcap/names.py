"""Names a user types checked against the ones that exist: the closest known one, said as a did-you-mean."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name nearest `name` (case aside), or None when none is near."""
    choices = {k.lower(): k for k in known if k}
    found = difflib.get_close_matches(name.lower(), list(choices), n=1, cutoff=0.6)
    return choices[found[0]] if found else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """' (did you mean 'daily'?)', or '' when no known name is near."""
    near = closest(name, known)
    return f" (did you mean {near!r}?)" if near else ""
