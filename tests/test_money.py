"""Money on every line of the bill: tiers, dated prices, fine-tunes, every usage endpoint, audio and image tokens,
LiteLLM's price map and prompts with tools. Every figure is worked out by hand in the test from PRICES.md."""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import pytest
import structlog

from conftest import ok, ok_json, run, write_structlog
from costcap import prices
from costcap.store import SCHEMA_VERSION
from costcap.tokens import encoding  # tiktoken's own encoder, from the file shipped offline

JSON = structlog.processors.JSONRenderer()
M = Decimal(1_000_000)


def call(model: str, day: str, prompt: int, completion: int, **more) -> dict:
    return {"feature": "f", "model": model, "prompt_tokens": prompt, "completion_tokens": completion,
            "request_id": f"{model}-{day}-{more.get('service_tier', '')}", "timestamp": f"{day}T10:00:00Z", **more}  # fmt: skip


def attributed(tmp_path: Path, *events: dict) -> dict:
    log = write_structlog(tmp_path / "calls.log", JSON, list(events))
    return ok_json("audit", log)


def usd(doc: dict) -> Decimal:
    return Decimal(str(doc["attributed"]["cost_usd"]))


# --- service tiers -------------------------------------------------------------------------------------------------


def test_a_fast_call_bills_at_priority_rates(tmp_path):
    # gpt-4o-2024-08-06 priority (= Fast since 2026-07-30): 4.25 in / 17 out. 1,000 x 4.25 + 100 x 17 = 5,950 / 1M
    doc = attributed(tmp_path, call("gpt-4o-2024-08-06", "2026-11-02", 1000, 100, service_tier="fast"))
    assert usd(doc) == Decimal("0.00595")


def test_an_unknown_tier_bills_at_standard_and_is_named(tmp_path):
    # standard gpt-4o-2024-08-06: 1,000 x 2.50 + 100 x 10 = 3,500 / 1M
    log = write_structlog(tmp_path / "calls.log", JSON, [call("gpt-4o-2024-08-06", "2026-11-02", 1000, 100,
                                                              service_tier="incentivized-tier")])  # fmt: skip
    result = ok("audit", log, "--format", "json")
    doc = json.loads(result.stdout)
    assert usd(doc) == Decimal("0.0035")
    assert doc["unknown_service_tiers"] == ["incentivized-tier"]
    assert "incentivized-tier" in result.stderr and "standard" in result.stderr


def test_ultrafast_has_its_own_rates_or_none(tmp_path):
    # gpt-6-astra ultrafast (LiteLLM): 60 in / 300 out. 1,000 x 60 + 100 x 300 = 90,000 / 1M = $0.09
    doc = attributed(tmp_path, call("gpt-6-astra", "2026-11-02", 1000, 100, service_tier="ultrafast"),
                     call("gpt-5.6-sol", "2026-11-02", 1000, 100, service_tier="ultrafast"))  # fmt: skip
    assert usd(doc) == Decimal("0.09")
    assert doc["unpriced"] == {"calls": 1, "models": ["gpt-5.6-sol"]}  # no Ultrafast rate is published for Sol


# --- dated prices and fine-tunes ----------------------------------------------------------------------------------


def test_gpt_5_6_luna_before_and_after_the_cut(tmp_path):
    # launch (until 2026-07-30): 1 in / 6 out: 10,000 x 1 + 1,000 x 6 = 16,000 / 1M = $0.016
    before = attributed(tmp_path, call("gpt-5.6-luna", "2026-07-15", 10_000, 1_000))
    # from 2026-07-30: 0.20 / 1.20: 10,000 x 0.2 + 1,000 x 1.2 = 3,200 / 1M = $0.0032
    after = attributed(tmp_path, call("gpt-5.6-luna", "2026-08-01", 10_000, 1_000))
    assert (usd(before), usd(after)) == (Decimal("0.016"), Decimal("0.0032"))


def test_a_fine_tuned_gpt_4o_mini_call_bills_at_fine_tuned_rates(tmp_path):
    # ft:gpt-4o-mini-2024-07-18: 0.30 in / 0.15 cached / 1.20 out. 800 x 0.3 + 200 x 0.15 + 100 x 1.2 = 390 / 1M
    doc = attributed(
        tmp_path, call("ft:gpt-4o-mini-2024-07-18:acme::tags01", "2026-11-02", 1000, 100, cached_tokens=200)
    )
    assert usd(doc) == Decimal("0.00039")
    assert doc["unpriced"]["calls"] == 0


# The rates this change added or dated, typed from PRICES.md (input, cached, output, cache write) on a day.
CHANGED_RATES = [
    ("gpt-5.6-sol", "2026-08-01", "default", ("5", "0.5", "30", "6.25")),
    ("gpt-5.6-sol", "2026-08-21", "default", ("4", "0.4", "20", "5")),
    ("gpt-5.6", "2026-07-01", "default", ("5", "0.5", "30", "6.25")),
    ("gpt-5.6-terra", "2026-07-29", "default", ("2.5", "0.25", "15", "3.125")),
    ("gpt-5.6-terra", "2026-07-30", "default", ("2", "0.2", "12", "2.5")),
    ("gpt-5.6-luna", "2026-07-29", "default", ("1", "0.1", "6", "1.25")),
    ("gpt-5.6-luna", "2026-07-30", "default", ("0.2", "0.02", "1.2", "0.25")),
    ("gpt-5.6-sol", "2026-11-01", "flex", ("2", "0.2", "10", "2.5")),  # writes follow the tier: 2.5 flex
    ("gpt-5.6-sol", "2026-11-01", "priority", ("8", "0.8", "40", "10")),
    ("gpt-6-astra", "2026-11-01", "ultrafast", ("60", "6", "300", "75")),
    ("gpt-6.1-sol", "2026-11-01", "ultrafast", ("12", "0.6", "60", "15")),
    ("ft:gpt-4o-2024-08-06", "2026-11-01", "default", ("3.75", "1.875", "15", "3.75")),
    ("ft:gpt-4o-2024-08-06", "2026-11-01", "batch", ("2.225", "0.9", "12.5", "2.225")),
    ("ft:gpt-4.1-2025-04-14", "2026-11-01", "default", ("3", "0.75", "12", "3")),
    ("ft:o4-mini-2025-04-16", "2026-11-01", "default", ("4", "1", "16", "4")),
    ("ft:gpt-3.5-turbo-0125", "2026-11-01", "default", ("3", "3", "6", "3")),
    ("chatgpt-4o-latest", "2026-11-01", "default", ("5", "5", "15", "5")),
    ("o1-preview", "2026-11-01", "default", ("15", "7.5", "60", "15")),
    ("gpt-4.5-preview-2025-02-27", "2026-11-01", "default", ("75", "37.5", "150", "75")),
    ("codex-mini-latest", "2026-11-01", "default", ("1.5", "0.375", "6", "1.5")),
    ("omni-moderation-latest", "2026-11-01", "default", ("0", "0", "0", "0")),
]


@pytest.mark.parametrize(("model", "day", "tier", "expected"), CHANGED_RATES)
def test_each_changed_rate_matches_prices_md(model, day, tier, expected):
    from datetime import date

    r = prices.catalog().rates(model, date.fromisoformat(day), tier)
    assert (r.input, r.cached_input, r.output, r.cache_write) == tuple(Decimal(v) for v in expected)


def test_long_context_of_the_launch_period_per_request():
    from datetime import date

    # gpt-5.6-sol at launch, above 272k: 10 / 1 / 45, write 12.5 (PRICES.md 2.2)
    r = prices.catalog().rates("gpt-5.6-sol", date(2026, 7, 1)).for_prompt(300_000)
    assert (r.input, r.cached_input, r.output, r.cache_write) == (Decimal(10), Decimal(1), Decimal(45), Decimal("12.5"))


# Ids a 2026 usage export plausibly holds: chat snapshots and aliases, fine-tunes, audio, realtime, search, image,
# speech, transcription, embeddings and moderation models, and legacy ids still seen.
EXPORT_IDS = [
    "gpt-4o",
    "gpt-4o-2024-05-13",
    "gpt-4o-2024-08-06",
    "gpt-4o-2024-11-20",
    "gpt-4o-mini",
    "gpt-4o-mini-2024-07-18",
    "chatgpt-4o-latest",
    "gpt-4.1",
    "gpt-4.1-2025-04-14",
    "gpt-4.1-mini",
    "gpt-4.1-mini-2025-04-14",
    "gpt-4.1-nano",
    "gpt-4.1-nano-2025-04-14",
    "gpt-4-turbo",
    "gpt-4",
    "gpt-3.5-turbo",
    "gpt-3.5-turbo-0125",
    "o1",
    "o1-mini",
    "o1-preview",
    "o1-pro",
    "o3",
    "o3-mini",
    "o3-pro",
    "o4-mini",
    "o3-deep-research",
    "o4-mini-deep-research",
    "gpt-4.5-preview",
    "codex-mini-latest",
    "computer-use-preview",
    "gpt-5",
    "gpt-5-2025-08-07",
    "gpt-5-mini",
    "gpt-5-nano",
    "gpt-5-pro",
    "gpt-5-codex",
    "gpt-5-chat-latest",
    "gpt-5.1",
    "gpt-5.1-codex",
    "gpt-5.2",
    "gpt-5.2-pro",
    "gpt-5.4",
    "gpt-5.4-mini",
    "gpt-5.4-nano",
    "gpt-5.4-pro",
    "gpt-5.5",
    "gpt-5.5-pro",
    "gpt-5.6",
    "gpt-5.6-sol",
    "gpt-5.6-terra",
    "gpt-5.6-luna",
    "gpt-6-astra",
    "gpt-6-sol",
    "gpt-6-luna",
    "gpt-6.1-sol",
    "gpt-6.1-terra",
    "ft:gpt-4o-mini-2024-07-18:acme::tags01",
    "ft:gpt-4o-2024-08-06:acme:x:1",
    "ft:gpt-4.1-mini-2025-04-14:acme::2",
    "ft:gpt-3.5-turbo-0125:acme::3",
    "gpt-realtime",
    "gpt-realtime-mini",
    "gpt-4o-realtime-preview",
    "gpt-4o-mini-realtime-preview",
    "gpt-audio",
    "gpt-audio-mini",
    "gpt-4o-audio-preview",
    "gpt-4o-search-preview",
    "gpt-4o-mini-search-preview",
    "gpt-5-search-api",
    "gpt-image-1",
    "gpt-image-1-mini",
    "gpt-image-1.5",
    "gpt-image-2",
    "dall-e-2",
    "dall-e-3",
    "tts-1",
    "tts-1-hd",
    "gpt-4o-mini-tts",
    "whisper-1",
    "gpt-4o-transcribe",
    "gpt-4o-mini-transcribe",
    "text-embedding-3-small",
    "text-embedding-3-large",
    "text-embedding-ada-002",
    "omni-moderation-latest",
    "text-moderation-latest",
]


def test_the_catalog_prices_95_percent_of_the_ids_an_export_holds():
    from datetime import date

    catalog = prices.catalog()
    unpriced = [m for m in EXPORT_IDS if catalog.period(m, date(2026, 11, 1)) is None]
    assert len(EXPORT_IDS) >= 85
    assert 1 - len(unpriced) / len(EXPORT_IDS) >= 0.95, unpriced


def test_prices_shows_every_rate_of_a_model():
    rows = ok_json("prices", "gpt-6-astra", "--at", "2026-11-01")
    found = {(r["tier"], r["rate"]): r["usd"] for r in rows["rows"]} if isinstance(rows, dict) else \
        {(r["tier"], r["rate"]): r["usd"] for r in rows}  # fmt: skip
    assert found[("ultrafast", "output")] == 300
    assert found[("priority", "cache write")] == 25  # 12.5 x 2
    assert found[("default", "over 272,000 input: output")] == 75
    tts = ok_json("prices", "tts-1")
    assert [(r["rate"], r["usd"], r["per"]) for r in (tts["rows"] if isinstance(tts, dict) else tts)] == [
        ("character", 0.000015, "unit")]  # fmt: skip


# --- usage of every endpoint ---------------------------------------------------------------------------------------

DAY = 1793577600  # 2026-11-02T00:00:00Z


def usage_page(*results: dict, start: int = DAY) -> str:
    bucket = {"object": "bucket", "start_time": start, "end_time": start + 86400, "results": list(results)}
    return json.dumps({"object": "page", "data": [bucket], "has_more": False, "next_page": None})


COMPLETIONS = {"object": "organization.usage.completions.result", "input_tokens": 1_000_000, "output_tokens": 100_000,
               "input_cached_tokens": 0, "num_model_requests": 40, "model": "gpt-4o-mini-2024-07-18", "batch": False,
               "project_id": None, "user_id": None, "api_key_id": None}  # fmt: skip
WEB_SEARCH = {"object": "organization.usage.web_searches.result", "num_model_requests": 40, "num_requests": 8,
              "context_level": "medium", "model": "gpt-4o-mini-2024-07-18", "api_source": None, "project_id": None,
              "user_id": None, "api_key_id": None}  # fmt: skip


def test_a_web_search_page_and_a_completions_page_of_one_day_are_both_kept(tmp_path):
    (tmp_path / "completions.json").write_text(usage_page(COMPLETIONS))
    (tmp_path / "web_search.json").write_text(usage_page(WEB_SEARCH))
    stored = ok_json("ingest", tmp_path / "completions.json", tmp_path / "web_search.json")
    assert [f["duplicates"] for f in stored["files"]] == [0, 0]
    doc = ok_json("audit")
    # chat: 1M x 0.15 + 100k x 0.60 = 0.15 + 0.06 = $0.21; web search: 8 calls x $0.01 = $0.08
    assert Decimal(str(doc["billed"]["cost_usd"])) == Decimal("0.29")
    lines = {r["line_item"]: (r["cost_usd"], r["attributable"]) for r in doc["billed"]["by_line_item"]}
    assert lines == {"chat and responses tokens": (0.21, True), "web search calls": (0.08, False)}
    # no log explains the $0.08 of tool calls: unattributed is the chat spend only
    assert doc["billed"]["not_attributable_usd"] == 0.08 and doc["unattributed_usd"] == 0.21


def test_every_endpoint_is_priced_in_its_unit(tmp_path):
    results = [
        {"object": "organization.usage.embeddings.result", "input_tokens": 1_840_000, "num_model_requests": 312,
         "model": "text-embedding-3-small"},  # 1.84M x 0.02 = $0.0368
        {"object": "organization.usage.moderations.result", "input_tokens": 500_000, "num_model_requests": 9,
         "model": "omni-moderation-latest"},  # free
        {"object": "organization.usage.images.result", "images": 18, "num_model_requests": 17, "size": "1024x1024",
         "source": "image.generation", "model": "dall-e-2"},  # 18 x $0.02 = $0.36
        {"object": "organization.usage.audio_speeches.result", "characters": 48_210, "num_model_requests": 57,
         "model": "tts-1"},  # 48,210 x $15 / 1M = $0.72315
        {"object": "organization.usage.audio_transcriptions.result", "seconds": 600, "num_model_requests": 3,
         "model": "whisper-1"},  # 600 s x $0.0001 = $0.06
        {"object": "organization.usage.vector_stores.result", "usage_bytes": 3 * 2**30, "project_id": "proj_Q7f"},
        # 3 GiB for one day, first GiB free: 2 GB-days x $0.10 = $0.20
        {"object": "organization.usage.code_interpreter_sessions.result", "num_sessions": 4},  # 4 x $0.03 = $0.12
        {"object": "organization.usage.file_searches.result", "num_requests": 100},  # 100 x $0.0025 = $0.25
    ]  # fmt: skip
    (tmp_path / "pages.json").write_text(usage_page(*results))
    stored = ok_json("ingest", tmp_path / "pages.json")["files"][0]
    assert stored["rows"] == 8 and stored["unpriced"] == 0
    # 0.0368 + 0 + 0.36 + 0.72315 + 0.06 + 0.20 + 0.12 + 0.25
    assert Decimal(stored["spend_usd_exact"]) == Decimal("1.74995")


def test_an_image_size_without_a_price_is_unpriced_not_zero(tmp_path):
    image = {"object": "organization.usage.images.result", "images": 5, "num_model_requests": 5, "size": "1024x1792",
             "source": "image.generation", "model": "dall-e-3"}  # fmt: skip
    (tmp_path / "pages.json").write_text(usage_page(image))
    stored = ok_json("ingest", tmp_path / "pages.json")["files"][0]
    assert stored["unpriced"] == 1 and stored["unpriced_models"] == ["dall-e-3"]


USAGE_HEADER = (
    "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,"
    "service_tier,compute_units,input_tokens,output_tokens,input_cached_tokens,input_cache_write_tokens,"
    "input_uncached_tokens,input_text_tokens,output_text_tokens,input_cached_text_tokens,input_audio_tokens,"
    "input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,output_image_tokens\n"
)


def test_audio_tokens_bill_at_audio_rates(tmp_path):
    # gpt-realtime: 100,000 input of which 60,000 uncached audio, 20,000 output of which 15,000 audio.
    # text in 40,000 x 4 + audio in 60,000 x 32 + text out 5,000 x 16 + audio out 15,000 x 64
    # = 160,000 + 1,920,000 + 80,000 + 960,000 = 3,120,000 / 1M = $3.12 (at text rates it would be $0.72)
    row = (f"{DAY},{DAY + 86400},,,proj_a,10.0,,key_a,gpt-realtime-2025-08-28,False,default,,100000.0,20000.0,0.0,0.0,"
           "100000.0,40000.0,5000.0,0.0,60000.0,0.0,15000.0,0.0,0.0,0.0\n")  # fmt: skip
    (tmp_path / "completions_usage_2026-11-02_2026-11-02.csv").write_text(USAGE_HEADER + row)
    stored = ok_json("ingest", tmp_path / "completions_usage_2026-11-02_2026-11-02.csv")["files"][0]
    assert Decimal(stored["spend_usd_exact"]) == Decimal("3.12")


def test_audio_tokens_of_a_model_without_audio_rates_are_unpriced(tmp_path):
    row = (f"{DAY},{DAY + 86400},,,proj_a,10.0,,key_a,gpt-4o-mini-2024-07-18,False,default,,100000.0,20000.0,0.0,0.0,"
           "100000.0,40000.0,5000.0,0.0,60000.0,0.0,15000.0,0.0,0.0,0.0\n")  # fmt: skip
    (tmp_path / "completions_usage_x.csv").write_text(USAGE_HEADER + row)
    stored = ok_json("ingest", tmp_path / "completions_usage_x.csv")["files"][0]
    assert stored["unpriced"] == 1


def test_per_capability_exports_are_read_by_their_name(tmp_path):
    header = "start_time,end_time,start_time_iso,end_time_iso,project_id,user_id,api_key_id,model,num_model_requests,input_tokens\n"
    (tmp_path / "embeddings_usage_2026-11-02_2026-11-02.csv").write_text(
        header + f"{DAY},{DAY + 86400},,,proj_a,,,text-embedding-3-large,4.0,2000000.0\n"
    )  # 2M x 0.13 = $0.26
    (tmp_path / "images_usage_2026-11-02_2026-11-02.csv").write_text(
        "start_time,end_time,project_id,model,num_model_requests,size,source,images\n"
        f"{DAY},{DAY + 86400},proj_a,dall-e-2,3.0,512x512,image.generation,3.0\n"
    )  # 3 x $0.018 = $0.054
    doc = ok_json("ingest", tmp_path, "--skip-bad")
    spend = {Path(f["file"]).name.split("_usage")[0]: Decimal(f["spend_usd_exact"]) for f in doc["files"]}
    assert spend == {"embeddings": Decimal("0.26"), "images": Decimal("0.054")}


def test_an_ungrouped_page_leaves_billed_unknown_with_the_fix(tmp_path):
    ungrouped = {**COMPLETIONS, "model": None, "batch": None}
    (tmp_path / "page.json").write_text(usage_page(ungrouped))
    result = ok("audit", tmp_path / "page.json", "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["billed"]["cost_usd"] is None and doc["billed"]["unknown_days"] == ["2026-11-02"]
    finding = next(f for f in doc["findings"] if f["kind"] == "ungrouped_usage")
    assert "group_by=model" in finding["fix"] and "None" not in result.stderr


# --- LiteLLM's price map -------------------------------------------------------------------------------------------

# Entries with LiteLLM's real key names and values (litellm 1.110.2 model_prices_and_context_window_backup.json).
LITELLM = {
    "sample_spec": {"input_cost_per_token": 0, "output_cost_per_token": 0, "litellm_provider": "one of the providers"},
    "gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06,
               "input_cost_per_token_batches": 1.25e-06, "output_cost_per_token_batches": 5e-06,
               "input_cost_per_token_priority": 4.25e-06, "output_cost_per_token_priority": 1.7e-05,
               "litellm_provider": "openai", "mode": "chat"},
    "gpt-5.4": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 2.5e-07,
                "input_cost_per_token_above_272k_tokens": 5e-06, "output_cost_per_token_above_272k_tokens": 2.25e-05,
                "cache_read_input_token_cost_above_272k_tokens": 5e-07, "litellm_provider": "openai", "mode": "chat"},
    "gpt-audio": {"input_cost_per_audio_token": 3.2e-05, "input_cost_per_token": 2.5e-06, "litellm_provider": "openai",
                  "mode": "chat", "output_cost_per_audio_token": 6.4e-05, "output_cost_per_token": 1e-05},
    "tts-1": {"input_cost_per_character": 1.5e-05, "litellm_provider": "openai", "mode": "audio_speech"},
    "azure_ai/gpt-image-2": {"input_cost_per_token": 5e-06, "litellm_provider": "azure_ai", "mode": "image_generation"},
    "claude-sonnet-4-6": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "litellm_provider": "anthropic"},
    "gpt-4o-transcribe-preview": {"input_cost_per_token": 2.5e-06, "litellm_provider": "openai", "mode": "audio_transcription"},
}  # fmt: skip


def test_litellm_map_loads_with_the_dated_history_intact(tmp_path):
    path = tmp_path / "model_prices_and_context_window.json"
    path.write_text(json.dumps(LITELLM))
    # a 2024-09 call of gpt-4o bills at the 2024-05-13 snapshot: 1,000 x 5 + 100 x 15 = 6,500 / 1M = $0.0065
    log = write_structlog(tmp_path / "calls.log", JSON, [call("gpt-4o", "2024-09-10", 1000, 100)])
    result = ok("audit", log, "--prices", str(path), "--format", "json")
    assert usd(json.loads(result.stdout)) == Decimal("0.0065")
    note = next(line for line in result.stderr.splitlines() if "loaded" in line)
    assert "loaded 4 OpenAI prices" in note and "skipped 3" in note and "other providers" in note
    assert "no input or output price" in note and "dated price history" in result.stderr
    # the file's >272k rates and audio rates are used, not dropped
    rows = ok_json("prices", "gpt-5.4", "--prices", str(path))
    rates = {(r["tier"], r["rate"]): r["usd"] for r in (rows["rows"] if isinstance(rows, dict) else rows)}
    assert rates[("default", "over 272,000 input: output")] == 22.5
    audio = ok_json("prices", "gpt-audio", "--prices", str(path))
    rates = {(r["tier"], r["rate"]): r["usd"] for r in (audio["rows"] if isinstance(audio, dict) else audio)}
    assert rates[("default", "audio output")] == 64


def test_a_price_file_with_no_usable_entry_is_an_error(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"claude-sonnet-4-6": LITELLM["claude-sonnet-4-6"]}))
    result = run("prices", "--prices", str(path))
    assert result.exit_code == 1 and "no OpenAI price" in result.stderr


def test_costcap_toml_names_a_price_file_for_every_command(tmp_path):
    (tmp_path / "mine.json").write_text(
        json.dumps({"models": [{"model": "my-model", "prices": [{"input": "1", "output": "2"}]}]})
    )
    Path("costcap.toml").write_text('[prices]\nfile = "%s"\n' % (tmp_path / "mine.json"))
    assert ok_json("prices", "my-model")
    counted = ok_json("tokens", "hello", "--model", "gpt-4o")
    assert counted["tokens"] == 1


@pytest.mark.skipif(importlib.util.find_spec("litellm") is None, reason="litellm is not installed")
def test_litellm_full_map_from_the_package(tmp_path):
    import litellm

    path = Path(litellm.__file__).parent / "model_prices_and_context_window_backup.json"
    catalog = prices.load_file(path)
    assert catalog.periods and catalog.notes


# --- prompts with tools, Responses instructions and embeddings inputs ---------------------------------------------

WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_current_weather", "description": "Get the current weather in a given location",
    "parameters": {"type": "object", "properties": {
        "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
        "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}},
        "required": ["location"]}}}  # fmt: skip
WEATHER_MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant that can answer to questions about the weather."},
    {"role": "user", "content": "What's the weather like in San Francisco?"},
]


def test_tools_are_counted_by_the_cookbook_rule(tmp_path):
    # the OpenAI cookbook's example: 101 prompt tokens on gpt-4o, as its rule and the API both give
    (tmp_path / "body.json").write_text(
        json.dumps({"model": "gpt-4o", "messages": WEATHER_MESSAGES, "tools": [WEATHER_TOOL]})
    )
    assert ok_json("tokens", "--messages", str(tmp_path / "body.json"), "--model", "gpt-4o")["tokens"] == 101


def test_responses_instructions_and_embeddings_lists_are_counted(tmp_path):
    enc = encoding("o200k_base")
    body = {
        "model": "gpt-4o",
        "instructions": "Answer in French.",
        "input": [{"role": "user", "content": "Hello there"}],
    }
    (tmp_path / "body.json").write_text(json.dumps(body))
    # two messages (developer instructions, user): 3 each + role + text, plus 3 to prime the reply
    expected = 3 + 3 + sum(len(enc.encode(t)) for t in ("developer", "Answer in French.", "user", "Hello there")) + 3
    assert ok_json("tokens", "--messages", str(tmp_path / "body.json"))["tokens"] == expected
    texts = ["first text to embed", "a second, longer text to embed"]
    (tmp_path / "embed.json").write_text(json.dumps({"model": "text-embedding-3-small", "input": texts}))
    cl100k = encoding("cl100k_base")
    counted = ok_json("tokens", "--messages", str(tmp_path / "embed.json"), "--model", "text-embedding-3-small")
    assert counted["tokens"] == sum(len(cl100k.encode(t)) for t in texts)


def test_image_parts_are_named_as_not_counted(tmp_path):
    body = {"messages": [{"role": "user", "content": [{"type": "text", "text": "what is this"},
                                                      {"type": "image_url", "image_url": {"url": "https://x"}}]}]}  # fmt: skip
    (tmp_path / "body.json").write_text(json.dumps(body))
    result = ok("tokens", "--messages", str(tmp_path / "body.json"), "--format", "json")
    assert json.loads(result.stdout)["uncounted"] == ["image_url"] and "lower bound" in result.stderr


def test_a_version_2_store_gains_the_endpoint_columns(tmp_path):
    import duckdb

    (tmp_path / "page.json").write_text(usage_page(COMPLETIONS))
    ok("ingest", tmp_path / "page.json")
    con = duckdb.connect("costcap.duckdb")
    for column in ("endpoint", "audio_input_tokens", "quantity", "unit", "detail"):
        con.execute(f"ALTER TABLE usage DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    # a read command does not upgrade it: it says how
    said = run("audit")
    assert said.exit_code == 1 and "Run any `costcap ingest` on it once to upgrade it" in said.stderr
    (tmp_path / "more.json").write_text(usage_page(WEB_SEARCH))
    ok("ingest", tmp_path / "more.json")  # a write does, and the old rows are completions
    doc = ok_json("audit")
    assert Decimal(str(doc["billed"]["cost_usd"])) == Decimal("0.29")
    con = duckdb.connect("costcap.duckdb", read_only=True)
    assert con.execute("SELECT endpoint, value FROM usage, meta WHERE key = 'schema_version' AND source_id = 1"
                       ).fetchall() == [("completions", str(SCHEMA_VERSION))]  # fmt: skip
    con.close()


def test_a_logged_audio_call_bills_its_audio_tokens_at_audio_rates(tmp_path):
    # gpt-audio: text 2.50 in / 10 out, audio 32 in / 64 out. 1,000 prompt tokens of which 600 audio, 200 completion
    # tokens of which 150 audio: 400 x 2.5 + 600 x 32 + 50 x 10 + 150 x 64 = 1,000 + 19,200 + 500 + 9,600 = 30,300 / 1M
    audio = {"prompt_tokens_details": {"audio_tokens": 600}, "completion_tokens_details": {"audio_tokens": 150}}
    doc = attributed(tmp_path, call("gpt-audio", "2026-11-02", 1000, 200, **audio),
                     call("gpt-4o-2024-08-06", "2026-11-03", 1000, 200, **audio))  # fmt: skip
    assert usd(doc) == Decimal("0.0303")
    assert doc["unpriced"] == {"calls": 1, "models": ["gpt-4o-2024-08-06"]}  # no audio rates: unpriced, not text rates
