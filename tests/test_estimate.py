"""`costcap estimate`: the arithmetic checked by hand for several scenarios, the DOMAIN.md contrast, diff and Batch input."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from conftest import ROOT, ok, ok_json, run

PLAN = ROOT / "sample_data" / "plans" / "large_report.toml"
SMALL = ["--items", "10", "--prompt-tokens", "1000", "--item-input-tokens", "50", "--item-output-tokens", "100",
         "--batch-sizes", "3", "--failure-rate", "3=0.5", "--max-retries", "2", "--models", "gpt-4o-mini"]  # fmt: skip


def scenarios(*args):
    return {(s["model"], s["batch_size"], s["batch_api"]): s for s in ok_json("estimate", *args)["scenarios"]}


def exact(value) -> Decimal:
    return Decimal(str(value))


def test_retries_and_a_batch_size_that_does_not_divide_items():
    s = scenarios(*SMALL)[("gpt-4o-mini", 3, False)]
    # C = ceil(10 / 3) = 4; A = 1 + 0.5 + 0.25 = 1.75; failed after all retries = 4 x 0.5^3 = 0.5
    assert (s["calls"], s["expected_attempts"], s["expected_failed_calls"]) == (4, 1.75, 0.5)
    # input = 1.75 x (4 x 1000 + 10 x 50) = 7,875; output = 1.75 x 10 x 100 = 1,750
    assert (s["input_tokens"], s["cached_input_tokens"], s["output_tokens"]) == (7875, 0, 1750)
    # cost = (7,875 x 0.15 + 1,750 x 0.60) / 1M = (1,181.25 + 1,050) / 1M = $0.00223125 -> 6 decimals
    assert s["cost_per_order_usd"] == 0.002231
    # first attempts only: (4,500 x 0.15 + 1,000 x 0.60) / 1M = $0.001275; retries = $0.00095625
    assert s["retry_cost_usd"] == 0.000956


def test_batch_api_is_half_price_and_gpt_4o_mini_is_not_cached_under_it():
    s = scenarios(*SMALL, "--batch-api", "both", "--cached-prefix-tokens", "1024")
    # 1024-token prefix, Batch API off: cached = (E - 1) x 1024 = (7 - 1) x 1024 = 6,144
    # ((7,875 - 6,144) x 0.15 + 6,144 x 0.075 + 1,750 x 0.60) / 1M = (259.65 + 460.8 + 1,050) / 1M = $0.00177045
    off, on = s[("gpt-4o-mini", 3, False)], s[("gpt-4o-mini", 3, True)]
    assert (off["cached_input_tokens"], off["cost_per_order_usd"]) == (6144, 0.00177)
    # Batch API: the catalog lists no Batch cached price for gpt-4o-mini, so no caching is counted on; every rate
    # halved: $0.00223125 / 2 = $0.001115625
    assert (on["cached_input_tokens"], on["cost_per_order_usd"]) == (0, 0.001116)
    # one order in one window, then the retries: 4 x 0.5 = 2 and 4 x 0.25 = 1 calls still expected to fail (each at
    # least half a call) -> 2 more windows; 3 windows of up to 24 h, a file each
    assert on["binding_limit"].startswith("Batch windows") and (on["submissions"], on["batch_files"]) == (3, 3)
    assert on["wall_time_s"] == 3 * 24 * 3600


def test_a_prefix_below_1024_tokens_is_not_cached():
    s = scenarios(*SMALL, "--cached-prefix-tokens", "1023")[("gpt-4o-mini", 3, False)]
    assert (s["cached_input_tokens"], s["cost_per_order_usd"]) == (0, 0.002231)


def test_no_failures_and_no_retries():
    for args in (["--failure-rate", "3=0"], ["--failure-rate", "3=0.5", "--max-retries", "0"]):
        s = scenarios(*SMALL, *args)[("gpt-4o-mini", 3, False)]
        # A = 1: input 4,500, output 1,000 -> (675 + 600) / 1M = $0.001275, nothing spent on retries
        assert (s["expected_attempts"], s["input_tokens"], s["cost_per_order_usd"], s["retry_cost_usd"]) == (
            1,
            4500,
            0.001275,
            0,
        )


def test_orders_multiply_the_cost_but_not_the_cost_per_order():
    s = scenarios(*SMALL, "--orders", "4")[("gpt-4o-mini", 3, False)]
    # 4 x $0.00223125 = $0.008925
    assert (s["cost_per_order_usd"], s["cost_usd"]) == (0.002231, 0.008925)


def test_three_items_per_call_beat_five_despite_more_calls():
    s = scenarios(PLAN, "--models", "gpt-4o", "--batch-api", "false")
    three, five = s[("gpt-4o", 3, False)], s[("gpt-4o", 5, False)]
    # b=3: A = 1.020408, input 1.020408 x 144,000 = 146,938.752, output 1.020408 x 117,000 = 119,387.736
    #      (146,938.752 x 2.50 + 119,387.736 x 10) / 1M = $1.56122424
    # b=5: A = 1.175875, input 1.175875 x 96,000 = 112,884, output 1.175875 x 117,000 = 137,577.375
    #      (112,884 x 2.50 + 137,577.375 x 10) / 1M = $1.65798375
    assert (three["calls"], five["calls"]) == (200, 120)
    assert (three["cost_per_order_usd"], five["cost_per_order_usd"]) == (1.561224, 1.657984)
    assert ok_json("estimate", PLAN, "--models", "gpt-4o", "--batch-api", "false")["best"]["batch_size"] == 3


def test_wall_time_names_its_binding_limit():
    s = scenarios(*SMALL, "--latency-s", "1", "--sleep-s", "0", "--tier", "1")[("gpt-4o-mini", 3, False)]
    # 7 attempts x 1 s = 7 s, against 7 / 500 RPM x 60 = 0.84 s and 9,625 tokens / 200,000 TPM x 60 = 2.8875 s
    assert (s["wall_time_s"], s["binding_limit"]) == (7, "latency and sleep")
    s = scenarios(*SMALL, "--latency-s", "0", "--items", "3000", "--tier", "1")[("gpt-4o-mini", 3, False)]
    assert s["binding_limit"] == "tokens per minute"


def test_deadline_and_baseline():
    doc = ok_json("estimate", PLAN, "--deadline", "2")
    assert doc["best"]["batch_api"] is False and doc["best"]["model"] == "gpt-4o-mini"
    result = ok("estimate", PLAN, "--baseline", "model=gpt-4o,batch_size=5,batch_api=false")
    assert "Against the baseline ($1.6580)" in result.stderr


SIZES = "[plan]\nprompt_tokens = 600\nitem_input_tokens = 40\nitem_output_tokens = 195\n"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (SIZES + "items = -5\n[failure_rate]\n1 = 0.01\n", "items = -5"),
        (SIZES + 'items = "many"\n', "items = 'many'"),
        (SIZES + "items = 5\n[candidates]\nbatch_sizes = [4]\n[failure_rate]\n1 = 0.01\n", "no rate for batch size 4"),
        (SIZES + 'items = 5\n[candidates]\nmodels = ["gpt-9"]\n[failure_rate]\n1 = 0.01\n', "no price for 'gpt-9'"),
        (SIZES + "items = 5\n[failure_rate]\n1 = 1.5\n", "failure_rate.1 = 1.5"),
        ("[plan\nitems = 5\n", ":1: not valid TOML"),
        # strict plans: a size left out, or a misspelt key, is an error naming it
        ("[plan]\nitems = 5\nprompt_tokens = 600\nitem_input_tokens = 40\n", "item_output_tokens is missing"),
        (
            SIZES + "items = 5\nitem_ouput_tokens = 195\n",
            ":6: unknown key 'item_ouput_tokens' in [plan] (did you mean item_output_tokens?)",
        ),
        (
            SIZES + "items = 5\n[candidate]\nmodels = ['gpt-4o']\n",
            ":6: unknown section 'candidate' (did you mean candidates?)",
        ),
    ],
)
def test_bad_plans_are_one_line_errors_naming_the_key(tmp_path, text, words):
    path = tmp_path / "plan.toml"
    path.write_text(text)
    result = run("estimate", path)
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {path}:") and words in result.stderr, (
        result.stderr
    )
    assert "Traceback" not in result.output


def test_diff_gates_on_the_cost_per_order(tmp_path):
    base, new = tmp_path / "base.toml", tmp_path / "new.toml"
    common = (
        PLAN.read_text()
        .replace('models = ["gpt-4o", "gpt-4o-mini"]', 'models = ["gpt-4o"]')
        .replace("batch_api = [false, true]", "batch_api = [false]")
    )
    base.write_text(common.replace("batch_sizes = [1, 3, 5, 7]", "batch_sizes = [3]"))
    new.write_text(common.replace("batch_sizes = [1, 3, 5, 7]", "batch_sizes = [5]"))
    doc = ok_json("estimate", "diff", new, base)
    # 1.65798375 -> 1.56122424: -0.09675951, -5.836%
    assert doc["change_per_order_usd"] == -0.09676 and doc["change_pct"] == pytest.approx(-5.8360, abs=1e-4)
    result = run("estimate", "diff", base, new, "--fail-above-pct", "5", "--format", "markdown")
    assert result.exit_code == 3 and "+6.2%" in result.stdout and "above the 5" in result.stderr
    assert run("estimate", "diff", base, new, "--fail-above-pct", "7").exit_code == 0


def test_batch_input_file_priced_sync_and_batch(tmp_path):
    path = tmp_path / "requests.jsonl"
    line = {"custom_id": "r", "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello world"}], "max_tokens": 100}}  # fmt: skip
    path.write_text(json.dumps(line) + "\n" + json.dumps({**line, "custom_id": "s"}) + "\n")
    [row] = ok_json("estimate", path)["models"]
    # 2 requests x 9 prompt tokens = 18; output at most 2 x 100 = 200
    # sync (18 x 0.15 + 200 x 0.60) / 1M = $0.0001227; Batch half = $0.00006135
    assert (row["requests"], row["input_tokens"], row["output_tokens_max"]) == (2, 18, 200)
    assert (exact(row["sync_cost_usd"]), row["batch_files"], row["queue_fits"]) == (Decimal("0.000123"), 1, True)
    del line["body"]["max_tokens"]
    path.write_text(json.dumps(line) + "\n")
    result = run("estimate", path)
    assert result.exit_code == 1 and f"{path}:1: the request sets no max_tokens" in result.stderr
    assert ok_json("estimate", path, "--output-tokens", "50")["models"][0]["output_tokens_max"] == 50


def test_from_store_measures_prompt_output_and_failure_rate(tmp_path):
    import structlog

    from conftest import write_structlog

    events = [{"feature": "report", "model": "gpt-4o", "batch_size": 3, "prompt_tokens": 1000 + 10 * i,
               "completion_tokens": 300 + 30 * i, "status": "ok"} for i in range(8)]  # fmt: skip
    events += [{"feature": "report", "model": "gpt-4o", "batch_size": 3, "prompt_tokens": 1000, "completion_tokens": 900,
                "status": "validation_failed"}] * 2  # fmt: skip
    events += [
        {
            "feature": "report",
            "model": "gpt-4o",
            "batch_size": 3,
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "status_code": 429,
        }
    ]
    ok("ingest", write_structlog(tmp_path / "a.log", structlog.processors.JSONRenderer(), events))
    result = ok("estimate", "--from-store", "report", "--items", "30", "--models", "gpt-4o", "--format", "json")
    plan = json.loads(result.stdout)["plan"]
    # 2 failed of 10 billed attempts (the 429 is not billed): 0.2, at the one size measured and, assumed, beside it
    # successful inputs 1000..1070 in steps of 10: mean 1035
    # output per item 100..170 in steps of 10: mean 135
    assert (plan["failure_rate"], plan["prompt_tokens"], plan["item_output_tokens"]) == (
        {"2": 0.2, "3": 0.2, "4": 0.2},
        1035,
        135,
    )
    assert plan["batch_sizes"] == [2, 3, 4] and plan["batch_api"] == [False, True]
    assert "Measured from 10 calls of report" in result.stderr and "Sizes 2 and 4 have no calls" in result.stderr
    assert run("estimate", "--from-store", "nothing").exit_code == 1


def test_long_context_rates_are_per_request_in_plans_and_batch_files(tmp_path):
    # gpt-5.4 bills a request above 272k input at 5 / 22.5: 400,000 x 5 + 1,000 x 22.5 = 2,022,500 per 1M
    doc = json.loads(ok("estimate", "--models", "gpt-5.4-2026-03-05", "--prompt-tokens", "400000", "--items", "1",
                        "--item-input-tokens", "0",
                        "--item-output-tokens", "1000", "--failure-rate", "1=0", "-f", "json").stdout)  # fmt: skip
    assert Decimal(str(doc["scenarios"][0]["cost_per_order_usd"])) == Decimal("2.0225")
    # 300 small requests of one word each never reach 272k, though together they do not either: each is billed at
    # 2.50 in and 15 out; a message costs 3 + its role "user" (1) + "hi" (1), plus 3 to prime the reply = 8 tokens
    path = tmp_path / "requests.jsonl"
    line = {
        "custom_id": "r",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": "gpt-5.4-2026-03-05", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 1000},
    }
    path.write_text("".join(json.dumps({**line, "custom_id": f"r{i}"}) + "\n" for i in range(300)))
    [row] = json.loads(ok("estimate", path, "-f", "json").stdout)["models"]
    assert row["input_tokens"] == 300 * 8
    # 2,400 x 2.50 + 300 x 1,000 x 15 = 6,000 + 4,500,000 = 4,506,000 per 1M
    assert Decimal(str(row["sync_cost_usd"])) == Decimal("4.506")


# --- Batch plans as they are run -----------------------------------------------------------------------------------


def thirty_orders(*more: str) -> dict:
    return scenarios(PLAN, "--models", "gpt-4o", "--orders", "30", "--tier", "2", *more)


def test_thirty_orders_at_tier_2_queue_one_order_per_window_and_batch_is_best():
    s = thirty_orders()
    batch, sync = s[("gpt-4o", 3, True)], s[("gpt-4o", 3, False)]
    # one order's Batch input: 200 calls x 600 + 600 items x 40 = 144,000 tokens, within tier 2's queue of 1,350,000
    # one order a window (orders run one after another): 30 windows, then 200 x 0.02 = 4 calls still to retry
    # (200 x 0.0004 = 0.08 after that: no third round) -> 31 windows of up to 24 h = 744 h
    assert (batch["queue_fits"], batch["submissions"], batch["wall_time_s"]) == (True, 31, 744 * 3600)
    # cost: half of 30 x $1.56122424 = $23.4183636; synchronous $46.8367272
    assert (batch["cost_usd"], sync["cost_usd"]) == (23.418364, 46.836727)
    # synchronous, one order after another: 30 x 200 x 1.020408 attempts x (20 s + 2 s) = 134,693.856 s
    assert (sync["wall_time_s"], sync["binding_limit"]) == (134693.856, "latency and sleep")
    assert ok_json("estimate", PLAN, "--models", "gpt-4o", "--orders", "30", "--tier", "2")["best"]["batch_api"] is True


def test_a_deadline_picks_the_cheapest_plan_that_meets_it():
    # within 48 h only the synchronous run (37.4 h) finishes: its cheapest batch size is 3, $46.8367
    best = ok_json("estimate", PLAN, "--models", "gpt-4o", "--orders", "30", "--tier", "2", "--deadline", "48")["best"]
    assert (best["batch_api"], best["batch_size"], best["cost_usd"]) == (False, 3, 46.836727)
    # nine orders at a time: the queue holds floor(1,350,000 / 144,000) = 9 orders a window -> ceil(30 / 9) = 4
    # windows + 1 for retries = 5 x 24 h = 120 h: Batch meets a 120 h deadline
    doc = ok_json("estimate", PLAN, "--models", "gpt-4o", "--orders", "30", "--tier", "2", "--deadline", "120",
                  "--parallel-orders", "9")  # fmt: skip
    assert (doc["best"]["batch_api"], doc["best"]["submissions"], doc["best"]["wall_time_s"]) == (True, 5, 120 * 3600)
    # and synchronous with nine at a time: 4 waves x 4,489.7952 s = 17,959.1808 s
    sync = {(r["batch_size"], r["batch_api"]): r for r in doc["scenarios"]}[(3, False)]
    assert sync["wall_time_s"] == 17959.1808 and "9 orders at a time" in sync["schedule"]
    # more at once than the queue holds: still nine a window
    wide = thirty_orders("--parallel-orders", "20")[("gpt-4o", 3, True)]
    assert wide["submissions"] == 5 and wide["schedule"].startswith("9 orders per window")


def test_an_order_no_queue_holds_is_out_with_the_reason():
    s = scenarios(PLAN, "--models", "gpt-4o", "--tier", "1")
    # tier 1's queue is 90,000 tokens; one order at 3 per call is 144,000: tier 2 (1,350,000) would hold it
    assert s[("gpt-4o", 3, True)]["out"] == ("one order's Batch input (144,000 tokens) is more than tier 1's queue "
                                             "(90,000); tier 2 would hold it")  # fmt: skip
    huge = scenarios("--items", "1000000", "--prompt-tokens", "10000", "--item-input-tokens", "0", "--item-output-tokens",
                     "1", "--batch-sizes", "1", "--failure-rate", "1=0", "--models", "gpt-4o", "--batch-api", "true",
                     "--tier", "5")[("gpt-4o", 1, True)]  # fmt: skip
    # 1,000,000 x 10,000 = 10,000,000,000 tokens: more than tier 5's 5,000,000,000
    assert "no usage tier holds it" in huge["out"] and huge["wall_time_s"] is None
    assert run("estimate", "--items", "1000000", "--prompt-tokens", "10000", "--item-input-tokens", "0",
               "--item-output-tokens", "1", "--batch-sizes", "1", "--failure-rate", "1=0", "--models", "gpt-4o",
               "--batch-api", "true", "--tier", "5").stderr.count("Warning: no scenario can run") == 1  # fmt: skip


CACHED = ["--items", "10", "--prompt-tokens", "3000", "--item-input-tokens", "0", "--item-output-tokens", "100",
          "--batch-sizes", "1", "--failure-rate", "1=0", "--max-retries", "0", "--cached-prefix-tokens", "2048"]  # fmt: skip


def test_batch_caches_where_the_catalog_lists_a_batch_cached_price():
    s = scenarios(*CACHED, "--models", "gpt-5", "--batch-api", "true")[("gpt-5", 1, True)]
    # 10 calls: input 30,000; the first writes the 2,048-token prefix, the other 9 read it: 18,432 cached
    # gpt-5 Batch: 0.625 in (and write: no write price of its own), 0.0625 cached, 5 out
    # (30,000 - 18,432 - 2,048) x 0.625 + 18,432 x 0.0625 + 2,048 x 0.625 + 1,000 x 5
    # = 5,950 + 1,152 + 1,280 + 5,000 = 13,382 per 1M
    assert (s["cached_input_tokens"], s["cache_write_tokens"], s["cost_per_order_usd"]) == (18432, 2048, 0.013382)


def test_the_cache_write_charge_of_a_model_that_bills_writes_is_counted():
    s = scenarios(*CACHED, "--models", "gpt-6-astra")[("gpt-6-astra", 1, False)]
    # gpt-6-astra: 10 in, 1 cached, 12.5 a written token, 50 out
    # 9,520 x 10 + 18,432 x 1 + 2,048 x 12.5 + 1,000 x 50 = 95,200 + 18,432 + 25,600 + 50,000 = 189,232 per 1M
    assert s["cost_per_order_usd"] == 0.189232


def test_from_store_prices_the_measured_means_and_cached_share_and_says_it_agrees_with_history(tmp_path):
    import structlog

    from conftest import write_structlog

    # a skewed feature: nine answers of 100 tokens, one of 1,000 (median 100, mean 190); half of each prompt cached
    events = [{"feature": "digest", "model": "gpt-4o-mini", "batch_size": 1, "prompt_tokens": 1000,
               "completion_tokens": 1000 if i == 9 else 100, "prompt_tokens_details": {"cached_tokens": 500},
               "status": "ok", "timestamp": f"2026-11-02T10:00:{i:02d}Z"} for i in range(10)]  # fmt: skip
    ok("ingest", write_structlog(tmp_path / "d.log", structlog.processors.JSONRenderer(), events))
    result = ok("estimate", "--from-store", "digest", "--items", "10", "-f", "json")
    doc = json.loads(result.stdout)
    plan = doc["plan"]
    assert (plan["prompt_tokens"], plan["item_output_tokens"], plan["cached_share"]) == (1000, 190, 0.5)
    assert plan["models"] == ["gpt-4o-mini-2024-07-18"] and plan["batch_api"] == [False, True]
    # the store: each call 500 x 0.15 + 500 x 0.075 = 112.5 of input, and 1,900 output tokens x 0.60 = 1,140 in all:
    # (10 x 112.5 + 1,140) / 1M / 10 calls = $0.0002265 a call. The plan at 1 per call: input 10,000 (5,000 cached),
    # output 1,900: 750 + 375 + 1,140 = 2,265 per 1M, over 10 calls the same $0.0002265 (6 decimals, half to even)
    assert "Measured $0.000226 per call of digest in the store; this plan $0.000226 per call" in result.stderr
    assert "(+0.0%)" in result.stderr
