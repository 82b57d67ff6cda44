"""Many small files: costcap ingests a folder of one-line logs (rotated archives, one file per request) against a
plain-Python loop that opens each file and parses its line, in the same run.

    python bench/files.py                   # 20,000 one-line files
    python bench/files.py --files 2000      # a quick run

Prints seconds, files per second and the ratio to the loop; the target is 20,000 files in under a minute.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINE = {"event": "llm_call", "feature": "f", "model": "gpt-4o-mini", "completion_tokens": 20}


def write_files(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        event = {**LINE, "prompt_tokens": 100 + n % 900, "request_id": f"req_{n}",
                 "timestamp": f"2026-11-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z"}  # fmt: skip
        (folder / f"app-{n:05d}.log").write_text(json.dumps(event) + "\n")


def naive(folder: Path) -> float:
    """Open every file, parse its line, keep the token counts: what a ten-minute script does."""
    started = time.perf_counter()
    kept = []
    for path in sorted(folder.iterdir()):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                kept.append((record["model"], record["prompt_tokens"], record["completion_tokens"]))
    return time.perf_counter() - started


def costcap(folder: Path, store: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "costcap", "ingest", str(folder), "--db", str(store), "-f", "json"],
                   check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="costcap-bench-files-") as work:
        folder = Path(work) / "logs"
        write_files(folder, args.files)
        loop_s = naive(folder)
        ours_s = costcap(folder, Path(work) / "store.duckdb")
    print(
        f"| files | costcap s | files/s | plain-Python loop s | x loop |\n| ---: | ---: | ---: | ---: | ---: |\n"
        f"| {args.files:,} | {ours_s:.1f} | {args.files / ours_s:,.0f} | {loop_s:.2f} | {ours_s / loop_s:.1f} |"
    )


if __name__ == "__main__":
    main()
