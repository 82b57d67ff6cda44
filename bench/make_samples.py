"""Write costcap's sample inputs: structlog logs (written by structlog itself), a Batch output file, and the
usage and cost exports that bill them. Deterministic: the same files on every run.

    python bench/make_samples.py            # needs structlog (pip install -e '.[test]')
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import random
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import structlog

from costcap import prices

HERE = Path(__file__).resolve().parents[1] / "sample_data"
DAYS = [datetime(2026, 11, 1) + timedelta(days=d) for d in range(7)]
PROJECT = "proj_Fq8sY2mZ0cLr4TxWb1Kd"
KEYS = {"web": "key_W3bApp9sK2LmQ0xZ", "worker": "key_Wrk7Rp2Nn4Bq8Vc1", "evals": "key_Ev4lS9xQ1mZp7Tr3"}
USER = "user-4BhNtYH0z7dWbBtz"
MODELS = {"4o": "gpt-4o-2024-08-06", "mini": "gpt-4o-mini-2024-07-18", "ft": "ft:gpt-4o-mini-2024-07-18:acme::tags01"}
USAGE_HEADER = [
    "start_time",
    "end_time",
    "start_time_iso",
    "end_time_iso",
    "project_id",
    "num_model_requests",
    "user_id",
    "api_key_id",
    "model",
    "batch",
    "service_tier",
    "compute_units",
    "input_tokens",
    "output_tokens",
    "input_cached_tokens",
    "input_cache_write_tokens",
    "input_uncached_tokens",
    "input_text_tokens",
    "output_text_tokens",
    "input_cached_text_tokens",
    "input_audio_tokens",
    "input_cached_audio_tokens",
    "output_audio_tokens",
    "input_image_tokens",
    "input_cached_image_tokens",
    "output_image_tokens",
]
COST_HEADER = [
    "start_time",
    "end_time",
    "start_time_iso",
    "end_time_iso",
    "amount_value",
    "amount_currency",
    "quantity",
    "quantity_unit",
    "line_item",
    "user_id",
    "api_key_id",
    "project_id",
    "organization_id",
    "project_name",
    "organization_name",
    "user_email",
]


class Ledger:
    """What OpenAI saw: every billed call by day, model, key and batch flag."""

    def __init__(self):
        self.rows = defaultdict(lambda: [0, 0, 0, 0])  # requests, input, cached, output

    def add(self, when: datetime, model: str, key: str, batch: bool, inp: int, cached: int, out: int):
        row = self.rows[(when.date(), model, key, batch)]
        for i, value in enumerate((1, inp, cached, out)):
            row[i] += value


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _request_id(rng: random.Random) -> str:
    return "req_" + "".join(rng.choice("0123456789abcdef") for _ in range(24))


def write_web_log(rng: random.Random, ledger: Ledger) -> None:
    """The web app's JSON log: the sidebar widget (tagged through `user`) and the tag suggester."""
    with open(HERE / "web_app.jsonl", "w") as fh:
        log = structlog.wrap_logger(
            structlog.PrintLogger(fh),
            processors=[structlog.processors.add_log_level, structlog.processors.JSONRenderer()],
        )
        for day in DAYS:
            for i in range(70):
                when = day + timedelta(hours=7, seconds=i * 560 + rng.randint(0, 300))
                log.info("http_request", method="GET", path="/dashboard", status=200, timestamp=_ts(when))
                _sidebar_call(rng, ledger, log, when + timedelta(seconds=1))
            for i in range(40):
                when = day + timedelta(hours=9, seconds=i * 900 + rng.randint(0, 400))
                _tag_call(rng, ledger, log, when)


def _sidebar_call(rng, ledger, log, when):
    user = hashlib.sha256(f"u{rng.randint(1, 40)}".encode()).hexdigest()[:12]
    prompt = 1480 + rng.randint(0, 120)
    cached = 1024 if rng.random() < 0.7 else 0
    completion = rng.randint(90, 170)
    ledger.add(when, MODELS["mini"], KEYS["web"], False, prompt, cached, completion)
    log.info(
        "llm_call", user=f"{user}:sidebar_widget", model="gpt-4o-mini", prompt_tokens=prompt, completion_tokens=completion,
        prompt_tokens_details={"cached_tokens": cached}, finish_reason="stop", request_id=_request_id(rng),
        latency_ms=rng.randint(400, 1400), timestamp=_ts(when),
    )  # fmt: skip


def _tag_call(rng, ledger, log, when):
    model = MODELS["ft"] if rng.random() < 0.1 else "gpt-4o-mini"
    prompt, completion = 380 + rng.randint(0, 60), rng.randint(18, 50)
    finish = "length" if completion >= 48 else "stop"
    ledger.add(when, MODELS["mini"] if model == "gpt-4o-mini" else model, KEYS["web"], False, prompt, 0, completion)
    log.info(
        "llm_call", feature="tag_suggester", model=model, prompt_tokens=prompt, completion_tokens=completion,
        max_tokens=50, finish_reason=finish, request_id=_request_id(rng), timestamp=_ts(when),
    )  # fmt: skip


def write_worker_log(rng: random.Random, ledger: Ledger) -> None:
    """The report pipeline's dev-console log (gzip): uncapped gpt-4o calls per batch type, 429s and retries."""
    buffer = io.StringIO()
    log = structlog.wrap_logger(
        structlog.PrintLogger(buffer),
        processors=[structlog.processors.add_log_level, structlog.dev.ConsoleRenderer(colors=False)],
    )
    for day in DAYS:
        for order in range(2):
            order_id = f"ord-{day:%m%d}-{order + 1}"
            when = day + timedelta(hours=10 + order * 4)
            log.info("order_started", order_id=order_id, timestamp=_ts(when))
            for n in range(18):
                when += timedelta(seconds=rng.randint(20, 28))
                _report_call(rng, ledger, log, when, order_id, "daily" if n < 12 else "weekly", n)
    with gzip.open(HERE / "report_worker.log.gz", "wt") as fh:
        fh.write(buffer.getvalue())


def _report_call(rng, ledger, log, when, order_id, batch_type, n):
    batch_size = 5 if batch_type == "daily" else 3
    common = {"batch_type": batch_type, "model": "gpt-4o", "order_id": order_id, "batch_size": batch_size}
    if 8 <= n <= 9 and rng.random() < 0.5:
        log.warning("token_usage", **common, status_code=429, error="rate_limit_exceeded", attempt=1,
                    prompt_tokens=0, completion_tokens=0, timestamp=_ts(when))  # fmt: skip
        when += timedelta(seconds=2)
    attempts = 2 if batch_type == "daily" and rng.random() < 0.15 else 1
    for attempt in range(1, attempts + 1):
        prompt = 2600 + rng.randint(0, 400)
        # uncapped: most answers are the 150-300 tokens wanted, one in six rambles on to 500-820
        rambles = rng.random() < (0.17 if batch_type == "daily" else 0.1)
        completion = rng.randint(500, 820) if rambles else rng.randint(150, 300)
        ledger.add(when, MODELS["4o"], KEYS["worker"], False, prompt, 0, completion)
        failed = attempt < attempts
        log.info(
            "token_usage", **common, prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion,
            finish_reason="stop", attempt=attempt, request_id=_request_id(rng),
            status="validation_failed" if failed else "ok", timestamp=_ts(when),
        )  # fmt: skip
        when += timedelta(seconds=rng.randint(15, 25))


def write_batch_output(rng: random.Random, ledger: Ledger) -> None:
    """The overnight summariser's Batch API (/v1/responses) output, with one expired and one rejected request."""
    lines = []
    for day in DAYS:
        created = int((day + timedelta(hours=2) - datetime(1970, 1, 1)).total_seconds())
        for i in range(20):
            custom_id = f"summary-{day:%Y%m%d}-{i:03d}"
            lines.append(_batch_line(rng, ledger, day, created + i * 40, custom_id, i))
    rng.shuffle(lines)  # Batch output order is not input order
    (HERE / "batch_output.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))


def _batch_line(rng, ledger, day, created, custom_id, i):
    line_id = "batch_req_" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(20))
    if day == DAYS[3] and i == 7:
        return {"id": line_id, "custom_id": custom_id, "response": None,
                "error": {"code": "batch_expired", "message": "This request could not be executed before the completion window expired."}}  # fmt: skip
    if day == DAYS[5] and i == 11:
        body = {"error": {"message": "Invalid 'max_output_tokens': integer below minimum value.", "type": "invalid_request_error",
                          "param": "max_output_tokens", "code": "integer_below_min_value"}}  # fmt: skip
        return {"id": line_id, "custom_id": custom_id, "response": {"status_code": 400, "request_id": _request_id(rng), "body": body}, "error": None}  # fmt: skip
    inp, out = 5200 + rng.randint(0, 1800), rng.randint(350, 600)
    ledger.add(day, MODELS["4o"], KEYS["worker"], True, inp, 0, out)
    body = {
        "id": f"resp_{line_id[10:]}", "object": "response", "created_at": created, "status": "completed",
        "model": MODELS["4o"], "safety_identifier": "9f2c1e7ab044:overnight_summariser", "service_tier": "default",
        "usage": {"input_tokens": inp, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": out,
                  "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": inp + out},
    }  # fmt: skip
    return {"id": line_id, "custom_id": custom_id, "response": {"status_code": 200, "request_id": _request_id(rng), "body": body}, "error": None}  # fmt: skip


def add_unlogged_evals(rng: random.Random, ledger: Ledger) -> None:
    """An eval script that logs nothing: billed, never attributed (the unattributed share)."""
    for day in DAYS[::2]:
        for _ in range(25):
            ledger.add(
                day + timedelta(hours=22),
                MODELS["4o"],
                KEYS["evals"],
                False,
                rng.randint(1800, 2400),
                0,
                rng.randint(200, 400),
            )


def write_exports(ledger: Ledger) -> None:
    catalog = prices.builtin()
    usage_rows, daily_cost = [], defaultdict(Decimal)
    for (day, model, key, batch), (requests, inp, cached, out) in sorted(ledger.rows.items(), key=str):
        start = int((datetime.combine(day, datetime.min.time()) - datetime(1970, 1, 1)).total_seconds())
        usage_rows.append(_usage_row(start, model, key, batch, requests, inp, cached, out))
        rates = catalog.rates(model, day, "batch" if batch else "default")
        if rates:  # OpenAI bills the fine-tune too; the catalog just does not know its price
            daily_cost[start] += prices.call_cost(rates, inp, cached, out)
        else:  # fine-tuned gpt-4o-mini bills at twice the base model's rates
            daily_cost[start] += prices.call_cost(catalog.rates(MODELS["mini"], day), inp, cached, out) * 2
    _write_csv("completions_usage_2026-11-01_2026-11-07.csv", USAGE_HEADER, usage_rows)
    _write_csv("cost_2026-11-01_2026-11-07.csv", COST_HEADER, [_cost_row(s, v) for s, v in sorted(daily_cost.items())])


def _iso(start: int, offset: bool = True) -> str:
    text = (datetime(1970, 1, 1) + timedelta(seconds=start)).isoformat()
    return text + "+00:00" if offset else text


def _usage_row(start, model, key, batch, requests, inp, cached, out):
    end = start + 86400
    row = dict.fromkeys(USAGE_HEADER, "")
    row.update(
        start_time=start, end_time=end, start_time_iso=_iso(start), end_time_iso=_iso(end), project_id=PROJECT,
        num_model_requests=f"{requests:.1f}", user_id=USER, api_key_id=key, model=model, batch=str(batch),
        service_tier="default", input_tokens=f"{inp:.1f}", output_tokens=f"{out:.1f}",
        input_cached_tokens=f"{cached:.1f}", input_cache_write_tokens="0.0", input_uncached_tokens=f"{inp - cached:.1f}",
        input_text_tokens=f"{inp - cached:.1f}", output_text_tokens=f"{out:.1f}", input_cached_text_tokens=f"{cached:.1f}",
    )  # fmt: skip
    for column in USAGE_HEADER[20:]:
        row[column] = "0.0"
    return row


def _cost_row(start, amount):
    row = dict.fromkeys(COST_HEADER, "")
    row.update(
        start_time=start, end_time=start + 86400, start_time_iso=_iso(start, offset=False), end_time_iso=_iso(start + 86400, offset=False),
        amount_value=f"{amount:.36f}", amount_currency="usd", organization_id="org-Hp9mQ2", organization_name="Personal",
    )  # fmt: skip
    return row


def _write_csv(name: str, header: list[str], rows: list[dict]) -> None:
    with open(HERE / name, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(20261101)
    ledger = Ledger()
    write_web_log(rng, ledger)
    write_worker_log(rng, ledger)
    write_batch_output(rng, ledger)
    add_unlogged_evals(rng, ledger)
    write_exports(ledger)


if __name__ == "__main__":
    main()
