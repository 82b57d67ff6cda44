"""`costcap tokens`: count tokens offline, as OpenAI would bill them as input."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from costcap import config, output, prices
from costcap import tokens as counting
from costcap.commands import DbOption, FormatOption, PricesOption, load_catalog
from costcap.documents import listings as documents
from costcap.errors import CostcapError
from costcap.store import DEFAULT_PATH
from costcap.userfile import read_text


def tokens(
    text: Annotated[str | None, typer.Argument(help="Text to count; - reads stdin.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Count the text of this file.")] = None,
    messages: Annotated[
        Path | None,
        typer.Option("--messages", help="JSON chat messages, or a request body (messages or input, tools)."),
    ] = None,
    model: Annotated[str, typer.Option(help="Model whose tokenizer and input price apply.")] = "gpt-4o",
    encoding: Annotated[str | None, typer.Option(help="Tokenizer to use instead of the model's.")] = None,
    prices_file: PricesOption = None,
    db: DbOption = DEFAULT_PATH,
    fmt: FormatOption = "table",
) -> None:
    """Count tokens offline with tiktoken, chat messages with OpenAI's per-message overhead.

    Example: costcap tokens --messages request.json --model gpt-4o-mini
    """
    given = [x for x in (text, file, messages) if x is not None]
    if len(given) != 1:
        raise CostcapError("give exactly one of TEXT, --file or --messages")
    enc = encoding or counting.encoding_name(model)
    uncounted: list[str] = []
    if messages is not None:
        counted = counting.count_request(counting.read_request(str(messages)), enc)
        count, uncounted = counted.tokens, counted.uncounted
    else:
        count = counting.count_text(_read_text(text, file), enc)
    rates = load_catalog(prices_file, config.store_path(db, DEFAULT_PATH)).rates(model)
    cost = prices.call_cost(rates, count, 0, 0) if rates else None
    output.write(documents.tokens_document(model, enc, count, cost, uncounted), fmt)
    if uncounted:
        output.warn(f"left out, not countable offline: {', '.join(uncounted)}; the count is a lower bound")


def _read_text(text: str | None, file: Path | None) -> str:
    if file is None:
        return _stdin() if text == "-" else text or ""
    return read_text(file, "the --file to count")


def _stdin() -> str:
    if sys.stdin is None or sys.stdin.closed:
        raise CostcapError("stdin is closed: pass the text, or --file PATH")
    return sys.stdin.read()
