"""A store's health at a glance (`costcap doctor`): where it is, its size and schema version, who holds its lock,
what it holds, and the prices and configuration in force. Each check is a row: what, what was found, and a word."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from costcap import config, lake, prices, store
from costcap.errors import CostcapError, StoreBusyError

OK, NOTE, PROBLEM = "ok", "note", "problem"


@dataclass
class Check:
    check: str
    found: str
    status: str = OK


def examine(path: str, catalog: prices.Catalog, prices_file: str | None) -> list[Check]:
    """Every check, in the order a person reads them; none raises for what it finds."""
    return [*_store_checks(path), *_price_checks(catalog, prices_file), _config_check(path)]


def _store_checks(path: str) -> list[Check]:
    if path == store.MEMORY:
        return [Check("store", "in memory (--db :memory:): nothing is kept", NOTE)]
    if lake.is_lake(path):
        return _team_store_checks(path)
    where = Check("store", str(Path(path).resolve()))
    if not Path(path).is_file():
        return [where, Check("store file", "none yet: `costcap ingest FILES` creates it", NOTE)]
    size = Check("size", _bytes(os.path.getsize(path)))
    try:
        with store.Store(path, prices.builtin(), read_only=True) as opened:
            held = opened.dicts("store/health")[0]
            version = opened.first("store/get_schema_version")
    except StoreBusyError as exc:
        return [where, size, Check("lock", str(exc).split(": ", 1)[-1], PROBLEM)]
    except CostcapError as exc:
        return [where, size, Check("store file", str(exc).split(": ", 1)[-1], PROBLEM)]
    return [where, size, Check("lock", "free (no other process holds the store)"), _version_check(version),
            *_content_checks(held)]  # fmt: skip


def _team_store_checks(path: str) -> list[Check]:
    """A team store: its catalog and data path, and what it holds; writers take turns by commit, so no lock."""
    try:
        with store.Store(path, prices.builtin(), read_only=True, data_path=config.data_path()) as opened:
            where = Check("store", f"{opened.path} (a team store on DuckLake)")
            data = Check("data path", opened.lake_data_path())
            held = opened.dicts("store/health")[0]
            version = opened.first("store/get_schema_version")
    except CostcapError as exc:
        return [Check("store", str(exc), PROBLEM)]
    return [where, data, _version_check(version), *_content_checks(held)]


def _version_check(found: tuple | None) -> Check:
    version = int(found[0]) if found else None
    if version == store.SCHEMA_VERSION:
        return Check("schema version", f"{version} (this costcap's)")
    return Check("schema version", f"{version}: the next `costcap ingest` upgrades it to {store.SCHEMA_VERSION}", NOTE)


def _content_checks(held: dict) -> list[Check]:
    calls = held["calls"]
    span = f", {held['first_call_day']} to {held['last_call_day']}" if held["first_call_day"] else ""
    bill = f"{held['usage_rows']:,} usage rows, {held['cost_rows']:,} cost rows"
    if held["first_usage_day"]:
        bill += f", usage {held['first_usage_day']} to {held['last_usage_day']}"
    return [
        Check("sources", f"{held['sources']:,}", OK if held["sources"] else NOTE),
        Check("calls", f"{calls:,}{span}", OK if calls else NOTE),
        Check("bill", bill, OK if held["usage_rows"] or held["cost_rows"] else NOTE),
    ]


def _price_checks(catalog: prices.Catalog, prices_file: str | None) -> list[Check]:
    starts = [p.effective_from for periods in catalog.periods.values() for p in periods if p.effective_from]
    newest = max(starts).isoformat() if starts else "undated"
    source = prices_file or "built in (no --prices, no [prices] file)"
    return [Check("price file", source), Check("catalog", f"{len(catalog.periods):,} models, newest price {newest}")]


def _config_check(path: str) -> Check:
    directory = None if path == store.MEMORY or lake.is_lake(path) else Path(path).resolve().parent
    found = config.path_for(directory)
    return Check(
        "configuration", str(found) if found.exists() else f"none ({found.name} would be read from {found.parent})"
    )


def _bytes(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size:,} bytes"
