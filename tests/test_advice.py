"""Advice that agrees with costcap's own numbers: a finding's cap is budget's cap, never lowered for answers that hit
it; a tier suggested only where the catalog prices it lower; a pace that names the limit that binds; a gap below
zero said as such; every by-model view by the snapshot that bills it."""

from __future__ import annotations

import json
from decimal import Decimal

import structlog

from conftest import SAMPLE_DATA, ok, ok_json, run, write_structlog

JSON = structlog.processors.JSONRenderer()


def log(tmp_path, events: list[dict], name: str = "app.log"):
    return write_structlog(tmp_path / name, JSON, events)


def findings(doc: dict, kind: str) -> list[dict]:
    return [f for f in doc["findings"] if f["kind"] == kind]


def test_audit_and_budget_give_one_cap_for_every_feature_with_a_truncation_finding():
    ok("ingest", SAMPLE_DATA)
    audited, caps = ok_json("audit"), {g["group"]: g for g in ok_json("budget")["groups"]}
    truncations = findings(audited, "truncation")
    assert truncations
    for f in truncations:
        group = caps[f["feature"]]
        assert f["evidence"]["recommended_max_tokens"] == group["recommended_max_tokens"], f["feature"]
        assert str(group["recommended_max_tokens"]) in f["fix"]
    # tag_suggester is cut at its cap of 50 in 23 of 280 completed calls (8.2%): its p90 (46.1) would give
    # ceil(1.2 x 46.1) = 56 > 50 anyway; the cap recommended is 56 and the fix says to raise it from 50
    [tags] = [f for f in truncations if f["feature"] == "tag_suggester"]
    assert "raise max_tokens from 50 to at least 56" in tags["fix"]
    page = ok("report", "-o", "-").stdout
    assert "max_tokens=447" not in page and "at least 56" in page


def test_a_cap_that_answers_hit_is_never_lowered(tmp_path):
    # 100 answers: 95 of 100 to 290 tokens, 5 cut at today's cap of 500 (finish_reason=length)
    events = [{"feature": "notes", "model": "gpt-4o-mini", "prompt_tokens": 200, "completion_tokens": 100 + 2 * i,
               "max_tokens": 500, "finish_reason": "stop", "timestamp": f"2026-11-02T10:{i // 60:02d}:{i % 60:02d}Z",
               "request_id": f"n{i}"} for i in range(95)]  # fmt: skip
    events += [{"feature": "notes", "model": "gpt-4o-mini", "prompt_tokens": 200, "completion_tokens": 500, "max_tokens": 500,
                "finish_reason": "length", "timestamp": f"2026-11-02T11:00:{i:02d}Z", "request_id": f"c{i}"}
               for i in range(5)]  # fmt: skip
    path = log(tmp_path, events)
    [group] = ok_json("budget", path)["groups"]
    # p90 of the 100 answers: rank 0.9 x 99 = 89.1 between 278 and 280 -> 278.2; 1.2 x 278.2 = 333.84 -> 334, which
    # is below today's cap of 500 that 5 answers hit: the cap recommended is 1.2 x 500 = 600 instead
    assert (group["p90"], group["current_max_tokens"], group["recommended_max_tokens"]) == (278.2, 500, 600)
    [f] = findings(ok_json("audit", path), "truncation")
    assert "raise max_tokens from 500 to at least 600" in f["fix"]
    assert (f["evidence"]["current_max_tokens"], f["evidence"]["recommended_max_tokens"]) == (500, 600)


def nightly(model: str) -> list[dict]:
    return [{"feature": "digest", "model": model, "prompt_tokens": 2000, "completion_tokens": 400, "order_id": f"o{i}",
             "timestamp": f"2026-11-02T02:{i:02d}:00Z", "request_id": f"{model}-{i}"} for i in range(20)]  # fmt: skip


def test_flex_is_suggested_only_where_the_catalog_prices_it_lower(tmp_path):
    # gpt-4o has no flex price of its own (flex bills at standard): Batch only
    [gpt4o] = findings(ok_json("audit", log(tmp_path, nightly("gpt-4o"), "a.log")), "batch_eligible")
    assert "Batch API" in gpt4o["fix"] and "flex" not in gpt4o["fix"] and gpt4o["evidence"]["flex_cost_usd"] is None
    # gpt-5 (2025-08-07 snapshot on 2026-11-02) flex 0.625 / 5: 20 x (2,000 x 0.625 + 400 x 5) = 20 x 3,250 per 1M
    # = $0.065, half the standard $0.13
    [gpt5] = findings(ok_json("audit", log(tmp_path, nightly("gpt-5"), "b.log")), "batch_eligible")
    assert "service_tier=flex" in gpt5["fix"] and "$0.0650" in gpt5["fix"]
    assert Decimal(str(gpt5["evidence"]["flex_cost_usd"])) == Decimal("0.065")


def test_a_pace_names_the_limit_that_binds(tmp_path):
    # gpt-4o at tier 1: 500 requests and 30,000 tokens a minute; calls of 10,000 tokens each
    events = [{"feature": "bulk", "model": "gpt-4o", "prompt_tokens": 9000, "completion_tokens": 1000,
               "timestamp": f"2026-11-02T10:00:{i:02d}Z", "request_id": f"b{i}"} for i in range(6)]  # fmt: skip
    events += [{"feature": "bulk", "model": "gpt-4o", "prompt_tokens": 0, "completion_tokens": 0, "status_code": 429,
                "timestamp": f"2026-11-02T10:00:{30 + i:02d}Z", "request_id": f"r{i}"} for i in range(4)]  # fmt: skip
    [f] = findings(ok_json("audit", log(tmp_path, events)), "rate_limited")
    # 10 requests in the minute that met the 429s: 80% is 8; 80% of 500 RPM is 400; 80% of 30,000 TPM at the billed
    # calls' 10,000 tokens each is 2.4: tokens a minute bind, at 2 requests a minute
    assert f["evidence"]["paced_rpm"] == 2 and "tokens a minute (TPM)" in f["fix"] and "at most 2 requests" in f["fix"]


def test_a_bill_below_the_logs_is_said_as_the_logs_recording_more(tmp_path):
    usage = SAMPLE_DATA / "cost_2026-11-01_2026-11-07.csv"
    cheap = tmp_path / "cost.csv"
    lines = usage.read_text().splitlines()
    cheap.write_text("\n".join([lines[0], *[line.replace(line.split(",")[4], "0.01", 1) for line in lines[1:]]]) + "\n")
    result = ok("audit", cheap, SAMPLE_DATA / "web_app.jsonl", SAMPLE_DATA / "report_worker.log.gz")
    assert "the logs record more than the bill shows" in result.stdout and "could explain" not in result.stdout


def test_by_model_is_by_the_billed_snapshot_with_the_logged_name_beside_it(tmp_path):
    events = [{"feature": "f", "model": model, "prompt_tokens": 1000, "completion_tokens": 100,
               "timestamp": "2026-11-02T10:00:00Z", "request_id": f"{model}-{i}"}
              for i, model in enumerate(["gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-mini"])]  # fmt: skip
    doc = ok_json("audit", log(tmp_path, events), "--by", "model")
    rows = {r["model"]: r for r in doc["by_model"]}
    assert set(rows) == {"gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18"}
    assert (rows["gpt-4o-2024-08-06"]["calls"], rows["gpt-4o-2024-08-06"]["logged_as"]) == (2, "gpt-4o")
    table = run("audit", log(tmp_path, events, "b.log"), "--by", "model").stdout
    assert "logged as" in table and "gpt-4o-2024-08-06" in table
    budget = {g["group"] for g in json.loads(ok("budget", log(tmp_path, events, "c.log"), "--by", "model",
                                                "--min-calls", "1", "-f", "json").stdout)["groups"]}  # fmt: skip
    assert budget == {"gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18"}
