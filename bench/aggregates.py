"""The share of an ingest that keeps the aggregates: structlog JSON lines ingested into a fresh store, with the
aggregate statements timed where they run, in the same process (bench/gen.py writes the lines).

    python bench/aggregates.py                    # 2,000,000 lines
    python bench/aggregates.py --lines 200000     # a quick run

Prints the ingest's seconds, the seconds spent counting the aggregates (at the end of each batch of files and the
retry recount at the end) and their share; the target is at most 15%.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "cli"))
import gen  # noqa: E402

from costcap import aggregates, prices  # noqa: E402
from costcap.ingest import Request, ingest  # noqa: E402
from costcap.ingest.records import Options  # noqa: E402
from costcap.store import Store  # noqa: E402

spent = {"aggregates": 0.0}


def timed(function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent["aggregates"] += time.perf_counter() - started

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    log = args.data / f"json-{args.lines}.log"
    if not log.exists():
        gen.write("json", args.lines, log)
    aggregates.count_sources = timed(aggregates.count_sources)
    aggregates.recount_runs = timed(aggregates.recount_runs)
    with tempfile.TemporaryDirectory(prefix="costcap-bench-aggregates-") as work:
        started = time.perf_counter()
        with Store(str(Path(work) / "store.duckdb"), prices.builtin(), create=True) as store:
            [result] = ingest(store, Request([str(log)], "auto", Options()))
        total = time.perf_counter() - started
    share = spent["aggregates"] / total
    print(f"| lines | calls | ingest s | aggregates s | share |\n| ---: | ---: | ---: | ---: | ---: |\n"
          f"| {args.lines:,} | {result.rows:,} | {total:.1f} | {spent['aggregates']:.1f} | {share:.0%} |")  # fmt: skip


if __name__ == "__main__":
    main()
