"""Parse one structlog line, whatever renderer wrote it: JSON, key=value (reprs), logfmt or the dev console."""

from __future__ import annotations

import ast
import json
import re

from costcap.ingest.records import BadRecord

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Spellings of infinity and NaN that DuckDB's JSON reader (which reads JSON lines) accepts beside Python's own three;
# strings are matched first so that their text is left alone.
NON_FINITE = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\w.])(-?)(infinity|inf|nan)(?![\w.])', re.IGNORECASE)
# ConsoleRenderer: optional timestamp, [level] padded to 9, then the event padded to 30, then sorted key=value pairs.
CONSOLE_HEAD = re.compile(
    r"^(?:(?P<ts>\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?|\d{9,}(?:\.\d+)?)\s+)?"
    r"\[(?P<level>[A-Za-z]+)\s*\]\s+(?P<rest>.*)$"
)
PAIR_START = re.compile(r"(?:^|\s)([A-Za-z_][\w.\-]*)=")
# Whitespace, then a key: str.isspace() is what Python's \s matches in a str pattern.
KEY = re.compile(r"\s*([^\s=]+)")
BARE = re.compile(r"\S+")
# key=value with a value that is bare (not opening a bracket or a quote), one quoted string without escapes, or a
# flat dict of whole numbers such as {'cached_tokens': 1024} (how the console prints a usage detail)
SIMPLE_PAIR = re.compile(
    r"""([^\s='"\[\]{}()]+)=('[^'\\]*'|"[^"\\]*"|\{(?:'\w+': -?(?:0|[1-9]\d*)(?:, '\w+': -?(?:0|[1-9]\d*))*)?\}|[^\s'"\[{(]\S*|)(?=\s|$)"""
)
FLAT_ENTRY = re.compile(r"'(\w+)': (-?\d+)")  # inside a flat dict SIMPLE_PAIR matched
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
    """A JSON object whose key repeats keeps the first value, as DuckDB's reader of JSON lines does."""
    record = dict(pairs)
    if len(record) < len(pairs):
        record = {}
        for key, value in pairs:
            record.setdefault(key, value)
    return record


_DECODER = json.JSONDecoder(object_pairs_hook=_first_wins)


def _json_line(text: str) -> dict | None:
    value = _json_object(text)
    if value is None:
        raise BadRecord("the line is not valid JSON: cut short or corrupted")
    return value


def _embedded_json(text: str) -> dict | None:
    return _json_object(text[text.index("{"):])


def _json_object(text: str) -> dict | None:
    """The JSON object in `text` (the first of a repeated key wins), or None."""
    if not text.rstrip().endswith("}"):
        return None
    try:
        value = _DECODER.decode(text)
    except (json.JSONDecodeError, RecursionError):
        lowered = text.lower()
        if "inf" not in lowered and "nan" not in lowered:
            return None
        try:
            value = _DECODER.decode(NON_FINITE.sub(_python_spelling, text))
        except (json.JSONDecodeError, RecursionError):
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
    simple = _simple_pairs(text)
    if simple is not None:
        return simple
    record: dict = {}
    last_bare: str | None = None
    i, n = 0, len(text)
    while i < n:
        key = KEY.match(text, i)
        if not key:
            i += 1
            continue
        name, i = key.group(1), key.end()
        if i < n and text[i] == "=":
            value, i, bare = _value(text, i + 1)
            record[name] = value
            last_bare = name if bare and isinstance(value, str) else None
        elif console and last_bare:
            record[last_bare] += " " + name
        else:
            record[name] = True
            last_bare = None
    return record


def _simple_pairs(text: str) -> dict | None:
    """The common case, read with one regex: every token is key=value with a bare or simply quoted value (no
    brackets, no bare words). None when the text is anything else, for the general reader above."""
    found = SIMPLE_PAIR.findall(text)
    if not found or sum(len(k) + len(v) + 1 for k, v in found) + len(found) - 1 != len(text.strip()):
        return None
    record: dict = {}
    for key, raw in found:
        if raw and raw[0] in "'\"":
            record[key] = raw[1:-1]  # no backslash inside: the repr's text is the string itself
        elif raw[:1] == "{":
            record[key] = {name: int(number) for name, number in FLAT_ENTRY.findall(raw)}
        else:
            record[key] = _BARE.get(raw, raw) if raw else None
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
    end = BARE.match(text, i).end()
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
