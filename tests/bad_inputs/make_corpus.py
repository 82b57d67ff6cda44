"""Writes the bad-input corpus next to this file (run it after changing a case); expected.toml says what each must do."""

from __future__ import annotations

import gzip
from pathlib import Path

HERE = Path(__file__).parent
USAGE_HEAD = (
    "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,"
    "service_tier,compute_units,input_tokens,output_tokens,input_cached_tokens,input_cache_write_tokens,"
    "input_uncached_tokens,input_text_tokens,output_text_tokens,input_cached_text_tokens,input_audio_tokens,"
    "input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,output_image_tokens"
)
COST_HEAD = (
    "start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,quantity,quantity_unit,line_item,"
    "user_id,api_key_id,project_id,organization_id,project_name,organization_name,user_email"
)


def usage(
    inp="1000.0",
    out="100.0",
    model="gpt-4o-mini-2024-07-18",
    cached="0.0",
    batch="False",
    start="1793491200",
    end="1793577600",
    start_iso="2026-11-01T00:00:00+00:00",
    end_iso="2026-11-02T00:00:00+00:00",
):
    return (
        f"{start},{end},{start_iso},{end_iso},proj_a,5.0,user-a,key_a,{model},"
        f"{batch},default,,{inp},{out},{cached},0.0,{inp},{inp},{out},0.0,0.0,0.0,0.0,0.0,0.0,0.0"
    )


def cost(amount="0.0123", currency="usd"):
    return f"1793491200,1793577600,2026-11-01T00:00:00,2026-11-02T00:00:00,{amount},{currency},,,,,,proj_a,org-a,,Personal,"


def log(prompt="100", completion="20", extra=""):
    return (
        f'{{"event": "llm_call", "feature": "f", "model": "gpt-4o-mini", "prompt_tokens": {prompt}, "completion_tokens": {completion}, '
        f'"timestamp": "2026-11-01T10:00:00Z"{extra}}}'
    )


def batch(
    body='{"status_code": 200, "body": {"model": "gpt-4o-mini", "usage": {"prompt_tokens": 10, "completion_tokens": 2}}}',
):
    return f'{{"id": "batch_req_1", "custom_id": "r1", "response": {body}, "error": null}}'


def page(result):
    return f'{{"object": "page", "data": [{{"object": "bucket", "start_time": 1793491200, "end_time": 1793577600, "results": [{result}]}}], "has_more": false, "next_page": null}}'


PLAN = (
    "[plan]\nitems = 60\nprompt_tokens = 1000\nitem_input_tokens = 0\nitem_output_tokens = 100\n"
    '[candidates]\nmodels = ["gpt-4o"]\nbatch_sizes = [3]\nbatch_api = [false]\n[failure_rate]\n3 = 0.02\n'
)
GOOD_USAGE = USAGE_HEAD + "\n" + usage() + "\n"
CASES: dict[str, object] = {
    "empty.csv": "",
    "blank_lines.log": "\n\n   \n",
    "binary.bin": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "usage_header_only.csv": USAGE_HEAD + "\n",
    "usage_truncated_last_line.csv": GOOD_USAGE + usage()[:60],
    "usage_missing_output_column.csv": USAGE_HEAD.replace(",output_tokens", "")
    + "\n"
    + usage().replace(",100.0,0.0,0.0", ",0.0,0.0", 1)
    + "\n",
    "usage_columns_reordered.csv": "model,"
    + USAGE_HEAD.replace(",model", "")
    + "\n"
    + "gpt-4o-mini-2024-07-18,"
    + usage().replace(",gpt-4o-mini-2024-07-18", "")
    + "\n",
    "usage_extra_columns.csv": USAGE_HEAD + ",new_column\n" + usage() + ",x\n",
    "usage_non_utf8.csv": (USAGE_HEAD + "\n" + usage(model="gpt-4o-mini-\xe9t\xe9")).encode("latin-1"),
    "usage_bom.csv": "\ufeff" + GOOD_USAGE,
    "usage_crlf.csv": GOOD_USAGE.replace("\n", "\r\n"),
    "usage_gzip_named.csv": gzip.compress(GOOD_USAGE.encode(), mtime=0),
    "usage_negative_tokens.csv": USAGE_HEAD + "\n" + usage(out="-5.0") + "\n",
    "usage_nan_tokens.csv": USAGE_HEAD + "\n" + usage(inp="NaN") + "\n",
    "usage_fractional_tokens.csv": USAGE_HEAD + "\n" + usage(out="10.5") + "\n",
    "usage_1e30_tokens.csv": USAGE_HEAD + "\n" + usage(inp="1e30") + "\n",
    "usage_future_day.csv": USAGE_HEAD + "\n" + usage(start="4102444800") + "\n",
    "usage_unknown_model.csv": USAGE_HEAD + "\n" + usage(model="gpt-imaginary-9") + "\n",
    "usage_bad_batch_flag.csv": USAGE_HEAD + "\n" + usage(batch="maybe") + "\n",
    "usage_cached_exceeds_input.csv": USAGE_HEAD + "\n" + usage(cached="5000.0") + "\n",
    "usage_unterminated_quote.csv": USAGE_HEAD + "\n" + usage().replace("proj_a", '"proj_a') + "\n",
    "usage_bad_time.csv": USAGE_HEAD
    + "\n"
    + usage(start="yesterday").replace("2026-11-01T00:00:00+00:00", "soon")
    + "\n",
    "cost_header_only.csv": COST_HEAD + "\n",
    "cost_bad_amount.csv": COST_HEAD + "\n" + cost(amount="12,50 EUR".replace(",", ".")) + "\n",
    "cost_non_usd.csv": COST_HEAD + "\n" + cost(currency="eur") + "\n",
    "cost_amount_1e30.csv": COST_HEAD + "\n" + cost(amount="1e30") + "\n",
    "cost_truncated_last_line.csv": COST_HEAD + "\n" + cost() + "\n" + cost()[:30],
    "log_cut_mid_json.jsonl": log() + "\n" + log()[:50],
    "log_negative_tokens.jsonl": log(completion="-3") + "\n",
    "log_nan_tokens.jsonl": log(prompt="NaN") + "\n",
    "log_fractional_tokens.jsonl": log(completion="2.5") + "\n",
    "log_1e30_tokens.jsonl": log(prompt="1e30") + "\n",
    "log_tokens_as_words.jsonl": log(prompt='"lots"') + "\n",
    "log_future_timestamp.jsonl": log(extra=', "ts": 1').replace("2026-11-01T10:00:00Z", "2099-01-01T00:00:00Z") + "\n",
    "log_non_utf8.log": (log() + "\n").encode() + b'{"event": "llm_call", "feature": "caf\xe9", "prompt_tokens": 1}\n',
    "log_cached_exceeds_input.jsonl": log(extra=', "cached_tokens": 500') + "\n",
    "log_duplicate_request_ids.jsonl": (log(extra=', "request_id": "req_same"') + "\n") * 3,
    "log_unknown_model.jsonl": log().replace("gpt-4o-mini", "gpt-imaginary-9") + "\n",
    "log_json_array.json": "[" + log() + "]\n",
    "batch_cut_mid_json.jsonl": batch() + "\n" + batch()[:40],
    "batch_negative_usage.jsonl": batch().replace('"completion_tokens": 2', '"completion_tokens": -2') + "\n",
    "batch_response_not_object.jsonl": batch('"ok"') + "\n",
    "api_page_bad_amount.json": page(
        '{"object": "organization.costs.result", "amount": {"value": "twelve", "currency": "usd"}}'
    ),
    "api_page_results_not_list.json": page("").replace('"results": []', '"results": "none"'),
    "api_page_cut.jsonl": page(
        '{"object": "organization.usage.completions.result", "input_tokens": 5, "output_tokens": 1, "num_model_requests": 1}'
    )[:-20]
    + "\n",
    "api_page_negative_tokens.json": page(
        '{"object": "organization.usage.completions.result", "input_tokens": -5, "output_tokens": 1, "num_model_requests": 1, "model": "gpt-4o-mini"}'
    ),
    "log_token_keys_unmapped.jsonl": '{"event": "llm_call", "model": "gpt-4o", "stats": {"in_tokens": 100, "out_tokens": 10}}\n',
    "json_array_cut.json": "[\n" + log() + ",\n" + log()[:50] + "\n]\n",
    "json_stream_bad_value.json": '{\n  "name": "chat gpt-4o",\n  "attributes": {}\n}\n{\n  "name": oops\n}\n',
    "csv_unknown_columns.csv": "date,service,amount\n2026-11-01,ec2,12.5\n",
    "spend_logs_short_row.csv": "request_id,call_type,api_key,spend,prompt_tokens,completion_tokens,model\nr1,acompletion,k,0.1,10\n",
    "otlp_cut.jsonl": '{"resourceSpans": [{"scopeSpans": [{"spans": [{"name": "chat", "attributes": [\n',
    "batch_object_only.json": '{"id": "batch_1", "object": "batch", "output_file_id": "file-9", "request_counts": {"total": 2, "completed": 2, "failed": 0}}\n',
    "plan_wrong_types.toml": PLAN.replace("items = 60", 'items = "many"'),
    "plan_not_toml.toml": "items: 600\nmodels: [gpt-4o]\n",
    "plan_unknown_model.toml": PLAN.replace('"gpt-4o"', '"gpt-imaginary-9"'),
    "plan_negative_items.toml": PLAN.replace("items = 60", "items = -60"),
    "plan_failure_rate_above_one.toml": PLAN.replace("3 = 0.02", "3 = 1.5"),
    # bounds at the door: what every later command can read
    "usage_year_one.csv": USAGE_HEAD + "\n" + usage(start="-62135596800", start_iso="0001-01-01T00:00:00+00:00") + "\n",
    "usage_time_1e300.csv": USAGE_HEAD + "\n" + usage(start="1e300", start_iso="") + "\n",
    "usage_time_inf.csv": USAGE_HEAD + "\n" + usage(start="inf", start_iso="") + "\n",
    "usage_bad_end_time.csv": USAGE_HEAD + "\n" + usage(end="later", end_iso="soon") + "\n",
    "cost_nineteen_decimals.csv": COST_HEAD + "\n" + cost(amount="0.0000000000000000001") + "\n",
    "cost_two_billion.csv": COST_HEAD + "\n" + cost(amount="2000000000") + "\n",
    "api_page_time_2_64.json": page(
        '{"object": "organization.usage.completions.result", "input_tokens": 10, "output_tokens": 1, "num_model_requests": 1, "model": "gpt-4o"}'
    ).replace("1793491200", "18446744073709551616"),
    "api_page_deep_nesting.json": '{"object": "page", "has_more": false, "data": ['
    + "[" * 100_000
    + "]" * 100_000
    + "]}\n",
    "json_deep_nesting.jsonl": log(extra=', "deep": ' + "[" * 100_000 + "]" * 100_000) + "\n",
    "plan_deep_nesting.toml": PLAN + "deep = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "plan_misspelt_key.toml": PLAN.replace("item_output_tokens", "item_ouput_tokens"),
    "plan_missing_size.toml": PLAN.replace("prompt_tokens = 1000\n", ""),
    "plan_endless_retries.toml": PLAN.replace("items = 60", "items = 60\nmax_retries = 1000000000"),
    "log_offset_beyond_14h.jsonl": log().replace("2026-11-01T10:00:00Z", "2026-11-01T10:00:00+25:00") + "\n",
    "log_infinite_tokens.jsonl": log(prompt="Infinity") + "\n",
    "usage_iso_offset_beyond_14h.csv": USAGE_HEAD
    + "\n"
    + usage(start="", start_iso="2026-11-01T00:00:00+25:00")
    + "\n",
}


def parquet(**columns) -> bytes:
    """A Parquet file of one row per value, written by pyarrow as a log shipper would."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(pa.table(columns), sink)
    return sink.getvalue().to_pybytes()


PARQUET_ROW = {
    "event": ["llm_call"],
    "model": ["gpt-4o-mini"],
    "completion_tokens": [20],
    "timestamp": ["2026-11-01T10:00:00Z"],
}
CASES |= {
    "parquet_nan_tokens.parquet": lambda: parquet(**PARQUET_ROW, prompt_tokens=[float("nan")]),
    "parquet_binary_column.parquet": lambda: parquet(**PARQUET_ROW, prompt_tokens=[100], blob=[b"\xff\x00raw"]),
}


def main() -> None:
    for name, content in CASES.items():
        content = content() if callable(content) else content
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (HERE / name).write_bytes(data)
    print(f"wrote {len(CASES)} files to {HERE}")


if __name__ == "__main__":
    main()
