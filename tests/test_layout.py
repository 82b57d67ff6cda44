"""The shape of the project: the core is free of the UI, every query runs, the entry points work."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import SAMPLE_DATA, ok, run
from costcap import __version__, prices, sql
from costcap.store import Store

CORE = [
    "costcap", "costcap.errors", "costcap.sql", "costcap.prices", "costcap.tokens", "costcap.store",
    "costcap.config", "costcap.ingest", "costcap.ingest.files", "costcap.ingest.detect", "costcap.ingest.records",
    "costcap.ingest.loglines", "costcap.ingest.batch_output", "costcap.ingest.exports", "costcap.audit", "costcap.budget",
    "costcap.estimate",
]  # fmt: skip


def test_core_never_imports_typer_or_rich():
    code = f"import sys\nfor m in {CORE!r}: __import__(m)\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich')))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


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
        "from_tier": "default", "range_start": "2020-01-01", "range_end": "2020-01-02",
    }  # fmt: skip
    with Store(str(tmp_path / "costcap.duckdb"), prices.builtin()) as store:
        # the bulk path's views read the batch of lines it registers; an empty one stands in
        store.con.execute("CREATE TEMP TABLE bulk_lines (line BIGINT, text VARCHAR)")
        # create_* first: the audit's scope tables are what its queries read
        for name in sorted(sql.names(), key=lambda n: not n.startswith("create_")):
            text = sql.load(name)
            assert text.startswith("-- "), name
            if name.startswith(("insert_", "stage_", "store_", "set_", "read_", "find_bad_", "count_export")):
                continue  # writers and per-file staging queries: the ingest above ran each of them
            wanted = {k: v for k, v in params.items() if re.search(rf"\${k}\b", text)}
            store.con.execute(text, wanted or None)


def test_unknown_command_is_a_usage_error():
    assert run("nope").exit_code == 2
