"""The shape of the project: the core is free of the UI, every query runs, the entry points work."""

from __future__ import annotations

import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import costcap
from conftest import SAMPLE_DATA, ok, run
from costcap import __version__, entry, prices, sql
from costcap.main import app
from costcap.store import Store

# The core: every module of the package but the CLI's own (main, commands, output) and the start-up shim.
UI = ("costcap.main", "costcap.commands", "costcap.output", "costcap.entry", "costcap.__main__")
CORE = [
    *sorted(m.name for m in pkgutil.walk_packages(costcap.__path__, "costcap.") if not m.name.startswith(UI)),
    "costcap",
]


def test_the_core_list_is_derived_and_not_empty():
    assert {"costcap.ingest.calls", "costcap.ingest.readers", "costcap.store", "costcap.audit"} <= set(CORE)


def test_core_never_imports_typer_or_rich():
    code = f"import sys\nfor m in {CORE!r}: __import__(m)\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich')))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_stored_top_level_help_is_what_typer_renders_now():
    got = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80"}, prog_name="costcap").stdout
    if os.environ.get("COSTCAP_UPDATE_GOLDEN"):
        Path(entry.HELP_FILE).write_text(got, encoding="utf-8")
    assert got == Path(entry.HELP_FILE).read_text(encoding="utf-8"), "re-run with COSTCAP_UPDATE_GOLDEN=1"


def test_version_and_help_start_without_typer_rich_or_duckdb():
    code = (
        "import sys\nfrom costcap.entry import run\nsys.argv = ['costcap', sys.argv[1]]\n"
        "try:\n    run()\nexcept SystemExit as done:\n    assert done.code == 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'rich', 'click', 'duckdb', 'polars'}))"
    )
    for flag in ("--version", "--help"):
        found = subprocess.run([sys.executable, "-c", code, flag], capture_output=True, text=True, check=True)
        assert found.stdout.strip().splitlines()[-1] == "[]", found.stdout
    assert "Usage: costcap [OPTIONS] COMMAND" in found.stdout


def test_the_cli_loads_duckdb_polars_openai_and_tiktoken_only_when_a_command_runs():
    code = "import sys, costcap.main\nprint(sorted({m.split('.')[0] for m in sys.modules} & {'duckdb', 'polars', 'pyarrow', 'openai', 'tiktoken'}))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_no_arguments_prints_the_help_and_is_a_usage_error():
    done = subprocess.run([sys.executable, "-m", "costcap"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == Path(entry.HELP_FILE).read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "costcap", "prices", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "Usage: costcap prices" in done.stdout  # everything else goes to Typer


def test_version_and_module_entry_point():
    assert ok("--version").stdout.strip() == f"costcap {__version__}"
    done = subprocess.run([sys.executable, "-m", "costcap", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and __version__ in done.stdout


def test_every_query_file_says_what_it_returns_and_runs(tmp_path):
    ok("ingest", SAMPLE_DATA)
    params = {
        "source_id": 1, "path": "x", "sha256": "x", "version": 1, "now": "2026-11-20 00:00:00", "by": "feature",
        "feature": None, "since": None, "until": None, "fraction": 0.9, "groups": ["daily"], "caps": [100],
        "features": ["daily"], "models": ["gpt-4o"], "targets": ["gpt-4o-mini"], "low": [1024], "high": [2048], "tier": None,
        "from_tier": "default", "range_start": "2020-01-01", "range_end": "2020-01-02", "limit": 3, "line": 1,
        "model": None, "day": None, "kind": None, "top": 5, "given": "1", "endpoint": "completions",
        "floor": 200_000, "sources": [1], "every": False, "shown": 5, "item": 0, "copy": False, "other": "y", "kinds": ["llm"], "tz": None,
        "camel": "([a-z])([A-Z])", "token_words": "tokens", "limit_words": "max", "then": None, "latest": False,
        "table": "calls",
    }  # fmt: skip
    with Store(str(tmp_path / "costcap.duckdb"), prices.builtin(), create=True) as store:
        # the call queries read the batch of records an ingest registers; an empty one stands in
        store.composed(
            "CREATE TEMP TABLE incoming_records (source_id INTEGER, document_id INTEGER, line BIGINT, "
            "item INTEGER, record VARCHAR, partition VARCHAR)"
        )
        # the audit's scope tables first: they are what its queries read; a plan before the moves it plans
        for name in sorted(sql.names(), key=lambda n: (not n.startswith("audit/scope_"), "/plan_" not in n, n)):
            text = sql.load(name)
            assert text.startswith("-- "), name
            base = name.split("/")[-1]
            if name.startswith(("schema/", "session/")) or base.startswith(
                    ("insert_", "stage_", "store_", "set_", "read_", "find_bad_", "count_export", "keep_")):  # fmt: skip
                continue  # the store ran its schema and session objects; the ingest above ran each writer
            store.execute(name, **params)


def test_only_the_store_touches_the_connection():
    """Every query goes through Store's doors (rows, dicts, one, execute, composed, register): no other module holds
    the DuckDB connection or opens one. lake.py is the store's other half: how a team store's connection is made."""
    package = Path(costcap.__file__).parent
    for path in package.rglob("*.py"):
        if path.name in ("store.py", "lake.py") and path.parent == package:
            continue
        found = re.search(r"\._?con\b(?!text)|duckdb\.connect\(", path.read_text())
        assert found is None, f"{path.relative_to(package)} uses {found.group(0)!r}: go through Store"


def test_unknown_command_is_a_usage_error():
    assert run("nope").exit_code == 2


def test_reading_a_store_loads_neither_pyarrow_nor_numpy(tmp_path):
    # pyarrow imports numpy whenever it is installed (matplotlib brings it): 0.2 s on every read command's start
    store = tmp_path / "s.duckdb"
    ok("ingest", SAMPLE_DATA, "--db", str(store))
    code = (
        "import sys\nfrom costcap import audit, budget, prices\nfrom costcap.store import Store\nfrom decimal import Decimal\n"
        f"with Store({str(store)!r}, prices.catalog(None), read_only=True) as s:\n"
        "    audit.audit(s, audit.Settings())\n"
        "    budget.measure(s, budget.Settings('feature'))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pyarrow', 'numpy', 'matplotlib'}))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def _imports() -> dict[str, set[str]]:
    """Each costcap module and the costcap modules it imports, late imports inside functions included."""
    import ast

    package = Path(costcap.__file__).parent
    modules = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                          for a in node.names} & modules.keys()  # fmt: skip
        graph[name] = found - {name}
    return graph


def test_no_module_imports_one_that_imports_it_back():
    graph = _imports()

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo += graph.get(node, ())
        return False

    circles = sorted((a, b) for a, targets in graph.items() for b in targets if a < b and reaches(b, a))
    assert not circles, f"import circles: {circles}"
