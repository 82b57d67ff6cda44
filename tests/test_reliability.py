"""A store that is a store, inputs that are files, and user mistakes that end in one line, never a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import duckdb
import pytest

from conftest import SAMPLE_DATA, ok, run

LOG = SAMPLE_DATA / "web_app.jsonl"


def one_line_error(result, *words: str) -> str:
    assert result.exit_code == 1, result.output
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert all(w in lines[0] for w in words), lines[0]
    return lines[0]


def not_stores(tmp_path: Path) -> dict[str, Path]:
    found = {}
    found["csv"] = tmp_path / "bill.csv"
    found["csv"].write_text("date,amount\n2026-11-01,1.5\n")
    found["json"] = tmp_path / "page.json"
    found["json"].write_text('{"object": "page", "data": []}\n')
    found["sqlite"] = tmp_path / "lite.db"
    con = sqlite3.connect(found["sqlite"])
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()
    found["parquet"] = tmp_path / "calls.parquet"
    duckdb.sql(f"COPY (SELECT 1 AS a) TO '{found['parquet']}' (FORMAT parquet)")
    found["duckdb"] = tmp_path / "other.duckdb"
    con = duckdb.connect(str(found["duckdb"]))
    con.execute("CREATE TABLE t (a INTEGER)")
    con.close()
    return found


@pytest.mark.parametrize("command", ["ingest", "audit"])
def test_a_file_that_is_not_a_costcap_store_is_refused_and_left_as_it_was(tmp_path, command):
    for kind, path in not_stores(tmp_path).items():
        before = path.read_bytes()
        args = [command, str(LOG), "--db", str(path)] if command == "ingest" else [command, "--db", str(path)]
        one_line_error(run(*args), str(path), "not a costcap store")
        assert path.read_bytes() == before, kind


def test_read_commands_never_create_a_store():
    for args in (["audit"], ["budget"], ["estimate", "--from-store", "f", "--items", "3"]):
        one_line_error(run(*args), "no store at ", "costcap.duckdb: run `costcap ingest FILES` first")
        assert not Path("costcap.duckdb").exists()


def test_devices_fifos_and_folders_are_refused_with_a_true_message(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    one_line_error(run("ingest", str(fifo)), "not a regular file")
    one_line_error(run("tokens", "--file", "/dev/zero"), "not a regular file")
    for args in (["tokens", "--file", str(tmp_path)], ["budget", "--words", "10", "--sample", str(tmp_path)],
                 ["estimate", str(tmp_path) + "/"], ["prices", "--prices", str(tmp_path)]):  # fmt: skip
        one_line_error(run(*args), "folder")


def test_unicode_line_separators_inside_values_are_kept_as_written(tmp_path):
    name = "proj_\u2028a\u2029b\u0085c"
    result = {"object": "organization.usage.completions.result", "input_tokens": 10, "output_tokens": 1,
              "num_model_requests": 1, "model": "gpt-4o-mini-2024-07-18", "project_id": name}  # fmt: skip
    bucket = {"object": "bucket", "start_time": 1793491200, "end_time": 1793577600, "results": [result]}
    page = json.dumps({"object": "page", "data": [bucket], "has_more": False, "next_page": None}, ensure_ascii=False)
    (tmp_path / "pages.jsonl").write_text(
        page + "\n" + page.replace("1793491200", "1793404800") + "\n", encoding="utf-8"
    )
    ok("ingest", tmp_path / "pages.jsonl")
    con = duckdb.connect("costcap.duckdb", read_only=True)
    assert con.execute("SELECT DISTINCT project_id FROM usage").fetchall() == [(name,)]
    con.close()


def test_closed_stdin_is_one_line():
    result = run("tokens", "-", input=None)
    assert "Traceback" not in result.output


def test_a_store_cut_short_is_one_line(tmp_path):
    ok("ingest", LOG)
    Path("cut.duckdb").write_bytes(Path("costcap.duckdb").read_bytes()[:20_000])
    one_line_error(run("audit", "--db", "cut.duckdb"), "cut.duckdb", "cut short or damaged")


def test_a_file_size_limit_during_an_ingest_is_one_line_and_stores_nothing(tmp_path):
    import resource
    import subprocess
    import sys

    ok("ingest", LOG)
    before = Path("costcap.duckdb").read_bytes()
    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps({"event": "llm_call", "feature": f"f{i % 9}", "model": "gpt-4o-mini",
                                       "prompt_tokens": 100 + i, "completion_tokens": 20, "request_id": f"r{i}",
                                       "timestamp": "2026-11-01T10:00:00Z"}) + "\n" for i in range(200_000)))  # fmt: skip
    limit = len(before) + 256 * 1024  # the store may grow by a quarter of a megabyte, the ingest needs far more

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([sys.executable, "-m", "costcap", "ingest", str(big)], preexec_fn=small_files,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "costcap.duckdb" in done.stderr and ("file-size limit" in done.stderr or "disk is full" in done.stderr)
    assert ok("audit", "--format", "json").stdout  # the store still opens
