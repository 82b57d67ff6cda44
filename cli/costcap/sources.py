"""What the store holds, source by source, and taking a source out again without losing what another source holds."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from costcap import aggregates, identity
from costcap.errors import CostcapError
from costcap.store import Store


@dataclass
class Forgotten:
    source_id: int
    path: str
    calls: int  # calls that left the store with it
    kept: int  # calls it held that another source still holds: they stay
    usage_rows: int
    cost_rows: int
    spend_usd: Decimal  # the spend that left the store with it
    note: str | None = None


def listed(store: Store) -> list[dict]:
    """Every source with its rows, days and spend."""
    return store.dicts("store/list_sources", source_id=None)


def ids_of(store: Store, given: str) -> list[tuple[int, str, bool]]:
    """(source id, path, is it one of the source's copies) for what a path (every part of it: a grown log has one per
    ingest) or a source id names."""
    path = given if given == "<stdin>" or "://" in given else str(Path(given).resolve())
    return store.rows("store/find_sources", given=given, path=path)


def holding(store: Store, path: str, sha256: str) -> list[int]:
    """The sources read from this path, or holding this content under any path (what `ingest --force` replaces)."""
    return [row[0] for row in store.rows("store/find_sources_holding", path=path, sha256=sha256)]


def forget(store: Store, given: list[str], dry_run: bool = False) -> list[Forgotten]:
    """Take each named source out, all in one transaction; a call another source holds too stays. An unknown name is
    an error. A dry run does the same work and rolls it back, so what it says is what a real one would do."""
    what = f"the forget of {', '.join(given)}"

    def attempt() -> list[Forgotten]:
        found = []
        with store.transaction(commit=not dry_run, what=what):
            for name in given:
                matches = ids_of(store, name)
                if not matches:
                    raise CostcapError(f"{name}: no such source in {store.path} (`costcap sources` lists them)")
                found += [_let_go(store, source_id, path, copy, by_id=name == str(source_id))
                          for source_id, path, copy in matches]  # fmt: skip
            aggregates.recount_runs(store)
        return found

    return store.retried(attempt, what)


def _let_go(store: Store, source_id: int, path: str, copy: bool, by_id: bool) -> Forgotten:
    """A path of a source whose content another path holds too only drops that path; anything else goes whole."""
    others = [p for p in store.rows("store/source_paths", source_id=source_id) if p[0] != path]
    if by_id or not others:
        return remove(store, source_id)
    store.execute("store/drop_source_path", source_id=source_id, path=path, copy=copy, other=others[0][0])
    [(calls, _copies, *_)] = store.rows("store/count_source_rows", source_id=source_id)
    return Forgotten(
        source_id, path, 0, calls, 0, 0, Decimal(0), note=f"the same content is at {others[0][0]}: kept there"
    )


def remove(store: Store, source_id: int) -> Forgotten:
    """Take one source out (inside the caller's transaction), saying what went: the calls it counted that no other
    source holds. The others are counted from the next source holding them."""
    held = next(iter(store.dicts("store/list_sources", source_id=source_id)), {})
    [(calls, _copies, usage_rows, cost_rows)] = store.rows("store/count_source_rows", source_id=source_id)
    identity.note_leaving(store, source_id)
    aggregates.forget_source(store, source_id)
    for query in (
        "store/forget_source_calls",
        "store/forget_source_copies",
        "store/forget_source_usage",
        "store/forget_source_costs",
        "store/forget_source",
    ):
        store.execute(query, source_id=source_id)
    identity.settle(store)
    [(taken_over, taken_over_usd)] = store.rows("identity/moved_in")
    spend = (held.get("spend_usd") or Decimal(0)) - taken_over_usd
    return Forgotten(source_id, held.get("path", ""), calls - taken_over, taken_over, usage_rows, cost_rows, spend)
