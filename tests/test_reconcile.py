"""Why the bill and the logs differ: the reconciliation's parts on made stores, each part computed by hand, and the
parts adding up to billed minus attributed exactly.

Prices per 1M tokens (PRICES.md): gpt-4o-mini 0.15 in, 0.60 out (Batch: 0.075, 0.30); gpt-4o 2.50, 10.00.
"""

from __future__ import annotations

import json
from decimal import Decimal

from conftest import ok, ok_json

USAGE_HEADER = (
    "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,"
    "service_tier,compute_units,input_tokens,output_tokens,input_cached_tokens,input_cache_write_tokens,"
    "input_uncached_tokens,input_text_tokens,output_text_tokens,input_cached_text_tokens,input_audio_tokens,"
    "input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,output_image_tokens"
)
COST_HEADER = (
    "start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,quantity,quantity_unit,line_item,"
    "user_id,api_key_id,project_id,organization_id,project_name,organization_name,user_email"
)
DAYS = {2: 1793577600, 3: 1793664000, 4: 1793750400}  # 2026-11-0N 00:00 UTC


def usage_row(
    day: int, project: str, key: str, model: str, requests: int, inp: int, out: int, batch: bool = False
) -> str:
    start = DAYS[day]
    return (f"{start},{start + 86400},2026-11-0{day}T00:00:00+00:00,2026-11-0{day + 1}T00:00:00+00:00,{project},"
            f"{requests}.0,user-a,{key},{model},{batch},default,,{inp}.0,{out}.0,0.0,0.0,{inp}.0,{inp}.0,{out}.0,"
            "0.0,0.0,0.0,0.0,0.0,0.0,0.0")  # fmt: skip


def cost_row(day: int, amount: str, line_item: str) -> str:
    start = DAYS[day]
    return f"{start},{start + 86400},2026-11-0{day}T00:00:00,2026-11-0{day + 1}T00:00:00,{amount},usd,,,{line_item},,,,org-a,,Org,"


def calls(day: int, count: int, model: str = "gpt-4o-mini", inp: int = 1000, out: int = 100) -> list[str]:
    return [json.dumps({"event": "llm_call", "feature": "search", "model": model, "prompt_tokens": inp,
                        "completion_tokens": out, "timestamp": f"2026-11-0{day}T10:{n:02d}:00Z"}) for n in range(count)]  # fmt: skip


def parts(doc: dict) -> dict[str, Decimal]:
    return {p["kind"]: Decimal(str(p["usd"])) for p in doc["reconciliation"]["parts"] if p["usd"]}


def test_each_cause_of_the_gap_is_its_own_part_and_the_parts_add_up(tmp_path):
    """Usage export only (the bill is the usage at catalog prices). 2 Nov: project A's gpt-4o-mini (12,000 in / 1,200
    out: 1,800 + 720 = 2,520 per 1M = $0.00252) against 10 logged calls of 1,000 / 100 ($0.00021 each, $0.0021);
    project B's gpt-4o that no log shows (2,000 / 200: 5,000 + 2,000 = $0.007); a Batch job of gpt-4o-mini with no
    output file ingested (4,000 / 400 at 0.075 / 0.30: 300 + 120 = $0.00042); a model the catalog cannot price, in the
    usage and in one logged call. 3 Nov: usage with no logged call (5,000 / 500: 750 + 300 = $0.00105). 4 Nov: one
    logged call ($0.00021) and no bill."""
    usage = tmp_path / "completions_usage_2026-11-02_2026-11-04.csv"
    usage.write_text("\n".join([
        USAGE_HEADER,
        usage_row(2, "proj_A", "key_A", "gpt-4o-mini-2024-07-18", 10, 12000, 1200),
        usage_row(2, "proj_B", "key_B", "gpt-4o-2024-08-06", 2, 2000, 200),
        usage_row(2, "proj_A", "key_A", "gpt-4o-mini-2024-07-18", 4, 4000, 400, batch=True),
        usage_row(2, "proj_A", "key_A", "mystery-model-1", 1, 500, 50),
        usage_row(3, "proj_A", "key_A", "gpt-4o-mini-2024-07-18", 5, 5000, 500),
    ]) + "\n")  # fmt: skip
    log = tmp_path / "app.jsonl"
    log.write_text("\n".join([*calls(2, 10), *calls(2, 1, "mystery-model-1", 500, 50), *calls(4, 1)]) + "\n")
    ok("ingest", usage, log)
    doc = ok_json("audit")
    rec = doc["reconciliation"]
    # billed: 0.00252 + 0.007 + 0.00042 (2 Nov) + 0.00105 (3 Nov) = 0.01099; attributed: 0.0021 + 0.00021 = 0.00231
    assert (Decimal(str(rec["billed_usd"])), Decimal(str(rec["attributed_usd"]))) == (
        Decimal("0.01099"),
        Decimal("0.00231"),
    )
    assert Decimal(str(rec["gap_usd"])) == Decimal("0.00868")
    assert parts(doc) == {
        "unlogged_usage": Decimal("0.007"),  # project B's gpt-4o on 2 Nov
        "unlogged_days": Decimal("0.00105"),  # 3 Nov
        "batch_without_output": Decimal("0.00042"),
        "unexplained": Decimal("0.00042"),  # 2 Nov: 0.00252 - 0.0021
        "unbilled_calls": Decimal("-0.00021"),  # 4 Nov
    }
    assert sum(parts(doc).values()) == Decimal(str(rec["gap_usd"]))
    by_kind = {p["kind"]: p for p in rec["parts"]}
    assert by_kind["unlogged_usage"]["by_project"] == [{"project": "proj_B / key_B", "usd": 0.007}]
    assert by_kind["unlogged_usage"]["by_model"] == [{"model": "gpt-4o-2024-08-06", "usd": 0.007}]
    assert by_kind["unlogged_days"]["by_day"] == [{"day": "2026-11-03", "usd": 0.00105}]
    assert by_kind["unpriced_models"]["evidence"] == {"unpriced_calls": 1}  # unpriced on both sides: $0 of the gap
    # the coverage of the bill by logs: 0.00231 of the 0.01099 that calls could explain
    assert abs(rec["coverage"] - 0.00231 / 0.01099) < 1e-6
    table = ok("audit").stdout
    assert "Why the bill and the logs differ by $0.0087" in table and "proj_B / key_B" in table


def test_a_charge_below_the_usage_at_catalog_prices_is_named_with_both_figures(tmp_path):
    """A real pair of exports: one day of gpt-4o-mini, 31,422 input and 29 output tokens, charged $0.0034. At catalog
    prices the usage is 31,422 x 0.15 + 29 x 0.60 = 4,713.3 + 17.4 = 4,730.7 per 1M = $0.0047307, 28% above the
    charge. Beside it, a cost line naming a model the catalog cannot price ($0.01), with a logged call of it."""
    usage = tmp_path / "completions_usage_2026-11-02.csv"
    usage.write_text(
        USAGE_HEADER + "\n" + usage_row(2, "proj_A", "key_A", "gpt-4o-mini-2024-07-18", 3, 31422, 29) + "\n"
    )
    costs = tmp_path / "cost_2026-11-02.csv"
    costs.write_text("\n".join([COST_HEADER, cost_row(2, "0.0034", "gpt-4o-mini-2024-07-18, input and output"),
                                cost_row(2, "0.01", "mystery-model-1, input")]) + "\n")  # fmt: skip
    log = tmp_path / "app.jsonl"
    log.write_text("\n".join(calls(2, 1, "mystery-model-1", 500, 50)) + "\n")
    ok("ingest", usage, costs, log)
    doc = ok_json("audit")
    # JSON money has 6 decimals: -0.0013307 and 0.0047307 are -0.001331 and 0.004731 there
    assert parts(doc) == {
        "unpriced_models": Decimal("0.01"),
        "bill_vs_catalog": Decimal("-0.001331"),  # 0.0034 - 0.0047307
        "unlogged_usage": Decimal("0.004731"),  # no logged gpt-4o-mini call that day
    }
    # billed 0.0134, attributed 0 (the one call is unpriced): the exact parts add up to the gap
    from costcap import audit, prices
    from costcap.store import Store

    with Store("costcap.duckdb", prices.catalog(None), read_only=True) as store:
        rec = audit.audit(store, audit.Settings()).reconciliation
    exact = {p.kind: p.usd for p in rec.parts if p.usd}
    assert exact == {"unpriced_models": Decimal("0.01"), "bill_vs_catalog": Decimal("-0.0013307"),
                     "unlogged_usage": Decimal("0.0047307")}  # fmt: skip
    assert sum(exact.values()) == rec.gap_usd == Decimal("0.0134")
    [finding] = [f for f in doc["findings"] if f["kind"] == "bill_vs_catalog"]
    assert "charged $0.0034" in finding["detail"] and "catalog prices comes to $0.0047" in finding["detail"]
    assert "-28%" in finding["detail"]


def test_the_sample_gap_is_one_unexplained_part():
    from conftest import SAMPLE_DATA

    ok("ingest", SAMPLE_DATA)
    doc = ok_json("audit")
    # the sample's cost export equals its usage at catalog prices, every billed day has logs: the gap is unexplained
    assert set(parts(doc)) == {"unexplained"}
    assert Decimal(str(doc["reconciliation"]["gap_usd"])) == Decimal(str(doc["unattributed_usd"]))
