"""Wrapped against unwrapped: the same structlog JSON lines ingested as they are, and as a container runtime or a
log platform hands them over (Docker's json-file records, the CRI text format, a JSON record holding a CRI line),
in the same run.

    python bench/wrapped.py                  # 200,000 lines
    python bench/wrapped.py --lines 20000    # a quick run

Prints seconds per form and the ratio to the unwrapped lines; the target is at most 1.5x.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EVENT = {"event": "llm_call", "feature": "search", "model": "gpt-4o-mini", "completion_tokens": 40, "level": "info"}


def app_line(n: int) -> str:
    return json.dumps({**EVENT, "prompt_tokens": 100 + n % 900, "request_id": f"req_{n}",
                       "timestamp": f"2026-11-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:{n % 60:02d}Z"})  # fmt: skip


def at(n: int) -> str:
    return f"2026-11-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:{n % 60:02d}.123456789Z"


FORMS = {
    "unwrapped": lambda n: app_line(n),
    "docker json-file": lambda n: json.dumps({"log": app_line(n) + "\n", "stream": "stdout", "time": at(n)}),
    "CRI text": lambda n: f"{at(n)} stdout F {app_line(n)}",
    "shipper JSON holding CRI": lambda n: json.dumps(
        {"date": 1793887391.5 + n, "log": f"{at(n)} stdout F {app_line(n)}"}
    ),
}


def ingest(path: Path, store: Path) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "costcap", "ingest", str(path), "--db", str(store), "-f", "json"],
                          check=True, capture_output=True, text=True)  # fmt: skip
    return time.perf_counter() - started, json.loads(done.stdout)["files"][0]["rows"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    rows = ["| form | MB | calls | seconds | x unwrapped |", "| --- | ---: | ---: | ---: | ---: |"]
    with tempfile.TemporaryDirectory(prefix="costcap-bench-wrapped-") as work:
        baseline = None
        for n, (name, line) in enumerate(FORMS.items()):
            path = Path(work) / f"{n}.log"
            with open(path, "w") as out:
                out.writelines(line(i) + "\n" for i in range(args.lines))
            seconds, calls = ingest(path, Path(work) / f"{n}.duckdb")
            baseline = baseline or seconds
            rows.append(
                f"| {name} | {path.stat().st_size / 1e6:.1f} | {calls:,} | {seconds:.2f} | {seconds / baseline:.2f} |"
            )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
