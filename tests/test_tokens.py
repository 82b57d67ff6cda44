"""Offline token counting: the shipped encodings, tiktoken's hashes, and no network at all."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import socket
from importlib import resources

import pytest

from conftest import ok_json, run
from costcap import tokens

# From PRICES.md 5.1 (tiktoken 0.14.0 tiktoken_ext/openai_public.py)
EXPECTED_SHA256 = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}


@pytest.fixture
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("token counting tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    tokens.encoding.cache_clear()


@pytest.mark.parametrize("name", sorted(EXPECTED_SHA256))
def test_shipped_encodings_match_tiktoken_hashes(name):
    packed = (resources.files("costcap") / "data" / "encodings" / f"{name}.tiktoken.gz").read_bytes()
    assert hashlib.sha256(gzip.decompress(packed)).hexdigest() == EXPECTED_SHA256[name]


def test_tokens_command_counts_offline(offline):
    # "hello world" is two tokens, "hello" and " world", in both o200k_base and cl100k_base
    doc = ok_json("tokens", "hello world")
    assert (doc["tokens"], doc["encoding"]) == (2, "o200k_base")
    # 2 tokens x $2.50 per 1M (gpt-4o) = $0.000005
    assert doc["input_cost_usd"] == pytest.approx(0.000005)
    assert ok_json("tokens", "hello world", "--model", "gpt-3.5-turbo")["encoding"] == "cl100k_base"
    assert "TIKTOKEN_CACHE_DIR" not in os.environ


def test_chat_messages_carry_openai_overhead(offline, tmp_path):
    # 3 (reply primer) + per message 3 + "user" (1) + "hello world" (2) = 9
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "hello world"}]}))
    assert ok_json("tokens", "--messages", path)["tokens"] == 9
    # a name adds its own tokens plus 1: "bob" is one token -> 9 + 1 + 1 = 11
    path.write_text(json.dumps([{"role": "user", "content": "hello world", "name": "bob"}]))
    assert ok_json("tokens", "--messages", path)["tokens"] == 11


def test_special_token_text_is_counted_as_text(offline):
    assert tokens.count_text("<|endoftext|>", "o200k_base") > 1


def test_tokens_errors_are_one_line(tmp_path):
    result = run("tokens", "--model", "no-such-model", "hi")
    assert result.exit_code == 1 and "--encoding" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run("tokens", "--messages", bad)
    assert result.exit_code == 1 and str(bad) in result.stderr and "Traceback" not in result.output
    assert run("tokens").exit_code == 1
