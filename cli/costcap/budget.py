"""max_tokens caps: from measured completion lengths (p90 x safety) or, before any data, from a spec."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from costcap import aggregates
from costcap.errors import CostcapError
from costcap.scope import Scope
from costcap.store import Store
from costcap.userfile import read_text

GROUP_KEYS = ("feature", "batch_type", "model")
TRUNCATION_WARNING = Decimal("0.05")
DEFAULT_TOKENS_PER_WORD = Decimal("1.3")
PERCENTILE_PLACES = 6


@dataclass
class Settings:
    """How caps are derived, and over which calls."""

    by: str = "feature"
    scope: Scope = field(default_factory=Scope)
    percentile: Decimal = Decimal(90)
    safety: Decimal = Decimal("1.2")
    round_to: int = 1
    min_calls: int = 10

    def check(self) -> None:
        if self.by not in GROUP_KEYS:
            raise CostcapError(f"--by {self.by!r}: use one of {', '.join(GROUP_KEYS)}")
        if not self.percentile.is_finite() or not 0 < self.percentile <= 100:
            raise CostcapError(f"--percentile {self.percentile}: use a number above 0 and at most 100")
        check_safety(self.safety, self.round_to)
        if not 1 <= self.min_calls <= MAX_COUNT:
            raise CostcapError(f"--min-calls {self.min_calls}: use a whole number from 1 to {MAX_COUNT:,}")


MAX_COUNT = 1_000_000_000  # no option counts more calls, words, items or tokens than this
MAX_SAFETY = 100


def check_safety(safety: Decimal, round_to: int) -> None:
    """--safety above 0 and at most 100; --round a whole number from 1 up."""
    if not safety.is_finite() or not 0 < safety <= MAX_SAFETY:
        raise CostcapError(f"--safety {safety}: use a factor above 0 and at most {MAX_SAFETY}, e.g. 1.2")
    if not 1 <= round_to <= MAX_COUNT:
        raise CostcapError(f"--round {round_to}: use a whole number from 1 to {MAX_COUNT:,}")


@dataclass
class Group:
    """The measured distribution of one group and the cap derived from it."""

    group: str
    calls: int
    truncated_calls: int
    p50: float
    p90: float
    p99: float
    max: int
    current_max_tokens: int | None
    truncation_rate: float
    p_chosen: float
    recommended_max_tokens: int | None = None
    would_truncate_rate: float | None = None
    overrun_tokens: int = 0
    saving_usd: Decimal = Decimal(0)
    unpriced_overrun_calls: int = 0
    warning: str | None = None
    raised_from_cap: bool = False  # calls hit today's cap: the cap recommended is safety x today's, never lower

    @property
    def raises_cap(self) -> bool:
        """Whether the recommendation is to raise the cap the calls were sent with."""
        return (self.recommended_max_tokens is not None and self.current_max_tokens is not None
                and self.recommended_max_tokens > self.current_max_tokens)  # fmt: skip


@dataclass
class Report:
    settings: Settings
    groups: list[Group] = field(default_factory=list)

    @property
    def total_saving_usd(self) -> Decimal:
        return sum((g.saving_usd for g in self.groups), Decimal(0))


def cap(safety: Decimal, value: Decimal | float, round_to: int) -> int:
    """ceil(safety x value), then rounded up to a multiple of round_to; exact decimal arithmetic."""
    raw = (safety * Decimal(str(value))).to_integral_value(rounding=ROUND_CEILING)
    return int(math.ceil(int(raw) / round_to) * round_to) if round_to > 1 else int(raw)


def measure(store: Store, settings: Settings) -> Report:
    """Per group: the distribution of completion tokens, the recommended cap and what it would have saved."""
    settings.check()
    aggregates.fit_prices(store)
    settings.scope.apply(store)
    params = {"by": settings.by}
    report = Report(settings)
    for row in store.dicts("budget/groups", **params, fraction=float(settings.percentile / 100)):
        report.groups.append(_group(row, settings))
    capped = [g for g in report.groups if g.recommended_max_tokens is not None]
    if capped:
        _add_overruns(store, params, capped)
    return report


def _group(row: dict, settings: Settings) -> Group:
    # quantile_cont interpolates in floating point: 6 decimals drop its noise (500.00000000000006) before ceil()
    for key in ("p50", "p90", "p99", "p_chosen"):
        row[key] = round(row[key], PERCENTILE_PLACES)
    g = Group(
        group=row["group"], calls=row["calls"], truncated_calls=row["truncated_calls"], p50=row["p50"],
        p90=row["p90"], p99=row["p99"], max=row["max"], current_max_tokens=row["current_max_tokens"],
        truncation_rate=row["truncated_calls"] / row["calls"], p_chosen=row["p_chosen"],
    )  # fmt: skip
    if g.calls < settings.min_calls:
        g.warning = f"insufficient data: {g.calls} calls, fewer than --min-calls {settings.min_calls}"
        return g
    g.recommended_max_tokens = cap(settings.safety, g.p_chosen, settings.round_to)
    if g.truncated_calls and g.current_max_tokens is not None and g.recommended_max_tokens <= g.current_max_tokens:
        # answers hit today's cap: the percentile of a cut distribution would lower a cap that is already too low
        g.recommended_max_tokens = cap(settings.safety, g.current_max_tokens, settings.round_to)
        g.raised_from_cap = True
    if Decimal(g.truncated_calls) > TRUNCATION_WARNING * g.calls:
        g.warning = (
            f"{g.truncated_calls:,} of {g.calls:,} completed calls were cut at today's cap, so their true length is unknown and "
            f"p{float(settings.percentile):g} is a lower bound: raise the cap, measure again"
        )
    return g


def _add_overruns(store: Store, params: dict, groups: list[Group]) -> None:
    names = [g.group for g in groups]
    caps = [g.recommended_max_tokens for g in groups]
    found = store.rows("budget/overruns", **params, groups=names, caps=caps)
    by_name = {g.group: g for g in groups}
    for g in groups:  # a group with no call above its cap is not in `found`
        g.would_truncate_rate = 0.0
    for name, over, tokens, saving, unpriced in found:
        g = by_name[name]
        g.would_truncate_rate = over / g.calls
        g.overrun_tokens, g.saving_usd, g.unpriced_overrun_calls = int(tokens), Decimal(saving), unpriced


@dataclass
class Spec:
    """A cap from what the answer should hold: words x items x tokens per word x safety."""

    words: Decimal
    items: int
    tokens_per_word: Decimal = DEFAULT_TOKENS_PER_WORD
    safety: Decimal = Decimal("1.2")
    round_to: int = 1
    measured_from: str | None = None
    sample_words: int | None = None
    sample_tokens: int | None = None

    @property
    def max_tokens(self) -> int:
        given: dict[str, Decimal | int] = {
            "--words": self.words,
            "--items": self.items,
            "--tokens-per-word": self.tokens_per_word,
        }
        for flag, value in given.items():
            if not Decimal(value).is_finite() or not 0 < value <= MAX_COUNT:
                said = "is missing" if value == 0 and flag in ("--words", "--items") else f"is {value}"
                raise CostcapError(f"{flag} {said}: a spec needs --words (per item) and --items (per call), each above "
                                   f"0 and at most {MAX_COUNT:,}, e.g. --words 150 --items 60")  # fmt: skip
        check_safety(self.safety, self.round_to)
        return cap(self.safety, self.words * self.items * self.tokens_per_word, self.round_to)


def sample_texts(path: Path) -> list[str]:
    """Example answers: a JSON list of strings, or one answer per line."""
    text = read_text(path, "the --sample file")
    if text.lstrip().startswith("["):
        try:
            answers = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise CostcapError(
                f"{path}:{getattr(exc, 'lineno', 1)}: not valid JSON (write a list of strings, or one answer per line)"
            ) from None
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            raise CostcapError(f"{path}: the JSON must be a list of strings")
    else:
        answers = [line for line in text.splitlines() if line.strip()]
    if not sum(len(a.split()) for a in answers):
        raise CostcapError(f"{path}: the sample holds no words")
    return answers


def measured_spec(spec: Spec, answers: list[str], encoding: str, source: str) -> Spec:
    """The spec with tokens per word measured on real answers (each answer counted as the model would write it)."""
    from costcap import tokens

    words = sum(len(a.split()) for a in answers)
    count = sum(tokens.count_text(a, encoding) for a in answers)
    spec.tokens_per_word = Decimal(count) / Decimal(words)
    spec.measured_from, spec.sample_words, spec.sample_tokens = source, words, count
    return spec
