"""structlog logs (written by structlog itself, every renderer) and Batch output, priced by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import duckdb
import pytest
import structlog

from conftest import SAMPLE_DATA, ok, ok_json, run, write_stdlib_structlog, write_structlog

# Two calls and one event that is not a call.
EVENTS = [
    {"event": "llm_call", "feature": "sidebar widget", "model": "gpt-4o-mini-2024-07-18", "prompt_tokens": 1200,
     "cached_tokens": 1024, "completion_tokens": 300, "request_id": "req_a", "timestamp": "2026-10-01T08:00:00Z"},
    {"event": "http_request", "path": "/x", "status": 200},
    {"event": "llm_call", "feature": "reports", "model": "gpt-4o-2024-08-06", "prompt_tokens": 2000,
     "completion_tokens": 500, "finish_reason": "length", "max_tokens": 500, "request_id": "req_b",
     "timestamp": "2026-10-01T09:00:00Z"},
]  # fmt: skip
# 0.0002832 (the gpt-4o-mini call) + (2,000 x $2.50 + 500 x $10) / 1M = 0.0002832 + 0.01 = $0.0102832
EVENTS_USD = Decimal("0.0102832")


def spend(file_result: dict) -> Decimal:
    return Decimal(file_result["spend_usd_exact"])


def store_rows(query):
    with duckdb.connect("costcap.duckdb", read_only=True) as con:
        return con.execute(query).fetchall()


def totals():
    return store_rows("SELECT count(*), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0) FROM calls")[0]


RENDERERS = {
    "json": structlog.processors.JSONRenderer(),
    "json_sorted": structlog.processors.JSONRenderer(sort_keys=True),
    "keyvalue": structlog.processors.KeyValueRenderer(key_order=["timestamp", "level", "event"]),
    "logfmt": structlog.processors.LogfmtRenderer(),
    "console": structlog.dev.ConsoleRenderer(colors=False),
    "console_colour": structlog.dev.ConsoleRenderer(colors=True, force_colors=True),
}


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
def test_every_structlog_renderer_gives_the_same_calls(tmp_path, renderer):
    path = write_structlog(tmp_path / f"{renderer}.log", RENDERERS[renderer], EVENTS)
    [f] = ok_json("ingest", path)["files"]
    assert (f["kind"], f["rows"], f["skipped"]) == ("structlog", 2, 1)
    assert spend(f) == EVENTS_USD
    assert store_rows("SELECT feature, finish_reason, max_tokens, CAST(ts AS VARCHAR) FROM calls ORDER BY line") == [
        ("sidebar widget", None, None, "2026-10-01 08:00:00"),
        ("reports", "length", 500, "2026-10-01 09:00:00"),
    ]


@pytest.mark.parametrize("renderer", ["json", "keyvalue", "logfmt", "console"])
def test_stdlib_processor_formatter_output(tmp_path, renderer):
    path = write_stdlib_structlog(
        tmp_path / "std.log", RENDERERS[renderer], EVENTS, noise='HTTP Request: POST "HTTP/1.1 200 OK"'
    )
    [f] = ok_json("ingest", path)["files"]
    assert (f["rows"], f["skipped"]) == (2, 2)
    assert spend(f) == EVENTS_USD


def test_json_after_a_stdlib_prefix(tmp_path):
    path = tmp_path / "prefixed.log"
    record = json.dumps(
        {"batch_type": "daily", "model": "gpt-4o-2024-08-06", "prompt_tokens": 812, "completion_tokens": 1450}
    )
    path.write_text(f"2026-11-22 19:45:03,668 INFO worker.batch {record}\n")
    [f] = ok_json("ingest", path)["files"]
    # 812 x $2.50 + 1,450 x $10 = 2,030 + 14,500 = 16,530 per 1M
    assert spend(f) == Decimal("0.01653")


def test_report_pipeline_log_without_model_needs_model_flag(tmp_path):
    lines = [
        {
            "event": "token_usage",
            "batch_type": "daily",
            "prompt_tokens": 812,
            "completion_tokens": 1450,
            "total_tokens": 2262,
        }
    ]
    path = write_structlog(tmp_path / "worker.log", structlog.dev.ConsoleRenderer(colors=False), lines * 2)
    result = run("ingest", path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}:1: the call names no model (pass --model")
    assert not (tmp_path / "costcap.duckdb").exists()
    [f] = ok_json("ingest", path, "--model", "gpt-4o")["files"]
    # today's gpt-4o is the 2024-08-06 snapshot: 2 x 16,530 per 1M (no timestamp: priced today)
    assert spend(f) == Decimal("0.03306")
    assert store_rows("SELECT DISTINCT feature, batch_type, model FROM calls") == [("daily", "daily", "gpt-4o")]


def test_feature_from_user_hash_and_feature_precedence(tmp_path):
    events = [
        {"user": "3f9a0c1b2d4e:tag_suggester", "model": "gpt-4o-mini", "prompt_tokens": 10, "completion_tokens": 1},
        {"safety_identifier": "aa11bb22cc33:sidebar", "model": "gpt-4o-mini", "prompt_tokens": 10, "completion_tokens": 1},
        {"feature": "explicit", "batch_type": "daily", "user": "x:y", "model": "gpt-4o-mini", "prompt_tokens": 1, "completion_tokens": 1},
        {"batch_type": "weekly", "user": "x:y", "model": "gpt-4o-mini", "prompt_tokens": 1, "completion_tokens": 1},
        {"user": "plainuser", "model": "gpt-4o-mini", "prompt_tokens": 1, "completion_tokens": 1},
    ]  # fmt: skip
    ok("ingest", write_structlog(tmp_path / "a.log", RENDERERS["json"], events))
    assert [r[0] for r in store_rows("SELECT feature FROM calls ORDER BY line")] == [
        "tag_suggester", "sidebar", "explicit", "weekly", None,
    ]  # fmt: skip


def test_field_option_and_toml_map_other_key_names(tmp_path):
    events = [{"component": "search", "llm": "gpt-4o-mini", "prompt_tokens": 10, "completion_tokens": 2}]
    path = write_structlog(tmp_path / "a.log", RENDERERS["logfmt"], events)
    ok("ingest", path, "--field", "feature=component", "--field", "model=llm")
    assert store_rows("SELECT feature, model FROM calls") == [("search", "gpt-4o-mini")]
    (tmp_path / "costcap.toml").write_text('[fields]\nfeature = "component"\nmodel = "llm"\n')
    ok("ingest", path, "--db", tmp_path / "other.duckdb")
    with duckdb.connect(str(tmp_path / "other.duckdb"), read_only=True) as con:
        assert con.execute("SELECT feature, model FROM calls").fetchall() == [("search", "gpt-4o-mini")]
    result = run("ingest", path, "--field", "colour=component")
    assert result.exit_code == 1 and "unknown field 'colour'" in result.stderr


def test_status_attempts_and_rate_limits(tmp_path):
    base = {"feature": "f", "model": "gpt-4o-mini"}
    events = [
        {**base, "prompt_tokens": 0, "completion_tokens": 0, "status_code": 429, "attempt": 1},
        {**base, "prompt_tokens": 5, "completion_tokens": 5, "status": "validation_failed", "attempt": 2},
        {**base, "prompt_tokens": 5, "completion_tokens": 5, "error": "timeout"},
        {**base, "prompt_tokens": 5, "completion_tokens": 5, "status": "ok", "attempt": 3},
    ]
    ok("ingest", write_structlog(tmp_path / "a.log", RENDERERS["keyvalue"], events))
    assert store_rows("SELECT status, status_code, attempt FROM calls ORDER BY line") == [
        ("rate_limited", 429, 1), ("error", None, 2), ("error", None, None), ("ok", None, 3),
    ]  # fmt: skip


def test_reingest_is_idempotent_and_appended_lines_come_in_once(tmp_path):
    path = write_structlog(tmp_path / "app.log", RENDERERS["json"], EVENTS)
    ok("ingest", path)
    before = totals()
    [f] = ok_json("ingest", path)["files"]
    assert (f["status"], f["rows"]) == ("unchanged", 0) and totals() == before
    with open(path, "a") as fh:
        fh.write(
            json.dumps({"model": "gpt-4o-mini", "prompt_tokens": 100, "completion_tokens": 10, "feature": "late"})
            + "\n"
        )
    [f] = ok_json("ingest", path)["files"]
    assert (f["status"], f["rows"]) == ("appended", 1)
    assert totals() == (3, before[1] + 100, before[2] + 10)
    assert store_rows("SELECT line FROM calls WHERE feature = 'late'") == [(4,)]
    assert ok_json("ingest", path)["files"][0]["status"] == "unchanged"


def test_request_ids_are_never_counted_twice(tmp_path):
    first = write_structlog(tmp_path / "a.log", RENDERERS["json"], EVENTS)
    second = write_structlog(tmp_path / "b.log", RENDERERS["logfmt"], [*EVENTS, EVENTS[0]])
    ok("ingest", first)
    [f] = ok_json("ingest", second)["files"]
    assert (f["rows"], f["duplicates"]) == (0, 3)
    assert totals()[0] == 2


def test_a_bad_line_rejects_the_whole_ingest(tmp_path):
    good = write_structlog(tmp_path / "good.log", RENDERERS["json"], EVENTS)
    bad = tmp_path / "bad.log"
    bad.write_text(good.read_text() + '{"model": "gpt-4o", "prompt_tokens": 12, "completion_tok\n')
    result = run("ingest", good, bad)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {bad}:4: the line is not valid JSON: cut short or corrupted (fix or delete that line, or pass --skip-bad to pass over bad lines)\n"
    )
    assert result.stdout == "" and not (tmp_path / "costcap.duckdb").exists()  # rolled back: no store left behind


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("prompt_tokens", -5, "negative"),
        ("prompt_tokens", 1.5, "not a whole number"),
        ("completion_tokens", "lots", "not a number"),
        ("completion_tokens", 1e30, "more tokens than one call"),
        ("cached_tokens", 5000, "cached tokens exceed"),
        ("timestamp", "2099-01-01T00:00:00Z", "in the future"),
        ("timestamp", "yesterday-ish", "not an ISO date"),
    ],
)
def test_impossible_values_are_bad_lines(tmp_path, field, value, words):
    event = {"model": "gpt-4o", "prompt_tokens": 1200, "completion_tokens": 10, field: value}
    path = write_structlog(tmp_path / "a.log", RENDERERS["json"], [EVENTS[0], event])
    result = run("ingest", path)
    assert result.exit_code == 1 and f"{path}:2: " in result.stderr and words in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_skip_bad_counts_and_reports(tmp_path):
    path = write_structlog(tmp_path / "a.log", RENDERERS["json"], EVENTS)
    with open(path, "a") as fh:
        fh.write('{"cut": \n')
        fh.write(json.dumps({"model": "gpt-4o", "prompt_tokens": -1, "completion_tokens": 1}) + "\n")
    result = ok("ingest", path, "--skip-bad", "--format", "json")
    [f] = json.loads(result.stdout)["files"]
    assert (f["rows"], f["bad"]) == (2, 2) and spend(f) == EVENTS_USD
    assert f"{path}:4: the line is not valid JSON" in result.stderr and f"{path}:5: prompt_tokens" in result.stderr


def test_non_utf8_line_is_named(tmp_path):
    path = write_structlog(tmp_path / "a.log", RENDERERS["logfmt"], EVENTS)
    with open(path, "ab") as fh:
        fh.write(b"model=gpt-4o prompt_tokens=1 completion_tokens=1 feature=caf\xe9\n")
    result = run("ingest", path)
    assert result.exit_code == 1 and f"{path}:4: the line is not UTF-8" in result.stderr


def test_stdin(tmp_path):
    path = write_structlog(tmp_path / "a.log", RENDERERS["json"], EVENTS)
    result = run("ingest", "-", "--format", "json", input=path.read_text())
    assert result.exit_code == 0, result.output
    [f] = json.loads(result.stdout)["files"]
    assert (f["file"], f["rows"]) == ("<stdin>", 2) and spend(f) == EVENTS_USD


# Batch output: the real 2024 chat line (FORMATS.md 3.2) and a /v1/responses line with cached tokens.
CHAT_LINE = {"id": "batch_req_403hYy7nMxrxXFWXiwvoLG1q", "custom_id": "request-1", "response": {"status_code": 200, "request_id": "af0bac0d82530234e09bd6b5d9fbf5cf", "body": {"id": "chatcmpl-A1Efhv97EZNQeHKSLPnTmZex20gf2", "object": "chat.completion", "created": 1724858089, "model": "gpt-4o-mini-2024-07-18", "choices": [{"index": 0, "message": {"role": "assistant", "content": "2 + 2 equals 4.", "refusal": None}, "logprobs": None, "finish_reason": "stop"}], "usage": {"prompt_tokens": 24, "completion_tokens": 8, "total_tokens": 32}, "system_fingerprint": "fp_f33667828e"}}, "error": None}  # fmt: skip
RESPONSES_LINE = {"id": "batch_req_2", "custom_id": "r-2", "response": {"status_code": 200, "request_id": "req_2", "body": {"object": "response", "created_at": 1790000000, "model": "gpt-4o-mini-2024-07-18", "status": "completed", "safety_identifier": "abc123def456:nightly", "usage": {"input_tokens": 1200, "input_tokens_details": {"cached_tokens": 1024}, "output_tokens": 300, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 1500}}}, "error": None}  # fmt: skip
EXPIRED_LINE = {"id": "batch_req_123", "custom_id": "request-3", "response": None, "error": {"code": "batch_expired", "message": "This request could not be executed before the completion window expired."}}  # fmt: skip
REJECTED_LINE = {"id": "batch_req_000004", "custom_id": "exp:t00010", "response": {"status_code": 400, "request_id": "req_000005", "body": {"error": {"message": "Invalid 'max_output_tokens'", "type": "invalid_request_error", "param": "max_output_tokens", "code": "integer_below_min_value"}}}, "error": None}  # fmt: skip


def test_batch_output_is_priced_at_half(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in (CHAT_LINE, RESPONSES_LINE, EXPIRED_LINE, REJECTED_LINE)))
    [f] = ok_json("ingest", path)["files"]
    assert (f["kind"], f["rows"], f["unpriced"]) == ("batch-output", 4, 0)
    # chat: 24 x $0.075 + 8 x $0.30 = 1.8 + 2.4 = 4.2 per 1M; responses: half of $0.0002832 = $0.0001416
    assert spend(f) == Decimal("0.0000042") + Decimal("0.0001416")
    assert store_rows(
        "SELECT custom_id, feature, tier, status, status_code, input_tokens FROM calls ORDER BY line"
    ) == [
        ("request-1", None, "batch", "ok", 200, 24),
        ("r-2", "nightly", "batch", "ok", 200, 1200),
        ("request-3", None, "batch", "error", None, 0),
        ("exp:t00010", None, "batch", "error", 400, 0),
    ]


def test_batch_output_bad_line(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps(CHAT_LINE) + "\n" + json.dumps({"nothing": 1}) + "\n")
    result = run("ingest", path)
    assert result.exit_code == 1 and f"{path}:2: not a Batch output line" in result.stderr


def test_unknown_model_is_unpriced_not_free(tmp_path):
    events = [EVENTS[0], {**EVENTS[2], "model": "gpt-9-preview", "request_id": "req_z"}]
    [f] = ok_json("ingest", write_structlog(tmp_path / "a.log", RENDERERS["json"], events))["files"]
    assert (f["rows"], f["unpriced"], f["unpriced_models"], f["priced_coverage"]) == (2, 1, ["gpt-9-preview"], 0.5)
    assert spend(f) == Decimal("0.0002832")
    result = run("ingest", write_structlog(tmp_path / "b.log", RENDERERS["json"], [{**events[1], "request_id": "q"}]))
    assert "no price (gpt-9-preview)" in result.stderr and "not counted as $0" in result.stderr


def test_directory_ingest_passes_over_docs_and_ingests_sample_data():
    doc = ok_json("ingest", SAMPLE_DATA)
    kinds = sorted(f["kind"] for f in doc["files"])
    assert kinds == ["batch-output", "cost-csv", "structlog", "structlog", "usage-csv"]
    assert all(f["status"] == "ingested" for f in doc["files"])


def test_unreadable_files_are_one_line_errors(tmp_path):
    binary = tmp_path / "blob.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    result = run("ingest", binary)
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {binary}: this is a binary file")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "the file is empty" in run("ingest", empty).stderr
    assert "no such file" in run("ingest", tmp_path / "missing.csv").stderr
    prose = tmp_path / "notes.txt"
    prose.write_text("just some words\nand more words\n")
    refused = run("ingest", prose)
    assert (
        refused.exit_code == 1
        and "text with no JSON, key=value or console log lines, which is no input" in refused.stderr
    )


def test_store_in_use_by_another_process(tmp_path):
    db = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys, time; c = duckdb.connect({str(db)!r}); print('ready', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = run("ingest", SAMPLE_DATA / "batch_output.jsonl", "--db", db)
        assert result.exit_code == 1
        assert "the store is in use by another process" in result.stderr and f"PID {holder.pid})" in result.stderr
    finally:
        holder.kill()
        holder.wait()
