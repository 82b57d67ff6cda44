"""Parse one structlog line, whatever renderer wrote it: JSON, key=value (reprs), logfmt or the dev console."""

from __future__ import annotations

import ast
import json
import re

from costcap.ingest.records import BadRecord

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Spellings of infinity and NaN that DuckDB's JSON reader (the bulk path) accepts beside Python's own three;
# strings are matched first so that their text is left alone.
NON_FINITE = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\w.])(-?)(infinity|inf|nan)(?![\w.])', re.IGNORECASE)
# ConsoleRenderer: optional timestamp, [level] padded to 9, then the event padded to 30, then sorted key=value pairs.
CONSOLE_HEAD = re.compile(
    r"^(?:(?P<ts>\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?|\d{9,}(?:\.\d+)?)\s+)?"
    r"\[(?P<level>[A-Za-z]+)\s*\]\s+(?P<rest>.*)$"
)
PAIR_START = re.compile(r"(?:^|\s)([A-Za-z_][\w.\-]*)=")
KEY = re.compile(r"[^\s=]+")
_CLOSERS = {"[": "]", "{": "}", "(": ")"}
_BARE = {"None": None, "True": True, "False": False, "true": True, "false": False}


def parse(line: str) -> dict | None:
    """The record a line holds, or None for a line that is not a structured event."""
    if "\x1b" in line:
        line = ANSI.sub("", line)
    text = line.strip()
    if not text:
        return None
    if text.startswith("{"):
        return _json_line(text)
    if "{" in text:
        # stdlib logging may print its own prefix before JSONRenderer's object
        embedded = _embedded_json(text)
        if embedded is not None:
            return embedded
    console = CONSOLE_HEAD.match(text)
    if console:
        return _console(console)
    if PAIR_START.search(text):
        return pairs(text, console=False)
    return None


def _first_wins(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object whose key repeats keeps the first value, as DuckDB's reader (the bulk path) does."""
    record = dict(pairs)
    if len(record) < len(pairs):
        record = {}
        for key, value in pairs:
            record.setdefault(key, value)
    return record


def _json_line(text: str) -> dict | None:
    value = _json_object(text)
    if value is None:
        raise BadRecord("the line is not valid JSON: cut short or corrupted")
    return value


def _embedded_json(text: str) -> dict | None:
    return _json_object(text[text.index("{"):])


def _json_object(text: str) -> dict | None:
    """The JSON object in `text` (the first of a repeated key wins), or None."""
    try:
        value = json.loads(text, object_pairs_hook=_first_wins)
    except json.JSONDecodeError:
        try:
            value = json.loads(NON_FINITE.sub(_python_spelling, text), object_pairs_hook=_first_wins)
        except json.JSONDecodeError:
            return None
    return value if isinstance(value, dict) else None


def _python_spelling(match: re.Match) -> str:
    if match.group(2) is None:
        return match.group(0)
    return "NaN" if match.group(2).lower() == "nan" else match.group(1) + "Infinity"


def _console(match: re.Match) -> dict:
    rest = match["rest"]
    start = PAIR_START.search(rest)
    head, tail = (rest[: start.start()], rest[start.start():]) if start else (rest, "")
    record = pairs(tail, console=True)
    event = head.strip()
    logger = re.search(r"\s*\[([^\]]+)\]$", event)
    if logger:
        record.setdefault("logger", logger.group(1))
        event = event[: logger.start()].strip()
    record.setdefault("event", event)
    record.setdefault("level", match["level"].lower())
    if match["ts"]:
        record.setdefault("timestamp", match["ts"])
    return record


def pairs(text: str, console: bool) -> dict:
    """key=value pairs with repr or logfmt quoting; a bare word is a logfmt flag, or in old console output
    (structlog < 25.1, which did not quote) the rest of the previous unquoted value."""
    record: dict = {}
    last_bare: str | None = None
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        key = KEY.match(text, i)
        if not key:
            i += 1
            continue
        i = key.end()
        if i < n and text[i] == "=":
            value, i, bare = _value(text, i + 1)
            record[key.group()] = value
            last_bare = key.group() if bare and isinstance(value, str) else None
        elif console and last_bare:
            record[last_bare] += " " + key.group()
        else:
            record[key.group()] = True
            last_bare = None
    return record


def _value(text: str, i: int):
    """(value, next index, was it bare) for the value starting at text[i]."""
    if i >= len(text) or text[i].isspace():
        return None, i, False
    opener = text[i]
    if opener in "'\"":
        end = _quoted_end(text, i)
        return _literal(text[i:end], quoted=True), end, False
    if opener in _CLOSERS:
        end = _bracket_end(text, i)
        return _literal(text[i:end], quoted=False), end, False
    end = i
    while end < len(text) and not text[end].isspace():
        end += 1
    raw = text[i:end]
    return _BARE.get(raw, raw), end, raw not in _BARE


def _quoted_end(text: str, i: int) -> int:
    quote, j = text[i], i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == quote:
            return j + 1
        j += 1
    return len(text)


def _bracket_end(text: str, i: int) -> int:
    depth, j = 0, i
    while j < len(text):
        char = text[j]
        if char in "'\"":
            j = _quoted_end(text, j)
            continue
        if char in "[{(":
            depth += 1
        elif char in "]})":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return len(text)


def _literal(raw: str, quoted: bool):
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return raw[1:-1] if quoted and len(raw) >= 2 else raw
