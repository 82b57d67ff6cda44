"""Batch API output and error files: one JSON line per request, usage in response.body.usage."""

from __future__ import annotations

import json

from costcap.ingest.records import BadRecord, Options, to_call


def parse(line: str) -> dict | None:
    """The Batch output line as a dict, None for a blank line; anything else is a bad line."""
    text = line.strip()
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise BadRecord("the line is not valid JSON: cut short or corrupted") from None
    if not isinstance(value, dict) or "custom_id" not in value:
        raise BadRecord("not a Batch output line (it has no custom_id)")
    return value


def to_row(line: dict, options: Options) -> dict:
    """A failed request has no usage and becomes a failed call with zero tokens."""
    return to_call(flatten(line), options, origin="batch", tier="batch")


def flatten(line: dict) -> dict:
    """The fields of one output line, in the shape records.to_call reads."""
    response = line.get("response") or {}
    if not isinstance(response, dict):
        raise BadRecord("response is not an object")
    body = response.get("body") or {}
    if not isinstance(body, dict):
        raise BadRecord("response.body is not an object")
    metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    return {
        "custom_id": line.get("custom_id"),
        "request_id": response.get("request_id"),
        "status_code": response.get("status_code"),
        "error": line.get("error") or body.get("error"),
        "model": body.get("model"),
        "usage": body.get("usage") if isinstance(body.get("usage"), dict) else None,
        "finish_reason": _finish_reason(body),
        "timestamp": body.get("created") or body.get("created_at"),
        "user": body.get("safety_identifier") or body.get("user"),
        "feature": metadata.get("feature"),
        "batch_type": metadata.get("batch_type"),
        "order_id": metadata.get("order_id"),
        "max_tokens": body.get("max_output_tokens"),
    }


def _finish_reason(body: dict) -> str | None:
    choices = body.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        return choices[0].get("finish_reason")
    details = body.get("incomplete_details")
    if isinstance(details, dict) and details.get("reason") == "max_output_tokens":
        return "length"
    return "stop" if body.get("status") == "completed" else None
