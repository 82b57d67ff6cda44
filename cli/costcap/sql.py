"""The named SQL statements kept in queries/<subject>/<name>.sql: load one by its static name ("audit/gaps"), list
a folder's in file order (the schema's versions, the session's objects)."""

import re
from functools import cache
from importlib import resources
from pathlib import Path


def _queries_dir() -> Path:
    packaged = resources.files("costcap") / "queries"
    if packaged.is_dir():
        return Path(str(packaged))
    # editable install: the checkout's queries/ sits two levels above the package
    return Path(__file__).resolve().parents[2] / "queries"


@cache
def load(name: str) -> str:
    """Return the text of queries/<name>.sql."""
    return (_queries_dir() / f"{name}.sql").read_text(encoding="utf-8")


@cache
def statements(name: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The statements of queries/<name>.sql in order (each ends with a semicolon at the end of a line), each with
    the $parameters its code names (comments left out: they may mention a parameter they do not use)."""
    found = []
    for part in load(name).split(";\n"):
        code = "\n".join(line.split("--", 1)[0] for line in part.splitlines())
        if code.strip(" ;\n"):
            found.append((part, frozenset(re.findall(r"\$(\w+)", code))))
    return tuple(found)


@cache
def folder(subject: str) -> tuple[str, ...]:
    """The names of one folder's statements in the order they run: by schema version, then file name."""
    stems = [p.stem for p in (_queries_dir() / subject).glob("*.sql")]
    return tuple(f"{subject}/{stem}" for stem in sorted(stems, key=_order))


def _order(stem: str) -> tuple:
    """vN_K_name (a schema step) or NNN_name (a session object): ordered by the numbers, not as text."""
    found = re.match(r"v?(\d+)_(?:(\d+)_)?", stem)
    numbers = [int(n) for n in found.groups() if n is not None] if found else []
    return (*numbers, stem)


def schema_version(name: str) -> int:
    """The schema version a queries/schema/ step brings a store to: N of vN_K_name."""
    found = re.match(r"schema/v(\d+)_", name)
    if not found:
        raise ValueError(f"{name}: a schema step is named vN_K_what")
    return int(found.group(1))


def names() -> list[str]:
    """Every query's name, for the test that runs them all."""
    root = _queries_dir()
    return sorted(str(p.relative_to(root).with_suffix("")) for p in root.glob("*/*.sql"))
