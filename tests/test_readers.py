"""Every input shape in the reader registry and every preset, written by the library that writes it in production
where it is installable (structlog, python-json-logger, opentelemetry-sdk), else by hand from the public field lists.
Expected dollars are computed by hand in the comments (USD per 1M tokens from PRICES.md)."""

from __future__ import annotations

import csv
import json
import logging
from decimal import Decimal

import duckdb
import pytest
import structlog

from conftest import ok, ok_json, run, write_structlog
from costcap.ingest import presets, readers

JSON = structlog.processors.JSONRenderer()


def spend(f: dict) -> Decimal:
    return Decimal(f["spend_usd_exact"])


def calls(
    query: str = "SELECT feature, model, input_tokens, cached_tokens, output_tokens, reasoning_tokens FROM calls ORDER BY line",
):
    with duckdb.connect("costcap.duckdb", read_only=True) as con:
        return con.execute(query).fetchall()


def test_the_registry_names_every_kind_once_and_the_cli_offers_them():
    assert len(set(readers.KINDS)) == len(readers.KINDS)
    shown = ok("ingest", "--help").stdout
    assert all(kind in shown for kind in ("usage-csv", "batch-object", "otlp-json", "spend-logs-csv"))
    assert {
        "structlog",
        "langchain",
        "rasa",
        "autogen",
        "python-json-logger",
        "otel",
        "litellm",
        "batch-output",
    } <= set(presets.presets())


def test_langchain_usage_metadata_and_token_usage(tmp_path):
    events = [
        {"event": "llm_end", "feature": "qa", "usage_metadata": {"input_tokens": 1000, "output_tokens": 200, "total_tokens": 1200,
         "input_token_details": {"cache_read": 512}, "output_token_details": {"reasoning": 50}},
         "response_metadata": {"model_name": "gpt-4o-mini-2024-07-18", "finish_reason": "stop"}},
        {"event": "llm_end", "feature": "qa", "model_name": "gpt-4o-2024-08-06",
         "response_metadata": {"token_usage": {"prompt_tokens": 2000, "completion_tokens": 100}}},
    ]  # fmt: skip
    [f] = ok_json("ingest", write_structlog(tmp_path / "lc.log", JSON, events))["files"]
    assert (f["preset"], f["rows"]) == ("langchain", 2)
    # mini: 488 x 0.15 + 512 x 0.075 + 200 x 0.60 = 73.2 + 38.4 + 120 = 231.6; 4o: 2000 x 2.50 + 100 x 10 = 6000
    assert spend(f) == Decimal("0.0062316")
    assert calls() == [
        ("qa", "gpt-4o-mini-2024-07-18", 1000, 512, 200, 50),
        ("qa", "gpt-4o-2024-08-06", 2000, 0, 100, 0),
    ]


RASA = {"formatted_response": {"id": "chatcmpl-R4t9", "choices": ["SetSlot(city, Lyon)"], "created": 1791912211,
        "model": "gpt-4.1-mini-2025-04-14", "usage": {"prompt_tokens": 2204, "completion_tokens": 11, "total_tokens": 2215},
        "additional_info": None, "latency": 0.611, "tool_calls": None}}  # fmt: skip
# 2,204 x 0.40 + 11 x 1.60 = 881.6 + 17.6 = 899.2 per 1M
RASA_USD = Decimal("0.0008992")


def test_rasa_formatted_response_json_and_console(tmp_path):
    as_json = write_structlog(
        tmp_path / "rasa.jsonl", JSON, [{"event": "base_litellm_client.formatted_response", **RASA}]
    )
    [f] = ok_json("ingest", as_json)["files"]
    assert (f["preset"], f["rows"], spend(f)) == ("rasa", 1, RASA_USD)
    console = tmp_path / "rasa.log"  # rasa/utils/log_utils.py: a stdlib prefix, then the dict as a Python repr
    console.write_text(
        "2026-10-12 09:30:11 DEBUG    rasa.shared.providers.llm._base_litellm_client  - "
        f"base_litellm_client.formatted_response formatted_response={RASA['formatted_response']!r}\n"
    )
    [g] = ok_json("ingest", console, "--db", tmp_path / "console.duckdb")["files"]
    assert (g["preset"], g["rows"], spend(g)) == ("rasa", 1, RASA_USD)
    # the same response (its id) in both forms, in one store: counted once, and held by both files
    [h] = ok_json("ingest", console)["files"]
    assert (h["status"], h["rows"], h["duplicates"]) == ("ingested", 0, 1)  # held by both sources, counted once
    # created 1791912211 = 2026-10-13 17:23:31 UTC
    assert calls("SELECT DISTINCT CAST(ts AS VARCHAR) FROM calls") == [("2026-10-13 17:23:31",)]


def test_autogen_llm_call_event_through_stdlib_logging(tmp_path):
    event = {"type": "LLMCall", "messages": [{"role": "user", "content": "Draft the reply."}],
             "response": {"id": "chatcmpl-AZ7", "created": 1791913000, "model": "gpt-4o-2024-08-06", "service_tier": "default",
                          "usage": {"prompt_tokens": 3120, "completion_tokens": 208, "total_tokens": 3328,
                                    "prompt_tokens_details": {"cached_tokens": 2048}}},
             "prompt_tokens": 3120, "completion_tokens": 208, "agent_id": "writer/default"}  # fmt: skip
    path = tmp_path / "autogen.log"
    handler = logging.FileHandler(path)
    logger = logging.getLogger("autogen_core.events")
    logger.handlers[:], logger.propagate = [handler], False
    handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
    logger.warning(json.dumps(event))
    handler.close()
    [f] = ok_json("ingest", path)["files"]
    # 1,072 x 2.50 + 2,048 x 1.25 + 208 x 10 = 2,680 + 2,560 + 2,080 = 7,320 per 1M: the cached part is seen
    assert (f["preset"], f["rows"], spend(f)) == ("autogen", 1, Decimal("0.00732"))
    assert calls() == [("writer/default", "gpt-4o-2024-08-06", 3120, 2048, 208, 0)]


def test_python_json_logger_extra_fields(tmp_path):
    from pythonjsonlogger.json import JsonFormatter

    path = tmp_path / "pjl.log"
    handler = logging.FileHandler(path)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("app.llm")
    logger.handlers[:], logger.propagate = [handler], False
    logger.setLevel(logging.INFO)
    logger.info(
        "llm_call",
        extra={"model_id": "gpt-4o-mini", "prompt_tokens": 1210, "completion_tokens": 96, "call_type": "summary"},
    )
    logger.info("Tokens: prompt=512, completion=40, total=552")  # numbers only in the message: no fields, no call
    handler.close()
    [f] = ok_json("ingest", path)["files"]
    # 1,210 x 0.15 + 96 x 0.60 = 181.5 + 57.6 = 239.1 per 1M
    assert (f["preset"], f["rows"], f["skipped"], spend(f)) == ("python-json-logger", 1, 1, Decimal("0.0002391"))
    assert calls("SELECT feature, model FROM calls") == [("summary", "gpt-4o-mini")]


# gpt-4.1-mini: 842 x 0.40 + 2,048 x 0.10 + 133 x 1.60 = 336.8 + 204.8 + 212.8 = 754.4 per 1M
SPAN_USD = Decimal("0.0007544")
SPAN_ATTRIBUTES = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4.1-mini",
                   "gen_ai.response.model": "gpt-4.1-mini-2025-04-14", "gen_ai.usage.input_tokens": 2890,
                   "gen_ai.usage.output_tokens": 133, "gen_ai.usage.cache_read.input_tokens": 2048}  # fmt: skip


def test_opentelemetry_console_exporter_spans(tmp_path):
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

    path = tmp_path / "spans.txt"
    with open(path, "w") as out:
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=out)))
        tracer = provider.get_tracer("opentelemetry.instrumentation.openai_v2")
        for _ in range(2):
            with tracer.start_as_current_span("chat gpt-4.1-mini", attributes=SPAN_ATTRIBUTES):
                pass
        provider.shutdown()
    [f] = ok_json("ingest", path)["files"]
    assert (f["kind"], f["preset"], f["rows"], spend(f)) == ("json-document", "otel", 2, 2 * SPAN_USD)


def test_otlp_json_traces(tmp_path):
    attributes = [{"key": k, "value": {"intValue": str(v)} if isinstance(v, int) else {"stringValue": v}}
                  for k, v in SPAN_ATTRIBUTES.items()]  # fmt: skip
    span = {
        "traceId": "5b8aa5a2d2c872e8321cf37308d69df2",
        "spanId": "051581bf3cb55c13",
        "name": "chat gpt-4.1-mini",
        "kind": 3,
        "startTimeUnixNano": "1791915603120000000",
        "endTimeUnixNano": "1791915604905000000",
        "attributes": attributes,
        "status": {},
    }
    request = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "helpdesk"}}]},
               "scopeSpans": [{"scope": {"name": "opentelemetry.instrumentation.openai_v2"}, "spans": [span]}]}]}  # fmt: skip
    path = tmp_path / "traces.jsonl"
    path.write_text(json.dumps(request) + "\n")
    [f] = ok_json("ingest", path)["files"]
    assert (f["kind"], f["preset"], f["rows"], spend(f)) == ("otlp-json", "otel", 1, SPAN_USD)
    # 1791915603.12 s = 2026-10-13 18:20:03.12 UTC
    assert calls("SELECT CAST(ts AS VARCHAR), request_id FROM calls") == [
        ("2026-10-13 18:20:03.12", "051581bf3cb55c13")
    ]


SPEND_ROW = {"request_id": "chatcmpl-L1f8", "call_type": "acompletion", "api_key": "88dc28c1f0", "spend": 0.0003336,
             "total_tokens": 2745, "prompt_tokens": 2620, "completion_tokens": 125, "startTime": "2026-10-12T07:45:10.204000Z",
             "endTime": "2026-10-12T07:45:11.930000Z", "model": "gpt-4o-mini-2024-07-18", "model_group": "gpt-4o-mini",
             "custom_llm_provider": "openai", "request_tags": ["invoice-ocr"], "end_user": "u-3391",
             "metadata": {"additional_usage_values": {"prompt_tokens_details": {"cached_tokens": 1792}}}}  # fmt: skip
# 828 x 0.15 + 1,792 x 0.075 + 125 x 0.60 = 124.2 + 134.4 + 75 = 333.6 per 1M
SPEND_USD = Decimal("0.0003336")


def test_litellm_spend_logs_array(tmp_path):
    path = tmp_path / "spend.json"
    path.write_text(json.dumps([SPEND_ROW, {**SPEND_ROW, "request_id": "chatcmpl-L1f9", "spend": 0.001}], indent=2))
    result = ok("ingest", path, "--format", "json")
    [f] = json.loads(result.stdout)["files"]
    assert (f["kind"], f["preset"], f["rows"], spend(f)) == ("json-document", "litellm", 2, 2 * SPEND_USD)
    assert Decimal(f["reported_usd"]) == Decimal("0.0013336")
    assert "the log's own cost says $0.001334" in result.stderr  # LiteLLM's estimate differs from the price
    assert calls("SELECT DISTINCT feature FROM calls") == [("invoice-ocr",)]


def test_litellm_spend_logs_csv(tmp_path):
    path = tmp_path / "LiteLLM_SpendLogs.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["request_id", "call_type", "api_key", "spend", "total_tokens", "prompt_tokens", "completion_tokens",
                         "startTime", "model", "request_tags", "metadata"])  # fmt: skip
        writer.writerow(["chatcmpl-L1f9", "acompletion", "88dc", "0.0001425", "830", "790", "40", "2026-10-12T07:46:02.118000Z",
                         "gpt-4o-mini-2024-07-18", '["tagger"]', "{}"])  # fmt: skip
    [f] = ok_json("ingest", path)["files"]
    # 790 x 0.15 + 40 x 0.60 = 118.5 + 24 = 142.5 per 1M
    assert (f["kind"], f["rows"], spend(f)) == ("spend-logs-csv", 1, Decimal("0.0001425"))
    assert calls("SELECT feature FROM calls") == [("tagger",)]


def test_legacy_usage_json_is_usage_buckets(tmp_path):
    doc = {"object": "list", "data": [{"aggregation_timestamp": 1730696460, "n_requests": 93, "operation": "completion",
           "snapshot_id": "gpt-4o-mini-2024-07-18", "n_context": 93, "n_context_tokens_total": 152231, "n_generated": 93,
           "n_generated_tokens_total": 11749}], "ft_data": [], "dalle_api_data": [], "current_usage_usd": 0.0}  # fmt: skip
    path = tmp_path / "usage.json"
    path.write_text(json.dumps(doc))
    [f] = ok_json("ingest", path)["files"]
    # 152,231 x 0.15 + 11,749 x 0.60 = 22,834.65 + 7,049.4 = 29,884.05 per 1M
    assert (f["kind"], f["rows"], spend(f)) == ("usage-legacy-json", 1, Decimal("0.02988405"))
    assert calls("SELECT count(*) FROM calls") == [(0,)]


def test_pretty_printed_array_of_usage_buckets(tmp_path):
    buckets = [{"object": "bucket", "start_time": 1791936000, "end_time": 1792022400, "results": [
        {"object": "organization.usage.completions.result", "input_tokens": 91230, "output_tokens": 4410, "num_model_requests": 58,
         "model": "gpt-4.1-mini-2025-04-14", "project_id": None, "user_id": None, "api_key_id": None, "batch": False}]}]  # fmt: skip
    path = tmp_path / "buckets.json"
    path.write_text(json.dumps(buckets, indent=2))
    [f] = ok_json("ingest", path)["files"]
    # 91,230 x 0.40 + 4,410 x 1.60 = 36,492 + 7,056 = 43,548 per 1M
    assert (f["kind"], f["rows"], spend(f)) == ("usage-api-json", 1, Decimal("0.043548"))


def test_a_batch_object_is_passed_over_for_its_output_file(tmp_path):
    job = {"id": "batch_6c1e07d2", "object": "batch", "endpoint": "/v1/chat/completions", "status": "completed",
           "output_file_id": "file-4Tq9", "request_counts": {"total": 250, "completed": 248, "failed": 2},
           "usage": {"input_tokens": 412300, "output_tokens": 61800, "total_tokens": 474100}}  # fmt: skip
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(job, indent=2))
    result = ok("ingest", path, "--format", "json")
    [f] = json.loads(result.stdout)["files"]
    assert (f["kind"], f["status"], f["rows"]) == ("batch-object", "passed over", 0)
    assert "output_file_id file-4Tq9" in result.stderr and "ingest its output file" in result.stderr
    assert not (tmp_path / "costcap.duckdb").exists()  # nothing stored: no store is left behind


def test_a_json_file_with_no_calls_is_said_and_not_stored(tmp_path):
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"name": "web", "version": "1.0.0", "dependencies": {"openai": "^4"}}, indent=2))
    result = ok("ingest", path, "--format", "json")
    [f] = json.loads(result.stdout)["files"]
    assert (f["status"], f["rows"]) == ("not an input", 0) and "no call and no token counts" in result.stderr
    assert not (tmp_path / "costcap.duckdb").exists()  # nothing stored: no store is left behind


def test_token_keys_no_preset_maps_are_an_error_then_a_field_mapping_reads_them(tmp_path):
    path = tmp_path / "stats.jsonl"
    path.write_text(json.dumps({"model": "gpt-4o", "stats": {"in_tokens": 100, "out_tokens": 10}}) + "\n")
    refused = run("ingest", path)
    assert (
        refused.exit_code == 1
        and "holds token counts (in_tokens, out_tokens)" in refused.stderr
        and "--preset" in refused.stderr
    )
    [f] = ok_json(
        "ingest", path, "--field", "input_tokens=stats.in_tokens", "--field", "output_tokens=stats.out_tokens"
    )["files"]
    # 100 x 2.50 + 10 x 10 = 350 per 1M: the refused file was not stored, so it can be read again
    assert (f["status"], f["rows"], spend(f)) == ("ingested", 1, Decimal("0.00035"))


def test_field_addresses_a_literal_key_with_dots(tmp_path):
    path = tmp_path / "flat.jsonl"
    path.write_text(
        json.dumps({"model": "gpt-4o", "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10}) + "\n"
    )
    [f] = ok_json("ingest", path, "--field", 'input_tokens="gen_ai.usage.input_tokens"',
                  "--field", 'output_tokens="gen_ai.usage.output_tokens"')["files"]  # fmt: skip
    assert (f["rows"], spend(f)) == (1, Decimal("0.00035"))


def test_preset_can_be_forced_and_an_unknown_one_is_one_line(tmp_path):
    path = write_structlog(
        tmp_path / "a.log", JSON, [{"model": "gpt-4o", "prompt_tokens": 100, "completion_tokens": 10}]
    )
    assert ok_json("ingest", path, "--preset", "structlog", "--dry-run")["files"][0]["preset"] == "structlog"
    refused = run("ingest", path, "--preset", "nope")
    assert refused.exit_code == 1 and "neither a preset costcap ships" in refused.stderr


def test_dry_run_shows_the_mapping_and_first_calls_and_stores_nothing(tmp_path):
    path = write_structlog(tmp_path / "lc.log", JSON, [{"event": "x", "model_name": "gpt-4o-2024-08-06",
                           "response_metadata": {"token_usage": {"prompt_tokens": 2000, "completion_tokens": 100}}}])  # fmt: skip
    result = ok("ingest", path, "--dry-run", "--format", "json")
    [f] = json.loads(result.stdout)["files"]
    assert f["field_keys"]["input_tokens"] == "response_metadata.token_usage.prompt_tokens"
    assert f["field_keys"]["model"] == "model_name"
    [call] = f["preview"]
    assert (call["input_tokens"], call["output_tokens"], Decimal(call["cost_usd"])) == (2000, 100, Decimal("0.006"))
    assert not (tmp_path / "costcap.duckdb").exists()  # a dry run creates no store
    shown = ok("ingest", path, "--dry-run")
    assert (
        "input_tokens <- response_metadata.token_usage.prompt_tokens" in shown.stderr
        and "nothing was stored" in shown.stderr
    )


def test_a_bad_value_in_a_json_array_names_the_line_it_starts_on(tmp_path):
    path = tmp_path / "spend.json"
    good = json.dumps(SPEND_ROW)
    path.write_text("[\n" + good + ",\n" + good[:40] + "\n]\n")
    refused = run("ingest", path)
    assert refused.exit_code == 1 and f"{path}:3: this JSON value is cut short or corrupted" in refused.stderr


# Awkward JSON lines and the call each gives (feature, model, input, cached, output, ts, status, tier), or the
# error that refuses it. The expected rows are written from the rules in README's "structlog" section.
CALL = '"model": "gpt-4o", "prompt_tokens": 100, "completion_tokens": 20'
AWKWARD = [
    ("{" + CALL + ', "timestamp": "2026-11-22 19:45:03,668"}', (None, "gpt-4o", 100, 0, 20, "2026-11-22 19:45:03.668", "ok", "default")),
    ("{" + CALL + ', "timestamp": "2026-11-22T19:44:45.1+02:30"}', (None, "gpt-4o", 100, 0, 20, "2026-11-22 17:14:45.1", "ok", "default")),
    ("{" + CALL + ', "timestamp": 1795376685199}', (None, "gpt-4o", 100, 0, 20, "2026-11-22 19:44:45.199", "ok", "default")),
    ('{"model": "gpt-4o", "prompt_tokens": "100", "completion_tokens": 4.0}', (None, "gpt-4o", 100, 0, 4, None, "ok", "default")),
    ('{"model": "gpt-4o", "prompt_tokens": null, "input_tokens": 7, "completion_tokens": 1}', (None, "gpt-4o", 7, 0, 1, None, "ok", "default")),
    ('{"model": "gpt-4o", "prompt_tokens": 1, "prompt_tokens": 2, "completion_tokens": 3}', (None, "gpt-4o", 1, 0, 3, None, "ok", "default")),
    ('{"model": "", "response_model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3}', "the call names no model"),
    ("{" + CALL + ', "user": "abc123:sidebar_widget", "service_tier": " FLEX "}', ("sidebar_widget", "gpt-4o", 100, 0, 20, None, "ok", "flex")),
    ("{" + CALL + ', "service_tier": "fast"}', (None, "gpt-4o", 100, 0, 20, None, "ok", "priority")),
    ("{" + CALL + ', "error": {"message": "Rate limit reached", "code": 429}}', (None, "gpt-4o", 100, 0, 20, None, "rate_limited", "default")),
    ("{" + CALL + ', "status": "validation_failed"}', (None, "gpt-4o", 100, 0, 20, None, "error", "default")),
    # the stdlib prefix's time is the call's when the record has none (no offset: read as UTC, and said)
    ('2026-11-22 19:45:03,668 INFO worker {"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3}', (None, "gpt-4o", 1, 0, 3, "2026-11-22 19:45:03.668", "ok", "default")),
    ("{" + CALL + ', "timestamp": "2026-11-22T19:44:45.199177Z"}', (None, "gpt-4o", 100, 0, 20, "2026-11-22 19:44:45.199177", "ok", "default")),
    ("{" + CALL + ', "timestamp": 1795376685}', (None, "gpt-4o", 100, 0, 20, "2026-11-22 19:44:45", "ok", "default")),
    ("{" + CALL + ', "timestamp": "1795376685"}', (None, "gpt-4o", 100, 0, 20, "2026-11-22 19:44:45", "ok", "default")),
    ("{" + CALL + ', "timestamp": 1795376685.1993227}', (None, "gpt-4o", 100, 0, 20, "2026-11-22 19:44:45.199323", "ok", "default")),
    ("{" + CALL + ', "time": "2026-11-22T19:44:45Z", "ts": 5}', (None, "gpt-4o", 100, 0, 20, "2026-11-22 19:44:45", "ok", "default")),
    ('{"model": "gpt-4o", "prompt_tokens": "0100", "completion_tokens": 1}', (None, "gpt-4o", 100, 0, 1, None, "ok", "default")),
    ('{"model": "gpt-4o", "usage": {"prompt_tokens": 10, "completion_tokens": 3, "prompt_tokens_details": {"cached_tokens": 4}}}',
     (None, "gpt-4o", 10, 4, 3, None, "ok", "default")),
    ('{"model": "gpt-4o", "usage": "none", "completion_tokens": 3}', (None, "gpt-4o", 0, 0, 3, None, "ok", "default")),
    ("{" + CALL + ', "feature": "", "batch_type": "daily"}', ("daily", "gpt-4o", 100, 0, 20, None, "ok", "default")),
    ("{" + CALL + ', "user": "abc:  tagger \\u00a0\\u2003"}', ("tagger", "gpt-4o", 100, 0, 20, None, "ok", "default")),
    ("{" + CALL + ', "user": "abc:a:b", "safety_identifier": "x:y"}', ("a:b", "gpt-4o", 100, 0, 20, None, "ok", "default")),
    ("{" + CALL + ', "status": "Rate_Limited"}', (None, "gpt-4o", 100, 0, 20, None, "rate_limited", "default")),
    ("{" + CALL + ', "status_code": "503"}', (None, "gpt-4o", 100, 0, 20, None, "error", "default")),
    ("{" + CALL + ', "error": ""}', (None, "gpt-4o", 100, 0, 20, None, "ok", "default")),
    ("{" + CALL + ', "service_tier": "scale"}', (None, "gpt-4o", 100, 0, 20, None, "ok", "default")),
    ("{" + CALL + ', "timestamp": -5}', "is not an ISO date and time or an epoch time"),
    ("{" + CALL + ', "timestamp": true}', "is not an ISO date and time or an epoch time"),
    ('{"model": "gpt-4o", "prompt_tokens": 18446744073709551616, "completion_tokens": 1}', "more tokens than one call can use"),
    ('{"model": "gpt-4o", "prompt_tokens": [1], "completion_tokens": 1}', "prompt_tokens is [1], not a number"),
    ('{"model": "gpt-4o", "input_tokens": 10, "output_tokens": 5, "output_tokens_details": {"reasoning_tokens": 6}}',
     "reasoning tokens exceed the output tokens"),
    ('{"model": "gpt-4o", "prompt_tokens": 4.5, "completion_tokens": 1}', "prompt_tokens is 4.5, not a whole number of tokens"),
    ('{"model": "gpt-4o", "prompt_tokens": true, "completion_tokens": 1}', "prompt_tokens is true, not a number"),
    ('{"model": "gpt-4o", "prompt_tokens": 10000000001, "completion_tokens": 1}', "more tokens than one call can use"),
    ('{"model": "gpt-4o", "prompt_tokens": 10, "completion_tokens": 5, "cached_tokens": 11}', "cached tokens exceed the input tokens"),
    ("{" + CALL + ', "timestamp": "2026-02-30T00:00:00Z"}', "is not an ISO date and time"),
    ("{" + CALL + ', "timestamp": "0001-01-01T00:00:00"}', "is before 1970"),
    ("{" + CALL + ', "timestamp": "2027-11-22T00:00:00Z"}', "is in the future"),
    ("{" + CALL + ', "status_code": 3000000000}', "status_code is 3000000000, not a whole number"),
    ('{"prompt_tokens": 1, "completion_tokens": 3}', "the call names no model"),
    ('{"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3', "not valid JSON: cut short or corrupted"),
]  # fmt: skip


@pytest.mark.parametrize("line, expected", AWKWARD, ids=range(len(AWKWARD)))
def test_awkward_lines(tmp_path, line, expected):
    path = tmp_path / "a.log"
    path.write_text('{"event": "start"}\n' + line + "\n")
    result = run("ingest", path, "--format", "json")
    if isinstance(expected, str):
        assert result.exit_code == 1 and f"{path}:2: " in result.stderr and expected in result.stderr, result.stderr
        return
    assert result.exit_code == 0, result.output
    found = calls(
        "SELECT feature, model, input_tokens, cached_tokens, output_tokens, CAST(ts AS VARCHAR), status, tier FROM calls"
    )
    assert found == [expected]


# One small file per reader in the registry: a reader added without an example here fails the test below.
EXAMPLES = {
    "usage-csv": ("u.csv", "start_time,end_time,model,input_tokens,output_tokens\n1793491200,1793577600,gpt-4o,10,1\n"),
    "cost-csv": ("c.csv", "start_time,end_time,amount_value,amount_currency\n1793491200,1793577600,0.5,usd\n"),
    "spend-logs-csv": ("s.csv", "request_id,call_type,spend,prompt_tokens,completion_tokens,model\nr1,acompletion,0.1,10,1,gpt-4o\n"),
    "log-csv": ("e.csv", "Date,Service,@llm.model,@usage.prompt_tokens,@usage.completion_tokens\n2026-11-05T14:03:11Z,api,gpt-4o,1,1\n"),
    "usage-api-json": ("p.json", json.dumps({"object": "page", "data": [], "has_more": False})),
    "usage-legacy-json": ("l.json", json.dumps({"object": "list", "data": [{"aggregation_timestamp": 1730696460,
                          "snapshot_id": "gpt-4o", "n_context_tokens_total": 10, "n_generated_tokens_total": 1}]})),
    "batch-object": ("b.json", json.dumps({"object": "batch", "request_counts": {"total": 1}})),
    "otlp-json": ("t.jsonl", json.dumps({"resourceSpans": []}) + "\n"),
    "batch-output": ("o.jsonl", json.dumps({"custom_id": "r", "response": {"status_code": 200, "body": {"model": "gpt-4o",
                     "usage": {"prompt_tokens": 1, "completion_tokens": 1}}}, "error": None}) + "\n"),
    "json-document": ("d.json", json.dumps([{"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 1}], indent=2)),
    "structlog": ("a.log", "model=gpt-4o prompt_tokens=1 completion_tokens=1\n"),
    "parquet": ("p.parquet", None),  # binary: written by pyarrow below
}  # fmt: skip


def _parquet_example(path) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist([{"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 1}]), str(path))
    return path.read_bytes()


def test_every_reader_in_the_registry_has_an_example_that_it_claims(tmp_path):
    assert set(EXAMPLES) == set(readers.KINDS)
    for kind, (name, text) in EXAMPLES.items():
        path = tmp_path / name
        if text is None:
            assert readers.binary_kind(_parquet_example(path)).name == kind
        else:
            path.write_text(text)
            assert readers.detect(name, text).name == kind
        result = run("ingest", path, "--dry-run", "--format", "json")
        assert result.exit_code == 0 and json.loads(result.stdout)["files"][0]["kind"] == kind, (kind, result.output)


def test_a_field_key_that_differs_from_a_preset_key_only_in_case(tmp_path):
    path = tmp_path / "case.jsonl"
    path.write_text(
        json.dumps({"Model": "gpt-4o", "model": "gpt-4o-mini", "prompt_tokens": 10, "completion_tokens": 1}) + "\n"
    )
    [f] = ok_json("ingest", path, "--field", "model=Model")["files"]
    # the --field key wins: gpt-4o, 10 x 2.50 + 1 x 10 = 35 per 1M
    assert (f["rows"], spend(f)) == (1, Decimal("0.000035"))
