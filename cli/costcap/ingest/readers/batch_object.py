"""A Batch object saved from client.batches.retrieve: a summary of a whole job, never a call. Its calls are the
lines of its output file, which is what to ingest."""

from __future__ import annotations

import json


def looks_like(text: str) -> bool:
    head = text.lstrip()[:4096]
    return (
        head.startswith("{")
        and '"request_counts"' in text[:65536]
        and ('"object": "batch"' in head or '"object":"batch"' in head)
    )


def note(text: str) -> str:
    """What to do instead, naming the job's output and error files when the head holds them."""
    try:
        job = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        job = {}
    files = [
        f"{key} {job[key]}" for key in ("output_file_id", "error_file_id") if isinstance(job, dict) and job.get(key)
    ]
    where = f" ({', '.join(files)})" if files else ""
    return f"a Batch object{where}, a summary of the whole job; ingest its output file instead"
