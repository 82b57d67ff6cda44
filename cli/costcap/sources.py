"""What the store holds, source by source, and taking a source out again."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from costcap import aggregates
from costcap.errors import CostcapError
from costcap.store import Store


@dataclass
class Forgotten:
    source_id: int
    path: str
    calls: int
    usage_rows: int
    cost_rows: int
    spend_usd: Decimal


def listed(store: Store) -> list[dict]:
    """Every source with its rows, days and spend."""
    return store.dicts("list_sources", source_id=None)


def ids_of(store: Store, given: str) -> list[tuple[int, str]]:
    """The sources a path (every part of it: a grown log has one per ingest) or a source id names."""
    path = given if given == "<stdin>" else str(Path(given).resolve())
    return store.rows("find_sources", given=given, path=path)


def forget(store: Store, given: list[str]) -> list[Forgotten]:
    """Remove each named source and what it stored, all in one transaction; an unknown name is an error."""
    found = []
    with store.transaction():
        for name in given:
            matches = ids_of(store, name)
            if not matches:
                raise CostcapError(f"{name}: no such source in {store.path} (`costcap sources` lists them)")
            found += [remove(store, source_id, path) for source_id, path in matches]
        aggregates.recount_runs(store)
    return found


def remove(store: Store, source_id: int, path: str) -> Forgotten:
    """Take one source out (inside the caller's transaction), saying what went."""
    held = next(iter(store.dicts("list_sources", source_id=source_id)), {})
    [counts] = store.rows("count_source_rows", source_id=source_id)
    aggregates.forget_source(store, source_id)
    for table in ("calls", "usage", "costs", ""):
        store.execute("forget_source" + (f"_{table}" if table else ""), source_id=source_id)
    return Forgotten(source_id, path, *counts, held.get("spend_usd") or Decimal(0))
