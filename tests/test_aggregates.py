"""Aggregates kept at ingest: budget's distributions read from output_counts equal the per-call computation they
replaced, to the token, and stay exact through forget, --force and a store upgrade."""

from __future__ import annotations

import json
import math
import random
from datetime import date
from pathlib import Path

import duckdb
import pytest
import structlog

from conftest import SAMPLE_DATA, ok, write_structlog

PER_CALL = (Path(__file__).parent / "reference" / "budget_groups_per_call.sql").read_text(encoding="utf-8")
RECOUNT = """
SELECT source_id, CAST(ts AS DATE), feature, batch_type, model, max_tokens, coalesce(finish_reason = 'length', false),
       output_tokens, count(*), tier, CASE WHEN input_tokens > 200000 THEN input_tokens END
FROM calls WHERE output_tokens > 0 AND (status_code IS NULL OR status_code < 400) GROUP BY ALL
"""
KEPT = "SELECT * FROM output_counts"


def varied_log(path: Path) -> Path:
    """Calls over five days: features (one untagged), batch types, two models, caps, truncations, errors and 429s."""
    rng = random.Random(7)
    events = []
    for i in range(1500):
        feature = rng.choice(["summarise", "classify", "extract", None])
        cap = {"summarise": 400, "classify": 32, "extract": None, None: 120}[feature]
        out = rng.randint(1, 480) if feature != "classify" else rng.randint(1, 40)
        event = {"event": "llm_call", "timestamp": f"2026-11-0{1 + i % 5}T{i % 24:02d}:{i % 60:02d}:00Z",
                 "model": rng.choice(["gpt-4o-mini", "gpt-4o"]), "prompt_tokens": rng.randint(50, 3000),
                 "completion_tokens": min(out, cap) if cap else out, "request_id": f"r{i}"}  # fmt: skip
        if feature:
            event["feature"] = feature
        if cap:
            event["max_tokens"] = cap
            if out >= cap:
                event["finish_reason"] = "length"
        if i % 7 == 0:
            event["batch_type"] = rng.choice(["nightly", "weekly"])
        if i % 97 == 0:
            event.update(status_code=500, completion_tokens=0)
        if i % 89 == 0:
            event.update(status_code=400)
        events.append(event)
    return write_structlog(path, structlog.processors.JSONRenderer(), events)


@pytest.fixture
def store(tmp_path) -> Path:
    db = tmp_path / "s.duckdb"
    ok("ingest", str(SAMPLE_DATA), str(varied_log(tmp_path / "varied.log")), "--db", str(db))
    return db


def per_call(db: Path, by: str, percentile: float, feature=None, since=None, until=None) -> dict:
    from costcap import prices
    from costcap.store import Store

    store = Store(str(db), prices.catalog(), read_only=True)  # for the session's aliases: by model is by snapshot
    rows = store.composed(PER_CALL, by=by, feature=feature, since=since, until=until, fraction=percentile / 100)
    found = {next(iter(r.values())): r for r in rows}
    for name, row in found.items():
        sent = store.composed(
            "SELECT max_tokens, count(*) AS n FROM priced_calls WHERE output_tokens > 0 AND (status_code IS NULL OR status_code < 400)"
            " AND max_tokens IS NOT NULL AND coalesce(CASE $by WHEN 'model' THEN coalesce(price_model, model) WHEN 'batch_type' THEN batch_type"
            " ELSE feature END, '(untagged)') = $name AND ($feature IS NULL OR feature = $feature)"
            " AND ($since IS NULL OR CAST(ts AS DATE) >= $since) AND ($until IS NULL OR CAST(ts AS DATE) <= $until) GROUP BY 1",
            by=by,
            name=name,
            feature=feature,
            since=since,
            until=until,
        )
        top = max((r["n"] for r in sent), default=0)
        row["tied_caps"] = [r["max_tokens"] for r in sent if r["n"] == top]
    store.close()
    return found


def aggregate(db: Path, *args: str) -> dict:
    return {g["group"]: g for g in json.loads(ok("budget", "--db", str(db), *args, "-f", "json").stdout)["groups"]}


CASES = [("feature", 90, {}), ("model", 90, {}), ("batch_type", 50, {}), ("feature", 99.5, {}),
         ("feature", 90, {"feature": "summarise"}), ("model", 75, {"since": "2026-11-02", "until": "2026-11-04"})]  # fmt: skip


@pytest.mark.parametrize("by, percentile, narrow", CASES)
def test_budget_from_the_aggregates_equals_the_per_call_computation(store, by, percentile, narrow):
    flags = [f"--{k}={v}" for k, v in narrow.items()]
    got = aggregate(store, "--by", by, "--percentile", str(percentile), "--min-calls", "1", *flags)
    days = {k: date.fromisoformat(v) for k, v in narrow.items() if k in ("since", "until")}
    want = per_call(store, by, percentile, narrow.get("feature"), days.get("since"), days.get("until"))
    assert set(got) == set(want) and got
    for name, w in want.items():
        g = got[name]
        assert (g["calls"], g["truncated_calls"], g["max"]) == (w["calls"], w["truncated_calls"], w["max"]), name
        # the cap most calls were sent with; on a tie DuckDB's mode() picks any, the aggregate the smaller
        tied = w["tied_caps"]
        assert w["current_max_tokens"] in (tied or [None]) and g["current_max_tokens"] == (
            min(tied) if tied else None
        ), name
        for key in ("p50", "p90", "p99"):
            assert round(g[key], 6) == round(w[key], 6), (name, key)
    # and the cap each group is given: 1.2 x the percentile asked for, but never at or below today's cap where calls
    # hit it (then 1.2 x today's cap: the percentile of answers cut at the cap says nothing of their length)
    for name, g in got.items():
        w = want[name]
        recommended = math.ceil(round(1.2 * w["p_chosen"], 6))
        if w["truncated_calls"] and g["current_max_tokens"] is not None and recommended <= g["current_max_tokens"]:
            recommended = math.ceil(round(1.2 * g["current_max_tokens"], 6))
        assert g["recommended_max_tokens"] == recommended, name


def counts(db: Path) -> tuple[set, set]:
    con = duckdb.connect(str(db), read_only=True)
    kept, recount = set(con.execute(KEPT).fetchall()), set(con.execute(RECOUNT).fetchall())
    con.close()
    return kept, recount


def test_the_counts_stay_exact_through_forget_force_and_a_grown_log(store, tmp_path):
    kept, recount = counts(store)
    assert kept == recount and kept
    ok("forget", str(tmp_path / "varied.log"), "--db", str(store))
    kept, recount = counts(store)
    assert kept == recount
    log = varied_log(tmp_path / "varied.log")
    ok("ingest", str(log), "--db", str(store))
    ok("ingest", str(log), "--db", str(store), "--force")
    with open(log, "a", encoding="utf-8") as more:  # the log grows: only the new lines are added, and counted
        more.write(json.dumps({"event": "llm_call", "timestamp": "2026-11-06T00:00:00Z", "model": "gpt-4o",
                               "feature": "summarise", "prompt_tokens": 10, "completion_tokens": 77}) + "\n")  # fmt: skip
    ok("ingest", str(log), "--db", str(store))
    kept, recount = counts(store)
    assert kept == recount and any(row[7] == 77 for row in kept)


def test_a_store_of_schema_4_gets_its_counts_when_upgraded(store):
    con = duckdb.connect(str(store))
    con.execute("DROP TABLE output_counts")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    ok("ingest", str(SAMPLE_DATA / "web_app.jsonl"), "--db", str(store))  # any ingest upgrades the store
    kept, recount = counts(store)
    assert kept == recount and kept
