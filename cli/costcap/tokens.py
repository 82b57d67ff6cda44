"""Offline token counting with tiktoken, from the encoding files shipped inside costcap."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path

from costcap.errors import CostcapError

SHIPPED = ("o200k_base", "cl100k_base")
# OpenAI's chat format: each message is wrapped in 3 tokens, a name adds 1, and the reply is primed with 3.
TOKENS_PER_MESSAGE, TOKENS_PER_NAME, REPLY_PRIMER = 3, 1, 3


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

    try:
        return tiktoken.encoding_name_for_model(model)
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
        return "".join(p.get("text", "") for p in value if isinstance(p, dict))
    return "" if value is None else str(value)


def read_messages(path: str) -> list[dict]:
    """Messages from a JSON file: a list of messages, or a request body with `messages`."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CostcapError(f"{path}: no such file (check the path)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CostcapError(f"{path}:{getattr(exc, 'lineno', 1)}: not valid JSON (write a list of messages)") from None
    messages = doc.get("messages") if isinstance(doc, dict) else doc
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise CostcapError(f"{path}: expected a list of {{role, content}} messages or a body with 'messages'")
    return messages
