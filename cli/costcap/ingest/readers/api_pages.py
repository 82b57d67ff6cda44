"""Usage API and Costs API pages (FORMATS.md section 2): one JSON page, or JSON lines of pages, stored like the CSV exports."""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from costcap.endpoints import DETAILS, of_result
from costcap.errors import CostcapError, InputError
from costcap.ingest import files
from costcap.ingest.readers import exports

KIND = "usage-api-json"
# The CSV export's header names, so the rows go through the same checks and inserts as an export; every endpoint's
# quantity field and dimensions are among them (endpoints.ENDPOINTS).
USAGE_FIELDS = tuple(dict.fromkeys([
    "project_id", "num_model_requests", "user_id", "api_key_id", "model", "batch", "service_tier", "input_tokens",
    "output_tokens", "input_cached_tokens", "input_cache_write_tokens", "input_audio_tokens", "input_cached_audio_tokens",
    "output_audio_tokens", "input_image_tokens", "input_cached_image_tokens", "output_image_tokens", *DETAILS,
]))  # fmt: skip
COST_FIELDS = (
    "line_item",
    "project_id",
    "project_name",
    "api_key_id",
    "user_id",
    "organization_id",
    "quantity",
    "quantity_unit",
)
TIMES = ["start_time", "end_time"]
USAGE_NAMES = [*TIMES, *USAGE_FIELDS, "quantity", "endpoint"]
COST_NAMES = [*TIMES, "amount_value", "amount_currency", *COST_FIELDS]


def looks_like_page(text: str) -> bool:
    """A page's head: an object with `"object": "page"` or `has_more`, on one line or pretty-printed; or a bare
    array of buckets, as the cookbook's helper saves them."""
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if head.startswith("["):
        return re.match(r'\[\s*\{\s*"object"\s*:\s*"bucket"', head) is not None or (
            '"results"' in head and '"start_time"' in head and '"organization.' in head
        )
    return head.startswith("{") and ('"object": "page"' in head or '"object":"page"' in head or '"has_more"' in head)


def looks_like_legacy(text: str) -> bool:
    """The legacy /v1/usage answer: one document whose data[] rows carry n_context_tokens_total per snapshot."""
    head = text.lstrip()[:65536]
    return (
        head.startswith("{")
        and '"n_context_tokens_total"' in head
        and ('"snapshot_id"' in head or '"aggregation_timestamp"' in head)
    )


def load_legacy(store, item: files.Input, source_id: int, now: datetime) -> tuple[int, int, int, str | None]:
    """Each data[] row of /v1/usage is one minute of one snapshot and key: stored as a one-minute usage bucket."""
    [(line, doc)] = list(_pages(item))[:1] or [(1, {})]
    rows = []
    for entry in _list(doc, "data", item, line):
        if not isinstance(entry, dict):
            raise InputError(item.name, line, "a data row is not an object", "save the answer unchanged")
        start = entry.get("aggregation_timestamp")
        result = {
            "model": entry.get("snapshot_id"), "num_model_requests": entry.get("n_requests"),
            "input_tokens": entry.get("n_context_tokens_total"), "output_tokens": entry.get("n_generated_tokens_total"),
            "input_cached_tokens": entry.get("n_cached_context_tokens_total"), "project_id": entry.get("project_id"),
            "api_key_id": entry.get("api_key_id"), "user_id": entry.get("user_id") or entry.get("email"),
        }  # fmt: skip
        end = start + 60 if isinstance(start, (int, float)) and not isinstance(start, bool) else None
        rows.append(_usage_row(line, {"start_time": start, "end_time": end}, result))
    return (*exports.store_rows(store, item.name, "usage", USAGE_NAMES, rows, source_id, now), "usage")


def parse_page(text: str, endpoint: str) -> dict:
    """One page as the API sent it; anything else is an error naming the endpoint."""
    try:
        page = json.loads(text, parse_float=Decimal)
    except (json.JSONDecodeError, RecursionError):
        page = None
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        raise CostcapError(
            f"{endpoint}: the API answered with something that is not a page of buckets; try again later"
        )
    cursor = page.get("next_page")
    if page.get("has_more") and not (isinstance(cursor, str) and cursor):
        raise CostcapError(f"{endpoint}: the API says more pages follow but its next_page is {type(cursor).__name__}, "
                           "not a cursor; try again later")  # fmt: skip
    return page


def load(store, item: files.Input, source_id: int, now: datetime) -> tuple[int, int, int, str | None]:
    """Store every result of every page; returns (rows stored, empty rows skipped, older rows replaced, table or None)."""
    usage, costs = [], []
    for line, page in _pages(item):
        for bucket in _list(page, "data", item, line):
            for result in _list(bucket, "results", item, line):
                if not isinstance(result, dict):
                    raise InputError(item.name, line, "a result is not an object", "save the API response unchanged")
                if "amount" in result or str(result.get("object", "")).startswith("organization.costs"):
                    costs.append(_cost_row(line, bucket, result, item))
                else:
                    usage.append(_usage_row(line, bucket, result))
    if usage and costs:
        raise InputError(
            item.name, None, "the file mixes usage and cost pages", "save each endpoint's pages to its own file"
        )
    if costs:
        return (*exports.store_rows(store, item.name, "cost", COST_NAMES, costs, source_id, now), "costs")
    if usage:
        return (*exports.store_rows(store, item.name, "usage", USAGE_NAMES, usage, source_id, now), "usage")
    return 0, 0, 0, None


def _pages(item: files.Input):
    """(line, page) for a single JSON document (pretty-printed or not) or for JSON lines of pages."""
    data = b"".join(raw for _, raw in files.lines(item))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            item.name,
            data[: exc.start].count(b"\n") + 1,
            "the text is not UTF-8",
            "save the API response unchanged, as UTF-8",
        ) from None
    try:
        whole = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError:
        whole = None
    except RecursionError:
        raise InputError(
            item.name, 1, "the page is nested too deeply to read", "save the API response unchanged"
        ) from None
    if isinstance(whole, dict):
        yield 1, whole
        return
    if isinstance(whole, list):  # a bare array of buckets
        yield 1, {"data": whole}
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            page = json.loads(line, parse_float=Decimal)
        except RecursionError:
            raise InputError(
                item.name, number, "the page is nested too deeply to read", "save the API response unchanged"
            ) from None
        except json.JSONDecodeError as exc:
            raise InputError(
                item.name, number, f"not valid JSON ({exc.msg})", "save the API response unchanged, one page per line"
            ) from None
        if not isinstance(page, dict):
            raise InputError(item.name, number, "a page must be a JSON object", "save the API response unchanged")
        yield number, page


def _list(holder: dict, key: str, item: files.Input, line: int) -> list:
    found = holder.get(key, [])
    if not isinstance(found, list):
        raise InputError(item.name, line, f"`{key}` is not a list", "save the API response unchanged")
    return found


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _times(bucket: dict) -> list[str | None]:
    return [_cell(bucket.get("start_time")), _cell(bucket.get("end_time"))]


def _usage_row(line: int, bucket: dict, result: dict) -> list:
    endpoint = of_result(result.get("object"))
    quantity = _cell(result.get(endpoint.quantity)) if endpoint and endpoint.quantity else None
    return [line, *_times(bucket), *(_cell(result.get(key)) for key in USAGE_FIELDS), quantity,
            endpoint.name if endpoint else None]  # fmt: skip


def _cost_row(line: int, bucket: dict, result: dict, item: files.Input) -> list:
    amount = result.get("amount") or {}
    if not isinstance(amount, dict):
        raise InputError(item.name, line, "`amount` is not an object", "save the API response unchanged")
    return [line, *_times(bucket), _amount(amount.get("value"), item, line), _cell(amount.get("currency")),
            *(_cell(result.get(key)) for key in COST_FIELDS)]  # fmt: skip


def _amount(value, item: files.Input, line: int) -> str | None:
    """The amount exactly: a JSON number (read as Decimal), a decimal string or scientific notation."""
    if value is None:
        return None
    try:
        exact = Decimal(str(value))
    except InvalidOperation:
        raise InputError(
            item.name, line, f"amount {str(value)[:40]!r} is not a number", "save the API response unchanged"
        ) from None
    if not exact.is_finite():
        raise InputError(item.name, line, f"amount {value!r} is not a finite number", "save the API response unchanged")
    return "0" if exact == 0 else f"{exact:f}"
