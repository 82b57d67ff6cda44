"""Golden files: every command's output in every format it accepts, tables at 80 and 120 columns.

The formats come from the CLI itself (each command's --format choices), so a format added to a command gets a
golden file here or fails. Re-write them after an intended change with COSTCAP_UPDATE_GOLDEN=1; the figures in
them are checked by hand in the other tests (test_money, test_audit, test_budget, test_estimate).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import typer

from conftest import ok
from costcap.main import app

REPO = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
STORE = "golden.duckdb"
# (case, arguments); run from the repository with relative paths, so the files name nothing of this machine
CASES = {
    "audit": ["audit", "sample_data"],
    "budget": ["budget", "sample_data"],
    "budget_spec": ["budget", "--words", "150", "--items", "60"],
    "estimate": ["estimate", "sample_data/plans/large_report.toml"],
    "prices_model": ["prices", "gpt-4o-mini", "--at", "2026-11-01"],
    "tokens": ["tokens", "hello world"],
    "ingest": ["ingest", "sample_data", "--db", ":memory:"],
    "explain": ["explain", "--feature", "weekly", "--top", "4", "--db", STORE],
    "sources": ["sources", "--db", STORE],
    "sql": [
        "sql",
        "SELECT feature, count(*) AS calls, sum(cost_usd) AS cost_usd FROM priced_calls GROUP BY ALL "
        "ORDER BY cost_usd DESC, feature",
        "--db",
        STORE,
    ],
    "forget": ["forget", "sample_data/web_app.jsonl", "--db", STORE],
    "report": ["report", "sample_data", "--plan", "sample_data/plans/large_report.toml", "--output", "-"],
}
# formats left out, and why
LEFT_OUT = {
    ("report", "html"): "its page holds SVG drawn by matplotlib, which differs between its versions "
    "(test_report checks the page in a real browser)",
}
SKIPPED = {"pull": "needs a server (test_pull checks its output)",
           "doctor": "says this machine's paths and the store's size (test_command_line checks it)",
           "export": "writes files, and says their folder (test_transfer checks what it wrote)",
           "import": "needs an export first (test_transfer checks the store it fills)"}  # fmt: skip
# what differs from run to run: the time of an ingest, the folder of the test's store
MASKS = [
    (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?"), "<ingested at>"),
    (re.compile(r"/[^ │|,\"'<>]*/golden\.duckdb"), "<store>"),
    (re.compile(re.escape(str(REPO))), "<repo>"),
]  # JSON and CSV keep stored paths: absolute


def formats_of(command: str) -> list[str]:
    click_command = typer.main.get_command(app).commands[command]
    option = next(p for p in click_command.params if p.name == "fmt")
    return [member.value for member in option.type_descriptor.annotation]


def test_every_command_with_formats_has_a_case_or_a_reason():
    commands = typer.main.get_command(app).commands
    with_formats = {name for name, c in commands.items() if any(p.name == "fmt" for p in c.params)}
    covered = {args[0] for args in CASES.values()} | set(SKIPPED)
    assert with_formats <= covered, with_formats - covered


PARAMS = [
    (case, fmt, width)
    for case, args in CASES.items()
    for fmt in formats_of(args[0])
    if (case, fmt) not in LEFT_OUT
    for width in ((80, 120) if fmt == "table" else (120,))
]


@pytest.mark.parametrize("case, fmt, width", PARAMS, ids=[f"{c}-{f}-{w}" for c, f, w in PARAMS])
def test_golden(case, fmt, width, monkeypatch, tmp_path):
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", str(width))
    args = CASES[case]
    if STORE in args:
        store = tmp_path / STORE
        ok("ingest", "sample_data", "--db", str(store))
        args = [str(store) if a == STORE else a for a in args]
    got = ok(*args, "--format", fmt).stdout
    for pattern, placeholder in MASKS:
        got = pattern.sub(placeholder, got)
    path = GOLDEN / f"{case}.{fmt}{f'.{width}' if fmt == 'table' else ''}.txt"
    if os.environ.get("COSTCAP_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), f"{path.name}: re-run with COSTCAP_UPDATE_GOLDEN=1 if intended"
    if fmt == "table":
        assert max(len(line) for line in got.splitlines()) <= width


def test_a_library_caller_gets_the_json_contract_without_the_cli(tmp_path, monkeypatch):
    import json
    import subprocess
    import sys

    monkeypatch.chdir(REPO)
    store = tmp_path / "s.duckdb"
    ok("ingest", "sample_data", "--db", str(store))
    code = (
        "import sys\nfrom costcap import audit, prices\nfrom costcap.store import Store\n"
        "from costcap.documents.audit import document\nfrom costcap.output.writers import json_text\n"
        f"with Store({str(store)!r}, prices.catalog(None), read_only=True) as s:\n"
        "    doc = document(audit.audit(s, audit.Settings()))\n"
        "sys.stdout.write(json_text(doc))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    *body, loaded = done.stdout.rstrip("\n").split("\n")
    assert loaded == "[]"
    assert json.loads("\n".join(body)) == json.loads(ok("audit", "--db", str(store), "-f", "json").stdout)
