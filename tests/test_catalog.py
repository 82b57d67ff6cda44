"""The whole catalog checked against its rules and against every rate PRICES.md tabulates, not by eye: each model's
first price starts on its release day, an undated id prices as its one snapshot, long-context rates (cache writes
included) follow the tier's own, and every listed rate is the catalog's."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import write_structlog
from costcap import prices

CAT = prices.builtin()
TABULATED = json.loads((Path(__file__).parent / "prices_md.json").read_text(encoding="utf-8"))
TODAY = date(2026, 12, 1)  # the day the tables describe (after the gpt-5.6 cuts)
# where the catalog departs from a tabulated rate on purpose, and why
DEPARTURES = {("gpt-3.5-turbo-1106", "batch"): "PRICES.md 1.2 calls LiteLLM's 1 / 2 a likely data error: 50% is kept"}
DATED = re.compile(r"-(\d{4}-\d\d-\d\d)$")


def rate(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@pytest.mark.parametrize("model", sorted(TABULATED["table_1_2"]))
def test_every_rate_prices_md_tabulates_is_the_catalogs(model):
    want = TABULATED["table_1_2"][model]
    got = CAT.rates(model, TODAY)
    assert got is not None, f"{model} has no price on {TODAY}"
    assert (got.input, got.output) == (rate(want["input"]), rate(want["output"]))
    if want["cached_input"] is not None:
        assert got.cached_input == rate(want["cached_input"])
    if want["cache_write"] is not None:
        assert got.cache_write == rate(want["cache_write"])
    for tier in ("batch", "flex", "priority"):
        listed, ours = want[tier], CAT.rates(model, TODAY, tier)
        if listed is None or (model, tier) in DEPARTURES:
            continue
        assert (ours.input, ours.output) == (rate(listed["input"]), rate(listed["output"])), tier
        if listed["cached_input"] is not None:
            assert ours.cached_input == rate(listed["cached_input"]), tier
    if want["long_context"] is not None:
        long = got.long_context
        assert got.long_context_above == 272_000
        assert (long.input, long.output) == (rate(want["long_context"]["input"]), rate(want["long_context"]["output"]))
        if want["long_context"]["cached_input"] is not None:
            assert long.cached_input == rate(want["long_context"]["cached_input"])


@pytest.mark.parametrize("model", sorted(TABULATED["long_context_2_5"]))
def test_long_context_and_cache_write_rates_per_tier_are_the_tables(model):
    want = TABULATED["long_context_2_5"][model]
    for tier, write in want["write"].items():
        if write is not None:
            assert CAT.rates(model, TODAY, tier).cache_write == rate(write), tier
    for tier, listed in want["long_context"].items():
        if listed is None:
            continue
        ours = CAT.rates(model, TODAY, tier)
        assert ours is not None and ours.long_context is not None, tier
        long = ours.long_context
        assert (long.input, long.output) == (rate(listed["input"]), rate(listed["output"])), tier
        if listed["cached_input"] is not None:
            assert long.cached_input == rate(listed["cached_input"]), tier
        if listed.get("cache_write") is not None:  # never the standard write: 22.6% low, 12x on ultrafast
            assert long.cache_write == rate(listed["cache_write"]), tier


def test_a_long_context_write_is_derived_from_the_tiers_own_rates():
    # gpt-6-astra above 272k: input 20 (2 x 10), write 12.5 x 20 / 10 = 25; ultrafast: 75 x 120 / 60 = 150
    assert CAT.rates("gpt-6-astra", TODAY).long_context.cache_write == Decimal(25)
    assert CAT.rates("gpt-6-astra", TODAY, "ultrafast").long_context.cache_write == Decimal(150)
    # a 300k-token prompt with 100k written and 1k out: 200k x 20 + 100k x 25 + 1k x 75 = 6,575,000 per 1M
    assert prices.call_cost(CAT.rates("gpt-6-astra", TODAY), 300_000, 0, 1_000, 100_000) == Decimal("6.575")


@pytest.mark.parametrize("model", sorted(CAT.periods))
def test_every_models_first_price_starts_on_its_release_day(model):
    first = min(CAT.periods[model], key=lambda p: p.effective_from or date.min)
    assert first.effective_from is not None, f"{model}: its first price has no start: say when it was released"
    dated = DATED.search(model)
    if dated:
        assert first.effective_from == date.fromisoformat(dated.group(1)), model
    assert CAT.period(model, first.effective_from - timedelta(days=1)) is None
    assert CAT.period(model, first.effective_from) is not None


def test_every_alias_starts_no_earlier_than_what_it_names():
    for group in CAT.aliases.values():
        for alias in group:
            assert alias.valid_from is not None, alias
            released = min(p.effective_from for p in CAT.periods[alias.model])
            assert alias.valid_from >= released, alias


def snapshots(name: str) -> list[str]:
    """The dated ids the catalog knows for an undated one: NAME-YYYY-MM-DD, as models or aliases."""
    known = set(CAT.periods) | set(CAT.aliases)
    return sorted(k for k in known if k.startswith(name + "-") and DATED.fullmatch(k[len(name) :]))


UNDATED_WITH_ONE_SNAPSHOT = [m for m in sorted(set(CAT.periods) | set(CAT.aliases))
                             if not DATED.search(m) and len(snapshots(m)) == 1]  # fmt: skip


@pytest.mark.parametrize("name", UNDATED_WITH_ONE_SNAPSHOT)
def test_an_undated_id_and_its_one_snapshot_price_the_same_on_every_day(name):
    [snapshot] = snapshots(name)
    days = {p.effective_from for m in (name, snapshot) for p in CAT.periods.get(CAT.resolve(m, TODAY) or m, [])}
    days |= {a.valid_from for m in (name, snapshot) for a in CAT.aliases.get(m, [])}
    for day in [*sorted(d for d in days if d), TODAY]:
        for tier in ("default", "batch"):
            assert CAT.rates(name, day, tier) == CAT.rates(snapshot, day, tier), (name, snapshot, day, tier)


def test_o1_mini_and_its_snapshot_bill_alike_before_and_after_the_repricing():
    # 3 / 1.5 / 12 from 2024-09-12, 1.10 / 0.55 / 4.40 from 2025-01-31, for the alias and the snapshot alike
    for model in ("o1-mini", "o1-mini-2024-09-12"):
        assert prices.call_cost(CAT.rates(model, date(2024, 10, 1)), 10**6, 0, 10**6) == Decimal(15)
        assert prices.call_cost(CAT.rates(model, date(2025, 6, 1)), 10**6, 0, 10**6) == Decimal("5.5")


def test_a_call_dated_before_its_model_existed_is_unpriced_and_the_day_is_named(tmp_path):
    events = [{"event": "llm_call", "feature": "f", "model": "gpt-6-astra", "prompt_tokens": 1000, "completion_tokens": 10,
               "timestamp": "2026-09-01T10:00:00Z"}]  # gpt-6-astra came out on 2026-09-03  # fmt: skip
    import structlog

    log = write_structlog(tmp_path / "app.log", structlog.processors.JSONRenderer(), events)
    from conftest import run

    result = run("audit", log, "-f", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["attributed"]["coverage"] == 0 and doc["unpriced"]["calls"] == 1
    assert "before its release on 2026-09-03" in result.stderr and "clock or time zone" in result.stderr
    [finding] = [f for f in doc["findings"] if f["kind"] == "unpriced"]
    assert finding["evidence"]["released"] == "2026-09-03"
