"""Hostile and broken inputs: a clean one-line error naming file and line, no traceback, and the store unchanged."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import duckdb
import pytest

from conftest import ok, run
from costcap import sql

CORPUS = Path(__file__).parent / "bad_inputs"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
GOOD_LOG = '{"event": "llm_call", "feature": "f", "model": "gpt-4o-mini", "prompt_tokens": 100, "completion_tokens": 20, "request_id": "req_base", "timestamp": "2026-11-01T09:00:00Z"}\n'
LINE_ERRORS = [
    name
    for name, case in EXPECTED.items()
    if name.startswith(("log_", "batch_"))
    and case.get("expect", "error") == "error"
    and "line" in case
    and "JSON array" not in case["message"]
]


def totals(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql.load("store/store_totals")).fetchone()
    finally:
        con.close()


@pytest.fixture
def store(isolated) -> Path:
    """A store holding one valid usage export and one valid log, so 'unchanged' means something."""
    ok("ingest", CORPUS / "usage_bom.csv")
    (isolated / "base.jsonl").write_text(GOOD_LOG)
    ok("ingest", isolated / "base.jsonl")
    return isolated / "costcap.duckdb"


def test_the_corpus_holds_at_least_forty_cases_and_every_file_is_listed():
    files = {p.name for p in CORPUS.iterdir()} - {"expected.toml", "make_corpus.py"}
    assert files == set(EXPECTED) and len(EXPECTED) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_input(store, name):
    case, path = EXPECTED[name], CORPUS / name
    before = totals(store)
    result = run(case.get("command", "ingest"), path)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if case.get("expect", "error") == "ok":
        assert result.exit_code == 0, result.stderr
        if "warning" in case:
            assert case["warning"] in result.stderr
        return
    assert result.exit_code == 1
    where = f"{path}:{case['line']}: " if "line" in case else f"{path}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {where}") and case["message"] in lines[0], result.stderr
    assert result.stdout == ""
    assert totals(store) == before


@pytest.mark.parametrize("name", LINE_ERRORS)
def test_skip_bad_passes_over_the_bad_line_with_a_warning(store, name):
    result = run("ingest", CORPUS / name, "--skip-bad", "--format", "json")
    assert result.exit_code == 0 and "skipped bad line" in result.stderr
    assert json.loads(result.stdout)["files"][0]["bad"] >= 1


def test_a_ten_megabyte_line_is_read_without_trouble(store, tmp_path):
    event = {"event": "llm_call", "feature": "big", "model": "gpt-4o-mini", "prompt_tokens": 10, "completion_tokens": 1,
             "timestamp": "2026-11-01T10:00:00Z", "pad": "x" * 10_000_000}  # fmt: skip
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps(event) + "\n")
    result = ok("ingest", path, "--format", "json")
    assert json.loads(result.stdout)["files"][0]["rows"] == 1


def test_two_bad_files_in_one_ingest_store_nothing(store, tmp_path):
    before = totals(store)
    result = run("ingest", CORPUS / "usage_crlf.csv", CORPUS / "log_negative_tokens.jsonl")
    assert result.exit_code == 1 and totals(store) == before  # the good file before it is rolled back too
