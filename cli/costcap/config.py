"""costcap.toml, the one configuration: the store's path, a price file, the account's usage tier, audit thresholds,
batch features and field mappings. It is `--config FILE` when given, else costcap.toml beside the store, else in the
current folder. Every key is listed in KEYS (and the README)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from costcap import names
from costcap.errors import CostcapError
from costcap.ingest.presets import call_fields, parts
from costcap.userfile import read_text
from costcap.waits import Limits

FILE_NAME = "costcap.toml"
# section -> key -> what it holds; anything else in the file is an error with a did-you-mean
KEYS = {
    "store": {"path": "the store to use when --db and $COSTCAP_DB are not given (a file, or ducklake:CATALOG)",
              "data_path": "a team store's data files: a shared folder or s3://bucket/prefix/ ($COSTCAP_DATA_PATH)"},
    "prices": {"file": "a price file (costcap or LiteLLM JSON) every command applies; --prices wins"},
    "audit": {"tier": "the account's usage tier, 1 to 5, for the rate limits findings check paces against",
              "batch_features": "features that never need a synchronous answer (a list of names)",
              "min_calls": "calls a group needs before budget and audit recommend a cap (default 10)"},
    "fields": {"*": "NAME = \"KEY\": read a call field from another key of the logs"},
    "budget": {"*": "FEATURE = USD: the feature's monthly budget, against which audit projects the month's spend"},
    "ingest": {"tz": "the time zone of log times written with no offset (e.g. \"Europe/Paris\"); --tz wins"},
    "network": {"connect_timeout": "seconds to wait for a server to accept a connection (default 10)",
                "read_timeout": "seconds to wait for each read from a server (default 60)",
                "total_timeout": "seconds one URL input or one pull may take in all (default 3600)"},
}  # fmt: skip
# --config FILE, set once by the command line before any command runs
chosen: Path | None = None


def path_for(directory: Path | None = None) -> Path:
    """The configuration file in force: --config, else costcap.toml beside the store (or in the current folder)."""
    if chosen is not None:
        return chosen
    beside = (directory or Path.cwd()) / FILE_NAME
    return beside if beside.exists() or directory is None else Path.cwd() / FILE_NAME


def store_path(given: str, default: str) -> str:
    """--db (or $COSTCAP_DB) when given, else [store] path, else the default."""
    if given != default:
        return given
    named = _section(path_for(), "store").get("path")
    if named is not None and (not isinstance(named, str) or "\x00" in named):
        raise CostcapError(f'{path_for()}: [store] path must be a file name, e.g. path = "spend.duckdb"')
    if named and named.startswith("ducklake:"):
        return named
    return str(path_for().parent / named) if named else given


def data_path() -> str | None:
    """Where a team store keeps its data files: $COSTCAP_DATA_PATH, else [store] data_path (a relative folder is read
    from the folder costcap.toml is in); None: the catalog says (or a new DuckDB-file catalog's own folder)."""
    import os

    given = os.environ.get("COSTCAP_DATA_PATH", "").strip()
    if given:
        return given
    named = _section(path_for(), "store").get("data_path")
    if named is not None and (not isinstance(named, str) or not named.strip() or "\x00" in named):
        raise CostcapError(f'{path_for()}: [store] data_path must be a folder or a bucket, e.g. data_path = '
                           '"s3://team-bucket/costcap/"')  # fmt: skip
    if not named or "://" in named:
        return named
    return str(path_for().parent / named)


def audit_number(directory: Path, key: str, default: int, low: int, high: int) -> int:
    """An [audit] whole number (tier, min_calls) within its bounds."""
    value = _section(path_for(directory), "audit").get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CostcapError(
            f"{path_for(directory)}: [audit] {key} = {value!r}: write a whole number from {low} to {high}"
        )
    return value


def network_limits(directory: Path | None = None) -> Limits:
    """[network] connect_timeout, read_timeout and total_timeout (seconds, 0.1 to a day), else the defaults."""
    path = path_for(directory)
    section = _section(path, "network")
    found = {}
    for key, field in (("connect_timeout", "connect_s"), ("read_timeout", "read_s"), ("total_timeout", "total_s")):
        value = section.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.1 <= value <= 86400:
            raise CostcapError(f"{path}: [network] {key} = {value!r}: write a number of seconds from 0.1 to 86400")
        found[field] = float(value)
    return Limits(**found)


def ingest_tz(directory: Path | None = None) -> str | None:
    """[ingest] tz: the zone of times written with no offset (checked where it is used)."""
    path = path_for(directory)
    value = _section(path, "ingest").get("tz")
    if value is not None and not isinstance(value, str):
        raise CostcapError(f'{path}: [ingest] tz must be a time zone name, e.g. tz = "Europe/Paris"')
    return value


def _section(path: Path, name: str) -> dict:
    found = _read(path).get(name, {})
    if not isinstance(found, dict):
        raise CostcapError(f"{path}: [{name}] must be a table of key = value lines")
    return found


def field_map(directory: Path, given: list[str]) -> dict[str, str]:
    """costcap.toml's [fields] table, with --field NAME=SOURCE_KEY options taking precedence."""
    fields = dict(_from_file(path_for(directory)))
    for item in given:
        name, sep, key = item.partition("=")
        if not sep or not name.strip() or not key.strip():
            raise CostcapError(f"--field {item!r}: write NAME=SOURCE_KEY, e.g. --field feature=component")
        fields[name.strip()] = key.strip()
    for name, key in fields.items():
        if name not in call_fields():
            raise CostcapError(f"unknown field {name!r} in a field mapping (use one of: {', '.join(call_fields())})")
        try:
            parts(key)
        except ValueError:
            raise CostcapError(
                f"field {name}: {key!r} is not a key path (dots between names; quote a key that holds dots, "
                'e.g. attributes."gen_ai.usage.input_tokens")'
            ) from None
    return fields


def monthly_budgets(directory: Path) -> dict[str, Decimal]:
    """costcap.toml's [budget] table: dollars a month per feature."""
    path = path_for(directory)
    found = {}
    for feature, value in _section(path, "budget").items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 10**12:
            raise CostcapError(f"{path}: [budget] {feature} = {value!r}: write dollars a month, e.g. {feature} = 250")
        found[feature] = Decimal(str(value))
    return found


def batch_features(directory: Path) -> tuple[str, ...]:
    """costcap.toml's [audit] batch_features: features known to never need a synchronous answer."""
    path = path_for(directory)
    section = _read(path).get("audit", {})
    listed = section.get("batch_features", []) if isinstance(section, dict) else None
    if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
        raise CostcapError(f'{path}: [audit] batch_features must be a list of feature names, e.g. ["nightly_digest"]')
    return tuple(listed)


def prices_file(directory: Path | None = None) -> str | None:
    """costcap.toml's [prices] file = "PATH": a price file every command applies (--prices still wins); a relative
    path is read from the folder costcap.toml is in (the current folder by default)."""
    path = path_for(directory)
    section = _read(path).get("prices", {})
    named = section.get("file") if isinstance(section, dict) else None
    if section and (not isinstance(named, str) or "\x00" in named):
        raise CostcapError(f'{path}: [prices] must name a price file, e.g. file = "litellm_prices.json"')
    return str(path.parent / named) if named else None


def _read(path: Path) -> dict:
    if not path.exists():
        if chosen is not None and path == chosen:
            raise CostcapError(f"--config {path}: no such file")
        return {}
    try:
        doc = tomllib.loads(read_text(path, FILE_NAME))
    except tomllib.TOMLDecodeError as exc:
        raise CostcapError(f"{path}: not valid TOML ({exc}; fix the file)") from None
    except RecursionError:
        raise CostcapError(f"{path}: nested too deeply to be {FILE_NAME} (fix the file)") from None
    _check_keys(path, doc)
    return doc


def _check_keys(path: Path, doc: dict) -> None:
    for section, values in doc.items():
        known = KEYS.get(section)
        if known is None:
            near = names.closest(section, KEYS)
            raise CostcapError(f"{path}: unknown section [{section}]" + (f" (did you mean [{near}]?)" if near else
                               f" (known: {', '.join(KEYS)})"))  # fmt: skip
        for key in values if isinstance(values, dict) and "*" not in known else []:
            if key not in known:
                near = names.closest(key, known)
                raise CostcapError(f"{path}: unknown key {key!r} in [{section}]" + (
                    f" (did you mean {near}?)" if near else f" (known: {', '.join(known)})"))  # fmt: skip


def _from_file(path: Path) -> dict[str, str]:
    fields = _read(path).get("fields", {})
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise CostcapError(f'{path}: [fields] must map field names to key names, e.g. feature = "component"')
    return fields
