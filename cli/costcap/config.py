"""costcap.toml: field mappings for logs whose keys have other names, batch features, and a price file."""

from __future__ import annotations

import tomllib
from pathlib import Path

from costcap.errors import CostcapError
from costcap.userfile import read_text
from costcap.ingest.presets import call_fields, parts

FILE_NAME = "costcap.toml"


def field_map(directory: Path, given: list[str]) -> dict[str, str]:
    """costcap.toml's [fields] table, with --field NAME=SOURCE_KEY options taking precedence."""
    fields = dict(_from_file(directory / FILE_NAME))
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


def batch_features(directory: Path) -> tuple[str, ...]:
    """costcap.toml's [audit] batch_features: features known to never need a synchronous answer."""
    path = directory / FILE_NAME
    section = _read(path).get("audit", {})
    listed = section.get("batch_features", []) if isinstance(section, dict) else None
    if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
        raise CostcapError(f"{path}: [audit] batch_features must be a list of feature names, e.g. [\"nightly_digest\"]")
    return tuple(listed)


def prices_file(directory: Path | None = None) -> str | None:
    """costcap.toml's [prices] file = "PATH": a price file every command applies (--prices still wins); a relative
    path is read from the folder costcap.toml is in (the current folder by default)."""
    path = (directory or Path.cwd()) / FILE_NAME
    section = _read(path).get("prices", {})
    named = section.get("file") if isinstance(section, dict) else None
    if section and not isinstance(named, str):
        raise CostcapError(f"{path}: [prices] must name a price file, e.g. file = \"litellm_prices.json\"")
    return str(path.parent / named) if named else None


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(read_text(path, FILE_NAME))
    except tomllib.TOMLDecodeError as exc:
        raise CostcapError(f"{path}: not valid TOML ({exc}; fix the file)") from None
    except RecursionError:
        raise CostcapError(f"{path}: nested too deeply to be {FILE_NAME} (fix the file)") from None


def _from_file(path: Path) -> dict[str, str]:
    fields = _read(path).get("fields", {})
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise CostcapError(f"{path}: [fields] must map field names to key names, e.g. feature = \"component\"")
    return fields
