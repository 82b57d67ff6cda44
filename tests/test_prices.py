"""The catalog and the cost arithmetic, checked against prices and sums worked out by hand."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from conftest import ok_json, run
from costcap import prices
from costcap.store import alias_rows

CAT = prices.builtin()


def cost(model, inp, cached, out, day=date(2026, 10, 1), tier="default", written=0):
    return prices.call_cost(CAT.rates(model, day, tier), inp, cached, out, written)


def test_gpt_4o_mini_with_cached_prefix_matches_hand_sum():
    # (1200 - 1024) x $0.15 + 1024 x $0.075 + 300 x $0.60, per 1M tokens
    # = 26.4 + 76.8 + 180 = 283.2 -> $0.0002832
    assert cost("gpt-4o-mini-2024-07-18", 1200, 1024, 300) == Decimal("0.0002832")


def test_batch_tier_is_half_of_every_rate_cached_included():
    # 176 x 0.075 + 1024 x 0.0375 + 300 x 0.30 = 13.2 + 38.4 + 90 = 141.6 -> $0.0001416
    assert cost("gpt-4o-mini-2024-07-18", 1200, 1024, 300, tier="batch") == Decimal("0.0001416")


def test_launch_snapshot_of_gpt_4o_bills_5_and_15():
    # 1M in x $5 + 1M out x $15 = $20; the 2024-08-06 snapshot: $2.50 + $10 = $12.50
    assert cost("gpt-4o-2024-05-13", 10**6, 0, 10**6) == Decimal(20)
    assert cost("gpt-4o-2024-08-06", 10**6, 0, 10**6) == Decimal("12.5")


def test_gpt_4o_alias_follows_the_snapshot_in_force_on_the_day():
    assert CAT.resolve("gpt-4o", date(2024, 6, 1)) == "gpt-4o-2024-05-13"
    assert CAT.resolve("gpt-4o", date(2024, 11, 1)) == "gpt-4o-2024-08-06"
    assert cost("gpt-4o", 10**6, 0, 0, day=date(2024, 6, 1)) == Decimal(5)
    assert cost("gpt-4o", 10**6, 0, 0, day=date(2024, 11, 1)) == Decimal("2.5")


def test_no_prefix_guessing_unknown_ids_are_unpriced():
    for model in ("gpt-4o-2099-01-01", "gpt-4o-mini-fast", "ft:gpt-9-2030-01-01:acme::x1", "ft:", "", None):
        assert CAT.rates(model, date(2026, 1, 1)) is None
    # the one rule beyond exact ids: a fine-tune bills at its base model's fine-tuned rates
    assert CAT.resolve("ft:gpt-4o-mini-2024-07-18:acme::x1", date(2026, 1, 1)) == "ft:gpt-4o-mini-2024-07-18"


def test_before_a_snapshot_existed_there_is_no_price():
    assert CAT.rates("gpt-4o-2024-08-06", date(2024, 1, 1)) is None


def test_every_catalog_id_resolves_to_an_entry_with_a_price():
    for alias in CAT.all_aliases():
        starts = [p.effective_from for p in CAT.periods[alias.model] if p.effective_from] + [alias.valid_from]
        day = max(filter(None, starts), default=date(2026, 1, 1))
        assert CAT.resolve(alias.alias, day) == alias.model, alias
        period = CAT.period(alias.alias, day)
        assert period is not None and (period.tiers or period.units), alias


def test_required_models_are_in_the_catalog():
    for model in ("gpt-4o", "gpt-4o-2024-05-13", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o1", "o3",
                  "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-4-turbo", "gpt-3.5-turbo"):  # fmt: skip
        assert CAT.rates(model, date(2026, 1, 15)) is not None, model


def test_sql_alias_table_resolves_like_python_on_every_day_it_changes():
    rows = alias_rows(CAT)
    for alias, model, start, end in rows:
        for day in filter(None, (start, end and date.fromordinal(end.toordinal() - 1))):
            assert CAT.resolve(alias, day) == model
    spans = {}
    for alias, _, start, end in rows:  # no two spans of one id overlap, so SQL joins one row
        for other in spans.get(alias, []):
            assert (end and other[0] and end <= other[0]) or (other[1] and start and other[1] <= start)
        spans.setdefault(alias, []).append((start, end))


def test_reasoning_tokens_are_never_added_again():
    # o3: 1000 in x $2 + 500 out (of which 400 reasoning) x $8 = 2000 + 4000 = 6000 -> $0.006
    assert cost("o3", 1000, 0, 500) == Decimal("0.006")


def test_long_context_rates_bill_the_whole_request():
    # gpt-5.4 above 272k input: 300,000 x $5 + 1,000 x $22.5 = 1,500,000 + 22,500 -> $1.5225
    assert cost("gpt-5.4", 300_000, 0, 1000) == Decimal("1.5225")
    # at 272,000 it is not above the threshold: 272,000 x 2.5 + 1,000 x 15 = 695,000 -> $0.695
    assert cost("gpt-5.4", 272_000, 0, 1000) == Decimal("0.695")


def test_cache_writes_bill_at_the_write_rate():
    # gpt-5.6: 1000 in of which 200 written: 800 x $4 + 200 x $5 + 0 out = 3200 + 1000 -> $0.0042
    assert cost("gpt-5.6", 1000, 0, 0, written=200) == Decimal("0.0042")


def test_litellm_file_overrides_and_adds(tmp_path):
    litellm = {
        "sample_spec": {"input_cost_per_token": 0},
        "my-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "input_cost_per_token_batches": 2.5e-07,
                     "output_cost_per_token_batches": 5e-07, "litellm_provider": "openai", "mode": "chat"},
        "gpt-4o-mini-2024-07-18": {"input_cost_per_token": 3e-07, "output_cost_per_token": 1.2e-06},
    }  # fmt: skip
    path = tmp_path / "litellm.json"
    path.write_text(json.dumps(litellm))
    merged = prices.catalog(path)
    # my-model: 1000 x $1 + 1000 x $2 = $0.003; batch: 1000 x 0.25 + 1000 x 0.5 = $0.00075
    assert prices.call_cost(merged.rates("my-model"), 1000, 0, 1000) == Decimal("0.003")
    assert prices.call_cost(merged.rates("my-model", tier="batch"), 1000, 0, 1000) == Decimal("0.00075")
    # the override replaces the built-in price: 1000 x $0.30 = $0.0003
    assert prices.call_cost(merged.rates("gpt-4o-mini"), 1000, 0, 0) == Decimal("0.0003")


def test_bad_price_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"models": [{"model": "x", "prices": [{"input": "abc", "output": 1}]}]}')
    result = run("prices", "--prices", path)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "abc" in result.stderr and "Traceback" not in result.output


def test_prices_command_shows_the_price_in_force_on_a_day():
    rows = ok_json("prices", "gpt-4o", "--at", "2024-06-01")
    rates = {(r["model"], r["tier"], r["rate"]): r["usd"] for r in rows}
    assert rates[("gpt-4o-2024-05-13", "default", "input")] == 5
    assert rates[("gpt-4o-2024-05-13", "default", "output")] == 15
    rates = {(r["tier"], r["rate"]): r["usd"] for r in ok_json("prices", "gpt-4o-mini")}
    assert (rates[("default", "input")], rates[("default", "cached input")], rates[("batch", "cached input")]) == (
        0.15, 0.075, 0.0375)  # fmt: skip
    listed = {r["model"]: r for r in ok_json("prices") if r["model"] == "gpt-4o-mini-2024-07-18"}
    assert listed["gpt-4o-mini-2024-07-18"]["batch_cached_input"] == 0.0375


def test_prices_command_unknown_model_says_unpriced():
    result = run("prices", "gpt-9")
    assert result.exit_code == 1
    assert "unpriced" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "markdown", "table"])
def test_prices_command_other_formats(fmt):
    result = run("prices", "o3", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "o3-2025-04-16" in result.stdout
