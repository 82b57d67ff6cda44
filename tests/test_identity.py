"""Each line counted once, whatever happens to the file: grown while read, rotated, fixed in place, copied or
compressed, with or without a request_id."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import structlog

from conftest import ok, ok_json, write_structlog
from costcap import prices
from costcap.ingest import Request, ingest
from costcap.ingest.records import Options
from costcap.store import Store

JSON = structlog.processors.JSONRenderer()


def events(first: int, count: int) -> list[dict]:
    """Calls with no request_id, each one different (its own timestamp and token counts)."""
    return [{"feature": "f", "model": "gpt-4o-mini", "prompt_tokens": 100 + i, "completion_tokens": 10,
             "timestamp": f"2026-11-02T10:{i // 60:02d}:{i % 60:02d}Z"} for i in range(first, first + count)]  # fmt: skip


def stored_calls() -> int:
    return ok_json("audit")["attributed"]["calls"]


def append(path: Path, more: list[dict]) -> None:
    with open(path, "a") as fh:
        for event in more:
            fh.write(json.dumps({"event": "llm_call", **event}) + "\n")


def test_a_rotated_log_adds_only_its_new_lines(tmp_path):
    log = write_structlog(tmp_path / "app.log", JSON, events(0, 100))
    ok("ingest", log)
    rotated = tmp_path / "app.log.1"
    log.rename(rotated)
    append(rotated, events(100, 50))  # the old lines plus 50 new ones, under a new name
    doc = ok_json("ingest", rotated)
    assert (doc["files"][0]["rows"], doc["files"][0]["duplicates"]) == (50, 100)
    assert stored_calls() == 150


def test_a_bad_line_fixed_in_place_is_stored_once(tmp_path):
    good = events(0, 50)
    log = write_structlog(tmp_path / "app.log", JSON, good)
    lines = log.read_text().splitlines()
    broken = lines[:9] + [lines[9][:25]] + lines[10:]  # line 10 cut short
    log.write_text("\n".join(broken) + "\n")
    assert ok_json("ingest", log, "--skip-bad")["files"][0]["rows"] == 49
    log.write_text("\n".join(lines) + "\n")  # fixed, as the error message advises
    doc = ok_json("ingest", log)
    assert (doc["files"][0]["rows"], doc["files"][0]["duplicates"]) == (1, 49)
    assert stored_calls() == 50


def test_copies_and_compressed_copies_add_nothing(tmp_path):
    log = write_structlog(tmp_path / "app.log", JSON, events(0, 30))
    ok("ingest", log)
    shutil.copy(log, tmp_path / "copy.log")
    with open(log, "rb") as src, gzip.open(tmp_path / "app.log.gz", "wb") as out:
        out.write(src.read())
    Path(tmp_path / "copy.log").write_text(log.read_text() + "\n")  # a copy that differs by a blank line
    ok("ingest", tmp_path / "copy.log", tmp_path / "app.log.gz")
    assert stored_calls() == 30


def test_lines_appended_during_an_ingest_are_read_once(tmp_path):
    log = write_structlog(tmp_path / "app.log", JSON, events(0, 100))
    grown = []

    def writer_appends(done: int, total: int) -> None:
        if not grown:  # the application writes while costcap reads
            append(log, events(100, 100))
            grown.append(True)

    store = Store("costcap.duckdb", prices.catalog(), create=True)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    [first] = ingest(store, Request([str(log)], "auto", Options(now=now)), writer_appends)
    store.close()
    assert first.rows == 100  # what was hashed and sized, no more
    doc = ok_json("ingest", log)
    assert (doc["files"][0]["status"], doc["files"][0]["rows"], doc["files"][0]["duplicates"]) == ("appended", 100, 0)
    assert stored_calls() == 200
