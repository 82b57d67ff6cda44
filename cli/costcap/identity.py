"""Which rows count: a call belongs to every source that holds it, and is counted once.

Every source keeps the rows it read. A row counts (table `calls`) or waits (table `call_copies`) while another row
counts the same call. A call's identity is its request id when it has one, else its record's text; a text is
counted as many times as the document holding it most often holds it, so a rotated log or a copy adds nothing, a
grown log adds its new lines, and identical lines of a busy writer are never merged. When sources come or go, the
identities they share with others are settled again (queries/identity/plan_call_moves.sql), and the older sources whose
counted rows changed are handed back so their aggregates are counted again.
"""

from __future__ import annotations

from costcap import aggregates
from costcap.store import Store


def settle_new(store: Store, sources: list[int]) -> None:
    """After the rows of `sources` are stored (each counted): link log lines to the Batch rows of the same call, then
    settle every identity another row also holds. The new sources' aggregates are the caller's to count."""
    if not sources:
        return
    store.execute("ingest/link_batch_calls", sources=sources)
    store.execute("identity/note_contested_keys", sources=sources)
    settle(store, exclude=sources)


def note_leaving(store: Store, source_id: int) -> None:
    """Before a source is forgotten: its identities, which the sources still holding them may now have to count."""
    store.execute("identity/note_source_keys", source_id=source_id)


def settle(store: Store, exclude: tuple[int, ...] | list[int] = ()) -> list[int]:
    """Decide which rows count for the identities noted, move the rows that change, and count again the aggregates of
    the sources they belong to (but those in `exclude`, which the caller counts). Returns the sources recounted."""
    store.execute("identity/plan_call_moves")
    changed = [row[0] for row in store.rows("identity/moved_sources") if row[0] not in set(exclude)]
    for source_id in changed:
        aggregates.forget_source(store, source_id)
    store.execute("identity/apply_call_moves")
    aggregates.count_sources(store, changed)
    return changed
