"""Load the named SQL statements kept in queries/*.sql."""

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


def names() -> list[str]:
    """List every query name, for the test that runs them all."""
    return sorted(p.stem for p in _queries_dir().glob("*.sql"))
