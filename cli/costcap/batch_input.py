"""Price a Batch API input file before submitting it: tokens counted offline, output bounded by max_tokens."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

from costcap import prices, tokens
from costcap.errors import CostcapError, InputError
from costcap.estimate import BATCH_MAX_REQUESTS, RATE_LIMITS

BATCH_MAX_BYTES = 200 * 1024 * 1024
_OUTPUT_KEYS = ("max_completion_tokens", "max_tokens", "max_output_tokens")


def price_file(path: Path, catalog: prices.Catalog, output_tokens: int | None, tier: int) -> list[dict]:
    """One row per model: requests, input tokens, output tokens (an upper bound), sync and Batch cost, files, queue fit."""
    totals: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"requests": 0, "input": 0, "output": 0, "bytes": 0, "uncounted": {}}
    )
    for line_no, raw in _lines(path):
        body = _body(path, line_no, raw)
        model = body.get("model")
        if not isinstance(model, str):
            raise InputError(str(path), line_no, "the request body names no model", "add body.model to the line")
        t = totals[model]
        t["requests"] += 1
        t["bytes"] += len(raw)
        counted = tokens.count_request(body, tokens.encoding_name(model))
        request_input, request_output = counted.tokens, _output_tokens(path, line_no, body, output_tokens)
        for part in counted.uncounted:
            t["uncounted"][part] = t["uncounted"].get(part, 0) + 1
        t["input"] += request_input
        t["output"] += request_output
        for price_tier in ("default", "batch"):  # priced per request: long-context rates depend on each one's input
            rates, so_far = catalog.rates(model, tier=price_tier), t.get(price_tier, 0)
            if rates is None or so_far is None:
                t[price_tier] = None
            else:
                t[price_tier] = so_far + prices.text_cost(rates, request_input, 0, request_output)
    if not totals:
        raise InputError(str(path), None, "the file holds no requests", "point at a Batch API input .jsonl")
    return [_row(model, t, catalog, tier) for model, t in sorted(totals.items())]


def _lines(path: Path):
    if path.is_dir():
        raise CostcapError(f"{path}: is a folder, not a Batch API input file (name the .jsonl file)")
    if path.exists() and not path.is_file():
        raise CostcapError(f"{path}: not a regular file (a device, pipe or socket); save the requests to a file first")
    try:
        with open(path, "rb") as fh:
            for line_no, raw in enumerate(fh, start=1):
                if raw.strip():
                    yield line_no, raw
    except FileNotFoundError:
        raise CostcapError(f"{path}: no such file (check the path)") from None
    except PermissionError:
        raise CostcapError(f"{path}: permission denied (make the requests file readable)") from None
    except OSError as exc:
        raise CostcapError(f"{path}: cannot read the requests file ({exc.strerror or exc})") from None


def _body(path: Path, line_no: int, raw: bytes) -> dict:
    try:
        request = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(
            str(path), line_no, "the line is not valid JSON", "fix the line: one request object per line"
        ) from None
    body = request.get("body") if isinstance(request, dict) else None
    if not isinstance(body, dict):
        raise InputError(
            str(path), line_no, "not a Batch input line (no body)", "each line needs custom_id, method, url and body"
        )
    return body


def _output_tokens(path: Path, line_no: int, body: dict, fallback: int | None) -> int:
    if _embedding(body):
        return 0  # an embeddings request has no answer to bill
    for key in _OUTPUT_KEYS:
        if isinstance(body.get(key), int):
            return body[key]
    if fallback is None:
        raise InputError(
            str(path), line_no, "the request sets no max_tokens", "pass --output-tokens N to assume N per request"
        )
    return fallback


def _embedding(body: dict) -> bool:
    return "embedding" in str(body.get("model", "")) and "messages" not in body


def _row(model: str, t: dict, catalog: prices.Catalog, tier: int) -> dict:
    limits = RATE_LIMITS.get(catalog.resolve(model) or "", {}).get(tier)
    files = max(math.ceil(t["requests"] / BATCH_MAX_REQUESTS), math.ceil(t["bytes"] / BATCH_MAX_BYTES))
    sync_cost, batch_cost = t["default"], t["batch"]
    return {
        "model": model, "requests": t["requests"], "input_tokens": t["input"], "output_tokens_max": t["output"],
        "sync_cost_usd": sync_cost, "batch_cost_usd": batch_cost,
        "batch_saving_usd": sync_cost - batch_cost if sync_cost is not None else None,
        "batch_files": files, "queue_fits": None if limits is None else t["input"] <= limits[2],
        # parts tiktoken cannot count (images, audio, files, hosted tools): input_tokens leaves them out
        "uncounted": t["uncounted"],
    }  # fmt: skip
