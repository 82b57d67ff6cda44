"""`costcap estimate`: price a planned run, a Batch input file, or the change between two plans."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from costcap import estimate as core
from costcap import output
from costcap.commands import DbOption, FormatOption, PricesOption, load_catalog, open_store
from costcap.documents import estimate as documents
from costcap.errors import CostcapError, ExitCode
from costcap.store import DEFAULT_PATH

Opt = typer.Option


def estimate(
    args: Annotated[
        list[str] | None, typer.Argument(help="PLAN.toml, or REQUESTS.jsonl, or: diff BASE.toml NEW.toml")
    ] = None,
    items: Annotated[int | None, Opt(help="Items (answers) per order.")] = None,
    orders: Annotated[int | None, Opt(help="Orders to price.")] = None,
    prompt_tokens: Annotated[int | None, Opt(help="Fixed input per call.")] = None,
    item_input_tokens: Annotated[int | None, Opt(help="Input added per item.")] = None,
    item_output_tokens: Annotated[int | None, Opt(help="Output per item.")] = None,
    cached_prefix_tokens: Annotated[int | None, Opt(help="Static prefix prompt caching can serve.")] = None,
    max_retries: Annotated[int | None, Opt(help="Retries after a failed attempt.")] = None,
    sleep_s: Annotated[float | None, Opt(help="Pause between calls.")] = None,
    latency_s: Annotated[float | None, Opt(help="Time one call takes.")] = None,
    tier: Annotated[int | None, Opt(help="Usage tier 1-5, for rate and queue limits.")] = None,
    models: Annotated[str | None, Opt(help="Comma-separated candidate models.")] = None,
    batch_sizes: Annotated[str | None, Opt(help="Comma-separated candidate batch sizes.")] = None,
    batch_api: Annotated[str | None, Opt(help="false, true or both.")] = None,
    failure_rate: Annotated[str | None, Opt(help="SIZE=P pairs, e.g. 3=0.02,5=0.15.")] = None,
    deadline: Annotated[float | None, Opt(help="Hours: best = cheapest that finishes in time.")] = None,
    parallel_orders: Annotated[
        int | None, Opt(help="Orders run at once (Batch: per submission window); default one after another.")
    ] = None,
    baseline: Annotated[
        str | None, Opt(help="The current choice, e.g. model=gpt-4o,batch_size=5,batch_api=false.")
    ] = None,
    output_tokens: Annotated[
        int | None, Opt(help="Requests file: output per request when it sets no max_tokens.")
    ] = None,
    from_store: Annotated[
        str | None, Opt(help="FEATURE: measure prompt, output per item and failure rates from the store.")
    ] = None,
    db: DbOption = DEFAULT_PATH,
    fail_above_pct: Annotated[float, Opt(help="diff: exit 3 when cost per order rises more than this.")] = 10,
    prices_file: PricesOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Price a planned run under candidate models, batch sizes and the Batch API, retries included.

    For batch size b, f = failure_rate[b], R = max_retries: calls C = ceil(items / b); attempts per call
    A = 1 + f + ... + f^R; paid attempts E = C x A; input A x (C x prompt + items x item_input); output
    A x items x item_output; cached (E - 1) x prefix when the prefix is >= 1024 tokens (under the Batch API only
    where the catalog lists a Batch cached price).

    Example: costcap estimate plan.toml --models gpt-4o,gpt-4o-mini --batch-sizes 1,5
    """
    catalog = load_catalog(prices_file, db)
    args = args or []
    if args[:1] == ["diff"]:
        return _diff(args[1:], catalog, Decimal(str(fail_above_pct)), fmt)
    if len(args) > 1:
        raise CostcapError("give one plan file (or a Batch input .jsonl), or: diff BASE.toml NEW.toml")
    path = Path(args[0]) if args else None
    if path and _is_jsonl(path):
        from costcap import batch_input

        return _show_requests(batch_input.price_file(path, catalog, output_tokens, tier or 1), fmt)
    overrides = {
        "items": items, "orders": orders, "prompt_tokens": prompt_tokens, "item_input_tokens": item_input_tokens,
        "item_output_tokens": item_output_tokens, "cached_prefix_tokens": cached_prefix_tokens,
        "max_retries": max_retries, "sleep_s": sleep_s, "latency_s": latency_s, "tier": tier,
        "parallel_orders": parallel_orders,
        "models": _split(models) if models is not None else None, "batch_sizes": _ints(batch_sizes, "--batch-sizes"), "batch_api": _api(batch_api),
        "failure_rate": _rates(failure_rate), "deadline_h": deadline,
    }  # fmt: skip
    measured = _from_store(db, from_store) if from_store else None
    if measured:
        overrides = {**measured.values, **{k: v for k, v in overrides.items() if v is not None}}
    plan = core.load_plan(path, overrides, catalog)
    found = core.scenarios(plan, catalog)
    _show_plan(plan, found, core.best(found, plan.deadline_h), _baseline(baseline, found), fmt)
    if measured and (checked := core.agreement(measured, found)):
        output.note(checked)


def _from_store(db: str, feature: str) -> core.Measured:
    with open_store(db, None, read_only=True) as store:
        measured = core.measured_from_store(store, feature)
    output.note(output.inert(measured.said))
    return measured


def _is_jsonl(path: Path) -> bool:
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(1) == b"{"
    except OSError:
        return False


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _ints(text: str | None, flag: str) -> list[int] | None:
    try:
        return None if text is None else [int(p) for p in _split(text)]
    except ValueError:
        raise CostcapError(f"{flag} {text!r}: write whole numbers separated by commas, e.g. 3,5") from None


def _api(text: str | None) -> list[bool] | None:
    choices = {"false": [False], "true": [True], "both": [False, True]}
    if text is None:
        return None
    if text.lower() not in choices:
        raise CostcapError(f"--batch-api {text!r}: use false, true or both")
    return choices[text.lower()]


def _rates(text: str | None) -> dict | None:
    if text is None:
        return None
    pairs = {}
    for part in _split(text):
        size, _sep, rate = part.partition("=")
        try:
            pairs[size.strip()] = float(rate)
        except ValueError:
            raise CostcapError(f"--failure-rate {part!r}: write SIZE=PROBABILITY, e.g. 5=0.15") from None
    return pairs


def _baseline(text: str | None, found: list[core.Scenario]) -> core.Scenario | None:
    if text is None:
        return None
    wanted = dict(part.partition("=")[::2] for part in _split(text))
    for s in found:
        if all(str(getattr(s, k, None)).lower() == v.lower() for k, v in wanted.items()):
            return s
    raise CostcapError(f"--baseline {text!r} matches no scenario (use model=…,batch_size=…,batch_api=true|false)")


def _show_plan(plan, found, best, baseline, fmt) -> None:
    output.write(documents.plan_document(plan, found, best), fmt)
    _savings_notes(found, best, baseline, plan.deadline_h)


def _savings_notes(found, best, baseline, deadline_h) -> None:
    if best is None:
        output.warn(
            "no scenario can run as planned (see the out column): add candidates, a higher --tier, more "
            "orders over time, or a later --deadline"
        )
        return
    out = [s for s in found if core.why_out(s, deadline_h) and s.cost_usd < best.cost_usd]
    if out:
        output.note(f"{len(out)} cheaper scenarios cannot run as planned and are not picked (see the out column).")
    dearest = max(found, key=lambda s: s.cost_usd)
    output.note(f"Best: {output.inert(best.model)}, {best.batch_size} per call, Batch API {'on' if best.batch_api else 'off'}: "
                f"{output.usd(best.cost_usd)}, {output.usd(dearest.cost_usd - best.cost_usd)} less than the dearest.")  # fmt: skip
    if baseline:
        output.note(
            f"Against the baseline ({output.usd(baseline.cost_usd)}): {output.usd(baseline.cost_usd - best.cost_usd)} saved."
        )


def _diff(paths: list[str], catalog, threshold: Decimal, fmt) -> None:
    if len(paths) != 2:
        raise CostcapError("diff needs two plan files: costcap estimate diff BASE.toml NEW.toml")
    picked, found = [], []
    for path in map(Path, paths):
        plan = core.load_plan(path, {}, catalog)
        priced = core.scenarios(plan, catalog)
        chosen = core.best(priced, plan.deadline_h)
        if chosen is None:
            raise CostcapError(f"{path}: no scenario meets its deadline")
        picked.append((path, plan, chosen))
        found.append(priced)
    doc = documents.diff_document(picked, threshold, (found[0], found[1]))
    output.write(doc, fmt)
    if doc.data["over_threshold"]:
        output.warn(f"cost per order rises {doc.data['change_pct']:.1f}%, above the {threshold}% threshold")
        raise typer.Exit(ExitCode.OVER_THRESHOLD)


def _show_requests(rows: list[dict], fmt) -> None:
    output.write(documents.requests_document(rows), fmt)
    for row in rows:
        if row["uncounted"]:
            parts = ", ".join(f"{kind} in {n} requests" for kind, n in row["uncounted"].items())
            output.warn(
                f"{output.inert(row['model'])}: input tokens leave out what cannot be counted offline ({parts}): "
                "they are a lower bound"
            )
