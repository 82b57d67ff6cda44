"""Field presets: which keys of a record feed each call field, shipped as data in data/presets/*.toml.

A key is a dotted path into nested objects (`usage.prompt_tokens`); a part in double quotes is one literal key that
may hold dots (`attributes."gen_ai.usage.input_tokens"`), and a part of digits indexes a list (`choices.0`).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from costcap.errors import CostcapError
from costcap.ingest.records import WRAPPER_TIME

BASE = "structlog"
_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|([^."]+)')


@dataclass(frozen=True)
class Preset:
    """One mapping from record keys to call fields, and the keys that tell a file is written this way."""

    name: str
    description: str
    rank: int
    match: tuple[tuple[str, ...], ...]
    fields: dict[str, tuple[str, ...]]
    origin: str = "log"
    tier: str | None = None  # forced catalog tier (Batch output), else from the record's service_tier
    every_record: bool = False  # every record is a call, with or without tokens (a failed Batch request)
    objects: tuple[str, ...] = ()  # keys that must hold an object when present
    required: tuple[str, ...] = ()  # keys every record must have

    def keys(self, name: str, overrides: dict[str, str] | None = None) -> list[str]:
        """The keys tried for a call field, first match wins: a --field override, then the preset's."""
        extra = (overrides or {}).get(name)
        listed = list(self.fields.get(name, ()))
        return [extra, *[k for k in listed if k != extra]] if extra else listed

    def matches(self, record: dict) -> bool:
        return any(all(lookup(record, key) is not None for key in alternative) for alternative in self.match)


def parts(key: str) -> list[str | int]:
    """The steps of a key: names, and list indexes for parts made of digits; raises ValueError when malformed."""
    steps: list[str | int] = []
    position = 0
    while position < len(key):
        found = _PART.match(key, position)
        if not found:
            raise ValueError(key)
        quoted, plain = found.groups()
        steps.append(quoted.replace('\\"', '"') if quoted is not None else int(plain) if plain.isdigit() else plain)
        position = found.end()
        if position < len(key):
            if key[position] != ".":
                raise ValueError(key)
            position += 1
            if position == len(key):
                raise ValueError(key)
    if not steps:
        raise ValueError(key)
    return steps


def json_path(key: str) -> str:
    """The DuckDB JSON path of a key, e.g. attributes."gen_ai.usage.input_tokens" -> $."attributes"."gen_ai...."."""
    out = "$"
    for step in parts(key):
        out += f"[{step}]" if isinstance(step, int) else '."' + step.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return out


def lookup(record, key: str):
    """A value by key in a parsed record; None when absent."""
    return at(record, parts(key))


def at(record, steps) -> object:
    """The value at a path of steps (names, list indexes); None when absent."""
    node = record
    for step in steps:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return None
        elif not isinstance(node, dict) or step not in node:
            return None
        node = node[step]
    return node


@cache
def presets() -> dict[str, Preset]:
    """Every shipped preset by name, most specific first (the order detection tries them)."""
    folder = resources.files("costcap") / "data" / "presets"
    raw = {p.name.removesuffix(".toml"): tomllib.loads(p.read_text(encoding="utf-8")) for p in folder.iterdir()
           if p.name.endswith(".toml")}  # fmt: skip
    base = raw[BASE]["fields"]
    built = [_build(name, spec, base) for name, spec in raw.items()]
    return {p.name: p for p in sorted(built, key=lambda p: p.rank)}


def _build(name: str, spec: dict, base: dict) -> Preset:
    extends = spec.get("extends", BASE)
    fields = {}
    for field_name in base:
        own = spec["fields"].get(field_name, []) if name != BASE else []
        inherited = base[field_name] if extends == BASE else []
        fields[field_name] = tuple(dict.fromkeys([*own, *inherited]))
    for key in (k for keys in fields.values() for k in keys):
        parts(key)  # a malformed key in a shipped preset is a bug: fail loudly
    return Preset(name, spec["description"], spec["rank"], tuple(tuple(m) for m in spec.get("match", [])), fields,
                  spec.get("origin", "log"), spec.get("tier"), spec.get("every_record", False),
                  tuple(spec.get("objects", ())), tuple(spec.get("required", ())))  # fmt: skip


def call_fields() -> tuple[str, ...]:
    """The call fields a record can feed, in the order the base preset lists them."""
    return tuple(presets()[BASE].fields)


def named(name: str) -> Preset:
    """The preset called `name`, or the preset file at that path (as --save-preset writes one); an unknown name
    lists the known ones."""
    found = presets().get(name)
    if found is not None:
        return found
    if name.endswith(".toml") or Path(name).is_file():
        return from_file(Path(name))
    raise CostcapError(
        f"--preset {name!r} is neither a preset costcap ships ({', '.join(presets())}) nor a preset file"
    )


def from_file(path: Path) -> Preset:
    """A preset file: `description`, optionally `match` and `extends`, and a [fields] table of NAME = [KEYS]."""
    from costcap.userfile import read_text

    try:
        spec = tomllib.loads(read_text(path, "the preset file"))
    except tomllib.TOMLDecodeError as exc:
        raise CostcapError(f"{path}: not valid TOML ({exc}; fix the preset file)") from None
    fields = spec.get("fields")
    if not isinstance(fields, dict) or not all(
        isinstance(v, list) and all(isinstance(k, str) for k in v) for v in fields.values()
    ):
        raise CostcapError(f'{path}: a preset file needs a [fields] table of NAME = ["KEY", ...] lines')
    unknown = [name for name in fields if name not in call_fields()]
    if unknown:
        raise CostcapError(f"{path}: unknown field {unknown[0]!r} in [fields] (known: {', '.join(call_fields())})")
    for keys in fields.values():
        for key in keys:
            try:
                parts(key)
            except ValueError:
                raise CostcapError(
                    f"{path}: {key!r} is not a key path (dots between names; quote a key with dots)"
                ) from None
    spec = {"description": f"the preset file {path.name}", "rank": 50, **spec}
    return _build(path.stem, spec, _base_spec())


def _base_spec() -> dict:
    folder = resources.files("costcap") / "data" / "presets"
    return tomllib.loads((folder / f"{BASE}.toml").read_text(encoding="utf-8"))["fields"]


def save(mapping: Mapping, path: Path, read_from: str) -> Path:
    """Write a mapping as a preset file --preset reads back: the keys it reads before the base preset's own."""
    from costcap.userfile import write_text

    base = presets()[BASE]
    lines = [f"# The mapping costcap read {read_from} with: review it, then read such files with --preset {path}",
             f"description = {json.dumps('the mapping of ' + read_from)}", "", "[fields]"]  # fmt: skip
    for name in call_fields():
        own = [k for k in mapping.keys(name) if k != WRAPPER_TIME and k not in base.fields.get(name, ())]
        if own:
            lines.append(f"{name} = [{', '.join(json.dumps(k) for k in own)}]")
    return write_text(path, "\n".join(lines) + "\n", "the preset file")


def pick(records: list[dict], default: str = BASE) -> Preset:
    """The first preset (most specific first) whose keys one of the records carries, else `default`."""
    for preset in presets().values():
        if preset.match and any(preset.matches(r) for r in records):
            return preset
    return presets()[default]


@dataclass
class Mapping:
    """A preset with the user's --field overrides: what the records of one file are read with."""

    preset: Preset
    overrides: dict[str, str] = field(default_factory=dict)

    def keys(self, name: str) -> list[str]:
        found = self.preset.keys(name, self.overrides)
        # a wrapper's time (ingest/unwrap.py) is read only where the record has none of its own
        return [*found, WRAPPER_TIME] if name == "timestamp" else found
