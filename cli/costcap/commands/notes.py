"""What each file an ingest read gave, said on stderr: by `costcap ingest` and by any command that reads files
into a throwaway store first."""

from __future__ import annotations

from costcap import numbers, output
from costcap.ingest import FileResult
from costcap.ingest.infer import INFERRED


def say_notes(results: list[FileResult]) -> None:
    unreadable = [r for r in results if r.status == "unreadable"]
    for r in unreadable:
        output.warn(f"{output.inert(r.path)}: could not be read ({r.note}); left out (--skip-bad)")
    if len(unreadable) > 1:
        output.warn(
            f"{len(unreadable):,} {'file or folder' if len(unreadable) == 1 else 'files or folders'} could not be read and were left out."
        )
    for r in results:
        if r.status == "link followed":
            output.note(f"{output.inert(r.path)}: {output.inert(r.note or '')}; read once.")
        name = output.inert(r.path)
        if r.status == "unchanged":
            output.note(f"{name}: already in the store, unchanged; nothing added.")
        if r.status in ("not an input", "passed over", "nothing to store"):
            output.note(f"{name}: {r.status}: {output.inert(r.note or 'not an export, log or Batch output')}.")
        if (
            r.reported_usd is not None
            and r.priced_where_reported is not None
            and r.reported_usd != r.priced_where_reported
        ):
            output.note(
                f"{name}: the log's own cost says ${r.reported_usd:.6f} for these calls; costcap's price is "
                f"${r.priced_where_reported:.6f} (the log's figure is its writer's estimate, not the bill)."
            )
        if r.read_as:
            output.note(f"{name}: read {output.inert(r.read_as)}.")
        if r.inferred:
            how = ("no preset fits; read with a mapping inferred from its keys" if r.preset == INFERRED
                   else f"the {r.preset} preset finds no value for some fields; keys inferred for them")  # fmt: skip
            output.note(f"{name}: {how}: {output.inert('; '.join(r.inferred))} (keep it with --save-preset FILE)")
        for reason, count in r.passed_over.items():
            output.note(
                f"{name}: {numbers.counted(count, 'record')} with token counts passed over as not calls: {reason}."
            )
        if r.disagreeing_parents:
            output.warn(
                f"{name}: {numbers.counted(r.disagreeing_parents, 'parent span')} of the trace "
                f"{'carries' if r.disagreeing_parents == 1 else 'carry'} tokens that differ from the sum of the "
                "calls beneath (the calls are counted, not the parents)"
            )
        if r.unread and r.rows + r.duplicates:
            keys = ", ".join(r.unread_keys)
            output.warn(
                f"{name}: {numbers.counted(r.unread, 'record')} name token counts ({output.inert(keys)}) but gave "
                "no call: map their keys with --field input_tokens=KEY --field output_tokens=KEY, or write a "
                "preset (--save-preset FILE, edit it, --preset FILE)"
            )
        if r.naive_times:
            output.warn(
                f"{name}: {numbers.counted(r.naive_times, 'time')} had no offset and "
                f"{'was' if r.naive_times == 1 else 'were'} read as UTC; pass --tz ZONE (or [ingest] tz in costcap.toml) "
                f"if {'it is' if r.naive_times == 1 else 'they are'} local time"
            )
        if r.rounded_amounts:
            output.note(
                f"{name}: {numbers.counted(r.rounded_amounts, 'amount')} had digits past the 18th decimal; "
                f"costcap keeps 18 and rounded the rest half to even (the largest change: "
                f"${r.largest_rounding_usd:.1e})"
            )
        if r.status == "appended":
            output.note(f"{name}: grown since the last ingest; read from line {r.first_line} on.")
        for example in r.bad_examples:
            output.warn(f"skipped bad line {output.inert(example)}")
        if r.bad > len(r.bad_examples):
            output.warn(f"{name}: {r.bad} bad lines skipped in all.")
        if r.unpriced:
            models = ", ".join(output.inert(m) for m in r.unpriced_models)
            output.warn(
                f"{name}: {r.unpriced} rows use models with no price ({models}); they are left out of the spend,"
                " not counted as $0. Add prices with --prices FILE."
            )
            if "(no model)" in r.unpriced_models:
                output.warn(
                    f"{name}: usage rows with no model are ungrouped totals that cannot be priced: pull or "
                    "export them grouped by model (group_by=model)"
                )
