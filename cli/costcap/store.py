"""The embedded DuckDB store: connection, schema and its version, the session's price tables, named queries."""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import random
import re
import time
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

from costcap import aggregates, endpoints, lake, sql
from costcap.errors import LANDED, CostcapError, Interrupted, StoreBusyError, WriteConflict
from costcap.prices import (
    MILLION,
    MODALITY_RATES,
    Catalog,
    Rates,
    cost_macro,
    price_key_macro,
    tier_macro,
)

DEFAULT_PATH = "costcap.duckdb"
MEMORY = ":memory:"
# queries/schema/vN_K_*.sql bring a store to schema version N, in file order; the session's macros, tables and views
# are queries/session/*.sql, created in file order.
SCHEMA_VERSION = max(sql.schema_version(name) for name in sql.folder("schema"))
# the tables every command may read: a store without one of them is damaged
TABLES = ("meta", "sources", "source_copies", "calls", "call_copies", "usage", "costs", "output_counts", "call_groups",
          "order_groups", "call_values", "call_minutes", "retry_groups")  # fmt: skip
# No extension is ever downloaded: the ones costcap uses (json, icu) are built into the wheel.
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
# DuckDB's working memory; past it, DuckDB spills to a temporary folder beside the store. 1 GB keeps a 10 M-line
# ingest under 1.5 GB of RAM and no slower (bench/README.md); COSTCAP_MEMORY_LIMIT raises it for a step that cannot
# spill.
MEMORY_LIMIT = "1GB"
_SIZE = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def memory_limit() -> str:
    given = os.environ.get("COSTCAP_MEMORY_LIMIT", "").strip()
    if given and not _SIZE.fullmatch(given):
        raise CostcapError(f"COSTCAP_MEMORY_LIMIT={given!r}: write a size such as 4GB")
    return given or MEMORY_LIMIT


def out_of_memory(exc: BaseException) -> CostcapError | None:
    """The one-line error for a step that needed more than the memory limit and could not spill; None otherwise."""
    if "Out of Memory" not in str(exc):
        return None
    return CostcapError(f"DuckDB needed more than its memory limit ({memory_limit()}) for a step it cannot spill to "
                        "disk; nothing was stored: run it again with COSTCAP_MEMORY_LIMIT=4GB (or more)")  # fmt: skip


class Store:
    """A DuckDB store with costcap's schema and the price catalog loaded for this session."""

    def __init__(
        self, path: str, catalog: Catalog, create: bool = False, read_only: bool = False, data_path: str | None = None
    ):
        """Open a costcap store; `create` (ingest, pull) makes a new one where no file is; `read_only` (audit,
        budget, estimate) never writes to it. Any other file, a DuckDB database of another tool included, a store
        of a newer costcap, a damaged one, is refused before anything is written to it. `ducklake:CATALOG` is a
        team store (lake.py), its data files at `data_path` (else where its catalog says)."""
        self.catalog = catalog
        self.session_aggregates = False  # aggregates built for this session's prices (aggregates.fit_prices)
        self.retries = 0  # writes run again because another writer committed first (a team store)
        self.lake = lake.target(path, data_path) if lake.is_lake(path) else None
        if self.lake is not None:
            self._open_lake(create, read_only)
            return
        self.path = path
        existed = path != MEMORY and Path(path).exists()
        if path != MEMORY and not existed and not create:
            raise CostcapError(f"no store at {path}: run `costcap ingest FILES` first (or pass --db)")
        self.created = path != MEMORY and not existed  # removed again on close when nothing was stored in it
        if existed:
            _check_is_duckdb(path)
            _check_version(path, writing=not read_only)
        self._con = _connect(path, read_only=read_only and existed)
        self.read_only = read_only and existed
        try:
            self._open(existed)
        except BaseException:
            self.close()
            raise

    def _open_lake(self, create: bool, read_only: bool) -> None:
        """A team store: attached read-only for commands that only read; a new catalog is given costcap's schema by
        the first command that writes (two first writers at once: the second runs its open again)."""
        assert self.lake is not None
        self.path = self.lake.shown
        self.created = False
        self.read_only = read_only
        self._con = self._lake_connection()
        try:
            if not self._lake_holds_tables() and (read_only or not create):
                raise CostcapError(f"{self.path}: the team store holds nothing yet: run `costcap ingest FILES` "
                                   "with this --db first")  # fmt: skip
            # a new catalog is given its whole schema in one transaction: of two first writers, the second finds
            # it made when its own attempt conflicts, and opens it as it is
            self.retried(lambda: self._open(self._lake_holds_tables()), f"opening {self.path}", session=False)
        except BaseException:
            self.close()
            raise

    def _lake_connection(self):
        assert self.lake is not None
        return lake.connect(self.lake, self.read_only, _CONFIG | {"memory_limit": memory_limit()})

    def retried(self, work, what: str, session: bool = True):
        """`work()` (one transaction), run again each time its commit on a team store loses the race to another
        writer, a few times with a growing random pause, on a new connection that sees what the other committed
        (`session`: with this session's objects made again); then one line. A file store runs it once."""
        import duckdb

        for attempt in range(lake.WRITE_TRIES):
            try:
                return work()
            except (WriteConflict, duckdb.TransactionException) as exc:
                if self.lake is None or (not isinstance(exc, WriteConflict) and not lake.conflict(exc)):
                    raise
                if attempt + 1 == lake.WRITE_TRIES:
                    raise CostcapError(f"{what}: other writers committed first {lake.WRITE_TRIES} times in a row; "
                                       "nothing from this run was stored: run it again when they are done") from None  # fmt: skip
            self.retries += 1
            time.sleep(min(2.0, 0.1 * 2**attempt) * (0.5 + random.random()))
            self._con.close()
            self._con = self._lake_connection()
            if session:
                self._create_session()
        raise AssertionError("unreachable")

    def lake_data_path(self) -> str:
        """Where a team store keeps its data files, as its catalog says."""
        return lake.data_path(self._con)

    def _lake_holds_tables(self) -> bool:
        return bool(self._con.execute(sql.load("store/count_tables")).fetchone()[0])

    def _open(self, existed: bool) -> None:
        if existed:
            self._check_is_costcap()
        self._con.execute("SET TimeZone = 'UTC'")
        # costcap shows its own progress on stderr; DuckDB's bar would land on the terminal mid-output
        self._con.execute("SET enable_progress_bar = false")
        upgrade_from = self._schema_version() if existed or self.lake is None else 0
        if upgrade_from is None:
            self._check_tables()
            self._create_session()
            return
        # all or none, never between: the schema, then the aggregates counted again from the calls with it
        with self.transaction(what=f"the store's upgrade to schema {SCHEMA_VERSION}"):
            for name in sql.folder("schema"):
                if sql.schema_version(name) > upgrade_from:
                    self._query(name, {})
            self._check_tables()
            self._create_session()
            aggregates.count_again(self)
            self.execute("store/set_schema_version", version=SCHEMA_VERSION)

    def _create_session(self) -> None:
        """The session's objects: the macros rendered from Python's one definition of each rule, then
        queries/session/ in file order, then this session's prices."""
        self._con.execute(cost_macro())  # the one cost formula, rendered from prices.COST_TERMS
        for statement in price_key_macro().split(";\n"):  # the one rule for model ids, rendered from prices.price_key
            self._con.execute(statement)
        self._con.execute(endpoints.line_item_macro())  # the one reading of cost line items
        for name in sql.folder("session"):
            self._con.execute(sql.load(name))
        self._con.execute(tier_macro())  # the one tier mapping, rendered from prices.TIER_NAMES (it reads py_strip)
        self._load_prices()

    def rows(self, name: str, **params) -> list[tuple]:
        """Run queries/<name>.sql and return plain tuples (no polars needed)."""
        return self._query(name, params).fetchall()

    def dicts(self, name: str, **params) -> list[dict]:
        """Run queries/<name>.sql and return one dict per row, column name to value."""
        found = self._query(name, params)
        columns = [d[0] for d in found.description]
        return [dict(zip(columns, row, strict=False)) for row in found.fetchall()]

    def execute(self, name: str, **params) -> None:
        """Run a statement from queries/ for its effect."""
        self._query(name, params)

    def one(self, name: str, **params) -> tuple:
        """Run queries/<name>.sql, a query that returns one row, and return it."""
        found = self._query(name, params).fetchone()
        if found is None:
            raise ValueError(f"{name} returned no row")
        return found

    def first(self, name: str, **params) -> tuple | None:
        """Run queries/<name>.sql and return its first row (None when it has none)."""
        return self._query(name, params).fetchone()

    def composed(self, text: str, **params) -> list[dict]:
        """Run SQL that Python put together: only ever names checked against fixed lists (the columns a CSV header
        maps to, the aggregate tables, the preset paths a view reads) and literals quoted by the caller's one quoting
        function; every value a user gives goes in as a $parameter."""
        import duckdb

        try:
            found = self._con.execute(text, params or None)
        except duckdb.IOException as exc:
            raise damaged(exc, self.path) or exc from None
        if not found.description:
            return []
        columns = [d[0] for d in found.description]
        return [dict(zip(columns, row, strict=False)) for row in found.fetchall()]

    def user_query(self, text: str) -> tuple[list[str], list[tuple]]:
        """A person's own SQL (`costcap sql`): only on a store opened read-only, with DuckDB's access to files and the
        network switched off first, so a query can read the store and nothing else, and write nothing."""
        import duckdb

        if not self.read_only:
            raise CostcapError(f"{self.path}: costcap sql reads an existing store only (ingest one first)")
        if not text.strip().strip(";").strip():
            raise CostcapError('the query is empty: give one, e.g. costcap sql "SELECT count(*) FROM calls"')
        if self.lake is not None:
            # the team store's own data files stay readable; nothing else is
            self._con.execute("SET allowed_directories = $paths", {"paths": [self.lake_data_path()]})
        self._con.execute("SET enable_external_access = false")
        try:
            found = self._con.execute(text)
        except duckdb.Error as exc:
            raise CostcapError(
                f"the query failed: {_first_line(exc)} (the README's section on the store names the tables)"
            ) from None
        if found is None or not found.description:
            return [], []
        return [d[0] for d in found.description], found.fetchall()

    def register(self, name: str, data) -> None:
        """Make an Arrow table (or an object that holds one) readable by queries under `name`."""
        self._con.register(name, data)

    def unregister(self, name: str) -> None:
        self._con.unregister(name)

    @contextmanager
    def registered(self, name: str, data):
        """`data` readable by queries as `name` for the block."""
        self.register(name, data)
        try:
            yield
        finally:
            self.unregister(name)

    def _query(self, name: str, params: dict):
        """The file's statements in order, each given the $params it names; the last one's result."""
        import duckdb

        found = None
        try:
            for statement, names in sql.statements(name):
                if self.lake is not None and name.startswith("schema/"):
                    statement = lake.without_keys(statement)
                found = self._con.execute(statement, {k: v for k, v in params.items() if k in names} or None)
        except duckdb.IOException as exc:
            raise damaged(exc, self.path) or exc from None
        return found

    @contextmanager
    def transaction(self, commit: bool = True, what: str = "a change to the store"):
        """All or nothing: roll back on any error, so no half-written ingest ever lands; commit=False always rolls back.
        A full disk or a file-size limit is one error naming the store; an interrupt says whether anything landed
        (`what` names this transaction once it has)."""
        import duckdb

        self._con.execute("BEGIN TRANSACTION")
        try:
            yield self
            if self.lake is not None and commit:
                self.execute("store/claim_write")
        except BaseException as exc:
            self._roll_back()
            if interrupted(exc):
                raise KeyboardInterrupt from None
            if self.lake is not None and isinstance(exc, duckdb.Error):
                raise self._lake_error(exc) or exc from None
            if _out_of_space(exc):
                raise CostcapError(f"{self.path}: {_out_of_space(exc)} while writing the store: nothing was stored "
                                   "(free space or raise the limit, then run it again)") from None  # fmt: skip
            raise
        try:
            self._con.execute("COMMIT" if commit else "ROLLBACK")
        except (KeyboardInterrupt, duckdb.InterruptException):
            # DuckDB finishes a COMMIT before Python sees the signal: everything landed
            if commit:
                LANDED.append(f"{what} ({self.path})")
            raise Interrupted(landed=commit) from None
        except duckdb.Error as exc:
            self._roll_back()
            if self.lake is not None:
                raise self._lake_error(exc) or CostcapError(f"{self.path}: {_first_line(exc)} while saving the "
                                                            "store: nothing was stored") from None  # fmt: skip
            raise CostcapError(f"{self.path}: {_out_of_space(exc) or _first_line(exc)} while saving the store: "
                               "nothing was stored") from None  # fmt: skip
        if commit:
            LANDED.append(f"{what} ({self.path})")

    def _lake_error(self, exc: BaseException) -> CostcapError | None:
        """A team store's failed write in one line: a lost commit race (WriteConflict, run again), or data files
        that cannot be written; None for any other error."""
        assert self.lake is not None
        if lake.conflict(exc):
            return WriteConflict(f"{self.path}: another writer committed first; nothing from this run was stored")
        return lake.storage_error(exc, self.lake)

    def _roll_back(self) -> None:
        """Roll back, quietly: a transaction DuckDB already aborted has nothing left to undo."""
        import duckdb

        with contextlib.suppress(duckdb.Error):
            self._con.execute("ROLLBACK")

    def close(self) -> None:
        """Close the connection; a store this run created and stored nothing in is removed again, so a failed or
        empty first ingest leaves no file behind."""
        empty = self.created and not self._holds_anything()
        self._con.close()
        if empty:
            for leftover in (self.path, self.path + ".wal"):
                Path(leftover).unlink(missing_ok=True)
            self.created = False

    def _holds_anything(self) -> bool:
        import duckdb

        try:
            return bool(self._con.execute("SELECT count(*) FROM sources").fetchone()[0])
        except duckdb.Error:
            return False

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def directory(self) -> Path:
        """The folder beside the store, where costcap.toml is looked for."""
        return Path.cwd() if self.path == MEMORY or self.lake is not None else Path(self.path).resolve().parent

    def _check_is_costcap(self) -> None:
        found = self._con.execute(sql.load("store/find_meta_table")).fetchone()[0]
        if not found or not self._con.execute(sql.load("store/get_schema_version")).fetchone():
            self._con.close()
            raise CostcapError(
                f"{self.path}: not a costcap store (a DuckDB database of something else); choose another --db,"
                " nothing was written to it"
            )

    def _check_tables(self) -> None:
        """Every table costcap reads is there: a store someone edited by hand is said to be damaged, not a traceback."""
        found = {row[0] for row in self._con.execute(sql.load("store/list_tables")).fetchall()}
        missing = [t for t in TABLES if t not in found]
        if missing:
            raise CostcapError(f"{self.path}: the store is damaged: its table {missing[0]} is missing; restore the "
                               "store from a copy, or start a new one with another --db and ingest again")  # fmt: skip

    def _schema_version(self) -> int | None:
        """The version the store is at, when it needs an upgrade (0: a new store); None when it is current."""
        if not self.read_only and self.lake is None:
            self._query("schema/v1_1_create_table_meta", {})
        found = self._con.execute(sql.load("store/get_schema_version")).fetchone()
        version = found[0] if found else 0
        if version > SCHEMA_VERSION:
            raise CostcapError(
                f"{self.path}: the store has schema version {version}, newer than this costcap knows "
                f"({SCHEMA_VERSION}); upgrade costcap"
            )
        if version < SCHEMA_VERSION and self.read_only:
            self._con.close()
            raise CostcapError(
                f"{self.path}: the store has schema version {version}; this costcap reads {SCHEMA_VERSION}. Run any "
                "`costcap ingest` on it once to upgrade it (this command only reads)"
            )
        return None if version == SCHEMA_VERSION else version

    def _load_prices(self) -> None:
        self._insert_all("price_rates", price_rate_rows(self.catalog))
        self._insert_all("price_aliases", alias_rows(self.catalog))
        self._insert_all("unit_rates", unit_rate_rows(self.catalog))
        self._insert_all("usage_endpoints", endpoints.table_rows())

    def _insert_all(self, table: str, rows: list[tuple]) -> None:
        """The rows in one INSERT, one list parameter per column (a VALUES list of thousands of placeholders takes
        DuckDB longer to bind than to run, and an Arrow table costs every command pyarrow's import). Decimals stay
        exact: each column is given as text and cast by the table's type."""
        if not rows:
            return
        columns = [[None if v is None else str(v) for v in column] for column in zip(*rows, strict=False)]
        names = [f"c{i}" for i in range(len(columns))]
        unnested = ", ".join(f"unnest(CAST(${n} AS VARCHAR[]))" for n in names)
        self.composed(
            f"INSERT INTO {_checked(table, PRICE_TABLES)} SELECT {unnested}", **dict(zip(names, columns, strict=False))
        )


PRICE_TABLES = ("price_rates", "price_aliases", "unit_rates", "usage_endpoints")


def _checked(name: str, allowed: tuple[str, ...]) -> str:
    """A name that goes into SQL text: one of a fixed list, or a bug."""
    if name not in allowed:
        raise ValueError(f"{name!r} is not one of {allowed}")
    return name


DUCKDB_MAGIC = b"DUCK"  # bytes 8 to 12 of every DuckDB database file


def _check_is_duckdb(path: str) -> None:
    """Refuse a file that is not a DuckDB database (DuckDB would open a CSV or JSON file as a read-only view)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except IsADirectoryError:
        raise CostcapError(f"{path}: is a folder, not a store (name a .duckdb file with --db)") from None
    except PermissionError:
        raise CostcapError(f"{path}: permission denied (make the store readable and writable)") from None
    if head[8:12] != DUCKDB_MAGIC:
        what = "an empty file" if not head else "a SQLite database" if head.startswith(b"SQLite format 3") else (
            "a Parquet file" if head.startswith(b"PAR1") else "not a DuckDB database file")  # fmt: skip
        raise CostcapError(f"{path}: not a costcap store ({what}); choose another --db, nothing was written to it")


def store_is_current(path: str) -> bool:
    """Whether a costcap store of this costcap's schema version is at `path` (no file, or an older store: False; a
    newer or damaged one is refused as any open refuses it)."""
    if path == MEMORY or not Path(path).is_file():
        return False
    _check_is_duckdb(path)
    return _check_version(path, writing=False) in (None, SCHEMA_VERSION)


def _check_version(path: str, writing: bool) -> int | None:
    """Look at a store's schema version through a read-only connection before opening it to write: a store of a newer
    costcap is refused unchanged; a version that is not a number is damage. A read-only file is said. Returns the
    version (None: not a costcap store, which the open says)."""
    import duckdb

    con = _connect(path, read_only=True)
    try:
        found = con.execute(sql.load("store/peek_schema_version")).fetchall()
    except duckdb.Error:
        found = []  # not a costcap store: said once the store is opened
    finally:
        con.close()
    if found and found[0][1] is None:
        raise CostcapError(f"{path}: the store is damaged: its schema version {found[0][0]!r} is not a number; restore "
                           "it from a copy, or choose another --db")  # fmt: skip
    if found and found[0][1] > SCHEMA_VERSION:
        raise CostcapError(f"{path}: the store was written by a newer costcap (schema version {found[0][1]}; this "
                           f"costcap knows {SCHEMA_VERSION}): upgrade costcap to read it; the store was left unchanged")  # fmt: skip
    if writing and not os.access(path, os.W_OK):
        raise CostcapError(f"{path}: the store is read-only (make it writable, e.g. chmod u+w, or work on a copy); "
                           "commands that only read it, such as audit, still can")  # fmt: skip
    return found[0][1] if found else None


def _connect(path: str, read_only: bool = False):
    import duckdb  # here, not at the top: `costcap CMD --help` need not load DuckDB

    if path != MEMORY:
        parent = Path(path).resolve().parent
        if not parent.is_dir():
            raise CostcapError(f"{path}: the folder {parent} does not exist (create it or choose another --db)")
    try:
        return duckdb.connect(path, read_only=read_only, config=_CONFIG | {"memory_limit": memory_limit()})
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            holder = lock_holder(str(exc))
            raise StoreBusyError(
                f"{path}: the store is in use by another process{f' ({holder})' if holder else ''} (wait for it to "
                "finish and try again)"
            ) from None
        if "can only read versions" in str(exc):
            raise CostcapError(f"{path}: written by a newer DuckDB than this costcap runs ({duckdb.__version__}): "
                               "read it with the costcap that wrote it, or move it "
                               "with `costcap export FOLDER` there and `costcap import FOLDER` here") from None  # fmt: skip
        raise CostcapError(f"{path}: cannot open the store, it may be cut short or damaged ({_first_line(exc)}); "
                           "restore it from a copy or choose another --db") from None  # fmt: skip
    except duckdb.Error as exc:
        raise CostcapError(f"{path}: not a costcap store ({_first_line(exc)}; choose another --db)") from None


def lock_holder(text: str) -> str | None:
    """'python3.11, PID 24357': who holds a store's lock, from DuckDB's message ("Conflicting lock is held in
    /usr/bin/python3.11 (PID 24357)")."""
    found = re.search(r"lock is held in (.+?) \(PID (\d+)\)", text)
    return f"{Path(found.group(1)).name}, PID {found.group(2)}" if found else None


def damaged(exc: BaseException, path: str | None = None) -> CostcapError | None:
    """The one-line error for a store whose file is cut short or corrupt, found while reading it; None for any
    other error."""
    text = str(exc)
    if not any(sign in text for sign in ("Could not read enough bytes", "checksum", "Corrupt", "corrupt")):
        return None
    where = f"{path}: " if path else ""
    return CostcapError(f"{where}the store is damaged or cut short ({_first_line(exc)}); restore it from a copy, "
                        "or choose another --db")  # fmt: skip


def interrupted(exc: BaseException | None) -> bool:
    """Ctrl-C, whichever way it surfaced: as KeyboardInterrupt, or inside DuckDB as 'Query interrupted' (and then
    perhaps as the error of whatever ran next on the aborted transaction)."""
    import duckdb

    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, (KeyboardInterrupt, duckdb.InterruptException)) or (
                isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower()):  # fmt: skip
            return True
        exc, seen = exc.__context__, seen + 1
    return False


def _out_of_space(exc: BaseException) -> str | None:
    """'the disk is full' or 'a file-size limit was hit' when that is what stopped a write, else None."""
    text = str(exc).lower()
    if getattr(exc, "errno", None) == errno.ENOSPC or "no space left" in text:
        return "the disk is full"
    if getattr(exc, "errno", None) == errno.EFBIG or "file too large" in text:
        return "a file-size limit was hit"
    return None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _per_token(value: Decimal | None) -> Decimal | None:
    return None if value is None else value / MILLION


def _rate_columns(r: Rates) -> tuple:
    lc = r.long_context
    return (
        _per_token(r.input),
        _per_token(r.cached_input),
        _per_token(r.cache_write),
        _per_token(r.output),
        r.long_context_above if lc else None,
        _per_token(lc.input) if lc else None,
        _per_token(lc.cached_input) if lc else None,
        _per_token(lc.cache_write) if lc else None,
        _per_token(lc.output) if lc else None,
        *(_per_token(getattr(r, name)) for name in MODALITY_RATES),
    )


def price_rate_rows(catalog: Catalog) -> list[tuple]:
    """One row per model, period and tier the period prices, for the price_rates table."""
    rows = []
    for model, periods in catalog.periods.items():
        for period in periods:
            for tier, rates in period.tiers.items():
                rows.append((model, period.effective_from, period.effective_to, tier, *_rate_columns(rates)))
    return rows


def unit_rate_rows(catalog: Catalog) -> list[tuple]:
    """Prices per unit other than tokens: each model's, then the tool prices (model NULL)."""
    rows = [
        (model, period.effective_from, period.effective_to, unit, usd)
        for model, periods in catalog.periods.items()
        for period in periods
        for unit, usd in period.units.items()
    ]
    return rows + [(None, t.effective_from, t.effective_to, t.unit, t.usd) for t in catalog.tools]


def alias_rows(catalog: Catalog) -> list[tuple]:
    """Every priced id over non-overlapping date spans, each span resolved exactly as Catalog.resolve does."""
    rows = []
    for name in {**catalog.periods, **catalog.aliases}:
        dated = [(a.valid_from, a.valid_to) for a in catalog.aliases.get(name, [])]
        dated += [(p.effective_from, p.effective_to) for p in catalog.periods.get(name, [])]
        bounds = sorted({d for span in dated for d in span if d is not None})
        edges: list[date | None] = [None, *bounds, None]
        for start, end in itertools.pairwise(edges):
            probe = start or (end.fromordinal(end.toordinal() - 1) if end else date.today())
            model = catalog.resolve(name, probe)
            if model:
                rows.append((name, model, start, end))
    return rows
