"""Offline token counting with tiktoken, from the encoding files shipped inside costcap."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from costcap.errors import CostcapError

SHIPPED = ("o200k_base", "cl100k_base")
# OpenAI's chat format: each message is wrapped in 3 tokens, a name adds 1, and the reply is primed with 3.
TOKENS_PER_MESSAGE, TOKENS_PER_NAME, REPLY_PRIMER = 3, 1, 3


@dataclass(frozen=True)
class ToolOverhead:
    """The OpenAI cookbook's rule for function tools (How_to_count_tokens_with_tiktoken, section 7): tokens around
    each function, its properties, each property and each enum value, matched against the API's prompt_tokens."""

    function: int
    properties: int = 3
    prop: int = 3
    enum: int = -3
    enum_item: int = 3
    end: int = 12


# cl100k_base models (gpt-3.5-turbo, gpt-4) wrap each function in 10 tokens; o200k_base ones (gpt-4o on) in 7.
TOOL_OVERHEAD = {"cl100k_base": ToolOverhead(function=10), "o200k_base": ToolOverhead(function=7)}


@dataclass
class RequestCount:
    """A request body's prompt tokens, and the parts of it that cannot be counted offline."""

    tokens: int = 0
    uncounted: list[str] = field(default_factory=list)


def _load_shipped_ranks(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
    """Stand-in for tiktoken's downloader: read the shipped file and check tiktoken's own hash."""
    name = url.rsplit("/", 1)[-1].removesuffix(".tiktoken")
    if name not in SHIPPED:
        raise CostcapError(f"the {name} encoding is not shipped with costcap (use a model on {' or '.join(SHIPPED)})")
    packed = (resources.files("costcap") / "data" / "encodings" / f"{name}.tiktoken.gz").read_bytes()
    data = gzip.decompress(packed)
    if expected_hash and hashlib.sha256(data).hexdigest() != expected_hash:
        raise CostcapError(f"the shipped {name} file does not match tiktoken's hash (reinstall costcap)")
    ranks = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


@cache
def encoding(name: str):
    """A tiktoken Encoding built from the shipped file; tiktoken's pattern and special tokens are reused as-is."""
    import tiktoken
    from tiktoken_ext import openai_public

    if name not in SHIPPED:
        raise CostcapError(f"unknown encoding {name!r} (use one of: {', '.join(SHIPPED)})")
    # Swapping the loader keeps tiktoken's regex and hashes while never touching its download path or cache.
    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = _load_shipped_ranks
    try:
        args = getattr(openai_public, name)()
    finally:
        openai_public.load_tiktoken_bpe = original
    return tiktoken.Encoding(**args)


def encoding_name(model: str) -> str:
    """The encoding tiktoken assigns to `model` (o200k_base for gpt-4o/4.1/o-series/gpt-5, cl100k_base for gpt-4/3.5)."""
    import tiktoken

    from costcap.prices import FINE_TUNE_PREFIX, price_key

    # a fine-tune counts as its base model (tiktoken's ft: prefixes pick cl100k_base for ft:gpt-4.1-*)
    base = price_key(model)[len(FINE_TUNE_PREFIX) :] if model.startswith(FINE_TUNE_PREFIX) else model
    try:
        return tiktoken.encoding_name_for_model(base)
    except KeyError:
        raise CostcapError(
            f"tiktoken does not know the model {model!r} (pass --encoding o200k_base or cl100k_base)"
        ) from None


def count_text(text: str, enc_name: str) -> int:
    """Tokens in plain text; special-token strings are counted as ordinary text."""
    return len(encoding(enc_name).encode(text, disallowed_special=()))


def count_messages(messages: list[dict], enc_name: str) -> int:
    """Prompt tokens of a chat request, with OpenAI's per-message overhead."""
    total = REPLY_PRIMER
    for message in messages:
        total += TOKENS_PER_MESSAGE
        for key, value in message.items():
            total += count_text(_message_text(value), enc_name)
            if key == "name":
                total += TOKENS_PER_NAME
    return total


def _message_text(value) -> str:
    """The text of a message field; content may be a list of parts, of which only text counts."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(p.get("text", "") for p in value if isinstance(p, dict) and isinstance(p.get("text", ""), str))
    return "" if value is None else str(value)


def count_request(body: dict, enc_name: str) -> RequestCount:
    """Prompt tokens of a Chat Completions, Responses or Embeddings request body: messages with their overhead,
    Responses instructions, function tools by the cookbook's rule and embeddings inputs; image, audio and file parts
    are named as uncounted."""
    found = RequestCount()
    messages = body.get("messages")
    given = body.get("input")
    if isinstance(messages, list):
        found.tokens += count_messages([m for m in messages if isinstance(m, dict)], enc_name)
        _note_parts(messages, found)
    elif isinstance(given, list) and given and all(isinstance(m, dict) for m in given):
        instructions = body.get("instructions")
        asked = (
            [{"role": "developer", "content": instructions}] if isinstance(instructions, str) and instructions else []
        )
        found.tokens += count_messages(asked + given, enc_name)
        _note_parts(given, found)
    else:
        found.tokens += _count_inputs(given, enc_name) + count_text(str(body.get("instructions") or ""), enc_name)
    found.tokens += count_tools(body.get("tools") or [], enc_name, found)
    return found


def _count_inputs(given, enc_name: str) -> int:
    """A prompt or embeddings input: a string, a list of strings, a token array or a list of token arrays."""
    if isinstance(given, str):
        return count_text(given, enc_name)
    if isinstance(given, list):
        if all(isinstance(t, int) for t in given):
            return len(given)
        return sum(_count_inputs(item, enc_name) for item in given)
    return 0 if given is None else count_text(str(given), enc_name)


def _note_parts(messages: list, found: RequestCount) -> None:
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        for part in content if isinstance(content, list) else []:
            kind = part.get("type", "") if isinstance(part, dict) else ""
            if kind and "text" not in kind and kind not in found.uncounted:
                found.uncounted.append(kind)


def count_tools(tools: list, enc_name: str, found: RequestCount | None = None) -> int:
    """Function tools by the cookbook's rule; other tool types (web search, file search) are named as uncounted."""
    rule = TOOL_OVERHEAD.get(enc_name, TOOL_OVERHEAD["o200k_base"])
    total = 0
    for tool in tools if isinstance(tools, list) else []:
        function = tool.get("function", tool) if isinstance(tool, dict) else None
        if not isinstance(function, dict) or not function.get("name"):
            if found is not None and isinstance(tool, dict):
                found.uncounted.append(f"tool {tool.get('type', '?')}")
            continue
        total += rule.function + count_text(f"{function['name']}:{_clipped(function.get('description'))}", enc_name)
        properties = (function.get("parameters") or {}).get("properties") or {}
        if properties:
            total += rule.properties
            for name, spec in properties.items():
                spec = spec if isinstance(spec, dict) else {}
                total += rule.prop
                if isinstance(spec.get("enum"), list):
                    total += rule.enum + sum(rule.enum_item + count_text(str(v), enc_name) for v in spec["enum"])
                total += count_text(f"{name}:{spec.get('type', '')}:{_clipped(spec.get('description'))}", enc_name)
    return total + rule.end if total else 0


def _clipped(description) -> str:
    text = description if isinstance(description, str) else ""
    return text[:-1] if text.endswith(".") else text


def read_request(path: str) -> dict:
    """A request body from a JSON file: a body with messages, input and tools, or a bare list of messages."""
    from costcap.userfile import read_text

    try:
        doc = json.loads(read_text(path, "the --messages file"))
    except json.JSONDecodeError as exc:
        raise CostcapError(f"{path}:{getattr(exc, 'lineno', 1)}: not valid JSON (write a list of messages)") from None
    except RecursionError:
        raise CostcapError(f"{path}: nested too deeply to be a request body") from None
    body = {"messages": doc} if isinstance(doc, list) else doc
    messages, given = (
        body.get("messages") if isinstance(body, dict) else None,
        body.get("input") if isinstance(body, dict) else None,
    )
    if messages is None and given is None:
        raise CostcapError(f"{path}: expected a list of {{role, content}} messages or a body with messages or input")
    if messages is not None and (not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages)):
        raise CostcapError(f"{path}: expected a list of {{role, content}} messages or a body with 'messages'")
    return body
