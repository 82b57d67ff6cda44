"""Each line counted once, whatever happens to the file: grown while read, rotated, fixed in place, copied or
compressed, with or without a request_id."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import UTC, datetime
from decimal import Decimal
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
    broken = [*lines[:9], lines[9][:25], *lines[10:]]  # line 10 cut short
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
    now = datetime.now(UTC).replace(tzinfo=None)
    [first] = ingest(store, Request([str(log)], "auto", Options(now=now)), writer_appends)
    store.close()
    assert first.rows == 100  # what was hashed and sized, no more
    doc = ok_json("ingest", log)
    assert (doc["files"][0]["status"], doc["files"][0]["rows"], doc["files"][0]["duplicates"]) == ("appended", 100, 0)
    assert stored_calls() == 200


# --- a call belongs to every source that holds it; identity by count -------------------------------------------

RECOUNT_GROUPS = """
SELECT source_id, CAST(ts AS DATE), feature, model, tier, count(*), sum(input_tokens), sum(output_tokens)
FROM calls GROUP BY ALL
"""
KEPT_GROUPS = """
SELECT source_id, day, feature, model, tier, sum(calls), sum(input_tokens), sum(output_tokens)
FROM call_groups GROUP BY ALL
"""


def assert_aggregates_match_the_calls(db: str = "costcap.duckdb") -> None:
    """The aggregates kept at ingest equal a recount from the counted calls, source by source."""
    import duckdb

    con = duckdb.connect(db, read_only=True)
    try:
        assert set(con.execute(KEPT_GROUPS).fetchall()) == set(con.execute(RECOUNT_GROUPS).fetchall())
    finally:
        con.close()


def write_lines(path: Path, events: list[dict]) -> Path:
    path.write_text("".join(json.dumps({"event": "llm_call", **e}) + "\n" for e in events))
    return path


def test_forgetting_a_log_keeps_the_calls_its_rotated_copy_holds(tmp_path):
    log = write_structlog(tmp_path / "app.log", JSON, events(0, 40))
    ok("ingest", log)
    rotated = tmp_path / "app.log.1"
    rotated.write_text(log.read_text())
    append(rotated, events(40, 20))  # the same 40 lines plus 20
    ok("ingest", rotated)
    assert stored_calls() == 60
    [gone] = ok_json("forget", log)["forgotten"]
    assert (gone["calls"], gone["kept"]) == (0, 40)  # app.log.1 holds all 40 of them
    assert stored_calls() == 60
    assert ok_json("ingest", rotated)["files"][0]["status"] == "unchanged"
    assert stored_calls() == 60
    assert_aggregates_match_the_calls()


def test_two_logs_sharing_request_ids_keep_each_others_calls(tmp_path):
    def logged(ids):
        return [{"feature": "f", "model": "gpt-4o-mini", "prompt_tokens": 100, "completion_tokens": 10,
                 "request_id": f"req_{i}", "timestamp": f"2026-11-02T10:00:{i:02d}Z"} for i in ids]  # fmt: skip

    first = write_lines(tmp_path / "a.log", logged(range(0, 10)))  # req_0 .. req_9
    second = write_lines(tmp_path / "b.log", [{**e, "worker": "b"} for e in logged(range(5, 15))])  # req_5 .. req_14
    ok("ingest", first, second)
    assert stored_calls() == 15
    [gone] = ok_json("forget", first)["forgotten"]
    assert (gone["calls"], gone["kept"]) == (5, 5)  # req_0..4 leave; req_5..9 stay, now counted from b.log
    assert stored_calls() == 10
    assert_aggregates_match_the_calls()
    ok("ingest", first)  # read again: exactly what it holds comes back
    assert stored_calls() == 15
    ok("forget", second)
    assert stored_calls() == 10
    assert_aggregates_match_the_calls()


def test_a_byte_identical_copy_is_another_holder_of_the_same_calls(tmp_path):
    log = write_structlog(tmp_path / "app.log", JSON, events(0, 30))
    ok("ingest", log)
    copy = tmp_path / "copy.log"
    shutil.copy(log, copy)
    [f] = ok_json("ingest", copy)["files"]
    assert f["status"] == "unchanged" and "copy" in f["note"]
    [gone] = ok_json("forget", log)["forgotten"]
    assert (gone["calls"], gone["kept"]) == (0, 30)
    assert stored_calls() == 30
    ok("forget", copy)  # the last path holding it: now the calls go
    assert json.loads(ok("sources", "-f", "json").stdout) == []


def test_identical_lines_of_a_busy_writer_are_each_a_call(tmp_path):
    same = {"feature": "f", "model": "gpt-4o-mini", "prompt_tokens": 100, "completion_tokens": 10,
            "timestamp": "2026-11-02T10:00:00Z"}  # a second-resolution time, no request id  # fmt: skip
    log = write_lines(tmp_path / "app.log", [same] * 5)
    assert ok_json("ingest", log)["files"][0]["rows"] == 5
    append(log, [same] * 3)  # the log grows with three more identical lines
    [f] = ok_json("ingest", log)["files"]
    assert (f["status"], f["rows"]) == ("appended", 3)
    assert stored_calls() == 8
    rotated = tmp_path / "app.log.1"  # rotated: the same eight lines under another name add nothing
    rotated.write_text(log.read_text() + "\n")
    assert ok_json("ingest", rotated)["files"][0]["rows"] == 0
    assert stored_calls() == 8
    ok("forget", log)  # both parts of the grown log go; the rotated copy holds all eight
    assert stored_calls() == 8
    assert_aggregates_match_the_calls()


def test_a_growing_log_of_identical_lines_keeps_every_line(tmp_path):
    same = {"event": "llm_call", "feature": "f", "model": "gpt-4o-mini", "prompt_tokens": 7, "completion_tokens": 1,
            "timestamp": "2026-11-02T10:00:00Z"}  # fmt: skip
    log = write_lines(tmp_path / "app.log", [same] * 100)
    grown = []

    def writer_appends(done: int, total: int) -> None:
        if not grown:  # the application writes the same line again while costcap reads
            append(log, [same] * 50)
            grown.append(True)

    store = Store("costcap.duckdb", prices.catalog(), create=True)
    now = datetime.now(UTC).replace(tzinfo=None)
    [first] = ingest(store, Request([str(log)], "auto", Options(now=now)), writer_appends)
    store.close()
    assert first.rows == 100
    assert ok_json("ingest", log)["files"][0]["rows"] == 50
    assert stored_calls() == 150


def test_byte_identical_files_in_two_partitions_are_two_sources(tmp_path):
    import polars as pl

    frame = pl.DataFrame({"event": ["llm_call"] * 3, "model": ["gpt-4o-mini"] * 3, "prompt_tokens": [100, 200, 300],
                          "completion_tokens": [10, 20, 30], "timestamp": ["2026-11-02T10:00:00Z"] * 3})  # fmt: skip
    for feature in ("a", "b"):
        (tmp_path / "logs" / f"feature={feature}").mkdir(parents=True)
        frame.write_parquet(tmp_path / "logs" / f"feature={feature}" / "part-0.parquet")
    doc = ok_json("ingest", tmp_path / "logs")
    assert [f["status"] for f in doc["files"]] == ["ingested", "ingested"]
    audit = ok_json("audit")
    spend = {row["feature"]: row["calls"] for row in audit["by_feature"]}
    assert spend == {"a": 3, "b": 3}
    ok("forget", tmp_path / "logs" / "feature=a" / "part-0.parquet")
    assert stored_calls() == 3


def test_a_call_in_a_log_and_in_a_batch_output_file_is_one_call_at_the_batch_price_either_way(tmp_path):
    batch = tmp_path / "batch_output.jsonl"
    batch.write_text(json.dumps({
        "id": "batch_req_1", "custom_id": "doc-7",
        "response": {"status_code": 200, "request_id": "req_b1", "body": {
            "id": "chatcmpl-77", "object": "chat.completion", "created": 1793613600, "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100}}},
        "error": None}) + "\n")  # fmt: skip
    by_id = write_lines(tmp_path / "by_id.log", [{"feature": "digest", "model": "gpt-4o-mini", "prompt_tokens": 1000,
                        "completion_tokens": 100, "request_id": "chatcmpl-77", "timestamp": "2026-11-01T10:00:00Z"}])  # fmt: skip
    by_custom = write_lines(tmp_path / "by_custom.log", [{"feature": "digest", "model": "gpt-4o-mini", "prompt_tokens": 1000,
                            "completion_tokens": 100, "custom_id": "doc-7", "timestamp": "2026-11-01T10:00:00Z"}])  # fmt: skip
    # Batch price of gpt-4o-mini (PRICES.md): $0.075 input, $0.30 output per 1M tokens
    # 1,000 x 0.075 / 1M + 100 x 0.30 / 1M = 0.000075 + 0.00003 = $0.000105 (standard would be $0.00021)
    for log in (by_id, by_custom):
        for order in ((log, batch), (batch, log)):
            db = tmp_path / f"{log.stem}-{order[0].stem}.duckdb"
            for path in order:
                ok("ingest", path, "--db", db)
            audit = ok_json("audit", "--db", db)
            assert audit["attributed"]["calls"] == 1, (log.name, order)
            assert Decimal(str(audit["attributed"]["cost_usd"])) == Decimal("0.000105"), (log.name, order)
            assert [row["feature"] for row in audit["by_feature"]] == ["digest"], (log.name, order)
            assert_aggregates_match_the_calls(str(db))
            ok("forget", log, "--db", db)  # the Batch file alone: the call stays, untagged again
            audit = ok_json("audit", "--db", db)
            assert audit["attributed"]["calls"] == 1 and [r["feature"] for r in audit["by_feature"]] == ["(untagged)"]
            assert_aggregates_match_the_calls(str(db))
