"""Deterministic benchmark inputs: structlog JSON and console logs, a usage CSV export and a Batch output file.

    python bench/gen.py json 2000000 > calls.jsonl
    python bench/gen.py console|usage-csv|batch-output N > FILE

The same seed gives the same bytes. The shapes follow sample_data/ (see bench/make_samples.py): a report
pipeline with batch types, order ids, retries after failed validation and 429s; a sidebar widget tagged only
through `user`; a tag suggester with a tight max_tokens that truncates; a reasoning model on the flex tier;
a fine-tune the catalog cannot price; and events that are not calls. Lines are rendered by hand, not by
structlog, so that ten million of them take seconds, not minutes: tests/test_bench.py checks that every record
kind renders exactly as structlog's JSONRenderer and ConsoleRenderer would.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta

SEED = 20261123
START = datetime(2026, 8, 1)
DAYS = 90
USAGE_HEADER = (
    "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,"
    "service_tier,compute_units,input_tokens,output_tokens,input_cached_tokens,input_cache_write_tokens,"
    "input_uncached_tokens,input_text_tokens,output_text_tokens,input_cached_text_tokens,input_audio_tokens,"
    "input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,output_image_tokens"
)
USAGE_MODELS = ["gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18", "gpt-5-mini-2025-08-07", "gpt-4.1-2025-04-14"]
PROJECTS = ["proj_Fq8sY2mZ0cLr4TxWb1Kd", "proj_Q0b7Rk1mX9Lc2VwTz4Hs"]
KEYS = ["key_W3bApp9sK2LmQ0xZ", "key_Wrk7Rp2Nn4Bq8Vc1", "key_Ev4lS9xQ1mZp7Tr3"]


class Clock:
    """Timestamps that advance evenly over DAYS days, rendered as TimeStamper(fmt="iso") writes them."""

    def __init__(self, count: int):
        self.step_us = max(1, DAYS * 86_400_000_000 // max(count, 1))
        self.now_us = 0
        self._day, self._day_text = -1, ""

    def tick(self) -> str:
        self.now_us += self.step_us
        day, rest = divmod(self.now_us, 86_400_000_000)
        if day != self._day:
            self._day, self._day_text = day, (START + timedelta(days=day)).strftime("%Y-%m-%dT")
        seconds, micros = divmod(rest, 1_000_000)
        hours, seconds = divmod(seconds, 3600)
        minutes, seconds = divmod(seconds, 60)
        return f"{self._day_text}{hours:02d}:{minutes:02d}:{seconds:02d}.{micros:06d}Z"

    def epoch(self) -> int:
        return int((START - datetime(1970, 1, 1)).total_seconds()) + self.now_us // 1_000_000


def records(count: int, seed: int = SEED) -> Iterator[tuple[str, str, dict]]:
    """(level, event, fields) for `count` log events, in the order structlog would receive the keyword arguments."""
    rng = random.Random(seed)
    clock = Clock(count)
    order, call_in_order = 0, 0
    for _ in range(count):
        ts = clock.tick()
        pick = rng.random()
        if pick < 0.02:
            yield "info", "order_started", {"order_id": f"ord-{order:07d}", "timestamp": ts}
        elif pick < 0.50:
            call_in_order += 1
            if call_in_order > 160:
                order, call_in_order = order + 1, 1
            yield _report_call(rng, ts, order, call_in_order)
        elif pick < 0.75:
            yield _sidebar_call(rng, ts)
        elif pick < 0.88:
            yield _tag_call(rng, ts)
        else:
            yield _assistant_call(rng, ts)


def _request_id(rng: random.Random) -> str:
    return f"req_{rng.getrandbits(96):024x}"


def _report_call(rng, ts, order, n):
    batch_type = "daily" if n % 3 else "weekly"
    common = {
        "batch_type": batch_type,
        "model": "gpt-4o",
        "order_id": f"ord-{order:07d}",
        "batch_size": 5 if batch_type == "daily" else 3,
    }
    roll = rng.random()
    if roll < 0.01:
        return "warning", "token_usage", {
            **common, "status_code": 429, "error": "rate_limit_exceeded", "attempt": 1,
            "prompt_tokens": 0, "completion_tokens": 0, "timestamp": ts,
        }  # fmt: skip
    prompt = 2600 + rng.randrange(400)
    completion = rng.randrange(500, 820) if rng.random() < 0.15 else rng.randrange(150, 300)
    failed = roll > 0.9
    return "info", "token_usage", {
        **common, "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
        "finish_reason": "stop", "attempt": 2 if roll > 0.85 and not failed else 1, "request_id": _request_id(rng),
        "status": "validation_failed" if failed else "ok", "timestamp": ts,
    }  # fmt: skip


def _sidebar_call(rng, ts):
    prompt, cached = 1480 + rng.randrange(120), 1024 if rng.random() < 0.7 else 0
    return "info", "llm_call", {
        "user": f"{rng.getrandbits(48):012x}:sidebar_widget", "model": "gpt-4o-mini", "prompt_tokens": prompt,
        "completion_tokens": rng.randrange(90, 170), "prompt_tokens_details": {"cached_tokens": cached},
        "finish_reason": "stop", "request_id": _request_id(rng), "latency_ms": rng.randrange(400, 1400), "timestamp": ts,
    }  # fmt: skip


def _tag_call(rng, ts):
    model = "ft:gpt-4o-mini-2024-07-18:acme::tags01" if rng.random() < 0.05 else "gpt-4o-mini"
    completion = rng.randrange(18, 51)
    return "info", "llm_call", {
        "feature": "tag_suggester", "model": model, "prompt_tokens": 380 + rng.randrange(60),
        "completion_tokens": completion, "max_tokens": 50, "finish_reason": "length" if completion >= 48 else "stop",
        "request_id": _request_id(rng), "timestamp": ts,
    }  # fmt: skip


def _assistant_call(rng, ts):
    output = rng.randrange(300, 2400)
    return "info", "llm_call", {
        "feature": "chat_assistant", "model": "gpt-5-mini", "service_tier": "flex" if rng.random() < 0.3 else "default",
        "input_tokens": 900 + rng.randrange(3000), "output_tokens": output,
        "output_tokens_details": {"reasoning_tokens": output // 2}, "request_id": _request_id(rng), "timestamp": ts,
    }  # fmt: skip


def json_line(level: str, event: str, fields: dict) -> str:
    """JSONRenderer after add_log_level: the call's keyword arguments, then event, then level."""
    return json.dumps({**fields, "event": event, "level": level})


def console_line(level: str, event: str, fields: dict) -> str:
    """ConsoleRenderer(colors=False) after TimeStamper(fmt="iso"): timestamp, padded level and event, sorted keys."""
    rest = {k: v for k, v in fields.items() if k != "timestamp"}
    pairs = " ".join(f"{k}={_console_value(rest[k])}" for k in sorted(rest))
    return f"{fields['timestamp']} [{level:<9}] {event:<30} {pairs}"


def _console_value(value) -> str:
    return value if isinstance(value, str) else repr(value)


def json_lines(count: int, seed: int = SEED) -> Iterator[str]:
    return (json_line(*r) for r in records(count, seed))


def console_lines(count: int, seed: int = SEED) -> Iterator[str]:
    return (console_line(*r) for r in records(count, seed))


def usage_csv_lines(count: int, seed: int = SEED) -> Iterator[str]:
    """A 2026 usage export of `count` rows (header first), counts written as floats like the dashboard: hourly
    buckets, or 1-minute ones when hours would run past DAYS."""
    rng = random.Random(seed)
    yield USAGE_HEADER
    start = int((START - datetime(1970, 1, 1)).total_seconds())
    per_bucket = len(USAGE_MODELS) * len(PROJECTS) * len(KEYS) * 2
    width = 3600 if count / per_bucket * 3600 <= DAYS * 86400 else 60
    for i in range(count):
        bucket, combo = divmod(i, per_bucket)
        model, rest = USAGE_MODELS[combo % 4], combo // 4
        project, key, batch = PROJECTS[rest % 2], KEYS[(rest // 2) % 3], rest // 6 == 1
        begin = start + bucket * width
        inp, out = rng.randrange(1000, 900_000), rng.randrange(100, 90_000)
        cached = rng.randrange(inp // 2) if not batch and rng.random() < 0.4 else 0
        iso = (datetime(1970, 1, 1) + timedelta(seconds=begin)).isoformat()
        iso_end = (datetime(1970, 1, 1) + timedelta(seconds=begin + width)).isoformat()
        yield (
            f"{begin},{begin + width},{iso}+00:00,{iso_end}+00:00,{project},{rng.randrange(1, 400)}.0,"
            f"user-4BhNtYH0z7dWbBtz,{key},{model},{batch},default,,{inp}.0,{out}.0,{cached}.0,0.0,{inp - cached}.0,"
            f"{inp - cached}.0,{out}.0,{cached}.0,0.0,0.0,0.0,0.0,0.0,0.0"
        )


def batch_output_lines(count: int, seed: int = SEED) -> Iterator[str]:
    """Batch API output lines, /v1/chat/completions and /v1/responses bodies, with expired and rejected requests."""
    rng = random.Random(seed)
    clock = Clock(count)
    for i in range(count):
        clock.tick()
        yield json.dumps(_batch_line(rng, i, clock.epoch()))


def _batch_line(rng, i, created):
    line_id, custom_id = f"batch_req_{rng.getrandbits(80):020x}", f"summary-{i:09d}"
    roll = rng.random()
    if roll < 0.002:
        error = {
            "code": "batch_expired",
            "message": "This request could not be executed before the completion window expired.",
        }
        return {"id": line_id, "custom_id": custom_id, "response": None, "error": error}
    if roll < 0.004:
        body = {
            "error": {
                "message": "Invalid 'max_output_tokens': integer below minimum value.",
                "type": "invalid_request_error",
            }
        }
        response = {"status_code": 400, "request_id": _request_id(rng), "body": body}
        return {"id": line_id, "custom_id": custom_id, "response": response, "error": None}
    inp, out = 5200 + rng.randrange(1800), rng.randrange(350, 600)
    if roll < 0.5:
        usage = {"input_tokens": inp, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": out,
                 "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": inp + out}  # fmt: skip
        body = {"id": f"resp_{line_id[10:]}", "object": "response", "created_at": created, "status": "completed",
                "model": "gpt-4o-2024-08-06", "safety_identifier": "9f2c1e7ab044:overnight_summariser",
                "service_tier": "default", "usage": usage}  # fmt: skip
    else:
        usage = {"prompt_tokens": inp, "completion_tokens": out, "total_tokens": inp + out,
                 "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0}}  # fmt: skip
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": "..."},
            "finish_reason": "length" if out > 590 else "stop",
        }
        body = {"id": f"chatcmpl-{line_id[10:]}", "object": "chat.completion", "created": created,
                "model": "gpt-4o-mini-2024-07-18", "choices": [choice], "usage": usage,
                "metadata": {"feature": "nightly_digest", "order_id": f"ord-{i // 200:07d}"}}  # fmt: skip
    response = {"status_code": 200, "request_id": _request_id(rng), "body": body}
    return {"id": line_id, "custom_id": custom_id, "response": response, "error": None}


GENERATORS = {
    "json": json_lines,
    "console": console_lines,
    "usage-csv": usage_csv_lines,
    "batch-output": batch_output_lines,
}


def write(kind: str, count: int, path, seed: int = SEED) -> None:
    """Write `count` records of `kind` to `path`, one per line."""
    with open(path, "w", buffering=1 << 20) as out:
        for line in GENERATORS[kind](count, seed):
            out.write(line)
            out.write("\n")


def main(argv: list[str]) -> None:
    if len(argv) != 2 or argv[0] not in GENERATORS:
        sys.exit(f"usage: gen.py {{{'|'.join(GENERATORS)}}} COUNT > FILE")
    out = sys.stdout
    for line in GENERATORS[argv[0]](int(argv[1])):
        out.write(line + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
