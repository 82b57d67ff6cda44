"""`costcap budget`: percentiles against a second method, caps and savings worked out by hand."""

from __future__ import annotations

import json
import statistics
from decimal import Decimal

import pytest
import structlog

from conftest import SAMPLE_DATA, ok, ok_json, run, write_structlog

JSON = structlog.processors.JSONRenderer()


def calls(feature, outputs, model="gpt-4o-2024-08-06", **extra):
    return [
        {"feature": feature, "model": model, "prompt_tokens": 100, "completion_tokens": n,
         "timestamp": "2026-10-01T08:00:00Z", **extra}
        for n in outputs
    ]  # fmt: skip


def groups(doc):
    return {g["group"]: g for g in doc["groups"]}


def test_percentiles_match_statistics_inclusive_for_groups_of_1_2_and_10(tmp_path):
    ten = [120, 80, 310, 95, 400, 150, 220, 90, 101, 5000]
    events = calls("one", [77]) + calls("two", [40, 90]) + calls("ten", ten)
    log = write_structlog(tmp_path / "a.log", JSON, events)
    got = groups(ok_json("budget", log, "--min-calls", "1"))
    # a single call: every percentile is that call
    assert [got["one"][k] for k in ("p50", "p90", "p99", "max")] == [77, 77, 77, 77]
    # two calls, by hand: 40 + q x (90 - 40)
    assert [got["two"][k] for k in ("p50", "p90", "p99")] == [65, 85, 89.5]
    deciles, centiles = (
        statistics.quantiles(ten, n=10, method="inclusive"),
        statistics.quantiles(ten, n=100, method="inclusive"),
    )
    assert got["ten"]["p50"] == pytest.approx(deciles[4])
    assert got["ten"]["p90"] == pytest.approx(deciles[8])
    assert got["ten"]["p99"] == pytest.approx(centiles[98])
    assert got["ten"]["max"] == 5000


def test_cap_would_truncate_rate_and_saving_by_hand(tmp_path):
    outputs = [100, 200, 300, 400, 500, 600, 700, 800, 900, 5000]
    log = write_structlog(tmp_path / "a.log", JSON, calls("report", outputs))
    doc = ok_json("budget", log)
    g = groups(doc)["report"]
    # p90: position 0.9 x 9 = 8.1 -> 900 + 0.1 x (5000 - 900) = 1310; cap = ceil(1.2 x 1310) = 1572
    assert (g["p90"], g["recommended_max_tokens"]) == (1310, 1572)
    # one call of ten is over the cap, by 5000 - 1572 = 3428 tokens, at gpt-4o's $10 per 1M -> $0.03428
    assert (g["would_truncate_rate"], g["overrun_tokens"], g["saving_usd"]) == (0.1, 3428, 0.03428)
    assert doc["total_saving_usd"] == 0.03428 and (doc["percentile"], doc["safety"]) == (90, 1.2)


def test_round_percentile_and_safety_options(tmp_path):
    log = write_structlog(tmp_path / "a.log", JSON, calls("f", [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]))
    # p90 = 900 + 0.1 x 100 = 910; 1.2 x 910 = 1092 -> up to a multiple of 64: 18 x 64 = 1152
    assert groups(ok_json("budget", log, "--round", "64"))["f"]["recommended_max_tokens"] == 1152
    # p50 = 500 + 0.5 x 100 = 550; 1.5 x 550 = 825
    assert groups(ok_json("budget", log, "--percentile", "50", "--safety", "1.5"))["f"]["recommended_max_tokens"] == 825


def test_min_calls_and_truncation_warning(tmp_path):
    events = calls("small", [10, 20]) + calls("cut", [50] * 3 + [30] * 17, finish_reason="stop", max_tokens=50)
    for event in events[2:5]:
        event["finish_reason"] = "length"
    log = write_structlog(tmp_path / "a.log", JSON, events)
    result = ok("budget", log, "--format", "json")
    got = groups(json.loads(result.stdout))
    assert got["small"]["recommended_max_tokens"] is None and "insufficient data" in got["small"]["warning"]
    # 3 of 20 truncated = 15% > 5%: the cap is a lower bound
    assert (got["cut"]["truncated_calls"], got["cut"]["truncation_rate"], got["cut"]["current_max_tokens"]) == (
        3,
        0.15,
        50,
    )
    assert "lower bound" in got["cut"]["warning"] and "cut: 3 of 20 completed calls" in result.stderr


def test_errors_and_rate_limits_are_not_measured(tmp_path):
    events = calls("f", [100] * 10) + calls("f", [9999], status_code=500) + calls("f", [0], status_code=429)
    log = write_structlog(tmp_path / "a.log", JSON, events)
    assert groups(ok_json("budget", log))["f"]["calls"] == 10


def test_report_pipeline_log_by_batch_type_with_model_flag(tmp_path):
    lines = [{"event": "token_usage", "batch_type": "daily", "prompt_tokens": 812, "completion_tokens": n, "total_tokens": 812 + n}
             for n in range(500, 1500, 100)]  # fmt: skip
    log = write_structlog(tmp_path / "w.log", structlog.dev.ConsoleRenderer(colors=False), lines)
    assert run("budget", log).exit_code == 1
    g = groups(ok_json("budget", log, "--model", "gpt-4o", "--by", "batch_type"))["daily"]
    # outputs 500..1400: p90 = 1300 + 0.1 x 100 = 1310 -> cap 1572, nothing above it
    assert (g["calls"], g["p90"], g["recommended_max_tokens"], g["saving_usd"]) == (10, 1310, 1572, 0)


def test_python_and_toml_formats(tmp_path):
    log = write_structlog(tmp_path / "a.log", JSON, calls("daily", [100] * 10) + calls('we"ird', [200] * 10))
    # p90 of ten equal values is the value: 1.2 x 100 = 120, 1.2 x 200 = 240
    assert ok("budget", log, "-f", "python").stdout == "MAX_TOKENS = {'daily': 120, 'we\"ird': 240}\n"
    assert ok("budget", log, "-f", "toml").stdout == '[max_tokens]\n"daily" = 120\n"we\\"ird" = 240\n'


def test_spec_gives_14040_and_rounds_up():
    # 150 words x 60 items x 1.3 tokens per word x 1.2 = 14,040
    assert ok_json("budget", "--words", "150", "--items", "60")["max_tokens"] == 14040
    # 14,040 / 16 = 877.5 -> 878 x 16 = 14,048
    assert ok_json("budget", "--words", "150", "--items", "60", "--round", "16")["max_tokens"] == 14048


def test_spec_measures_tokens_per_word_on_a_sample(tmp_path):
    sample = tmp_path / "answers.txt"
    sample.write_text("hello world\nhello world\n")
    result = ok("budget", "--words", "150", "--items", "60", "--sample", sample, "--format", "json")
    doc = json.loads(result.stdout)
    # "hello world" is 2 tokens for 2 words: 1.0 token per word -> 150 x 60 x 1.0 x 1.2 = 10,800
    assert (doc["tokens_per_word"], doc["sample_words"], doc["sample_tokens"], doc["max_tokens"]) == (1.0, 4, 4, 10800)
    assert "4 tokens for 4 words" in result.stderr
    (tmp_path / "list.json").write_text(json.dumps(["hello world"]))
    assert (
        ok_json("budget", "--words", "1", "--items", "1", "--sample", tmp_path / "list.json")["tokens_per_word"] == 1.0
    )


def test_budget_on_sample_data_and_on_the_store():
    doc = ok_json("budget", SAMPLE_DATA)
    names = set(groups(doc))
    assert {"sidebar_widget", "tag_suggester", "daily", "weekly", "overnight_summariser"} <= names
    assert all(g["recommended_max_tokens"] for g in doc["groups"])
    ok("ingest", SAMPLE_DATA)
    assert ok_json("budget") == doc


def test_bad_settings_are_one_line_errors(tmp_path):
    for args in (["--percentile", "0"], ["--safety", "-1"], ["--round", "0"], ["--words", "0", "--items", "3"]):
        result = run("budget", *args)
        assert result.exit_code == 1 and result.stderr.startswith("Error: "), args
    assert run("budget", "--by", "colour").exit_code == 2
    assert "no such file" in run("budget", "--words", "1", "--items", "1", "--sample", tmp_path / "nope").stderr


def test_saving_is_priced_per_call_at_its_own_tier(tmp_path):
    events = calls("f", [100] * 9 + [1100], model="gpt-4o-mini-2024-07-18", service_tier="flex")
    log = write_structlog(tmp_path / "a.log", JSON, events)
    g = groups(ok_json("budget", log))["f"]
    # p90 = 100 + 0.1 x 1000 = 200; cap 240; overrun 1100 - 240 = 860 tokens at gpt-4o-mini's $0.60 (no flex price)
    assert (g["recommended_max_tokens"], g["overrun_tokens"]) == (240, 860)
    assert Decimal(str(g["saving_usd"])) == Decimal("0.000516")
