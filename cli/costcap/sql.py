"""Load the named SQL statements kept in queries/*.sql."""

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


def names() -> list[str]:
    """List every query name, for the test that runs them all."""
    return sorted(p.stem for p in _queries_dir().glob("*.sql"))
