"""A mapping inferred from a file no preset was written for: the key paths that hold each call field, found by
their names (data/vocabulary.toml) in a sample of the file's records, and read with the same one SQL statement as
any preset's. What was chosen, and any ambiguity, is said."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

from costcap.ingest import presets

INFERRED = "inferred"
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens", "reasoning_tokens")
MAX_DEPTH = 8


@dataclass(frozen=True)
class Vocabulary:
    """The names of each call field, longest first, and the other names of token counts."""

    fields: dict[str, tuple[str, ...]]
    model_request_kinds: frozenset[str]
    span_pairs: tuple[tuple[str, str], ...]
    other_tokens: tuple[str, ...]
    names: dict[str, str]  # the patterns of a key that names a token count, for Python and SQL alike

    def field_of(self, path: str) -> str | None:
        """The call field a key path holds by its name: the field of the longest listed name the path ends with."""
        lowered, best, length = _spelled(path), None, 0
        for name, names in self.fields.items():
            for listed in names:
                if len(listed) > length and (lowered == listed or lowered.endswith("." + listed)):
                    best, length = name, len(listed)
        return best

    def names_tokens(self, path: str) -> bool:
        """Whether a key path names a token count: a listed name of a call field's or a total's, or a last key whose
        words say tokens and not a limit (tokens_used, numTokens; not max_tokens)."""
        lowered = _spelled(path)
        listed = (*(n for f in TOKEN_FIELDS for n in self.fields[f]), *self.other_tokens)
        if any(lowered == n or lowered.endswith("." + n) for n in listed):
            return True
        words = re.sub(self.names["camel"], r"\1_\2", path.rsplit(".", 1)[-1]).lower()
        return (
            re.search(self.names["token_words"], words) is not None
            and re.search(self.names["limit_words"], words) is None
        )

    def sql_params(self) -> dict[str, str]:
        return {
            "camel": self.names["camel"],
            "token_words": self.names["token_words"],
            "limit_words": self.names["limit_words"],
        }


def _spelled(path: str) -> str:
    """A key path as the vocabulary spells it: lower case, without a log platform's @ before an attribute's name
    (@usage.prompt_tokens), an @ the name keeps where it is listed with one (@timestamp)."""
    lowered = path.lower()
    return lowered if lowered == "@timestamp" or lowered.endswith(".@timestamp") else lowered.lstrip("@")


@cache
def vocabulary() -> Vocabulary:
    raw = tomllib.loads((resources.files("costcap") / "data" / "vocabulary.toml").read_text(encoding="utf-8"))
    fields = {name: tuple(n.lower() for n in names) for name, names in raw["fields"].items()}
    kinds = frozenset(k.lower() for k in raw["model_request"]["kinds"])
    pairs = tuple(tuple(p) for p in raw["spans"]["pairs"])
    return Vocabulary(fields, kinds, pairs, tuple(n.lower() for n in raw["other"]["tokens"]), raw["names"])


def leaves(record, path: tuple = (), depth: int = 0):
    """(path, value) for every value that is not an object, at any depth; a list is entered at its first element."""
    if depth > MAX_DEPTH:
        return
    if isinstance(record, dict):
        for key, value in record.items():
            yield from leaves(value, (*path, str(key)), depth + 1)
    elif isinstance(record, list):
        if record:
            yield from leaves(record[0], (*path, 0), depth + 1)
    else:
        yield path, record


def dotted(path: tuple) -> str:
    return ".".join(str(step) for step in path)


def key_text(path: tuple) -> str:
    """A path as a preset key: parts joined by dots, a part that holds dots quoted."""
    return ".".join(f'"{p}"' if isinstance(p, str) and "." in p else str(p) for p in path)


def is_count(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= 0
    if isinstance(value, float):
        return value >= 0 and value.is_integer()
    return isinstance(value, str) and value.strip().isdigit()


FITS = {
    **dict.fromkeys(TOKEN_FIELDS, is_count),
    "reported_cost_usd": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0,
    "model": lambda v: isinstance(v, str) and 0 < len(v.strip()) < 200,
    "timestamp": lambda v: isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip() != "",
    "feature": lambda v: isinstance(v, str) and 0 < len(v) < 200,
    "request_id": lambda v: isinstance(v, str) and 0 < len(v) < 300,
    "cache_hit": lambda v: isinstance(v, bool) or str(v).lower() in ("true", "false", "1", "0", "hit", "miss"),
    "span_kind": lambda v: isinstance(v, str),
}


@dataclass
class Inferred:
    """The key paths chosen for each call field, most records first, and what was said about the choice."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def reads_tokens(self) -> bool:
        return bool(self.fields.get("input_tokens") or self.fields.get("output_tokens"))


def infer(sample: list[dict]) -> Inferred:
    """The mapping a person would draw from these records: for each call field, every path that holds it by name,
    the one most records carry first."""
    words = vocabulary()
    found: dict[str, Counter] = {}
    for record in sample:
        seen = set()
        for path, value in leaves(record):
            name = words.field_of(dotted(path))
            if name and FITS[name](value) and (name, path) not in seen:
                seen.add((name, path))
                found.setdefault(name, Counter())[path] += 1
    result = Inferred()
    for name, counts in found.items():
        # keys are tried in this order, the first that a record holds wins: the likelier name first (a response's
        # model before a request's), then the path more records carry
        order = sorted(counts, key=lambda p: (_rank(words, name, p), -counts[p], len(p)))
        result.fields[name] = [key_text(p) for p in order]
        if name in ("model", "input_tokens", "output_tokens"):
            result.notes += _rivals(name, order, sample)
    pair = span_pair(sample)
    if pair:
        result.fields["span_id"], result.fields["parent_span_id"] = [pair[0]], [pair[1]]
    if result.fields.get("input_tokens") and not result.fields.get("output_tokens"):
        result.notes.append("input tokens but no output tokens: calls are priced on their input alone")
    if result.fields.get("output_tokens") and not result.fields.get("input_tokens"):
        result.notes.append("output tokens but no input tokens: calls are priced on their output alone")
    return result


def _rivals(name: str, order: list[tuple], sample: list[dict]) -> list[str]:
    """Where another path gives a different value than the chosen one in the same record: the choice, said."""
    first, *others = order
    for other in others:
        both = [(r, presets.at(r, first), presets.at(r, other)) for r in sample]
        differing = [(a, b) for _, a, b in both if a is not None and b is not None and a != b]
        if differing:
            a, b = differing[0]
            return [
                f"{name}: {key_text(first)} ({a}) chosen over {key_text(other)} ({b}), which differs in "
                f"{len(differing)} of the {len(sample)} records looked at; --field {name}=KEY picks another"
            ]
    return []


def _rank(words: Vocabulary, name: str, path: tuple) -> int:
    """Where the name a path ends in stands in the field's list: the earlier, the likelier (a response's model before
    a request's)."""
    lowered = dotted(path).lower()
    for place, listed in enumerate(words.fields[name]):
        if lowered == listed or lowered.endswith("." + listed):
            return place
    return len(words.fields[name])


def span_pair(sample: list[dict]) -> tuple[str, str] | None:
    """The keys a trace's records name themselves and their parent by, when the records carry such a pair."""
    for own, parent in vocabulary().span_pairs:
        holding = [r for r in sample if presets.lookup(r, own) is not None]
        if holding and any(presets.lookup(r, parent) is not None for r in holding):
            return own, parent
    return None


def preset(inferred: Inferred, description: str = "a mapping inferred from the file's keys") -> presets.Preset:
    """The inferred keys first, then the base preset's, as one preset the one SQL statement reads."""
    base = presets.presets()[presets.BASE]
    fields = {name: tuple(dict.fromkeys([*inferred.fields.get(name, ()), *base.fields.get(name, ())]))
              for name in presets.call_fields()}  # fmt: skip
    return presets.Preset(INFERRED, description, 99, (), fields)


def supplemented(
    picked: presets.Preset, mapping: presets.Mapping, sample: list[dict]
) -> tuple[presets.Preset, Inferred | None]:
    """A preset that reads the records' tokens but finds no value for another field (the time, the model, the span
    ids) in any of them, with the keys inferred for those fields after its own; the preset itself when it lacks
    none."""
    inferred = infer(sample)
    lacking = {name: keys for name, keys in inferred.fields.items()
               if not any(lookup_any(r, mapping.keys(name)) for r in sample)}  # fmt: skip
    if not lacking:
        return picked, None
    fields = {name: tuple(dict.fromkeys([*keys, *lacking.get(name, ())])) for name, keys in picked.fields.items()}
    said = Inferred(lacking, [n for n in inferred.notes if n.split(":")[0] in lacking])
    return replace(picked, fields=fields, description=f"{picked.description}, with inferred keys"), said


def lookup_any(record: dict, keys: list[str]) -> bool:
    return any(presets.lookup(record, k) not in (None, "") for k in keys)


def token_keys(records: list[dict]) -> list[str]:
    """The paths in these records whose names say they hold token counts and whose values are numbers."""
    words, found = vocabulary(), []
    for record in records:
        for path, value in leaves(record):
            text = dotted(path)
            if is_count(value) and words.names_tokens(text) and key_text(path) not in found:
                found.append(key_text(path))
    return found


def reads_tokens(mapping: presets.Mapping, sample: list[dict]) -> bool:
    """Whether a mapping finds a token count in any of these records."""
    keys = [*mapping.keys("input_tokens"), *mapping.keys("output_tokens")]
    return any(is_count(presets.lookup(r, k)) for r in sample for k in keys)
