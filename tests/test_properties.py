"""Property tests: any bytes into every reader end in rows or a CostcapError; pricing adds up and ignores order."""

from __future__ import annotations

import contextlib
import json
import random
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costcap import budget, prices
from costcap.errors import CostcapError
from costcap.ingest import Request, ingest
from costcap.ingest.records import Options
from costcap.store import Store

KINDS = ["auto", "usage-csv", "cost-csv", "structlog", "batch-output", "usage-api-json"]
MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4o-2024-05-13", "o3-mini"]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def store():
    with Store(":memory:", prices.builtin()) as s:
        yield s


def feed(store: Store, data: bytes, kind: str, name: str = "input.txt") -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        ingest(store, Request([str(path)], kind, Options()))


# bytes that look a little like each input, so the readers get past their first checks
SEEDS = [b"start_time,end_time,model,input_tokens,output_tokens\n", b"start_time,end_time,amount_value\n",
         b'{"event": "x", "prompt_tokens": ', b'{"custom_id": "a", "response": ', b'{"object": "page", "data": ']  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
@FAST
@given(prefix=st.sampled_from([b"", *SEEDS]), body=st.binary(max_size=300))
def test_any_bytes_ingest_or_fail_cleanly(store, kind, prefix, body):
    with contextlib.suppress(CostcapError):  # a clean, user-facing error; anything else fails the test
        feed(store, prefix + body, kind)


call = st.fixed_dictionaries({
    "model": st.sampled_from(MODELS),
    "prompt_tokens": st.integers(0, 200_000),
    "completion_tokens": st.integers(0, 20_000),
    "day": st.sampled_from(["2025-06-01", "2026-02-01", "2026-11-01"]),  # every model priced on each
})  # fmt: skip


def write_calls(calls: list[dict]) -> bytes:
    lines = [json.dumps({"event": "llm_call", "feature": "f", "model": c["model"], "prompt_tokens": c["prompt_tokens"],
                         "completion_tokens": c["completion_tokens"], "timestamp": f"{c['day']}T10:00:00Z"}) for c in calls]  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


def stored_total(data: bytes) -> Decimal:
    with Store(":memory:", prices.builtin()) as s:
        feed(s, data, "structlog", "calls.jsonl")
        return s.composed("SELECT coalesce(sum(cost_usd), 0) AS total FROM priced_calls")[0]["total"]


@settings(max_examples=40, deadline=None)
@given(calls=st.lists(call, min_size=1, max_size=12), seed=st.integers(0, 1000))
def test_pricing_is_additive_and_order_free(calls, seed):
    catalog = prices.builtin()
    by_python = sum(
        prices.call_cost(catalog.rates(c["model"], date.fromisoformat(c["day"])), c["prompt_tokens"], 0, c["completion_tokens"])
        for c in calls
    )  # fmt: skip
    shuffled = calls[:]
    random.Random(seed).shuffle(shuffled)
    total = stored_total(write_calls(calls))
    assert total == by_python  # the SQL sum of the rows equals the sum of each row priced alone in Python
    assert stored_total(write_calls(shuffled)) == total


@settings(max_examples=40, deadline=None)
@given(outputs=st.lists(st.integers(1, 100_000), min_size=10, max_size=60))
def test_p90_lies_between_min_and_max(outputs):
    calls = [
        {"model": "gpt-4o-mini", "prompt_tokens": 10, "completion_tokens": n, "day": "2026-11-01"} for n in outputs
    ]
    with Store(":memory:", prices.builtin()) as s:
        feed(s, write_calls(calls), "structlog", "calls.jsonl")
        [group] = budget.measure(s, budget.Settings()).groups
    assert min(outputs) <= group.p50 <= group.p90 <= group.p99 <= max(outputs)
    assert group.recommended_max_tokens >= group.p90
