"""A store's whole content as a folder of Parquet files, and back: how a file store moves to a team store (or to a
machine whose DuckDB cannot read the file: DuckDB 2.0's files do not open in the 1.5.5 a team store runs on).
`costcap export FOLDER` writes one file per table; `costcap import FOLDER` loads them into a store that holds
nothing yet, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from costcap import numbers
from costcap.errors import CostcapError
from costcap.store import SCHEMA_VERSION, TABLES, Store

# the one table an import does not load: the store it goes into has its own facts (schema version, last write)
OWN = ("meta",)


@dataclass
class Moved:
    table: str
    rows: int


def export_store(store: Store, folder: Path) -> list[Moved]:
    """Every table of the store, one Parquet file each, into a new or empty folder (written beside it, then renamed
    into place, so a folder holding the files is a whole export)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CostcapError(f"{folder}: exists and is not an empty folder; name a new folder to export to")
    partial = folder.with_name(folder.name + ".partial")
    if partial.exists():
        raise CostcapError(f"{partial}: left by an export that did not finish; remove it and run the export again")
    try:
        partial.mkdir(parents=True)
    except OSError as exc:
        raise CostcapError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from None
    moved = []
    for table in TABLES:
        listed = ", ".join(_exact(name, kind) for name, kind in store.rows("store/table_columns", table=table))
        store.composed(f"COPY (SELECT {listed} FROM {table}) TO $path (FORMAT parquet)",
                       path=str(partial / f"{table}.parquet"))  # fmt: skip
        moved.append(Moved(table, _count(store, table)))
    if folder.exists():
        folder.rmdir()
    partial.rename(folder)
    return moved


def import_store(store: Store, folder: Path) -> list[Moved]:
    """An export's tables into a store that holds no source yet, all or nothing; an export of another schema
    version, or a folder missing a table, is refused before anything is written."""
    missing = [t for t in TABLES if not (folder / f"{t}.parquet").is_file()]
    if not folder.is_dir() or missing:
        what = "is not a folder" if not folder.is_dir() else f"has no {missing[0]}.parquet"
        raise CostcapError(f"{folder}: {what}; name a folder that `costcap export` wrote")
    version = _exported_version(store, folder)
    if version != SCHEMA_VERSION:
        raise CostcapError(f"{folder}: exported from a store of schema version {version}; this costcap reads "
                           f"{SCHEMA_VERSION}: export it again with this costcap's version")  # fmt: skip

    def attempt() -> list[Moved]:
        with store.transaction(what=f"the import of {folder}"):
            held = _count(store, "sources")
            if held:
                raise CostcapError(f"{store.path}: holds {numbers.counted(held, 'source')} already; import into a store that holds "
                                   "nothing yet (a new --db), so no source or call is counted twice")  # fmt: skip
            for table in TABLES:
                if table not in OWN:
                    _load(store, table, folder / f"{table}.parquet")
            return [Moved(t, _count(store, t)) for t in TABLES if t not in OWN]

    return store.retried(attempt, f"the import of {folder}")


def _load(store: Store, table: str, path: Path) -> None:
    """One table's file into its table; a file cut short, or not costcap's, is one line naming it."""
    import duckdb

    try:
        store.composed(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet($path)", path=str(path))
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise CostcapError(f"{path}: cannot be loaded ({first}); export the store again, nothing was "
                           "imported") from None  # fmt: skip


def _exported_version(store: Store, folder: Path) -> int | None:
    found = store.composed("SELECT TRY_CAST(value AS INTEGER) AS version FROM read_parquet($path) "
                           "WHERE key = 'schema_version'", path=str(folder / "meta.parquet"))  # fmt: skip
    return found[0]["version"] if found else None


def _exact(name: str, kind: str) -> str:
    """A column as the export writes it: HUGEINT as DECIMAL(38,0), which Parquet keeps exactly."""
    quoted = '"' + name.replace('"', '""') + '"'
    return f"CAST({quoted} AS DECIMAL(38,0)) AS {quoted}" if kind == "HUGEINT" else quoted


def _count(store: Store, table: str) -> int:
    assert table in TABLES, table  # a name from the fixed list goes into the SQL text
    return int(store.composed(f"SELECT count(*) AS n FROM {table}")[0]["n"])
