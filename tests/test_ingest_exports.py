"""Usage and cost CSV exports: every header version and quirk in FORMATS.md, priced by hand."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal

import duckdb
import pytest

from conftest import ok, ok_json, run

USAGE_2026 = (
    "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,"
    "service_tier,compute_units,input_tokens,output_tokens,input_cached_tokens,input_cache_write_tokens,"
    "input_uncached_tokens,input_text_tokens,output_text_tokens,input_cached_text_tokens,input_audio_tokens,"
    "input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,output_image_tokens\n"
    # the real afyaplus rows: an empty bucket, then 4 requests of gpt-4o-mini
    "1788048000,1788134400,2026-08-30T00:00:00+00:00,2026-08-31T00:00:00+00:00,,,,,,,,,,,,,,,,,,,,,,\n"
    "1788134400,1788220800,2026-08-31T00:00:00+00:00,2026-09-01T00:00:00+00:00,proj_,4.0,user-_,key_,"
    "gpt-4o-mini-2024-07-18,False,default,,31422.0,29.0,0.0,0.0,31422.0,31422.0,29.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0\n"
)
# 31,422 x $0.15 + 29 x $0.60 = 4,713.3 + 17.4 = 4,730.7 per 1M -> $0.0047307
USAGE_2026_USD = Decimal("0.0047307")

USAGE_2025 = (
    "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,"
    "service_tier,input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens,input_text_tokens,"
    "output_text_tokens,input_cached_text_tokens,input_audio_tokens,input_cached_audio_tokens,output_audio_tokens,"
    "input_image_tokens,input_cached_image_tokens,output_image_tokens\n"
    "1759622400,1759708800,2025-10-05T00:00:00+00:00,2025-10-06T00:00:00+00:00,proj_4BhNtYH0z7dWbBtzhibxa65W,10.0,"
    "user-dAU7Ud7OljwJvKfi4wQzWHyV,key_OYRZfEkH5R9CNgtY,gpt-4o-2024-08-06,FALSE,default,59200.0,10646.0,5760.0,"
    "53440.0,53440.0,10646.0,5760.0,0.0,0.0,0.0,0.0,0.0,0.0\n"
)
# (59,200 - 5,760) x $2.50 + 5,760 x $1.25 + 10,646 x $10 = 133,600 + 7,200 + 106,460 = 247,260 per 1M
USAGE_2025_USD = Decimal("0.24726")

COST_2026 = (
    "start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,quantity,quantity_unit,line_item,"
    "user_id,api_key_id,project_id,organization_id,project_name,organization_name,user_email\n"
    "1788048000,1788134400,2026-08-30T00:00:00+00:00,2026-08-31T00:00:00+00:00,,,,,,,,,,,,\n"
    "1788134400,1788220800,2026-08-31T00:00:00,2026-09-01T00:00:00,0.003400000000000000000000000000000000,usd,,,,,,,"
    "org-_,,Personal,\n"
)


def spend(file_result: dict) -> Decimal:
    return Decimal(file_result["spend_usd_exact"])


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def store_rows(query):
    with duckdb.connect("costcap.duckdb", read_only=True) as con:
        return con.execute(query).fetchall()


def test_usage_2026_header_with_empty_bucket(tmp_path):
    [f] = ok_json("ingest", write(tmp_path, "u.csv", USAGE_2026))["files"]
    assert (f["kind"], f["rows"], f["skipped"], f["unpriced"]) == ("usage-csv", 1, 1, 0)
    assert spend(f) == USAGE_2026_USD
    assert store_rows(
        "SELECT requests, input_tokens, output_tokens, batch, tier, CAST(bucket_start AS VARCHAR) FROM usage"
    ) == [(4, 31422, 29, False, "default", "2026-08-31 00:00:00")]


def test_usage_2025_header_with_spreadsheet_false(tmp_path):
    [f] = ok_json("ingest", write(tmp_path, "u.csv", USAGE_2025))["files"]
    assert spend(f) == USAGE_2025_USD
    assert store_rows("SELECT cached_tokens, batch FROM usage") == [(5760, False)]


def test_usage_batch_rows_bill_at_half(tmp_path):
    text = USAGE_2025.replace(",FALSE,", ",True,")
    [f] = ok_json("ingest", write(tmp_path, "u.csv", text))["files"]
    assert spend(f) == USAGE_2025_USD / 2


def test_usage_columns_are_mapped_by_name_not_position(tmp_path):
    lines = USAGE_2026.splitlines()
    cells = [line.split(",") for line in lines]
    order = list(reversed(range(len(cells[0]))))
    text = "\n".join(",".join(row[i] for i in order) for row in cells) + "\n"
    [f] = ok_json("ingest", write(tmp_path, "u.csv", text))["files"]
    assert spend(f) == USAGE_2026_USD


def test_legacy_activity_export(tmp_path):
    text = (
        "organization_id,n_requests,operation,n_context_tokens_total,n_generated_tokens_total,usage_type,model,timestamp,user\n"
        "org-abc,3,completion,1200,300,text,gpt-4-1106-preview,1701388800,user-abc\n"
    )
    # 1,200 x $10 + 300 x $30 = 12,000 + 9,000 per 1M -> $0.021
    [f] = ok_json("ingest", write(tmp_path, "activity.csv", text))["files"]
    assert (f["kind"], f["rows"]) == ("usage-csv", 1)
    assert spend(f) == Decimal("0.021")


def test_four_column_export_has_no_usage(tmp_path):
    text = "start_time,end_time,start_time_iso,end_time_iso\n1788048000,1788134400,2026-08-30T00:00:00+00:00,2026-08-31T00:00:00+00:00\n"
    [f] = ok_json("ingest", write(tmp_path, "u.csv", text))["files"]
    assert (f["kind"], f["rows"], f["skipped"]) == ("usage-csv", 0, 1)


def test_cost_export_keeps_every_decimal(tmp_path):
    [f] = ok_json("ingest", write(tmp_path, "c.csv", COST_2026))["files"]
    assert (f["kind"], f["rows"], f["skipped"]) == ("cost-csv", 1, 1)
    assert store_rows("SELECT CAST(amount AS VARCHAR), currency FROM costs") == [("0.003400000000000000", "usd")]


def test_cost_export_with_quoted_line_item_and_api_source(tmp_path):
    text = (
        COST_2026.splitlines()[0] + ",api_source\n"
        '1788134400,1788220800,2026-08-31T00:00:00,2026-09-01T00:00:00,0.5,usd,1000,tokens,"gpt-5-nano, input_tokens",,key_1,'
        "proj_a,org-fixture,Proj A,Org A,someone@example.com,\n"
    )
    ok_json("ingest", write(tmp_path, "c.csv", text))
    assert store_rows("SELECT line_item, project_id, quantity FROM costs") == [
        ("gpt-5-nano, input_tokens", "proj_a", 1000.0)
    ]


def test_cost_export_2025_ten_columns(tmp_path):
    text = (
        "start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,project_id,organization_id,organization_name\n"
        "1759622400,1759708800,2025-10-05T00:00:00+00:00,2025-10-06T00:00:00+00:00,0.8958740000000000,usd,,,org-Hp9m,Personal\n"
        "1759708800,1759795200,2025-10-06T00:00:00+00:00,2025-10-07T00:00:00+00:00,0.569788,usd,,,org-Hp9m,Personal\n"
    )
    [f] = ok_json("ingest", write(tmp_path, "c.csv", text))["files"]
    # 0.895874 + 0.569788 = 1.465662
    assert spend(f) == Decimal("1.465662")


def test_gzip_content_is_read_whatever_the_name(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(gzip.compress(USAGE_2026.encode()))
    [f] = ok_json("ingest", path)["files"]
    assert spend(f) == USAGE_2026_USD


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes(b"\xef\xbb\xbf" + USAGE_2026.replace("\n", "\r\n").encode())
    [f] = ok_json("ingest", path)["files"]
    assert f["rows"] == 1


def test_time_without_unix_seconds_uses_iso(tmp_path):
    text = USAGE_2026.replace("1788134400,1788220800,2026-08-31T00:00:00+00:00", ",,2026-08-31T00:00:00")
    ok_json("ingest", write(tmp_path, "u.csv", text))
    assert store_rows("SELECT CAST(bucket_start AS VARCHAR) FROM usage") == [("2026-08-31 00:00:00",)]


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        ((",4.0,", ",-4.0,"), 3, "num_model_requests -4.0 is not a whole number"),
        ((",31422.0,29.0,", ",31422.5,29.0,"), 3, "input_tokens 31422.5"),
        ((",31422.0,29.0,", ",NaN,29.0,"), 3, "input_tokens NaN"),
        ((",False,", ",maybe,"), 3, "batch maybe is not True or False"),
        (("user-_,key_,", "user-_,"), 3, "cells where the header has 26"),
        (("1788134400,1788220800,2026-08-31", "2788134400,2788220800,2058-08-31"), 3, "in the future"),
    ],
)
def test_bad_rows_name_file_and_line_and_store_nothing(tmp_path, change, line, words):
    path = write(tmp_path, "u.csv", USAGE_2026.replace(*change))
    result = run("ingest", path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}:{line}: ") and words in result.stderr, result.stderr
    assert "Traceback" not in result.output and result.stdout == ""
    assert not (tmp_path / "costcap.duckdb").exists()  # rolled back: no store is left behind


def test_usage_export_without_token_columns_is_refused(tmp_path):
    text = "start_time,end_time,project_id,model\n1788134400,1788220800,p,gpt-4o\n"
    result = run("ingest", write(tmp_path, "u.csv", text))
    assert result.exit_code == 1 and "no input_tokens column" in result.stderr


def test_non_usd_cost_is_refused(tmp_path):
    result = run("ingest", write(tmp_path, "c.csv", COST_2026.replace(",usd,", ",eur,")))
    assert result.exit_code == 1 and ":3: amount_currency eur" in result.stderr


def test_a_newer_export_of_the_same_buckets_replaces_the_older_rows(tmp_path):
    ok_json("ingest", write(tmp_path, "early.csv", USAGE_2025))
    later = USAGE_2025.replace(",10.0,", ",12.0,").replace(",59200.0,10646.0,", ",60000.0,11000.0,")
    [f] = ok_json("ingest", write(tmp_path, "late.csv", later))["files"]
    assert (f["rows"], f["duplicates"]) == (1, 1)
    assert store_rows("SELECT requests, input_tokens, output_tokens FROM usage") == [(12, 60000, 11000)]
    ok_json("ingest", write(tmp_path, "c1.csv", COST_2026))
    [f] = ok_json("ingest", write(tmp_path, "c2.csv", COST_2026.replace("0.0034000", "0.0035000")))["files"]
    assert f["duplicates"] == 1
    assert store_rows("SELECT CAST(amount AS VARCHAR) FROM costs") == [("0.003500000000000000",)]


def test_a_usage_bucket_never_takes_the_long_context_rates(tmp_path):
    # 1,000 small gpt-5.4 requests in one day: 5M input (1M cached), 500k output. A bucket cannot tell request sizes,
    # so the >272k rule (per request) does not apply: 4M x 2.50 + 1M x 0.25 + 0.5M x 15 = 10 + 0.25 + 7.5 = $17.75
    head = USAGE_2026.splitlines()[0]
    row = (
        "1793491200,1793577600,2026-11-01T00:00:00+00:00,2026-11-02T00:00:00+00:00,proj_a,1000.0,user-a,key_a,"
        "gpt-5.4-2026-03-05,False,default,,5000000.0,500000.0,1000000.0,0.0,4000000.0,4000000.0,500000.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0"
    )
    [f] = ok_json("ingest", write(tmp_path, "u.csv", head + "\n" + row + "\n"))["files"]
    assert spend(f) == Decimal("17.75")


def test_a_fast_call_bills_at_priority_rates(tmp_path):
    # OpenAI renamed Priority to Fast on 2026-07-30: gpt-4o priority is 4.25 / 17, so 1,000 x 4.25 + 100 x 17 = 5,950
    line = '{"model": "gpt-4o-2024-08-06", "prompt_tokens": 1000, "completion_tokens": 100, "service_tier": "fast", "timestamp": "2026-11-01T10:00:00Z"}'
    [f] = ok_json("ingest", write(tmp_path, "a.log", line + "\n"))["files"]
    assert spend(f) == Decimal("0.00595")


@pytest.mark.parametrize("amount, stored", [
    # the real row (afyaplus, 36 decimals): nothing past the 18th is lost
    ("0.003400000000000000000000000000000000", "0.003400000000000000"),
    # digits past the 18th decimal, rounded half to even: ...789|0123... goes down
    ("1.234567890123456789012345678901234567", "1.234567890123456789"),
    # an exact half: the 18th digit 8 is even and stays; 7 is odd and goes up to 8
    ("0.123456789012345678500000000000000000", "0.123456789012345678"),
    ("0.123456789012345677500000000000000000", "0.123456789012345678"),
    # above half: up
    ("0.000000000000000001500000000000000001", "0.000000000000000002"),
])  # fmt: skip
def test_a_cost_export_with_up_to_36_decimals_is_kept_to_18_rounded_half_to_even(tmp_path, amount, stored):
    path = write(tmp_path, "cost.csv", COST_2026.replace("0.003400000000000000000000000000000000", amount))
    result = ok("ingest", path, "-f", "json")
    [f] = json.loads(result.stdout)["files"]
    assert f["status"] == "ingested" and store_rows("SELECT CAST(amount AS VARCHAR) FROM costs") == [(stored,)]
    beyond = amount.split(".")[1][18:].rstrip("0")
    assert f["rounded_amounts"] == (1 if beyond else 0)
    assert ("rounded the rest half to even" in result.stderr) == bool(beyond)
