"""One number style for every command: how each kind of value reads to a person, and how it is written as data.

People: money `$1,234.5678` (4 decimals; amounts per call or per order 6; catalog prices as listed, at least 2),
counts `75,250`, means and percentiles `811.45` (2 decimals), line numbers `1625`, percentages `12.3%`, yes/no. Data (JSON, CSV): plain decimals, never an exponent.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from enum import Enum

MONEY_DECIMALS = {"money": 4, "rate": 6}
DATA_MONEY = Decimal("0.000001")


def human(value, kind: str, missing: str = "") -> str:
    """A value as a table, Markdown or HTML cell shows it."""
    if value is None:
        return missing
    if kind == "path":
        return shown_path(str(value))
    if isinstance(value, str):
        return value
    if kind == "mark":
        return "best" if value else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind in MONEY_DECIMALS:
        return usd(value, MONEY_DECIMALS[kind])
    if kind == "price":
        return price(value)
    if kind == "pct":
        return f"{float(value):.1%}"
    if kind == "duration":
        return duration(float(value))
    if kind == "line":
        return str(value)  # a place in a file, not a quantity: 1625, never 1,625
    if kind == "number":
        return f"{float(value):,.2f}"  # a mean or a percentile: two decimals, whatever the value
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return count(value)
    return str(value)


def shown_path(path: str) -> str:
    """A stored (absolute) path as people read it: relative to the current folder when it lies below it."""
    import os

    if not os.path.isabs(path):
        return path
    here = os.getcwd()
    return os.path.relpath(path, here) if path.startswith(here.rstrip(os.sep) + os.sep) else path


def usd(value, places: int = 4) -> str:
    """$1,234.5678, and -$0.0100 for a negative amount."""
    amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = f"{abs(amount):,.{places}f}"
    return f"-${text}" if amount < 0 and text.strip("0.,") else f"${text}"


def price(value) -> str:
    """A catalog price as listed: $15.00, $0.075, $2.50 (at least two decimals, no trailing zeros beyond)."""
    amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = f"{amount.normalize():f}"
    whole, _, part = text.partition(".")
    return f"${int(whole):,}.{part.ljust(2, '0')}" if not whole.startswith("-") else f"-{price(-amount)}"


def count(value) -> str:
    """75,250; a fraction keeps up to 4 decimals: 1.0204."""
    if isinstance(value, int) or float(value) == int(value):
        return f"{int(value):,}"
    text = f"{float(value):,.4f}".rstrip("0")
    return text.rstrip(".")


def counted(value: int, noun: str, plural: str | None = None) -> str:
    """'1 call', '1,204 calls': a count and its noun, in the right number."""
    return f"{value:,} {noun if value == 1 else plural or noun + 's'}"


def duration(seconds: float) -> str:
    """7m05s, 37h24m, 31d00h: two units, the larger first (days from 48 hours on)."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        return f"{hours // 24}d{hours % 24:02d}h"
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def plain(value) -> str:
    """A number as data: 0.000081, never 8.1e-05; money (a Decimal) rounded to 6 decimals."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _decimal_text(value.quantize(DATA_MONEY, rounding=ROUND_HALF_EVEN))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{value} is not a number JSON or CSV can hold")
        return _decimal_text(Decimal(repr(value)))
    return str(value)


def _decimal_text(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def data_value(value):
    """Dates as ISO text and enums as their value, for JSON and CSV."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def money(value: Decimal | None) -> float | None:
    """Money for JSON: a number rounded to 6 decimals, None when unknown."""
    if value is None:
        return None
    return float(Decimal(value).quantize(DATA_MONEY, rounding=ROUND_HALF_EVEN))


def exact(value: Decimal | None) -> str | None:
    """Money with every digit kept, as a string: 0.0002832, never rounded."""
    return None if value is None else f"{Decimal(value).normalize():f}"
