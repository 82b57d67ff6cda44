"""A log platform's CSV export (Datadog, Splunk, Grafana, a SQL client): one row per event, the attribute columns
named by their paths (@usage.prompt_tokens, attributes.gen_ai.usage.input_tokens). Each row is a record whose keys are
the column names; a cell holding JSON (the message) is read as JSON, so the wrapping rules can find the record in it.
Known by a header that names a token count; the mapping is then inferred from the columns (ingest/infer.py)."""

from __future__ import annotations

import re

from costcap.ingest import infer
from costcap.ingest.readers import documents, spend_logs

# a column name as log platforms write one: an attribute path, no values, no record, no prose
HEADER_NAME = re.compile(r"@?[A-Za-z_][\w.\-/:@ ]{0,99}")


def looks_like(columns: list[str]) -> bool:
    """A header of names, one of which names a token count."""
    words = infer.vocabulary()
    named = [c.strip() for c in columns]
    return len(named) > 1 and all(HEADER_NAME.fullmatch(c) for c in named) and any(words.names_tokens(c) for c in named)


def batches(item, reject):
    return documents.batches(item, reject, spend_logs.rows)
