"""A team store: costcap's tables in a DuckLake, its catalog in PostgreSQL (or SQLite, or a DuckDB file, for one
machine) and its data files in a shared folder or a bucket. `--db ducklake:CATALOG` names one; everything else about
the store (schema, queries, transactions) is the file store's, with the differences kept here: how the connection is
made, which extensions it loads and from where, what DuckLake cannot hold, and how a lost commit race is said."""

from __future__ import annotations

import os
import random
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import util as import_util
from pathlib import Path
from urllib.parse import urlsplit

from costcap import redact
from costcap.errors import CostcapError

PREFIX = "ducklake:"
ALIAS = "lake"
# each extension a team store may need: the name DuckDB's LOAD derives the entry point from -> the PyPI package
# (`pip install 'costcap[team]'`) whose file it is. Nothing is ever downloaded.
EXTENSIONS = {
    "ducklake": "duckdb_extension_ducklake",
    "postgres_scanner": "duckdb_extension_postgres",
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "httpfs": "duckdb_extension_httpfs",
}
INSTALL = "pip install 'costcap[team]'"
# a new catalog attached by two processes at once can fail to initialise in one of them; the next try finds it made
ATTACH_TRIES = 5
# a writer whose commit loses the race to another writer runs its work again on the new state, this many times
WRITE_TRIES = 8


_PASSWORD = re.compile(r"\bpassword\s*=\s*('[^']*'|\S+)", re.IGNORECASE)


def is_lake(path: str | None) -> bool:
    return bool(path) and str(path).startswith(PREFIX)


@dataclass(frozen=True)
class Target:
    """What `--db ducklake:...` names: the catalog (a libpq connection string after `postgres:`, a SQLite file after
    `sqlite:`, else a DuckDB file) and where the data files go."""

    catalog: str
    data_path: str | None

    @property
    def kind(self) -> str:
        return self.catalog.split(":", 1)[0] if self.catalog.startswith(("postgres:", "sqlite:")) else "duckdb"

    @property
    def file(self) -> str:
        """A SQLite or DuckDB catalog's file."""
        return self.catalog.split(":", 1)[1] if self.kind == "sqlite" else self.catalog

    @property
    def shown(self) -> str:
        """The store's name as costcap prints it: the catalog without its password."""
        return redact.text(PREFIX + " ".join(_PASSWORD.sub("", self.catalog).split()))


def target(path: str, data_path: str | None) -> Target:
    catalog = path[len(PREFIX) :].strip()
    if not catalog:
        raise CostcapError("--db ducklake: names no catalog; write ducklake:postgres:dbname=costcap host=..., "
                           "ducklake:sqlite:team.sqlite or ducklake:team.ducklake")  # fmt: skip
    found = _PASSWORD.search(catalog)
    if found:
        redact.remember(found.group(1).strip("'"))
    redact.credentials(catalog)  # a libpq URI's user:password@ is a secret too
    other = re.match(r"([a-z][a-z0-9_]*):(?!//)", catalog)
    if other and other.group(1) not in ("postgres", "sqlite") and not Path(catalog).exists():
        raise CostcapError(f"{Target(catalog, None).shown}: costcap keeps a team store's catalog in PostgreSQL "
                           "(ducklake:postgres:...), SQLite (ducklake:sqlite:FILE) or a DuckDB file "
                           f"(ducklake:FILE); PyPI has no {other.group(1)} extension built for DuckDB")  # fmt: skip
    made = Target(catalog, data_path)
    if made.kind == "duckdb":
        _check_not_a_file_store(made)
    if made.kind == "sqlite" and not data_path and not Path(made.file).exists():
        # as DuckLake does for a DuckDB-file catalog: a new one keeps its data in a folder beside it
        made = Target(catalog, made.file + ".files/")
    return made


def _check_not_a_file_store(where: Target) -> None:
    """DuckLake would write its catalog tables into any DuckDB file it is given: a costcap file store (or another
    database) named as a catalog is refused before it is touched."""
    import duckdb

    path = Path(where.file)
    if not path.is_file():
        return
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head[8:12] != b"DUCK":
        raise CostcapError(f"{where.shown}: not a DuckLake catalog (not a DuckDB file); choose another --db, "
                           "nothing was written to it")  # fmt: skip
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            tables = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    except duckdb.Error:
        return  # a catalog in use by a writer: the attach says what it finds
    if tables and "ducklake_snapshot" not in tables:
        what = "a costcap file store: use it with --db " + where.catalog if "calls" in tables else "another database"
        raise CostcapError(f"{where.shown}: not a DuckLake catalog ({what}); nothing was written to it")


def connect(where: Target, read_only: bool, config: dict):
    """An in-memory DuckDB session with the lake attached as its default database (session objects stay in memory)."""
    import duckdb

    con = duckdb.connect(":memory:", config=config)
    try:
        _load(con, where)
        _attach(con, where, read_only)
        con.execute(f"USE {ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


def _load(con, where: Target) -> None:
    needed = ["ducklake"]
    if where.kind == "postgres":
        needed.append("postgres_scanner")
    if where.kind == "sqlite":
        needed.append("sqlite_scanner")
    # the data may be in a bucket the catalog names even when no data path is given here
    needed.append("httpfs")
    folder = Path(tempfile.mkdtemp(prefix="costcap-extensions-"))
    try:
        for name in needed:
            # DuckDB derives an extension's entry point from its file name, which the postgres package does not
            # match: each is linked under the name DuckDB expects, in a folder only this process writes
            linked = folder / f"{name}.duckdb_extension"
            linked.symlink_to(extension_file(name))
            con.execute(f"LOAD '{_quoted(str(linked))}'")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _object_storage_secret(con)


def extension_file(name: str) -> Path:
    """The installed file of one extension, built for the DuckDB this process runs, or one line saying what to
    install."""
    import duckdb

    version = duckdb.__version__
    spec = import_util.find_spec(EXTENSIONS[name])
    folder = Path(spec.origin).parent / "extensions" / f"v{version}" if spec and spec.origin else None
    found = sorted(folder.glob("*.duckdb_extension")) if folder and folder.is_dir() else []
    if not found:
        other = sorted(p.name for p in folder.parent.iterdir()) if folder and folder.parent.is_dir() else []
        why = f"its package holds {', '.join(other)} only" if other else f"package {EXTENSIONS[name]} is not installed"
        raise CostcapError(f"a team store needs DuckDB's {name} extension for DuckDB {version} ({why}): "
                           f"{INSTALL} brings the DuckDB and extensions that load together")  # fmt: skip
    return found[0]


def _object_storage_secret(con) -> None:
    """S3 credentials from the environment that boto3 and the AWS CLI read (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    AWS_REGION, AWS_ENDPOINT_URL for an S3-compatible server), when it holds any."""
    env = os.environ
    if not any(env.get(n) for n in ("AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")):
        return
    parts = {"TYPE": "s3"}
    for key, names in (("KEY_ID", ("AWS_ACCESS_KEY_ID",)), ("SECRET", ("AWS_SECRET_ACCESS_KEY",)),
                       ("SESSION_TOKEN", ("AWS_SESSION_TOKEN",)),
                       ("REGION", ("AWS_REGION", "AWS_DEFAULT_REGION"))):  # fmt: skip
        value = next((env[n] for n in names if env.get(n)), None)
        if value:
            parts[key] = value
    endpoint = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
    if endpoint:
        split = urlsplit(endpoint)
        parts |= {"ENDPOINT": split.netloc or endpoint, "URL_STYLE": "path", "USE_SSL": str(split.scheme == "https")}
    options = ", ".join(f"{k} {v}" if k in ("TYPE", "USE_SSL") else f"{k} '{_quoted(v)}'" for k, v in parts.items())
    con.execute(f"CREATE OR REPLACE TEMPORARY SECRET costcap_storage ({options})")


def _attach(con, where: Target, read_only: bool) -> None:
    import duckdb

    options = []
    if where.data_path:
        options.append(f"DATA_PATH '{_quoted(where.data_path)}'")
    if read_only:
        options.append("READ_ONLY")
    statement = f"ATTACH '{_quoted(PREFIX + where.catalog)}' AS {ALIAS}" + (
        f" ({', '.join(options)})" if options else ""
    )
    for attempt in range(ATTACH_TRIES):
        try:
            con.execute(statement)
            return
        except duckdb.Error as exc:
            if "Failed to initialize DuckLake" in str(exc) and attempt + 1 < ATTACH_TRIES and not _unreachable(exc):
                time.sleep(0.2 + random.random() * 0.5)
                continue
            raise attach_error(exc, where) from None


def attach_error(exc: BaseException, where: Target) -> CostcapError:
    """One line for a catalog that cannot be attached, naming the store without its password."""
    text = str(exc)
    shown = where.shown
    if _unreachable(exc):
        return CostcapError(f"{shown}: cannot reach the catalog's server ({_server(where)}); start it or check "
                            "host= and port= (nothing was stored)")  # fmt: skip
    if "password authentication failed" in text or "no password supplied" in text or ("role" in text and (
            "does not exist" in text)):  # fmt: skip
        return CostcapError(f"{shown}: the catalog's server refused these credentials; check user= and the "
                            "password (PGPASSWORD or ~/.pgpass) (nothing was stored)")  # fmt: skip
    if "database" in text and "does not exist" in text:
        return CostcapError(f"{shown}: the catalog's database does not exist; create it (createdb) or check "
                            "dbname= (nothing was stored)")  # fmt: skip
    if "DATA_PATH" in text and "does not match" in text:
        return CostcapError(f"{shown}: the catalog keeps its data elsewhere than the data path given, "
                            f"{where.data_path!r} ([store] data_path or COSTCAP_DATA_PATH); leave it out or give the one the store was made with")  # fmt: skip
    if "data_path is not set" in text or "Missing DATA_PATH" in text:
        return CostcapError(f"{shown}: a new team store needs a place for its data files: add [store] data_path = "
                            "\"s3://bucket/costcap/\" (or a shared folder) to costcap.toml, or set COSTCAP_DATA_PATH")  # fmt: skip
    if "not a valid" in text.lower() or "file is not a database" in text or "Catalog Error" in text:
        return CostcapError(f"{shown}: not a DuckLake catalog; choose another --db, nothing was written to it")
    return CostcapError(f"{shown}: cannot open the team store ({_first_line(text)})")


def _unreachable(exc: BaseException) -> bool:
    text = str(exc)
    return "Connection refused" in text or "could not translate host name" in text or "timeout expired" in text


def _server(where: Target) -> str:
    uri = where.catalog.split(":", 1)[1]
    if "://" in uri:  # postgresql://user@host:port/dbname
        split = urlsplit(uri)
        return f"{split.hostname or 'localhost'}:{split.port or 5432}"
    fields = dict(re.findall(r"(\w+)\s*=\s*('[^']*'|\S+)", where.catalog))
    host = fields.get("host", os.environ.get("PGHOST", "localhost")).strip("'")
    port = fields.get("port", os.environ.get("PGPORT", "5432")).strip("'")
    return f"{host}:{port}"


def data_path(con) -> str:
    """Where the attached lake keeps its data files, as its catalog says."""
    return con.execute(f"SELECT value FROM ducklake_options('{ALIAS}') WHERE option_name = 'data_path'").fetchone()[0]


def conflict(exc: BaseException) -> bool:
    """Whether a failed commit lost a race to another writer (its work can run again on the new state)."""
    text = str(exc)
    return "Transaction conflict" in text or ("conflict" in text.lower() and "DuckLake" in text)


def storage_error(exc: BaseException, where: Target) -> CostcapError | None:
    """One line for data files that cannot be written or read where the catalog keeps them (a missing bucket,
    refused keys); None for any other error."""
    text = str(exc)
    signs = ("NoSuchBucket", "bucket does not exist", "HTTP 404", "HTTP 403", "AccessDenied", "InvalidAccessKeyId",
             "SignatureDoesNotMatch", "Could not establish connection", "Permission denied")  # fmt: skip
    if not any(sign in text for sign in signs):
        return None
    where_data = redact.url(where.data_path or "its data path")
    why = ("the bucket does not exist" if "NoSuchBucket" in text or "404" in text else
           "the keys were refused" if any(s in text for s in ("403", "AccessDenied", "InvalidAccessKeyId",
                                                                "SignatureDoesNotMatch")) else
           "the storage server cannot be reached" if "Could not establish" in text else "permission denied")  # fmt: skip
    return CostcapError(f"{where.shown}: cannot write the store's data files at {where_data} ({why}); create the "
                        "bucket or folder, or check AWS_ACCESS_KEY_ID and AWS_ENDPOINT_URL (nothing was stored)")  # fmt: skip


def without_keys(statement: str) -> str:
    """A schema statement as DuckLake takes it: DuckLake keeps no primary keys (costcap never relies on one to
    refuse a row; each write checks identity itself)."""
    return statement.replace(" PRIMARY KEY", "")


def _quoted(value: str) -> str:
    return value.replace("'", "''")


def _first_line(text: str) -> str:
    return redact.text(text.strip().splitlines()[0]) if text.strip() else "no detail"
