"""`costcap audit`: billed, attributed, shares and every finding's saving, worked out by hand or by a plain-Python sum."""

from __future__ import annotations

import json
import math
import statistics
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import structlog

from conftest import SAMPLE_DATA, ok, ok_json, run, write_structlog

JSON = structlog.processors.JSONRenderer()
GOLDEN = Path(__file__).parent / "golden"
M = Decimal(1_000_000)
# USD per 1M tokens from PRICES.md, typed here so the test does not trust the catalog: input, cached input, output
RATES = {
    "gpt-4o-2024-08-06": (Decimal("2.50"), Decimal("1.25"), Decimal("10.00")),
    "gpt-4o-mini": (Decimal("0.15"), Decimal("0.075"), Decimal("0.60")),
}
USAGE_HEADER = (
    "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,"
    "service_tier,compute_units,input_tokens,output_tokens,input_cached_tokens,input_cache_write_tokens,"
    "input_uncached_tokens,input_text_tokens,output_text_tokens,input_cached_text_tokens,input_audio_tokens,"
    "input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,output_image_tokens\n"
)
COST_HEADER = (
    "start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,quantity,quantity_unit,line_item,"
    "user_id,api_key_id,project_id,organization_id,project_name,organization_name,user_email\n"
)


def cost(event: dict) -> Decimal:
    """One call at list prices, by the formula in DOMAIN.md: (input - cached) x in + cached x cached + output x out."""
    rate_in, rate_cached, rate_out = RATES[event["model"]]
    cached = event.get("cached_tokens", 0)
    return (
        (event["prompt_tokens"] - cached) * rate_in + cached * rate_cached + event["completion_tokens"] * rate_out
    ) / M


def day_start(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def at(day: str, seconds: int) -> str:
    return (day_start(day) + timedelta(hours=10, seconds=seconds)).isoformat().replace("+00:00", "Z")


def usage_row(day: str, model: str, requests: int, inp: int, out: int, key: str = "key_app") -> str:
    start = int(day_start(day).timestamp())
    return (f"{start},{start + 86400},{day}T00:00:00+00:00,,proj_a,{requests}.0,,{key},{model},False,default,,"
            f"{inp}.0,{out}.0,0.0,0.0,{inp}.0,{inp}.0,{out}.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0\n")  # fmt: skip


def cost_row(day: str, amount: str) -> str:
    start = int(day_start(day).timestamp())
    return f"{start},{start + 86400},{day}T00:00:00,{day}T00:00:00,{amount},usd,,,,,,proj_a,org-a,,Personal,\n"


def report_calls() -> list[dict]:
    """The report pipeline: 12 uncapped gpt-4o calls over two orders, two failing validation, and one 429."""
    outputs = [100, 120, 140, 160, 180, 200, 220, 240, 260, 280, 300, 2000]
    events = []
    for i, out in enumerate(outputs):
        day, order = ("2026-11-02", "o1") if i < 6 else ("2026-11-03", "o2")
        events.append({
            "event": "token_usage", "feature": "report", "batch_type": "daily", "order_id": order,
            "model": "gpt-4o-2024-08-06", "prompt_tokens": 2000 + 10 * i, "completion_tokens": out,
            "status": "validation_failed" if i in (2, 6) else "ok", "attempt": 2 if i in (3, 7) else 1,
            "request_id": f"req_r{i}", "timestamp": at(day, 20 * i),
        })  # fmt: skip
    events.append({
        "event": "token_usage", "feature": "report", "batch_type": "daily", "order_id": "o1", "model": "gpt-4o-2024-08-06",
        "prompt_tokens": 0, "completion_tokens": 0, "status_code": 429, "attempt": 1, "timestamp": at("2026-11-02", 5),
    })  # fmt: skip
    return events


def widget_calls() -> list[dict]:
    """The widget: 10 gpt-4o-mini calls tagged only through `user`, capped at 50 tokens, two cut by the cap."""
    return [
        {"user": "abc123def456:widget", "model": "gpt-4o-mini", "prompt_tokens": 500, "completion_tokens": out,
         "max_tokens": 50, "finish_reason": "length" if out == 50 else "stop", "request_id": f"req_w{i}",
         "timestamp": at("2026-11-02", 1000 + 30 * i)}
        for i, out in enumerate([30] * 8 + [50, 50])
    ]  # fmt: skip


@pytest.fixture
def pipeline(tmp_path) -> tuple[Path, list[dict]]:
    folder = tmp_path / "inputs"
    folder.mkdir()
    events = report_calls() + widget_calls()
    write_structlog(folder / "app.jsonl", JSON, events)
    (folder / "usage.csv").write_text(
        USAGE_HEADER + usage_row("2026-11-02", "gpt-4o-2024-08-06", 7, 12150, 900)
        + usage_row("2026-11-02", "gpt-4o-mini-2024-07-18", 10, 5000, 340)
        + usage_row("2026-11-03", "gpt-4o-2024-08-06", 6, 12510, 3300)
    )  # fmt: skip
    (folder / "cost.csv").write_text(COST_HEADER + cost_row("2026-11-02", "0.0800") + cost_row("2026-11-03", "0.0500"))
    return folder, events


def findings(doc: dict, kind: str) -> dict:
    return {f["feature"] or f["model"]: f for f in doc["findings"] if f["kind"] == kind}


def test_billed_attributed_unattributed_and_shares(pipeline):
    folder, events = pipeline
    doc = ok_json("audit", folder)
    billed = Decimal("0.0800") + Decimal("0.0500")  # the cost export's two days
    # report: inputs 12 x 2,000 + 10 x (0+...+11) = 24,660 x $2.50 = 61,650; outputs 2,200 + 2,000 = 4,200 x $10 = 42,000
    report = Decimal(103_650) / M
    # widget: 5,000 x $0.15 = 750; 8 x 30 + 2 x 50 = 340 x $0.60 = 204
    widget = Decimal(954) / M
    assert sum(cost(e) for e in events) == report + widget  # the second method agrees with the hand sums
    assert doc["period"] == {"start": "2026-11-02", "end": "2026-11-03"}
    assert doc["billed"]["cost_usd"] == float(billed) and doc["billed"]["source"] == "cost export"
    assert doc["billed"]["requests"] == 7 + 10 + 6 and doc["billed"]["output_tokens"] == 900 + 340 + 3300
    assert doc["attributed"] == {"cost_usd": float(report + widget), "calls": 23, "coverage": 1.0}
    assert doc["unattributed_usd"] == float(billed - report - widget)  # 0.13 - 0.104604 = 0.025396
    rows = {r["feature"]: r for r in doc["by_feature"]}
    assert rows["report"]["share"] == round(float(report / (report + widget)), 6)
    assert rows["report"]["calls"] == 13 and rows["widget"]["calls"] == 10
    # 12 billed calls, the 429 costs nothing: cost per call over all 13
    assert rows["report"]["cost_per_call"] == float(round(report / 13, 6))
    # cost per order: o1 is calls 0-5, o2 calls 6-11; the median and p90 of two values interpolate
    orders = [sum(cost(e) for e in events if e.get("order_id") == o) for o in ("o1", "o2")]
    assert rows["report"]["cost_per_order_p50"] == pytest.approx(float(sum(orders) / 2), abs=1e-6)
    assert rows["report"]["cost_per_order_p90"] == pytest.approx(
        float(orders[0] + (orders[1] - orders[0]) * Decimal("0.9")), abs=1e-6
    )
    assert {r["day"]: r["billed_usd"] for r in doc["by_day"]} == {"2026-11-02": 0.08, "2026-11-03": 0.05}
    assert [f["kind"] for f in doc["findings"] if f["kind"] == "unattributed"] == ["unattributed"]


def test_each_finding_saving_by_hand(pipeline):
    folder, events = pipeline
    doc = ok_json("audit", folder)
    report = [e for e in events if e.get("feature") == "report"]
    # batch_eligible: every report call carries a batch type; the Batch API bills half of $0.10365
    assert findings(doc, "batch_eligible")["report"]["saving_usd"] == 0.051825
    # retry_waste: calls 2 and 6 failed validation after being paid:
    # (2,020 x 2.5 + 140 x 10) + (2,060 x 2.5 + 220 x 10) = 6,450 + 7,350 = 13,800 per 1M
    assert findings(doc, "retry_waste")["report"]["saving_usd"] == 0.0138
    assert sum(cost(e) for e in report if e.get("status") == "validation_failed") == Decimal("0.0138")
    # uncapped_output: p90 of the 12 outputs (the 429 has none) is 280 + 0.9 x 20 = 298; cap ceil(1.2 x 298) = 358;
    # only the 2,000-token answer is over it, by 1,642 tokens x $10 per 1M
    outputs = [e["completion_tokens"] for e in report if e["completion_tokens"]]
    p90 = statistics.quantiles(outputs, n=10, method="inclusive")[8]
    assert (p90, math.ceil(Decimal("1.2") * Decimal(str(p90)))) == (298, 358)
    uncapped = findings(doc, "uncapped_output")
    assert (
        uncapped["report"]["saving_usd"] == 0.01642 and uncapped["report"]["evidence"]["recommended_max_tokens"] == 358
    )
    assert "widget" not in uncapped  # its cap of 50 is not far above use
    # truncation: two widget calls cut at 50 tokens: 2 x (500 x 0.15 + 50 x 0.60) = 210 per 1M
    truncation = findings(doc, "truncation")["widget"]
    assert truncation["saving_usd"] == 0.00021 and truncation["evidence"]["rate"] == 0.2
    # prompt_caching: 12 prompts of 2,000+ tokens, none cached; 1,024 to floor(2,000 / 128) x 128 = 1,920 tokens
    # at $2.50 - $1.25: 12 x 1,024 x 1.25 = 15,360 and 12 x 1,920 x 1.25 = 28,800 per 1M
    caching = findings(doc, "prompt_caching")["report"]
    assert caching["saving_usd"] == 0.01536 and caching["saving_range_usd"] == [0.01536, 0.0288]
    # rate_limited: one 429, not billed; nothing was paid twice
    limited = findings(doc, "rate_limited")["report"]
    assert limited["saving_usd"] == 0 and limited["evidence"]["rate_limited"] == 1
    # sorted by saving, largest first; findings without a dollar figure last
    savings = [f["saving_usd"] for f in doc["findings"] if f["saving_usd"] is not None]
    assert savings == sorted(savings, reverse=True) and doc["findings"][-1]["saving_usd"] is None


def test_model_tiering_is_priced_at_the_smaller_model(tmp_path):
    events = [
        {"feature": "classify", "model": "gpt-4o-2024-08-06", "prompt_tokens": 1000, "completion_tokens": 20,
         "request_id": f"r{i}", "timestamp": at("2026-11-02", 60 * i)}
        for i in range(10)
    ]  # fmt: skip
    doc = ok_json("audit", write_structlog(tmp_path / "a.log", JSON, events))
    # per call: gpt-4o 1,000 x 2.50 + 20 x 10 = 2,700; gpt-4o-mini 1,000 x 0.15 + 20 x 0.60 = 162; 10 x 2,538 per 1M
    tiering = findings(doc, "model_tiering")["classify"]
    assert tiering["saving_usd"] == 0.02538 and "what-if" in tiering["detail"]
    assert tiering["evidence"]["smaller_model"] == "gpt-4o-mini"


def test_spend_spike_against_the_trailing_median(tmp_path):
    calls_per_day = {"2026-11-01": 1, "2026-11-02": 1, "2026-11-03": 1, "2026-11-04": 5}
    events = [
        {"feature": "digest", "model": "gpt-4o-mini", "prompt_tokens": 1000, "completion_tokens": 100,
         "request_id": f"{day}-{i}", "timestamp": at(day, i)}
        for day, n in calls_per_day.items() for i in range(n)
    ]  # fmt: skip
    doc = ok_json("audit", write_structlog(tmp_path / "a.log", JSON, events))
    # one call = 1,000 x 0.15 + 100 x 0.60 = 210 per 1M; day 4 holds 5 calls against a median of 1: 4 x 210 over it
    spike = findings(doc, "spend_spike")["digest"]
    assert spike["saving_usd"] == 0.00084 and spike["evidence"]["day"] == "2026-11-04"


def test_concentration_of_three_background_features(tmp_path):
    # DOMAIN.md section 3: three background jobs, tagged through `user`, hold 62% of spend; three others 38%
    counts = {
        "sidebar_widget": 25,
        "tag_suggester": 21,
        "overnight_summariser": 16,
        "search": 14,
        "chat": 13,
        "export": 11,
    }
    events = [
        {"user": f"{i:012x}:{feature}", "model": "gpt-4o-mini", "prompt_tokens": 1000, "completion_tokens": 100,
         "request_id": f"{feature}-{i}", "timestamp": at("2026-11-02", 10 * i)}
        for feature, n in counts.items() for i in range(n)
    ]  # fmt: skip
    doc = ok_json("audit", write_structlog(tmp_path / "a.log", JSON, events))
    [found] = [f for f in doc["findings"] if f["kind"] == "concentration"]
    # every call costs the same, so shares are call shares: (25 + 21 + 16) / 100
    assert found["evidence"] == {"features": ["sidebar_widget", "tag_suggester", "overnight_summariser"], "share": 0.62}
    shares = {r["feature"]: r["share"] for r in doc["by_feature"]}
    assert shares["sidebar_widget"] == 0.25 and sum(shares.values()) == pytest.approx(1)


def test_report_pipeline_without_model_attributes_by_batch_type(tmp_path):
    # DOMAIN.md section 2: token_usage lines carry a batch type and no model; the run says --model gpt-4o
    events = [
        {"event": "token_usage", "batch_type": kind, "order_id": "ord-1", "prompt_tokens": 2000, "completion_tokens": out,
         "timestamp": at("2026-11-02", 30 * i)}
        for i, (kind, out) in enumerate([("daily", 600)] * 3 + [("weekly", 800)] * 2)
    ]  # fmt: skip
    log = write_structlog(tmp_path / "worker.log", structlog.dev.ConsoleRenderer(colors=False), events)
    doc = ok_json("audit", log, "--model", "gpt-4o", "--by", "batch_type")
    # gpt-4o on 2026-11-02 is the 2024-08-06 snapshot: daily 3 x (2,000 x 2.50 + 600 x 10) = 33,000;
    # weekly 2 x (5,000 + 8,000) = 26,000 per 1M
    assert {r["batch_type"]: r["cost_usd"] for r in doc["by_batch_type"]} == {"daily": 0.033, "weekly": 0.026}
    assert {r["batch_type"]: r["share"] for r in doc["by_batch_type"]} == {
        "daily": round(33 / 59, 6),
        "weekly": round(26 / 59, 6),
    }
    assert doc["billed"]["cost_usd"] is None and doc["unattributed_usd"] is None


def test_unpriced_models_are_counted_not_zero(tmp_path):
    events = [
        {"feature": "f", "model": "ft:gpt-9-2030-01-01:acme::x", "prompt_tokens": 100, "completion_tokens": 10,
         "request_id": "a", "timestamp": at("2026-11-02", 0)},
        {"feature": "f", "model": "gpt-4o-mini", "prompt_tokens": 1000, "completion_tokens": 100, "request_id": "b",
         "timestamp": at("2026-11-02", 1)},
    ]  # fmt: skip
    result = ok("audit", write_structlog(tmp_path / "a.log", JSON, events), "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["unpriced"] == {"calls": 1, "models": ["ft:gpt-9-2030-01-01:acme::x"]}
    assert doc["attributed"]["coverage"] == 0.5 and doc["attributed"]["cost_usd"] == 0.00021
    assert "1 of 2 calls use models with no price" in result.stderr


def test_over_attributed_logs_are_a_finding(tmp_path):
    events = [{"feature": "f", "model": "gpt-4o-mini", "prompt_tokens": 1000, "completion_tokens": 100,
               "request_id": f"r{i}", "timestamp": at("2026-11-02", i)} for i in range(10)]  # fmt: skip
    log = write_structlog(tmp_path / "a.log", JSON, events)
    (tmp_path / "cost.csv").write_text(COST_HEADER + cost_row("2026-11-02", "0.0010"))
    doc = ok_json("audit", log, tmp_path / "cost.csv")
    # logs: 10 x 210 per 1M = $0.0021 against $0.0010 billed
    assert doc["unattributed_usd"] == -0.0011
    assert [f["kind"] for f in doc["findings"]] == ["over_attributed"]


def test_since_until_and_by_usage_keys(pipeline):
    folder, _ = pipeline
    doc = ok_json("audit", folder, "--since", "2026-11-03", "--until", "2026-11-03", "--by", "api_key")
    assert doc["period"] == {"start": "2026-11-03", "end": "2026-11-03"} and doc["billed"]["cost_usd"] == 0.05
    # day 3 holds report calls 6-11: inputs 6 x 2,000 + 10 x (6+...+11) = 12,510 x 2.5; outputs 3,300 x 10
    assert doc["attributed"]["cost_usd"] == float((Decimal(12_510) * Decimal("2.5") + 33_000) / M)
    # the usage export's one gpt-4o row that day: 12,510 x 2.50 + 3,300 x 10 = 64,275 per 1M;
    # per call 0.064275 / 6 = 0.0107125, rounded half to even at 6 places: 0.010712
    assert doc["by_api_key"] == [{"api_key": "key_app", "cost_usd": 0.064275, "calls": 6, "unpriced_calls": 0,
                                  "input_tokens": 12510, "output_tokens": 3300, "share": 1.0, "cost_per_call": 0.010712}]  # fmt: skip


def test_store_mode_and_bad_options(pipeline):
    folder, _ = pipeline
    ok("ingest", folder)
    assert ok_json("audit")["attributed"]["calls"] == 23
    assert run("audit", "--since", "2026-11-05", "--until", "2026-11-01").exit_code == 1
    assert run("audit", "--by", "user").exit_code == 2
    empty = run("audit", "--db", ":memory:")
    assert empty.exit_code == 0 and "the store is empty" in empty.stderr


def test_csv_and_markdown_are_neutralised(tmp_path):
    events = [{"feature": "=HYPERLINK(1)|`x`", "model": "gpt-4o-mini", "prompt_tokens": 10, "completion_tokens": 1,
               "request_id": "r", "timestamp": at("2026-11-02", 0)}]  # fmt: skip
    log = write_structlog(tmp_path / "a.log", JSON, events)
    assert "'=HYPERLINK(1)|`x`" in ok("audit", log, "--format", "csv").stdout
    # the pipe cannot split the cell; paired backticks stay a code span, whose content Markdown shows literally
    assert "=HYPERLINK(1)\\|`x`" in ok("audit", log, "--format", "markdown").stdout


def test_sample_data_has_at_least_four_kinds_of_findings():
    doc = ok_json("audit", SAMPLE_DATA)
    kinds = {f["kind"] for f in doc["findings"]}
    assert len(kinds) >= 4 and {"uncapped_output", "retry_waste", "truncation", "unattributed"} <= kinds
