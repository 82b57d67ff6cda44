"""Parse one structlog line, whatever renderer wrote it: JSON, key=value (reprs), logfmt or the dev console, and
whatever prefix a logging framework, a syslog daemon, a container runtime or a platform put before it (its time is
kept, for a record that has none of its own)."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from costcap.ingest.records import WRAPPER_TIME, BadRecord

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
    r"""([^\s='"\[\]{}()]+)=('[^'\\]*'|"[^"\\]*"|\{(?:'\w+': -?(?:0|[1-9]\d*)(?:, '\w+': -?(?:0|[1-9]\d*))*)?\}|[^\s'"\[{(][^\s(]*|)(?=\s|$)"""
)
FLAT_ENTRY = re.compile(r"'(\w+)': (-?\d+)")  # inside a flat dict SIMPLE_PAIR matched
_CLOSERS = {"[": "]", "{": "}", "(": ")"}
# An SDK object's repr as a value: usage=CompletionUsage(prompt_tokens=3300, completion_tokens=120, ...)
SDK_OBJECT = re.compile(r"[A-Z]\w*\(")
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
    console = CONSOLE_HEAD.match(text)
    if console:
        return _console(console)
    prefix = split_prefix(text)
    if prefix is not None:
        return with_time(parse(prefix.body) if prefix.body.strip() else None, prefix.time)
    if "{" in text:
        # stdlib logging may print its own prefix before JSONRenderer's object
        embedded = _embedded_json(text)
        if embedded is not None:
            return embedded
    if PAIR_START.search(text):
        return pairs(text, console=False)
    return None


def with_time(record: dict | None, time: str | None) -> dict | None:
    """A record with a wrapper's time beside its own keys, read only where it has no time of its own."""
    if record is not None and time and WRAPPER_TIME not in record:
        record[WRAPPER_TIME] = time
    return record


def json_with_time(text: str, time: str | float | None) -> str | None:
    """A JSON object's text with a wrapper's time added as the last key, without parsing it (SQL parses it, and
    says so when it is not JSON); None when the text is not plainly one object of keys (then it is parsed)."""
    body = text.strip()
    if not body.startswith('{"') or not body.endswith("}"):
        return None
    if time is None or WRAPPER_TIME in body:
        return body
    plain = isinstance(time, str) and time.isprintable() and '"' not in time and "\\" not in time
    return f'{body[:-1]}, "{WRAPPER_TIME}": {f"{chr(34)}{time}{chr(34)}" if plain else json.dumps(time, default=str)}}}'


# a time that can go between quotes as it is, as a column check (Rust's regex)
PLAIN_TIME = r"^[\w:.+\- ]*$"
NUMBER = r"^\d+(?:\.\d+)?$"


def json_with_time_column(body, time):
    """json_with_time for columns (polars expressions): the body's text with the time as its last key where there is
    one; a row whose body is not plainly an object, or whose time needs escaping, is null (for json_with_time)."""
    import polars as pl

    body = body.str.strip_chars()
    value = pl.when(time.str.contains(NUMBER)).then(time).otherwise(pl.lit('"') + time + pl.lit('"'))
    joined = body.str.strip_suffix("}") + pl.lit(f', "{WRAPPER_TIME}": ') + value + pl.lit("}")
    usable = body.str.starts_with('{"') & body.str.ends_with("}") & (time.is_null() | time.str.contains(PLAIN_TIME))
    return pl.when(usable & time.is_null()).then(body).when(usable).then(joined)


def column_prefixes():
    """The prefix patterns as Rust's regex reads them, with their group numbers: all but the one whose time needs
    a year worked out (RFC 3164)."""
    return [
        (("(?i)" if p.flags & re.IGNORECASE else "") + p.pattern, p.groupindex)
        for p in PREFIXES
        if "bsd" not in p.groupindex
    ]


def record_text(line: str) -> str | None:
    """The JSON text of the record a non-JSON line holds (see parse), None when it holds none; a JSON body after a
    prefix keeps its text, with the prefix's time beside it."""
    prefix = split_prefix(line.strip()) if line[:1].isdigit() or line[:1] == "<" else None
    if prefix is not None and not prefix.piece:
        spliced = json_with_time(prefix.body, prefix.time)
        if spliced is not None:
            return spliced
    record = parse(line)
    return None if record is None else json.dumps(record, default=repr, ensure_ascii=False)


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
        value = _python_dict(text)  # a dict printed by Python: {'event': 'llm_call', 'usage': {...}}
    if value is None:
        raise BadRecord("the line is not valid JSON: cut short or corrupted")
    return value


def _python_dict(text: str) -> dict | None:
    if not text.rstrip().endswith("}") or "'" not in text:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None
    return value if isinstance(value, dict) else None


def _embedded_json(text: str) -> dict | None:
    return _json_object(text[text.index("{") :])


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
    head, tail = (rest[: start.start()], rest[start.start() :]) if start else (rest, "")
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
    sdk = SDK_OBJECT.match(text, i)
    if sdk:
        end = _bracket_end(text, sdk.end() - 1)
        return sdk_object(text[i:end]), end, False
    bare = BARE.match(text, i)
    end = bare.end() if bare else i
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


def sdk_object(text: str):
    """An SDK object's repr as a dict of its fields: CompletionUsage(prompt_tokens=3300, details=Details(a=1))
    gives {'prompt_tokens': 3300, 'details': {'a': 1}}; text that is not one is returned as it is."""
    opened = text.find("(")
    if opened < 0 or not text.endswith(")"):
        return text
    inside = text[opened + 1 : -1]
    record, i = {}, 0
    while i < len(inside):
        key = re.compile(r"\s*,?\s*([A-Za-z_]\w*)=").match(inside, i)
        if not key:
            break
        value, i, _ = _value(inside, key.end())
        if isinstance(value, str) and value.endswith(","):
            value = _BARE.get(value[:-1], _number(value[:-1]))
        record[key.group(1)] = value
        while i < len(inside) and inside[i] in ", ":
            i += 1
    return record


def _number(text: str):
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


# --- prefixes a wrapper put before a line's body ---------------------------------------------------------------------

_ISO = r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"
PREFIXES = (
    # RFC 5424: <PRI>VERSION TIMESTAMP HOST APP PROCID MSGID STRUCTURED-DATA MSG
    re.compile(rf"^<\d{{1,3}}>\d (?P<time>{_ISO}|-) \S+ \S+ \S+ \S+ (?:-|(?:\[[^\]]*\])+) ?(?P<body>.*)$"),
    # RFC 3164: <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG (local time, no year)
    re.compile(r"^(?:<\d{1,3}>)?(?P<bsd>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) \S+ [^\s:\[]+(?:\[\d+\])?: (?P<body>.*)$"),
    # a container runtime's text format: TIME STREAM FLAG MSG (F: a whole line, P: a piece of a longer one)
    re.compile(rf"^(?P<time>{_ISO}) (?:stdout|stderr) (?P<flag>[FP]) (?P<body>.*)$"),
    # a platform's prefix: TIME source[process]: MSG
    re.compile(rf"^(?P<time>{_ISO}) [\w.-]+\[[\w.-]+\]: (?P<body>.*)$"),
    # stdlib logging: asctime LEVEL logger - MSG, asctime [LEVEL] MSG, asctime LEVEL: MSG
    re.compile(rf"^\[?(?P<time>{_ISO})\]? +\[?(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|NOTICE|TRACE)\]?:? +"
               r"(?:[\w.\-]+(?:\s*:\d+)? +[-:|] +)?(?P<body>.*)$", re.IGNORECASE),
)  # fmt: skip
_MONTHS = {
    m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)
}


@dataclass
class Prefix:
    """What a line's prefix gave: its time (text), the body after it, and whether the line is a piece of a longer
    one (a runtime's P flag)."""

    time: str | None
    body: str
    piece: bool = False


def split_prefix(line: str) -> Prefix | None:
    """A line's wrapper prefix and its body; None when no prefix form fits."""
    first = line[:1]
    if not (first.isdigit() or first in "<[" or first.isupper()):
        return None
    for pattern in PREFIXES:
        found = pattern.match(line)
        if found:
            parts = found.groupdict()
            time = _bsd_time(parts["bsd"]) if parts.get("bsd") else parts.get("time")
            return Prefix(None if time == "-" else time, parts["body"], parts.get("flag") == "P")
    return None


def _bsd_time(text: str) -> str | None:
    """An RFC 3164 time has no year: this year's, or last year's where this year's would be in the future. It is the
    sender's local time, with no offset (read as --tz says)."""
    now = datetime.now(UTC)
    month, day, clock = text[:3], int(text[4:6]), text[7:]
    if month not in _MONTHS:
        return None
    year = now.year if (_MONTHS[month], day) <= (now.month, now.day) else now.year - 1
    return f"{year}-{_MONTHS[month]:02d}-{day:02d} {clock}"
