"""The Usage API endpoints (FORMATS.md 2.5), the one list: what each counts, in which unit it is billed, and whether a
log of calls can explain its spend."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    name: str  # /v1/organization/usage/<name>, and the dashboard export <name>_usage_*.csv
    result: str  # the result object: organization.usage.<result>.result
    quantity: str | None  # the field counting what is billed in a unit other than tokens
    unit: str | None  # the catalog unit that bills the quantity (images add their size: image:1024x1024)
    line_item: str  # the part of the bill it makes
    attributable: bool  # False: no log of calls can explain it (storage, sessions, tool calls billed per call)
    groups: tuple[str, ...] = ("project_id", "user_id", "api_key_id", "model")  # what its group_by accepts


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("completions", "completions", None, None, "chat and responses tokens", True,
             ("project_id", "user_id", "api_key_id", "model", "batch", "service_tier")),
    Endpoint("embeddings", "embeddings", None, None, "embeddings", True),
    Endpoint("moderations", "moderations", None, None, "moderation", True),
    Endpoint("images", "images", "images", "image", "images", True,
             ("project_id", "user_id", "api_key_id", "model", "size", "source")),
    Endpoint("audio_speeches", "audio_speeches", "characters", "character", "speech", True),
    Endpoint("audio_transcriptions", "audio_transcriptions", "seconds", "second", "transcription", True),
    Endpoint("vector_stores", "vector_stores", "usage_bytes", "vector_store_gb_day", "vector storage", False,
             ("project_id",)),
    Endpoint("code_interpreter_sessions", "code_interpreter_sessions", "num_sessions", "code_interpreter_session",
             "code interpreter sessions", False, ("project_id",)),
    Endpoint("file_search_calls", "file_searches", "num_requests", "file_search_call", "file search calls", False,
             ("project_id", "user_id", "api_key_id", "vector_store_id")),
    Endpoint("web_search_calls", "web_searches", "num_requests", "web_search_call", "web search calls", False,
             ("project_id", "user_id", "api_key_id", "model", "context_level")),
)  # fmt: skip
BY_NAME = {e.name: e for e in ENDPOINTS}
BY_RESULT = {e.result: e for e in ENDPOINTS}
# The dimensions some endpoints add to project, user, key and model; kept as the row's detail.
DETAILS = ("size", "source", "context_level", "vector_store_id")


def of_result(object_name: str | None) -> Endpoint | None:
    """organization.usage.images.result -> the images endpoint; None for anything else."""
    parts = (object_name or "").split(".")
    if len(parts) == 4 and parts[:2] == ["organization", "usage"] and parts[3] == "result":
        return BY_RESULT.get(parts[2])
    return None


# Columns only the completions export has: a file with them is a completions export, whatever else it lacks.
COMPLETIONS_ONLY = {"output_tokens", "batch", "service_tier", "input_cached_tokens", "input_uncached_tokens",
                    "output_text_tokens"}  # fmt: skip


def of_export(file_name: str, columns: list[str]) -> Endpoint:
    """A dashboard usage export's endpoint: from its name (embeddings_usage_*.csv), else from its quantity column."""
    base = file_name.rsplit("/", 1)[-1].lower()
    for endpoint in sorted(ENDPOINTS, key=lambda e: -len(e.name)):
        if base.startswith(endpoint.name + "_usage"):
            return endpoint
    present = set(columns)
    for endpoint in ENDPOINTS:
        if endpoint.quantity and endpoint.quantity in present and endpoint.quantity != "num_requests":
            return endpoint
    if "num_requests" in present:
        return BY_NAME["web_search_calls" if "context_level" in present or "model" in present else "file_search_calls"]
    if "input_tokens" in present and not present & COMPLETIONS_ONLY:
        return BY_NAME["embeddings"]
    return BY_NAME["completions"]


def table_rows() -> list[tuple]:
    """The usage_endpoints table: name, unit, line item, attributable."""
    return [(e.name, e.unit, e.line_item, e.attributable) for e in ENDPOINTS]


TRAINING = "fine-tuning training"
# Words in a Costs API or cost export line_item (free text, FORMATS.md 2.6) that name the part of the bill it is;
# the first that matches wins, and any other named line item is chat and responses tokens.
LINE_ITEM_WORDS = (
    ("web search", "web search calls"), ("file search", "file search calls"), ("vector", "vector storage"),
    ("storage", "vector storage"), ("code interpreter", "code interpreter sessions"),
    ("container", "code interpreter sessions"), ("training", TRAINING), ("embedding", "embeddings"),
    ("moderation", "moderation"), ("tts", "speech"), ("speech", "speech"), ("whisper", "transcription"),
    ("transcri", "transcription"), ("dall-e", "images"), (" image,", "images"), ("image model", "images"),
)  # fmt: skip
UNATTRIBUTABLE = {e.line_item for e in ENDPOINTS if not e.attributable} | {TRAINING}
CHAT = ENDPOINTS[0].line_item


def line_item_of(text: str | None) -> str | None:
    """The part of the bill a cost line item is; None for an ungrouped cost row (no line_item)."""
    if not text or not text.strip():
        return None
    lowered = text.lower()
    return next((part for word, part in LINE_ITEM_WORDS if word in lowered), CHAT)


def line_item_macro() -> str:
    """line_item_of() as the store's SQL macro line_item_kind(text), rendered from LINE_ITEM_WORDS."""
    cases = " ".join(f"WHEN contains(lower(t), '{word}') THEN '{part}'" for word, part in LINE_ITEM_WORDS)
    return (
        "CREATE OR REPLACE TEMP MACRO line_item_kind(t) AS "
        f"CASE WHEN t IS NULL OR trim(t) = '' THEN NULL {cases} ELSE '{CHAT}' END"
    )
