"""Turn one parsed record (a log event or a Batch output line) into a normalized call row."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from costcap.prices import tier_of

# Source keys tried for each call field, first match wins; dotted keys walk nested objects.
FIELD_KEYS: dict[str, list[str]] = {
    "feature": ["feature"],
    "batch_type": ["batch_type"],
    "user": ["user", "safety_identifier"],
    "model": ["model", "response_model"],
    "input_tokens": ["prompt_tokens", "input_tokens", "usage.prompt_tokens", "usage.input_tokens"],
    "output_tokens": ["completion_tokens", "output_tokens", "usage.completion_tokens", "usage.output_tokens"],
    "cached_tokens": [
        "cached_tokens",
        "prompt_tokens_details.cached_tokens",
        "input_tokens_details.cached_tokens",
        "usage.prompt_tokens_details.cached_tokens",
        "usage.input_tokens_details.cached_tokens",
    ],
    "cache_write_tokens": [
        "cache_write_tokens",
        "prompt_tokens_details.cache_write_tokens",
        "input_tokens_details.cache_write_tokens",
        "usage.prompt_tokens_details.cache_write_tokens",
        "usage.input_tokens_details.cache_write_tokens",
    ],
    "reasoning_tokens": [
        "reasoning_tokens",
        "completion_tokens_details.reasoning_tokens",
        "output_tokens_details.reasoning_tokens",
        "usage.completion_tokens_details.reasoning_tokens",
        "usage.output_tokens_details.reasoning_tokens",
    ],
    "finish_reason": ["finish_reason"],
    "max_tokens": ["max_tokens", "max_completion_tokens", "max_output_tokens"],
    "status": ["status"],
    "error": ["error"],
    "status_code": ["status_code", "http_status"],
    "attempt": ["attempt"],
    "request_id": ["request_id", "x_request_id"],
    "custom_id": ["custom_id"],
    "order_id": ["order_id"],
    "batch_size": ["batch_size"],
    "service_tier": ["service_tier"],
    "timestamp": ["timestamp", "time", "ts"],
    "event": ["event"],
}
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens", "reasoning_tokens")
# Token counts above this are not real usage of one call: a unit mix-up or a corrupt line.
MAX_TOKENS_PER_CALL = 10**10
_ERROR_STATUSES = {"error", "failed", "failure", "timeout", "invalid", "exception"}
_FUTURE_SLACK = timedelta(days=1)


class BadRecord(ValueError):
    """A record that claims to be a call but carries values that cannot be right; the message says which."""

    def __init__(self, what: str, fix: str = "fix or delete that line, or pass --skip-bad to pass over bad lines"):
        super().__init__(what)
        self.what, self.fix = what, fix


@dataclass
class Options:
    """How records are read: the default model and extra source keys for fields (--field, costcap.toml)."""

    default_model: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(tzinfo=None))

    def keys(self, name: str) -> list[str]:
        extra = self.fields.get(name)
        return [extra, *FIELD_KEYS[name]] if extra else FIELD_KEYS[name]


def lookup(record: dict, key: str):
    """A value by key, or by a dotted path into nested objects; None when absent."""
    if key in record:
        return record[key]
    node = record
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def first(record: dict, options: Options, name: str):
    return first_with_key(record, options, name)[1]


def first_with_key(record: dict, options: Options, name: str) -> tuple[str, object]:
    """(the source key that matched, its value); (name, None) when no key carries the field."""
    for key in options.keys(name):
        value = lookup(record, key)
        if value is not None:
            return key, value
    return name, None


def is_call(record: dict, options: Options) -> bool:
    """A log record is a call when it carries input or output token counts."""
    return first(record, options, "input_tokens") is not None or first(record, options, "output_tokens") is not None


def to_call(record: dict, options: Options, origin: str, tier: str | None = None) -> dict:
    """The normalized call row for a record; raises BadRecord naming the field at fault."""
    get = lambda name: first(record, options, name)  # noqa: E731
    tokens = {name: count(*reversed(first_with_key(record, options, name))) for name in TOKEN_FIELDS}
    _check_token_sums(tokens)
    model = _text(get("model")) or options.default_model
    if model is None and tokens["input_tokens"] + tokens["output_tokens"] > 0 and origin == "log":
        raise BadRecord("the call names no model", "pass --model with the model these logs used")
    status_code = _whole(get("status_code"), "status_code")
    error = _text(get("error"))
    service_tier = _text(get("service_tier"))
    return {
        "origin": origin,
        "ts": timestamp(get("timestamp"), options.now),
        "feature": feature(record, options),
        "batch_type": _text(get("batch_type")),
        "model": model,
        "tier": tier or tier_of(service_tier),
        "service_tier": service_tier,
        **tokens,
        "finish_reason": _text(get("finish_reason")),
        "max_tokens": _whole(get("max_tokens"), "max_tokens"),
        "status": status(_text(get("status")), error, status_code),
        "status_code": status_code,
        "error": error,
        "attempt": _whole(get("attempt"), "attempt"),
        "request_id": _text(get("request_id")),
        "custom_id": _text(get("custom_id")),
        "order_id": _text(get("order_id")),
        "batch_size": _whole(get("batch_size"), "batch_size"),
        "event": _text(get("event")),
    }


def feature(record: dict, options: Options) -> str | None:
    """feature, else batch_type, else the <feature> of a `user`/`safety_identifier` shaped <hash>:<feature>."""
    for name in ("feature", "batch_type"):
        value = _text(first(record, options, name))
        if value:
            return value
    user = _text(first(record, options, "user"))
    if user and ":" in user:
        tail = user.split(":", 1)[1].strip()
        return tail or None
    return None


def count(value, name: str) -> int:
    """A token count: a whole number >= 0, written as an int, a float like 4.0 or a numeric string."""
    if value is None or value == "":
        return 0
    number = _number(value, name)
    if not math.isfinite(number) or number != int(number):
        raise BadRecord(f"{name} is {value!r}, not a whole number of tokens")
    if number < 0:
        raise BadRecord(f"{name} is {value!r}, a negative token count")
    if number > MAX_TOKENS_PER_CALL:
        raise BadRecord(f"{name} is {value!r}, more tokens than one call can use")
    return int(number)


def _number(value, name: str) -> float:
    if isinstance(value, bool):
        raise BadRecord(f"{name} is {value!r}, not a number")
    if isinstance(value, int):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        raise BadRecord(f"{name} is {value!r}, not a number") from None


def _whole(value, name: str) -> int | None:
    if value is None or value == "":
        return None
    number = _number(value, name)
    if not math.isfinite(number) or number != int(number) or abs(number) > 2**31 - 1:
        raise BadRecord(f"{name} is {value!r}, not a whole number")
    return int(number)


def _check_token_sums(tokens: dict[str, int]) -> None:
    if tokens["cached_tokens"] + tokens["cache_write_tokens"] > tokens["input_tokens"]:
        raise BadRecord("cached tokens exceed the input tokens they are part of")
    if tokens["reasoning_tokens"] > tokens["output_tokens"]:
        raise BadRecord("reasoning tokens exceed the output tokens they are part of")


def _text(value) -> str | None:
    if value is None or value is False or value == "":
        return None
    if isinstance(value, dict):
        return _text(value.get("message") or value.get("code") or value.get("type")) or "error"
    return str(value)


def status(raw: str | None, error: str | None, code: int | None) -> str:
    """ok, error or rate_limited, from a status string, an error text and an HTTP status code."""
    lowered = (raw or "").lower()
    if code == 429 or lowered in ("rate_limited", "ratelimited", "429") or _mentions_rate_limit(error):
        return "rate_limited"
    failed = lowered in _ERROR_STATUSES or "fail" in lowered or "error" in lowered
    if (code is not None and code >= 400) or error or failed:
        return "error"
    return "ok"


def _mentions_rate_limit(error: str | None) -> bool:
    text = (error or "").lower()
    return "429" in text or "rate limit" in text or "ratelimit" in text or "rate_limit" in text


def timestamp(value, now: datetime) -> datetime | None:
    """A naive UTC datetime from ISO text (with or without offset) or epoch seconds/milliseconds."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = _from_epoch(float(value))
    else:
        text = str(value).strip()
        try:
            moment = _from_epoch(float(text))
        except ValueError:
            moment = _from_iso(text)
    if moment > now + _FUTURE_SLACK:
        raise BadRecord(f"timestamp {value!r} is in the future; check the clock or time zone that wrote it")
    return moment


def _from_epoch(seconds: float) -> datetime:
    if not math.isfinite(seconds) or seconds < 0:
        raise BadRecord(f"timestamp {seconds!r} is not a time")
    if seconds > 1e11:  # epoch milliseconds
        seconds /= 1000
    try:
        return datetime(1970, 1, 1) + timedelta(seconds=seconds)
    except OverflowError:
        raise BadRecord(f"timestamp {seconds!r} is not a time") from None


def _from_iso(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace(",", "."))
    except ValueError:
        raise BadRecord(f"timestamp {text!r} is not an ISO date and time") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment
