"""Logs as teams really have them: the application's record inside a container runtime's, a shipper's or a log
platform's wrapping, and spans from instrumentation libraries. Each shape is written by the library that writes it in
production where one installs (structlog, stdlib logging, python-json-logger, loguru, opentelemetry-sdk and its OTLP
encoder, the openai SDK's own types), else by hand from the platform's public format docs, and each sets one trap: a
nested wrapper, a split line, a parent span, a cache hit, a time only in the prefix, a local-time log.

Every shape is checked three ways: the calls, dollars and times a person would give; `--dry-run` shows how it was
read; a mapping saved with --save-preset reads the same calls back with --preset FILE.

Prices per 1M tokens (PRICES.md): gpt-4o-mini 0.15 in, 0.075 cached, 0.60 out; gpt-4o 2.50 / 1.25 / 10.00;
gpt-4.1-mini 0.40 / 0.10 / 1.60.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
import structlog

from conftest import ok, ok_json, run, write_stdlib_structlog

# 1,000 x 0.15 + 100 x 0.60 = 150 + 60 = 210 per 1M
MINI_USD = Decimal("0.00021")
# gpt-4o: 3,300 x 2.50 + 500 x 10 = 8,250 + 5,000 = 13,250 per 1M
FOUR_O_USD = Decimal("0.01325")
# gpt-4o-mini, 3,300 in of which 2,048 cached, 100 out: 1,252 x 0.15 + 2,048 x 0.075 + 100 x 0.60
#   = 187.8 + 153.6 + 60 = 401.4 per 1M
CACHED_MINI_USD = Decimal("0.0004014")
# gpt-4.1-mini, 2,890 in of which 2,048 cached, 133 out: 842 x 0.40 + 2,048 x 0.10 + 133 x 1.60
#   = 336.8 + 204.8 + 212.8 = 754.4 per 1M
FOUR_ONE_USD = Decimal("0.0007544")

T = "2026-11-05T14:03:11.512Z"
T_EPOCH = 1793887391.512  # the same instant: 2026-11-05 14:03:11.512 UTC (date -d @1793887391.512 -u)
T_SHOWN = "2026-11-05 14:03:11.512"

# What the application logged, with and without its own time.
APP = {
    "event": "llm_call",
    "feature": "search",
    "model": "gpt-4o-mini",
    "prompt_tokens": 1000,
    "completion_tokens": 100,
}
MINI_CALL = ("gpt-4o-mini", 1000, 0, 100, "search")


def app(**more) -> dict:
    return {**APP, **more}


@dataclass
class Case:
    """A written file, the calls in it (model, input, cached, output, feature, UTC time) and their dollars."""

    path: Path
    calls: list[tuple]
    usd: Decimal
    args: tuple = ()
    said: list[str] = field(default_factory=list)  # words the ingest says on stderr
    passed_over: dict = field(default_factory=dict)


def lines(path: Path, records) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def docker(inner: dict | str, at: str, stream: str = "stdout") -> dict:
    """Docker's json-file driver: the line the container wrote (newline included) in `log`."""
    text = inner if isinstance(inner, str) else json.dumps(inner) + "\n"
    return {"log": text, "stream": stream, "time": at}


# --- container runtimes and shippers --------------------------------------------------------------------------------


def docker_json_file(tmp: Path) -> Case:
    """Docker json-file: the inner record's own time wins over the wrapper's; a banner line is passed over."""
    path = lines(tmp / "container-json.log", [
        docker("INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)\n", "2026-11-05T14:00:00.000000001Z", "stderr"),
        docker(app(timestamp=T), "2026-11-05T14:03:11.600123456Z"),
    ])  # fmt: skip
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD, said=["the record inside log"])


def docker_split_line(tmp: Path) -> Case:
    """A line over 16 KiB is split by Docker into a piece without a newline and the rest: joined, it is one call.
    The short record has no time of its own: the wrapper's is the call's."""
    long_record = json.dumps({"event": "llm_call", "feature": "reports", "model": "gpt-4o", "prompt_tokens": 3300,
                              "completion_tokens": 500, "timestamp": "2026-11-05T14:03:12Z", "answer": "x" * 20000})  # fmt: skip
    cut = 16384
    path = lines(tmp / "split.log", [
        docker(long_record[:cut], "2026-11-05T14:03:12.100Z"),
        docker(long_record[cut:] + "\n", "2026-11-05T14:03:12.100Z"),
        docker(APP, T),
    ])  # fmt: skip
    return Case(path, [(*MINI_CALL, T_SHOWN), ("gpt-4o", 3300, 0, 500, "reports", "2026-11-05 14:03:12")],
                MINI_USD + FOUR_O_USD)  # fmt: skip


def cri_pieces(tmp: Path) -> Case:
    """containerd/CRI-O text format TIME STREAM FLAG MSG: P pieces joined up to the F line; the time is the prefix's."""
    record = json.dumps(app(feature="triage"))
    path = lines(tmp / "cri.log", [
        f"2026-11-05T14:03:11.512345678Z stdout P {record[:40]}",
        f"2026-11-05T14:03:11.512345678Z stdout P {record[40:70]}",
        f"2026-11-05T14:03:11.512345678Z stdout F {record[70:]}",
        "2026-11-05T14:03:13.000000000Z stderr F Traceback (most recent call last):",
        f"2026-11-05T14:03:14Z stdout F {json.dumps(APP)}",
    ])  # fmt: skip
    triage = ("gpt-4o-mini", 1000, 0, 100, "triage", "2026-11-05 14:03:11.512345")
    return Case(path, [triage, (*MINI_CALL, "2026-11-05 14:03:14")], 2 * MINI_USD)


def fluent_bit_holding_cri(tmp: Path) -> Case:
    """Fluent Bit's tail input without the CRI parser: its JSON record (date, log, kubernetes) holds the runtime's text
    line, which holds the application's JSON: two wrappers, the innermost time (the runtime's) wins."""
    cri = f"2026-11-05T14:03:11.512345Z stdout F {json.dumps(APP)}"
    path = lines(tmp / "fluentbit.jsonl", [
        {"date": 1793887391.9, "log": cri, "kubernetes": {"pod_name": "worker-7d9", "namespace_name": "ai"}},
        {"date": 1793887392.0, "log": "2026-11-05T14:03:11.9Z stdout F worker ready", "kubernetes": {"pod_name": "worker-7d9"}},
    ])  # fmt: skip
    return Case(path, [(*MINI_CALL, "2026-11-05 14:03:11.512345")], MINI_USD)


def journald_export(tmp: Path) -> Case:
    """`journalctl -o json`: MESSAGE holds the line, __REALTIME_TIMESTAMP (microseconds since the epoch, as a string)
    is the only time."""
    entry = {"__CURSOR": "s=9a1;i=4f2", "__REALTIME_TIMESTAMP": "1793887391512000", "__MONOTONIC_TIMESTAMP": "88120031",
             "_SYSTEMD_UNIT": "worker.service", "PRIORITY": "6", "SYSLOG_IDENTIFIER": "worker"}  # fmt: skip
    path = lines(tmp / "journal.json", [
        {**entry, "MESSAGE": json.dumps(APP)},
        {**entry, "__REALTIME_TIMESTAMP": "1793887392000000", "MESSAGE": "Started worker.service."},
    ])  # fmt: skip
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD)


def journald_holding_container_line(tmp: Path) -> Case:
    """A journal entry whose MESSAGE is a container runtime's line: the runtime's time is the closer one."""
    cri = f"2026-11-05T14:03:11.512Z stdout F {json.dumps(APP)}"
    path = lines(
        tmp / "journal-cri.json", [{"__REALTIME_TIMESTAMP": "1793887399000000", "MESSAGE": cri, "_COMM": "containerd"}]
    )
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD)


def structlog_through_docker(tmp: Path) -> Case:
    """structlog through stdlib handlers and ProcessorFormatter (JSONRenderer), the file then shipped by Docker."""
    written = write_stdlib_structlog(tmp / "app.log", structlog.processors.JSONRenderer(),
                                     [app(timestamp=T)], noise="worker started")  # fmt: skip
    path = lines(tmp / "shipped.log", [docker(line, T) for line in written.read_text().splitlines(keepends=True)])
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD)


# --- text prefixes ----------------------------------------------------------------------------------------------------


def syslog_5424(tmp: Path) -> Case:
    """RFC 5424 (rsyslog, journald forwarding): the time only in the header; structured data before the message."""
    path = lines(tmp / "syslog5424.log", [
        f"<134>1 {T} worker-1 app 4211 - - {json.dumps(APP)}",
        f'<134>1 2026-11-05T14:03:12.000+00:00 worker-1 app 4211 llm [meta env="prod"] {json.dumps(app(feature="faq"))}',
        "<131>1 2026-11-05T14:03:13Z worker-1 app 4211 - - connection reset by peer",
    ])  # fmt: skip
    faq = ("gpt-4o-mini", 1000, 0, 100, "faq", "2026-11-05 14:03:12")
    return Case(path, [(*MINI_CALL, T_SHOWN), faq], 2 * MINI_USD)


def syslog_3164_local(tmp: Path) -> Case:
    """RFC 3164 (BSD syslog): local time, no year, logfmt body. Read in the zone --tz names: New York is UTC-5 after
    1 Nov 2026, so 09:03:11 there is 14:03:11 UTC. The year is the latest one in which 5 Nov is not in the future."""
    today = datetime.now(UTC).date()
    year = today.year if (today.month, today.day) >= (11, 5) else today.year - 1
    body = "event=llm_call model=gpt-4o-mini prompt_tokens=1000 completion_tokens=100 feature=search"
    path = lines(tmp / "messages", [f"<134>Nov  5 09:03:11 worker-1 app[4211]: {body}",
                                    "<134>Nov  5 09:03:12 worker-1 systemd[1]: Started session 4."])  # fmt: skip
    utc = datetime(year, 11, 5, 9, 3, 11, tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    return Case(path, [(*MINI_CALL, utc.strftime("%Y-%m-%d %H:%M:%S"))], MINI_USD, args=("--tz", "America/New_York"))


def platform_router_logfmt(tmp: Path) -> Case:
    """A platform's log drain (Heroku's form): TIME source[process]: MSG, the app's logfmt body with no time; the
    router's own lines hold no tokens."""
    path = lines(tmp / "drain.log", [
        '2026-11-05T14:03:11.400000+00:00 heroku[router]: at=info method=POST path="/ask" host=x.herokuapp.com status=200 bytes=512',
        "2026-11-05T14:03:11.512000+00:00 app[web.1]: event=llm_call model=gpt-4o-mini prompt_tokens=1000 completion_tokens=100 feature=search",
    ])  # fmt: skip
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD)


def stdlib_asctime_json(tmp: Path) -> Case:
    """stdlib logging's `%(asctime)s %(levelname)s %(name)s - %(message)s` before a JSON message: asctime has no
    offset, so it is read as UTC and said (here the formatter wrote UTC: converter = time.gmtime)."""
    path = tmp / "worker.log"
    handler = logging.FileHandler(path)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s - %(message)s")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logger = _logger("worker.llm", handler)
    _at(logger, T_EPOCH).info(json.dumps(APP))
    _at(logger, T_EPOCH + 1).info("shutting down")
    handler.close()
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD, said=["1 time had no offset and was read as UTC"])


def sdk_repr_in_a_message(tmp: Path) -> Case:
    """key=value text holding the openai SDK's own repr of a usage object (nested details included), after an asctime
    prefix: CompletionUsage(...) is read as the object it prints, not as the text "3300,"."""
    from openai.types import CompletionUsage
    from openai.types.completion_usage import PromptTokensDetails

    usage = CompletionUsage(prompt_tokens=3300, completion_tokens=100, total_tokens=3400,
                            prompt_tokens_details=PromptTokensDetails(cached_tokens=2048))  # fmt: skip
    path = lines(
        tmp / "repr.log", [f"2026-11-05 14:03:11,512+00:00 INFO llm - model=gpt-4o-mini feature=search usage={usage!r}"]
    )
    return Case(path, [("gpt-4o-mini", 3300, 2048, 100, "search", T_SHOWN)], CACHED_MINI_USD)


def _logger(name: str, handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.handlers[:], logger.propagate = [handler], False
    logger.setLevel(logging.INFO)
    return logger


def _at(logger: logging.Logger, epoch: float) -> logging.Logger:
    """Records this logger makes from now on carry `epoch` as their creation time (a log written at a fixed time)."""

    def fixed(record):
        record.created, record.msecs = epoch, (epoch % 1) * 1000
        return True

    logger.filters[:] = [fixed]
    return logger


# --- logging libraries --------------------------------------------------------------------------------------------------


def python_json_logger_message(tmp: Path) -> Case:
    """python-json-logger with timestamp=True, the usage JSON as the message string: the message's record is the call,
    the formatter's timestamp its time."""
    from pythonjsonlogger.json import JsonFormatter

    path = tmp / "pjl.log"
    handler = logging.FileHandler(path)
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s", timestamp=True))
    logger = _at(_logger("api.llm", handler), T_EPOCH)
    logger.info(json.dumps(APP))
    logger.info("cache warmed")
    handler.close()
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD)


def loguru_serialize(tmp: Path) -> Case:
    """loguru's serialize=True: every record is {"text", "record"}, the bound fields under record.extra, the time under
    record.time (repr and timestamp)."""
    from loguru import logger

    path = tmp / "loguru.jsonl"
    fixed = datetime.fromtimestamp(T_EPOCH, tz=UTC)
    sink = logger.add(path, serialize=True)
    try:
        bound = logger.patch(lambda record: record.update(time=fixed))
        bound.bind(feature="search", model="gpt-4o-mini", usage={"prompt_tokens": 1000, "completion_tokens": 100}).info(
            "llm_call"
        )
        bound.info("request done in 1.2s")
    finally:
        logger.remove(sink)
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD, said=["inferred"])


def structlog_console_local_time(tmp: Path) -> Case:
    """structlog's development ConsoleRenderer with TimeStamper(fmt="%Y-%m-%d %H:%M:%S", utc=False) in New York:
    local times without an offset. With --tz America/New_York, 23:30 on 5 Nov is 04:30 on 6 Nov UTC, and both
    calls land on 6 Nov (as UTC they would have split across two days)."""
    path = tmp / "dev.log"
    stamps = iter(["2026-11-05 23:30:00", "2026-11-06 00:10:00"])

    def local_stamp(_, __, event):
        event["timestamp"] = next(stamps)
        return event

    with open(path, "w") as out:
        log = structlog.wrap_logger(structlog.PrintLogger(out), processors=[
            local_stamp, structlog.processors.add_log_level, structlog.dev.ConsoleRenderer(colors=False)])  # fmt: skip
        for _ in range(2):
            log.info("llm_call", **{k: v for k, v in APP.items() if k != "event"})
    calls = [(*MINI_CALL, "2026-11-06 04:30:00"), (*MINI_CALL, "2026-11-06 05:10:00")]
    return Case(path, calls, 2 * MINI_USD, args=("--tz", "America/New_York"))


# --- log platforms' query APIs and exports --------------------------------------------------------------------------------


def loki_query_range(tmp: Path) -> Case:
    """Loki's /query_range answer: streams of [nanoseconds, line] values; each line here is a Docker json-file record
    (Promtail without the docker stage): a document, then two wrappers."""
    values = [["1793887391512000000", json.dumps(docker(APP, "2026-11-05T14:03:11.512Z"))],
              ["1793887392000000000", json.dumps(docker("GET /health 200\n", "2026-11-05T14:03:12Z"))]]  # fmt: skip
    answer = {"status": "success", "data": {"resultType": "streams", "result": [
        {"stream": {"app": "worker", "container": "api"}, "values": values}],
        "stats": {"summary": {"bytesProcessedPerSecond": 1024}}}}  # fmt: skip
    path = tmp / "loki.json"
    path.write_text(json.dumps(answer, indent=2))
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD)


def elasticsearch_hits(tmp: Path) -> Case:
    """An Elasticsearch/OpenSearch _search answer: hits.hits[]._source, the line in message, the time in @timestamp."""
    hit = {"_index": ".ds-logs-2026.11.05", "_id": "q1", "_score": None,
           "_source": {"@timestamp": T, "message": json.dumps(APP), "host": {"name": "w1"}}, "sort": [1793887391512]}  # fmt: skip
    answer = {"took": 4, "timed_out": False, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
              "hits": {"total": {"value": 1, "relation": "eq"}, "max_score": None, "hits": [hit]}}  # fmt: skip
    path = tmp / "search.json"
    path.write_text(json.dumps(answer))
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD)


def cloudwatch_events(tmp: Path) -> Case:
    """`aws logs filter-log-events` output: events[] with milliseconds since the epoch and the line in message."""
    answer = {"events": [
        {"logStreamName": "worker/abc", "timestamp": 1793887391512, "message": json.dumps(APP), "ingestionTime": 1793887392100, "eventId": "1"},
        {"logStreamName": "worker/abc", "timestamp": 1793887392000, "message": "END RequestId: 4f1", "ingestionTime": 1793887392100, "eventId": "2"},
    ], "searchedLogStreams": []}  # fmt: skip
    path = tmp / "cloudwatch.json"
    path.write_text(json.dumps(answer, indent=2))
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD)


def datadog_logs_api(tmp: Path) -> Case:
    """Datadog's Logs Search API: data[].attributes holds the time, and the log's own attributes one level deeper."""
    log = {"id": "AQAAAY", "type": "log", "attributes": {
        "timestamp": T, "service": "worker", "status": "info", "message": "llm_call", "tags": ["env:prod"],
        "attributes": {"feature": "search", "llm": {"model": "gpt-4o-mini", "usage": {"prompt_tokens": 1000, "completion_tokens": 100}}}}}  # fmt: skip
    path = tmp / "datadog.json"
    path.write_text(
        json.dumps(
            {"data": [log], "meta": {"page": {"after": "eyJ"}}, "links": {"next": "https://api.datadoghq.com/x"}}
        )
    )
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD)


def platform_csv_export(tmp: Path) -> Case:
    """A log platform's CSV export: a column per attribute path, the usage in @-named columns."""
    path = tmp / "extract-2026-11-05.csv"
    path.write_text(
        "Date,Host,Service,Message,@llm.model,@usage.prompt_tokens,@usage.completion_tokens,@feature\n"
        f"{T},w1,worker,llm_call,gpt-4o-mini,1000,100,search\n"
        '2026-11-05T14:03:12.000Z,w1,worker,"request done",,,,\n'
    )
    return Case(path, [(*MINI_CALL, T_SHOWN)], MINI_USD)


# --- traces -------------------------------------------------------------------------------------------------------------------


def _ns(epoch: float) -> int:
    return round(epoch * 1_000_000) * 1000


def _spans(build) -> list:
    """Spans made by the real SDK: build(tracer) starts them; they come back finished, in the order they ended."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    build(provider.get_tracer("costcap.tests"))
    provider.shutdown()
    return list(exporter.get_finished_spans())


def _child(tracer, name: str, attributes: dict, at: float) -> None:
    span = tracer.start_span(name, attributes=attributes, start_time=_ns(at))
    span.end(end_time=_ns(at + 0.8))


def _otlp_json(spans) -> str:
    """The OTLP/JSON export of spans, from OpenTelemetry's own OTLP encoder (ids as protobuf's JSON writes bytes)."""
    from google.protobuf.json_format import MessageToJson
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

    return MessageToJson(encode_spans(spans), indent=None)


GEN_AI_CHAT = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini"}


def otel_console_agent(tmp: Path) -> Case:
    """ConsoleSpanExporter output (pretty JSON objects one after another): an invoke_agent span carrying the sum of its
    two chat spans' usage. The agent span is not a third call."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

    path = tmp / "console-spans.txt"
    with open(path, "w") as out:
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=out)))
        tracer = provider.get_tracer("opentelemetry.instrumentation.openai_agents")
        agent = tracer.start_span("invoke_agent helpdesk", start_time=_ns(T_EPOCH), attributes={
            "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "helpdesk",
            "gen_ai.usage.input_tokens": 2000, "gen_ai.usage.output_tokens": 200})  # fmt: skip
        with trace.use_span(agent, end_on_exit=False):
            for second in (0, 1):
                _child(tracer, "chat gpt-4o-mini", {**GEN_AI_CHAT, "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
                       "gen_ai.usage.input_tokens": 1000, "gen_ai.usage.output_tokens": 100}, T_EPOCH + second)  # fmt: skip
        agent.end(end_time=_ns(T_EPOCH + 2))
        provider.shutdown()
    calls = [
        ("gpt-4o-mini-2024-07-18", 1000, 0, 100, None, T_SHOWN),
        ("gpt-4o-mini-2024-07-18", 1000, 0, 100, None, "2026-11-05 14:03:12.512"),
    ]
    return Case(path, calls, 2 * MINI_USD, passed_over={"a parent span (its tokens are its children's)": 1})


def otlp_openinference(tmp: Path) -> Case:
    """OTLP/JSON from OpenTelemetry's encoder, OpenInference attributes: an AGENT span over a TOOL span over the LLM
    span (the tokens of the LLM span repeated on the agent), cached tokens under llm.token_count.prompt_details."""

    def build(tracer):
        from opentelemetry import trace

        agent = tracer.start_span("Agent.run", start_time=_ns(T_EPOCH), attributes={
            "openinference.span.kind": "AGENT", "llm.token_count.prompt": 2890, "llm.token_count.completion": 133})  # fmt: skip
        with trace.use_span(agent, end_on_exit=False):
            tool = tracer.start_span(
                "lookup_order", start_time=_ns(T_EPOCH), attributes={"openinference.span.kind": "TOOL"}
            )
            with trace.use_span(tool, end_on_exit=False):
                _child(tracer, "ChatCompletion", {"openinference.span.kind": "LLM", "llm.model_name": "gpt-4.1-mini",
                       "llm.provider": "openai", "llm.token_count.prompt": 2890, "llm.token_count.completion": 133,
                       "llm.token_count.prompt_details.cache_read": 2048, "llm.token_count.total": 3023}, T_EPOCH)  # fmt: skip
            tool.end(end_time=_ns(T_EPOCH + 1))
        agent.end(end_time=_ns(T_EPOCH + 2))

    path = tmp / "openinference.json"
    path.write_text(_otlp_json(_spans(build)))
    return Case(path, [("gpt-4.1-mini", 2890, 2048, 133, None, T_SHOWN)], FOUR_ONE_USD)


def ai_sdk_spans(tmp: Path) -> Case:
    """The Vercel AI SDK's spans, as its OpenTelemetry integration names them: ai.generateText (the sum of its steps)
    over one ai.generateText.doGenerate per model request; the function id is the feature."""

    def build(tracer):
        from opentelemetry import trace

        common = {
            "ai.telemetry.functionId": "support-bot",
            "ai.model.provider": "openai.chat",
            "ai.model.id": "gpt-4o-mini",
        }
        outer = tracer.start_span("ai.generateText", start_time=_ns(T_EPOCH), attributes={
            **common, "ai.operationId": "ai.generateText", "ai.usage.promptTokens": 2000, "ai.usage.completionTokens": 200})  # fmt: skip
        with trace.use_span(outer, end_on_exit=False):
            for second in (0, 1):
                _child(tracer, "ai.generateText.doGenerate", {**common, "ai.operationId": "ai.generateText.doGenerate",
                       "ai.usage.promptTokens": 1000, "ai.usage.completionTokens": 100,
                       "ai.response.model": "gpt-4o-mini-2024-07-18"}, T_EPOCH + second)  # fmt: skip
        outer.end(end_time=_ns(T_EPOCH + 2))

    path = tmp / "ai-sdk.jsonl"
    path.write_text(_otlp_json(_spans(build)) + "\n")
    step = ("gpt-4o-mini-2024-07-18", 1000, 0, 100, "support-bot")
    return Case(path, [(*step, T_SHOWN), (*step, "2026-11-05 14:03:12.512")], 2 * MINI_USD)


def otlp_older_names(tmp: Path) -> Case:
    """The older GenAI spelling (gen_ai.usage.prompt_tokens / completion_tokens, gen_ai.system) on one span."""

    def build(tracer):
        _child(tracer, "openai.chat", {"gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o",
               "gen_ai.usage.prompt_tokens": 3300, "gen_ai.usage.completion_tokens": 500}, T_EPOCH)  # fmt: skip

    path = tmp / "old-names.json"
    path.write_text(_otlp_json(_spans(build)))
    return Case(path, [("gpt-4o", 3300, 0, 500, None, T_SHOWN)], FOUR_O_USD)


def agents_sdk_trace(tmp: Path) -> Case:
    """The OpenAI Agents SDK's trace export ({"data": [trace, spans]}): generation spans are the calls, under an agent
    span that carries none."""
    trace_id = "trace_3f1c9a0b7e2d4c6f8a1b2c3d4e5f6a7b"
    spans = [{"object": "trace", "id": trace_id, "workflow_name": "Support"},
             {"object": "trace.span", "id": "span_agent01", "trace_id": trace_id, "parent_id": None,
              "started_at": "2026-11-05T14:03:11.500000+00:00", "ended_at": "2026-11-05T14:03:14+00:00",
              "span_data": {"type": "agent", "name": "Triage", "tools": ["lookup"]}, "error": None}]  # fmt: skip
    for n, start in enumerate(("2026-11-05T14:03:11.512000+00:00", "2026-11-05T14:03:12.512000+00:00")):
        spans.append({"object": "trace.span", "id": f"span_gen0{n}", "trace_id": trace_id, "parent_id": "span_agent01",
                      "started_at": start, "ended_at": "2026-11-05T14:03:13+00:00", "error": None,
                      "span_data": {"type": "generation", "model": "gpt-4o-mini", "model_config": {"temperature": 0},
                                    "usage": {"input_tokens": 1000, "output_tokens": 100}}})  # fmt: skip
    path = tmp / "agents-trace.json"
    path.write_text(json.dumps({"data": spans}))
    return Case(path, [("gpt-4o-mini", 1000, 0, 100, None, T_SHOWN), ("gpt-4o-mini", 1000, 0, 100, None, "2026-11-05 14:03:12.512")],
                2 * MINI_USD)  # fmt: skip


def langsmith_runs(tmp: Path) -> Case:
    """LangSmith runs as exported (one per line): a chain run totals its two llm runs. Start times are UTC written
    without an offset; --tz UTC says so."""
    chain = {"id": "r-chain", "parent_run_id": None, "trace_id": "r-chain", "name": "RunnableSequence", "run_type": "chain",
             "start_time": "2026-11-05T14:03:11.500000", "prompt_tokens": 2000, "completion_tokens": 200, "total_tokens": 2200}  # fmt: skip
    runs = [chain]
    for n, start in enumerate(("2026-11-05T14:03:11.512000", "2026-11-05T14:03:12.512000")):
        runs.append({"id": f"r-llm{n}", "parent_run_id": "r-chain", "trace_id": "r-chain", "name": "ChatOpenAI",
                     "run_type": "llm", "start_time": start, "extra": {"invocation_params": {"model_name": "gpt-4o-mini"}},
                     "prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100})  # fmt: skip
    path = lines(tmp / "runs.jsonl", runs)
    return Case(path, [("gpt-4o-mini", 1000, 0, 100, None, T_SHOWN), ("gpt-4o-mini", 1000, 0, 100, None, "2026-11-05 14:03:12.512")],
                2 * MINI_USD, args=("--tz", "UTC"))  # fmt: skip


# --- records that are not calls, spellings ------------------------------------------------------------------------------------


def litellm_cache_hit(tmp: Path) -> Case:
    """LiteLLM's standard logging payload: a cache hit repeats the tokens at cost 0 and is no call; the model carries
    the provider prefix."""
    payload = {"id": "chatcmpl-1", "call_type": "acompletion", "model": "openai/gpt-4o-mini", "custom_llm_provider": "openai",
               "prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100, "response_cost": 0.00021,
               "startTime": T_EPOCH, "endTime": T_EPOCH + 1.2, "cache_hit": False, "metadata": {"user_api_key_alias": "search"}}  # fmt: skip
    hit = {**payload, "id": "chatcmpl-2", "response_cost": 0, "cache_hit": True, "startTime": T_EPOCH + 5}
    path = lines(tmp / "litellm.jsonl", [payload, hit])
    return Case(path, [("openai/gpt-4o-mini", 1000, 0, 100, None, T_SHOWN)], MINI_USD, passed_over={"a cache hit": 1})


def model_spellings(tmp: Path) -> Case:
    """Provider prefixes, upper case and stray spaces all name the catalog's gpt-4o-mini."""
    spellings = ["openai/gpt-4o-mini", "GPT-4o-mini", " gpt-4o-mini ", "azure/gpt-4o-mini", "openai:GPT-4O-MINI"]
    path = lines(tmp / "spellings.jsonl", [app(model=m, timestamp=T) for m in spellings])
    return Case(path, [(m, 1000, 0, 100, "search", T_SHOWN) for m in spellings], 5 * MINI_USD)


def tracebacks_between_records(tmp: Path) -> Case:
    """structlog JSON lines with a Python traceback and a banner between them: those lines are passed over."""
    path = tmp / "noisy.log"
    with open(path, "w") as out:
        out.write("==== worker 1.4.2 starting ====\n")
        log = structlog.wrap_logger(structlog.PrintLogger(out), processors=[structlog.processors.JSONRenderer()])
        log.info("llm_call", **{k: v for k, v in app(timestamp=T).items() if k != "event"})
        out.write(
            'Traceback (most recent call last):\n  File "worker.py", line 12, in <module>\n    run()\nValueError: boom\n'
        )
        log.info("llm_call", **{k: v for k, v in app(timestamp="2026-11-05T14:03:12Z").items() if k != "event"})
    return Case(path, [(*MINI_CALL, T_SHOWN), (*MINI_CALL, "2026-11-05 14:03:12")], 2 * MINI_USD)


def chat_stream_chunks(tmp: Path) -> Case:
    """Streamed chat chunks logged one per line (the SDK's own types, with stream_options include_usage): only the
    last chunk carries usage; the others are not calls."""
    from openai.types.chat import ChatCompletionChunk

    base = {
        "id": "chatcmpl-9",
        "object": "chat.completion.chunk",
        "created": int(T_EPOCH),
        "model": "gpt-4o-mini-2024-07-18",
    }
    chunks = [
        ChatCompletionChunk(**base, choices=[{"index": 0, "delta": {"role": "assistant", "content": ""}}], usage=None),
        ChatCompletionChunk(**base, choices=[{"index": 0, "delta": {"content": "Hello"}, "finish_reason": "stop"}], usage=None),
        ChatCompletionChunk(**base, choices=[], usage={"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100}),
    ]  # fmt: skip
    path = lines(tmp / "chunks.jsonl", [c.model_dump_json() for c in chunks])
    return Case(path, [("gpt-4o-mini-2024-07-18", 1000, 0, 100, None, "2026-11-05 14:03:11")], MINI_USD)


def responses_stream_events(tmp: Path) -> Case:
    """Responses API stream events: response.created and the deltas carry no usage; response.completed does."""
    response = {"id": "resp_1", "object": "response", "created_at": int(T_EPOCH), "model": "gpt-4o-mini-2024-07-18",
                "status": "in_progress", "output": [], "usage": None}  # fmt: skip
    usage = {"input_tokens": 3300, "input_tokens_details": {"cached_tokens": 2048}, "output_tokens": 100,
             "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 3400}  # fmt: skip
    path = lines(tmp / "events.jsonl", [
        {"type": "response.created", "sequence_number": 0, "response": response},
        {"type": "response.output_text.delta", "sequence_number": 1, "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "Hi"},
        {"type": "response.completed", "sequence_number": 2, "response": {**response, "status": "completed", "usage": usage}},
    ])  # fmt: skip
    return Case(path, [("gpt-4o-mini-2024-07-18", 3300, 2048, 100, None, "2026-11-05 14:03:11")], CACHED_MINI_USD)


def time_spellings(tmp: Path) -> Case:
    """Every common ISO-8601 spelling of one instant is that instant."""
    spellings = ["2026-11-05 14:03:11.512+00:00", "2026-11-05T14:03:11.512Z", "2026-11-05T14:03:11.512+0000",
                 "2026-11-05T15:03:11.512+01:00", "2026-11-05T09:03:11.512-05:00", "2026-11-05T14:03:11.512000Z"]  # fmt: skip
    path = lines(tmp / "times.jsonl", [app(timestamp=s) for s in spellings])
    return Case(path, [(*MINI_CALL, T_SHOWN)] * 6, 6 * MINI_USD)


SHAPES = {f.__name__: f for f in [
    docker_json_file, docker_split_line, cri_pieces, fluent_bit_holding_cri, journald_export,
    journald_holding_container_line, structlog_through_docker, syslog_5424, syslog_3164_local, platform_router_logfmt,
    stdlib_asctime_json, sdk_repr_in_a_message, python_json_logger_message, loguru_serialize,
    structlog_console_local_time, loki_query_range, elasticsearch_hits, cloudwatch_events, datadog_logs_api,
    platform_csv_export, otel_console_agent, otlp_openinference, ai_sdk_spans, otlp_older_names, agents_sdk_trace,
    langsmith_runs, litellm_cache_hit, model_spellings, tracebacks_between_records, chat_stream_chunks,
    responses_stream_events, time_spellings,
]}  # fmt: skip


def stored(db: str = "costcap.duckdb") -> list[tuple]:
    with duckdb.connect(db, read_only=True) as con:
        return con.execute(
            "SELECT model, input_tokens, cached_tokens, output_tokens, feature, CAST(ts AS VARCHAR) FROM calls "
            "ORDER BY ts, line"
        ).fetchall()


def expected(case: Case) -> list[tuple]:
    return sorted(case.calls, key=lambda c: c[5])


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_shape_gives_the_calls_dollars_and_times_a_person_would(tmp_path, shape):
    case = SHAPES[shape](tmp_path)
    result = ok("ingest", case.path, *case.args, "--format", "json")
    [f] = json.loads(result.stdout)["files"]
    assert (f["status"], f["rows"], Decimal(f["spend_usd_exact"]), f["unpriced"]) == (
        "ingested",
        len(case.calls),
        case.usd,
        0,
    )
    assert stored() == expected(case)
    for words in case.said:
        assert words in result.stderr
    for reason, count in case.passed_over.items():
        assert f["passed_over"].get(reason) == count, f["passed_over"]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_dry_run_shows_how_each_shape_is_read_and_a_saved_mapping_reads_it_back(tmp_path, shape):
    case = SHAPES[shape](tmp_path)
    preset_file = tmp_path / "mapping.toml"
    shown = ok("ingest", case.path, *case.args, "--dry-run", "--save-preset", preset_file)
    assert "input_tokens <- " in shown.stderr and "nothing was stored" in shown.stderr
    assert not (tmp_path / "costcap.duckdb").exists()
    [f] = ok_json("ingest", case.path, *case.args, "--preset", preset_file)["files"]
    assert (f["rows"], Decimal(f["spend_usd_exact"])) == (len(case.calls), case.usd)
    assert [c[:5] for c in stored()] == [c[:5] for c in expected(case)]


def test_without_tz_local_times_are_read_as_utc_and_said(tmp_path):
    case = structlog_console_local_time(tmp_path)
    result = ok("ingest", case.path, "--format", "json")
    [f] = json.loads(result.stdout)["files"]
    assert f["times_without_offset"] == 2 and "2 times had no offset and were read as UTC; pass --tz" in result.stderr
    # read as UTC the two calls fall on two days: the trap --tz avoids
    assert [c[5] for c in stored()] == ["2026-11-05 23:30:00", "2026-11-06 00:10:00"]


def test_tz_from_costcap_toml(tmp_path):
    case = structlog_console_local_time(tmp_path)
    (tmp_path / "costcap.toml").write_text('[ingest]\ntz = "America/New_York"\n')
    ok("ingest", case.path)
    assert [c[5] for c in stored()] == ["2026-11-06 04:30:00", "2026-11-06 05:10:00"]


def test_an_unknown_zone_is_one_line(tmp_path):
    case = structlog_console_local_time(tmp_path)
    refused = run("ingest", case.path, "--tz", "Mars/Olympus")
    assert refused.exit_code == 1 and "Mars/Olympus" in refused.stderr and "Traceback" not in refused.output


def test_a_parent_whose_tokens_disagree_with_its_children_is_said(tmp_path):
    """An agent span claiming 5,000 input tokens over children that add up to 2,000: the children are the calls."""
    case = otel_console_agent(tmp_path)
    text = case.path.read_text().replace('"gen_ai.usage.input_tokens": 2000', '"gen_ai.usage.input_tokens": 5000')
    case.path.write_text(text)
    result = ok("ingest", case.path, "--format", "json")
    [f] = json.loads(result.stdout)["files"]
    assert (f["rows"], Decimal(f["spend_usd_exact"]), f["disagreeing_parent_spans"]) == (2, 2 * MINI_USD, 1)
    assert "differ from the sum" in result.stderr


def test_an_inferred_mapping_says_its_choices(tmp_path):
    """Two keys that could be the model, and input tokens with no output beside them: each choice is said."""
    path = lines(tmp_path / "odd.jsonl", [{"ts": T, "deployment": "gpt-4o-mini", "llm": {"model_name": "gpt-4o-mini"},
                                           "stats": {"prompt_token_count": 1000}}])  # fmt: skip
    result = ok("ingest", path, "--dry-run")
    assert "inferred" in result.stderr and "model" in result.stderr and "output" in result.stderr


def test_token_counts_under_names_no_rule_knows_are_never_silent(tmp_path):
    """A file whose only numbers sit under keys that name tokens, inside a JSON string too, but give no call."""
    path = lines(tmp_path / "opaque.jsonl", [{"time": T, "message": json.dumps({"step": "rank", "tokens_used": 812})},
                                             {"time": T, "message": json.dumps({"step": "rank", "tokens_used": 640})}])  # fmt: skip
    result = run("ingest", path, "--format", "json")
    assert "tokens_used" in result.stderr and "--field" in result.stderr and "--save-preset" in result.stderr
    if result.exit_code == 0:
        [f] = json.loads(result.stdout)["files"]
        assert f["unread_token_records"] == 2
    else:
        assert result.exit_code == 1 and "Traceback" not in result.output


def test_every_spelling_of_a_model_is_one_model_in_the_audit(tmp_path):
    ok("ingest", model_spellings(tmp_path).path)
    [row] = ok_json("audit")["by_model"]
    # five calls of 1,000 in / 100 out at gpt-4o-mini's rates: 5 x $0.00021
    assert (row["model"], row["calls"], Decimal(str(row["cost_usd"]))) == ("gpt-4o-mini-2024-07-18", 5, 5 * MINI_USD)
    assert "openai/gpt-4o-mini" in row["logged_as"] and "azure/gpt-4o-mini" in row["logged_as"]


BIG_LINES = 3000  # ~1 MB a file: past the size where blocks are unwrapped as columns rather than record by record


def _big_event(n: int) -> dict:
    return app(
        prompt_tokens=100 + n % 900,
        request_id=f"req_{n}",
        timestamp=None if n % 3 else f"2026-11-05T10:{n % 60:02d}:00Z",
    )


def _big_wrapper_time(n: int) -> str:
    return f"2026-11-05T12:{n % 60:02d}:{n % 60:02d}.5Z"


BIG_FORMS = {
    "docker": lambda n, e: json.dumps(docker(e, _big_wrapper_time(n))),
    "cri": lambda n, e: f"{_big_wrapper_time(n)} stdout F {json.dumps(e)}",
    "shipper holding cri": lambda n, e: json.dumps(
        {"date": 1793887391.5, "log": f"{_big_wrapper_time(n)} stdout F {json.dumps(e)}"}
    ),
    "syslog 5424": lambda n, e: f"<134>1 {_big_wrapper_time(n)} host app 7 - - {json.dumps(e)}",
}


@pytest.mark.parametrize("form", sorted(BIG_FORMS))
def test_a_big_wrapped_file_gives_every_call_with_the_right_time(tmp_path, form):
    """Blocks this big are unwrapped as columns; a line that is not plain JSON inside (a banner) falls back to the
    record-by-record reading. Each call's time: its own where it has one (every third event), else the wrapper's."""
    events = [{k: v for k, v in _big_event(n).items() if v is not None} for n in range(BIG_LINES)]
    written = [BIG_FORMS[form](n, e) for n, e in enumerate(events)]
    written.insert(100, BIG_FORMS[form](10_000, {"note": "worker restarted"}) if form != "cri" else
                   f"{_big_wrapper_time(1)} stderr F worker restarted")  # fmt: skip
    path = lines(tmp_path / "big.log", written)
    assert path.stat().st_size > 512 << 10
    [f] = ok_json("ingest", path)["files"]
    prompt = sum(100 + n % 900 for n in range(BIG_LINES))
    # each call: prompt x 0.15 + 100 x 0.60 per 1M
    usd = (Decimal(prompt) * Decimal("0.15") + BIG_LINES * 100 * Decimal("0.60")) / 1_000_000
    assert (f["rows"], Decimal(f["spend_usd_exact"])) == (BIG_LINES, usd)
    with duckdb.connect("costcap.duckdb", read_only=True) as con:
        times = dict(con.execute("SELECT request_id, strftime(ts, '%H:%M:%S.%g') FROM calls").fetchall())
    for n in (0, 1, 2, 3, 2999):
        own = n % 3 == 0
        assert times[f"req_{n}"] == (f"10:{n % 60:02d}:00.000" if own else f"12:{n % 60:02d}:{n % 60:02d}.500"), n
