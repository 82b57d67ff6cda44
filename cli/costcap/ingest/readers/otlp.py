"""OTLP/JSON traces (one ExportTraceServiceRequest per line, as the Collector's file exporter writes, or one
pretty-printed document): every span becomes a record whose `attributes` is an object, as the SDK console
exporter writes it, so one preset reads both."""

from __future__ import annotations

from collections.abc import Iterator

from costcap.ingest.readers import documents


def looks_like(text: str) -> bool:
    return '"resourceSpans"' in text[:4096]


def spans(text: str, name: str, strict: bool = True) -> Iterator[tuple[int, dict]]:
    """(line of the request, span record) for every span of every request in the text."""
    for line, request in documents.values(text, name, strict):
        if not isinstance(request, dict):
            continue
        for resource_spans in _list(request.get("resourceSpans")):
            resource = _attributes((resource_spans.get("resource") or {}).get("attributes"))
            for scope_spans in _list(
                resource_spans.get("scopeSpans") or resource_spans.get("instrumentationLibrarySpans")
            ):
                scope = scope_spans.get("scope") or scope_spans.get("instrumentationLibrary") or {}
                for span in _list(scope_spans.get("spans")):
                    yield (
                        line,
                        {
                            **span,
                            "attributes": _attributes(span.get("attributes")),
                            "resource": resource,
                            "scope": scope,
                        },
                    )


def _list(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _attributes(pairs) -> dict:
    """[{key, value: {intValue: "2890"}}] -> {key: 2890}; an object already (console form) is kept."""
    if isinstance(pairs, dict):
        return pairs
    return {p["key"]: _value(p.get("value")) for p in _list(pairs) if isinstance(p.get("key"), str)}


def _value(value):
    if not isinstance(value, dict):
        return value
    for kind in ("stringValue", "boolValue", "doubleValue", "bytesValue"):
        if kind in value:
            return value[kind]
    if "intValue" in value:  # 64-bit integers travel as decimal strings
        return value["intValue"]
    if "arrayValue" in value:
        return [_value(v) for v in (value["arrayValue"] or {}).get("values", [])]
    if "kvlistValue" in value:
        return _attributes((value["kvlistValue"] or {}).get("values"))
    return None
