"""What audit, budget and estimate read instead of the calls: aggregates kept at ingest, in the ingest's transaction.

Per source, from its final calls: output_counts (budget), call_groups, order_groups, call_values and call_minutes
(audit). And retry_groups, per run of calls (one feature and order): what came just before a retry can sit in
another source, so every run a source adds calls to, or loses calls from, is recounted when the ingest or forget
ends.
"""

from __future__ import annotations

from costcap.prices import LONG_INPUT_FLOOR

# table -> the statement that fills it from the calls of some sources ($sources; $every: all of them)
PER_SOURCE = {
    "output_counts": "aggregates/count_outputs",
    "call_groups": "aggregates/count_call_groups",
    "order_groups": "aggregates/count_order_groups",
    "call_values": "aggregates/count_call_values",
    "call_minutes": "aggregates/count_call_minutes",
}


def count_sources(store, sources: list[int]) -> None:
    """Add the calls of `sources` to the aggregates; run once they are final (bad calls gone, identities settled)."""
    if not sources:
        return
    for statement in PER_SOURCE.values():
        store.execute(statement, every=False, sources=sources, floor=LONG_INPUT_FLOOR)
    store.execute("aggregates/touch_runs", every=False, sources=sources)


def count_again(store) -> None:
    """Every aggregate counted again from all the calls: after a store upgrade, whose schema may count them anew."""
    store.execute("aggregates/clear_call_aggregates")
    for statement in PER_SOURCE.values():
        store.execute(statement, every=True, sources=[], floor=LONG_INPUT_FLOOR)
    store.execute("aggregates/touch_runs", every=True, sources=[])
    recount_runs(store)


def forget_source(store, source_id: int) -> None:
    """Take one source out of the aggregates, before its counted calls change or go (their runs are noted for the
    recount)."""
    store.execute("aggregates/touch_runs", every=False, sources=[source_id])
    store.execute("aggregates/forget_source_aggregates", source_id=source_id)


def recount_runs(store, floor: int = LONG_INPUT_FLOOR) -> None:
    """Recount the retries of every run an ingest or forget touched, at its end (inside its transaction)."""
    store.execute("aggregates/refresh_retry_groups", floor=floor)


def fit_prices(store) -> bool:
    """When this session's prices have a long-context threshold below the floor the stored groups keep, build the
    groups and counts again for the session (temporary tables that stand in for the stored ones) with that threshold
    as the floor: exact, at the cost of one pass over the calls. Returns whether the session has such tables."""
    if store.session_aggregates:
        return True
    (lowest,) = store.one("aggregates/lowest_long_context")
    if lowest is None or lowest >= LONG_INPUT_FLOOR:
        return False
    store.execute("aggregates/create_session_aggregates")
    for table, statement in PER_SOURCE.items():
        if table != "call_minutes":  # minutes hold no prices: the stored ones serve
            store.execute(statement, every=True, sources=[], floor=lowest)
    store.execute("aggregates/touch_runs", every=True, sources=[])
    recount_runs(store, lowest)
    store.session_aggregates = True
    return True
