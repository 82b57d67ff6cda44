"""audit reads aggregates kept at ingest (call_groups, call_values, call_minutes, retry_groups), and budget its
overruns from output_counts, not the calls: every figure of audit's report and budget's groups equals, to the cent and
to the token, the per-call computation it replaced (the queries kept in tests/reference/, run over the same
store through the same Python), on a store built to hold every case that tells the two apart. The one change to the
reference: a Batch failure's example error is the first in text order (min), where any_value gave any."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import structlog

from conftest import SAMPLE_DATA, ok, write_structlog
from costcap import audit, budget, estimate, prices, sql
from costcap.documents.audit import document
from costcap.scope import Scope
from costcap.store import Store

REFERENCE = Path(__file__).parent / "reference"
JSON = structlog.processors.JSONRenderer()


def pipeline_events(seed: int, hours: range) -> list[dict]:
    """An order pipeline whose calls two workers log to two files, interleaved in time: truncations and 429s, each
    followed by a retry (the call before a retry is often in the other file), errors after being paid, night hours."""
    rng = random.Random(seed)
    events = []
    for _i, hour in enumerate(hours):
        for minute in range(0, 60, 7):
            order = f"ord-{(hour * 60 + minute) // 90}"
            roll = rng.random()
            when = f"2026-11-{1 + hour // 24:02d}T{hour % 24:02d}:{minute:02d}:{seed:02d}Z"
            event = {"event": "llm_call", "timestamp": when,
                     "feature": rng.choice(["summarise", "classify"]), "model": "gpt-4o", "order_id": order,
                     "batch_type": rng.choice(["daily", "weekly"]), "batch_size": rng.choice([3, 5]),
                     "prompt_tokens": rng.randint(900, 2200), "completion_tokens": rng.randint(40, 400),
                     "max_tokens": 400, "attempt": 2 if roll < 0.3 else 1}  # fmt: skip
            if roll > 0.85:
                event["finish_reason"] = "length"
                event["completion_tokens"] = 400
            elif roll > 0.8:
                event.update(status_code=429, error="rate_limit_exceeded", prompt_tokens=0, completion_tokens=0)
            elif roll > 0.75:
                event["status"] = "validation_failed"
            else:
                event["finish_reason"] = "stop"
            events.append(event)
    return events


def odd_events() -> list[dict]:
    """One of each call that a group must keep apart: long prompts around the floor and the 272k threshold, audio and
    image parts a model has no rate for, flex, an unknown model, no time at all, a 5xx with no tokens."""
    base = {"event": "llm_call", "feature": "odd", "timestamp": "2026-11-03T10:00:00Z"}
    return [
        {**base, "model": "gpt-5.4", "prompt_tokens": 300_000, "completion_tokens": 1000},  # long context: $1.5225
        {**base, "model": "gpt-5.4", "prompt_tokens": 250_000, "completion_tokens": 1000},  # floor < it < 272k
        {**base, "model": "gpt-5.4", "prompt_tokens": 272_000, "completion_tokens": 1000},  # at the threshold: $0.695
        {**base, "model": "gpt-5.4", "prompt_tokens": 1200, "completion_tokens": 80, "cached_tokens": 0},
        {**base, "model": "gpt-4o-mini", "prompt_tokens": 500, "completion_tokens": 20, "audio_input_tokens": 100},
        {**base, "model": "gpt-4o-mini", "prompt_tokens": 500, "completion_tokens": 20},
        {**base, "model": "gpt-4o-mini", "prompt_tokens": 900, "completion_tokens": 30, "image_input_tokens": 200},
        {**base, "model": "gpt-5-mini", "service_tier": "flex", "prompt_tokens": 3000, "completion_tokens": 900},
        {
            **base,
            "model": "gpt-5-mini",
            "service_tier": "flex",
            "prompt_tokens": 3000,
            "completion_tokens": 0,
            "status_code": 500,
        },
        {**base, "model": "house-model-7", "prompt_tokens": 100, "completion_tokens": 10},
        {"event": "llm_call", "feature": "odd", "model": "gpt-4o", "prompt_tokens": 100, "completion_tokens": 10},
        {
            **base,
            "timestamp": "2026-11-04T02:00:00Z",
            "model": "gpt-4o",
            "prompt_tokens": 4000,
            "completion_tokens": 5,
            "cached_tokens": 2048,
        },
    ]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("aggregates")
    db = folder / "s.duckdb"
    # the two workers' hours overlap, so each run of calls holds lines of both files
    first = write_structlog(folder / "worker-a.log", JSON, pipeline_events(11, range(0, 60)))
    second = write_structlog(folder / "worker-b.log", JSON, pipeline_events(23, range(20, 90)))
    odd = write_structlog(folder / "odd.log", JSON, odd_events())
    ok("ingest", str(SAMPLE_DATA), str(first), str(odd), "--db", str(db))
    ok("ingest", str(second), "--db", str(db))  # a later ingest changes what came before retries already stored
    return db


@pytest.fixture
def per_call(monkeypatch):
    """sql.load reading the per-call queries where tests/reference/ has one."""
    stored = sql.load.__wrapped__

    def load(name: str) -> str:
        if name == "audit/scope_groups":
            return stored("audit/scope_calls")  # the priced calls of the period, which explain still reads
        path = REFERENCE / f"{name}.sql"
        return path.read_text(encoding="utf-8") if path.exists() else stored(name)

    monkeypatch.setattr(sql, "load", load)
    sql.statements.cache_clear()
    yield
    monkeypatch.undo()
    sql.statements.cache_clear()


def plain(value):
    """Decimals by value (1.50 and 1.5000 are one amount), dates and keys as text, floats kept to compare."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def audited(db: Path, settings: audit.Settings, prices_file: Path | None = None) -> dict:
    """The JSON contract, the whole report beneath it (every breakdown, gap, day and finding with its evidence), and
    estimate's figures measured from the store."""
    with Store(str(db), prices.catalog(prices_file), read_only=True) as s:
        report = audit.audit(s, settings)
        measured = {f: dataclasses.asdict(estimate.measured_from_store(s, f)) for f in ("summarise", "classify")}
        caps = {by: dataclasses.asdict(budget.measure(s, budget.Settings(by, settings.scope)))
                for by in ("feature", "model", "batch_type")}  # fmt: skip
        found = {"json": document(report).data, "report": dataclasses.asdict(report), "estimate": measured,
                 "budget": caps}  # fmt: skip
        return plain(found)


def same(got, want, where="") -> None:
    """Equal, floats to 1e-9 of their size (a ratio computed in another order); everything else exactly."""
    if isinstance(want, dict):
        assert set(got) == set(want), where
        for key in want:
            same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            same(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12), where
    else:
        assert got == want, where


CASES = {
    "everything": audit.Settings(),
    "by order": audit.Settings(by="order"),
    "by day": audit.Settings(by="day"),
    "by batch type": audit.Settings(by="batch_type"),
    # a retry on the 2nd just after midnight whose predecessor is on the 1st: outside the period, so not counted
    "from the 2nd": audit.Settings(Scope(date(2026, 11, 2), date(2026, 11, 3)), min_calls=1),
    "one feature": audit.Settings(Scope(feature="summarise"), min_calls=1),
    "by model, narrowed": audit.Settings(Scope(date(2026, 11, 3)), by="model"),
}


@pytest.mark.parametrize("name", CASES)
def test_every_audit_figure_from_the_aggregates_equals_the_per_call_computation(store, name, request):
    got = audited(store, CASES[name])
    request.getfixturevalue("per_call")
    want = audited(store, CASES[name])
    assert want["report"]["findings"] and want["report"]["breakdowns"][CASES[name].by]
    same(got, want)


def test_a_catalog_with_a_threshold_below_the_floor_gets_groups_built_for_it(store, tmp_path, request):
    # LiteLLM's key names the threshold: gpt-5.4 above 128k, under the 200k the stored groups keep apart, so the
    # 250,000-token call must bill at the long-context rates: 250,000 x $5 + 1,000 x $22.5 = $1.2725
    litellm = {"gpt-5.4": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1.5e-05,
                           "input_cost_per_token_above_128k_tokens": 5e-06,
                           "output_cost_per_token_above_128k_tokens": 2.25e-05,
                           "litellm_provider": "openai", "mode": "chat"}}  # fmt: skip
    path = tmp_path / "model_prices_and_context_window.json"
    path.write_text(json.dumps(litellm))
    settings = audit.Settings(Scope(feature="odd"), by="model", min_calls=1)
    got = audited(store, settings, path)
    request.getfixturevalue("per_call")
    want = audited(store, settings, path)
    same(got, want)
    model = next(r for r in got["report"]["breakdowns"]["model"] if r["key"] == "gpt-5.4")
    # 300k: 300,000 x 5 + 1,000 x 22.5 = $1.5225; 250k: $1.2725; 272k: 272,000 x 5 + 1,000 x 22.5 = $1.3825;
    # 1,200 x 2.5 + 80 x 15 = 3,000 + 1,200 = $0.0042 -> $4.1817
    assert Decimal(str(model["cost_usd"])) == Decimal("4.1817")


def test_the_long_context_rate_is_per_call_in_the_groups(store):
    got = audited(store, audit.Settings(Scope(feature="odd"), by="model", min_calls=1))
    model = next(
        r for r in got["report"]["breakdowns"]["model"] if r["key"] == "gpt-5.4-2026-03-05"
    )  # the snapshot that bills gpt-5.4
    # 300k above 272k: 300,000 x 5 + 1,000 x 22.5 = 1,522,500; 250k: 250,000 x 2.5 + 1,000 x 15 = 640,000;
    # 272k: 695,000; 1,200 x 2.5 + 80 x 15 = 4,200 -> 2,861,700 / 1M = $2.8617
    assert Decimal(str(model["cost_usd"])) == Decimal("2.8617")


def kept(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    found = {t: sorted(map(str, con.execute(f"SELECT * FROM {t}").fetchall()))
             for t in ("call_groups", "call_values", "call_minutes", "retry_groups")}  # fmt: skip
    con.close()
    return found


def test_forget_and_a_store_upgrade_leave_the_aggregates_as_a_fresh_ingest_makes_them(store, tmp_path):
    folder = store.parent
    fresh = tmp_path / "fresh.duckdb"
    ok("ingest", str(SAMPLE_DATA), str(folder / "worker-a.log"), str(folder / "odd.log"), "--db", str(fresh))
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(store.read_bytes())
    ok("forget", str(folder / "worker-b.log"), "--db", str(copy))  # its runs are recounted without it
    assert kept(copy) == kept(fresh)
    con = duckdb.connect(str(copy))
    for table in ("call_groups", "call_values", "call_minutes", "retry_groups"):
        con.execute(f"DROP TABLE {table}")
    con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    con.close()
    ok("ingest", str(SAMPLE_DATA / "web_app.jsonl"), "--db", str(copy))  # any ingest upgrades; this file is known
    assert kept(copy) == kept(fresh)
