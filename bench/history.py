"""Does audit's and budget's time grow with the history a store holds? Both read aggregates kept at ingest, so at
10x the stored calls they should take about as long: this script measures it in one run, against itself.

    python bench/history.py                                   # 1 M and 10 M structlog JSON lines
    python bench/history.py --small 1000 --large 10000 --data /tmp/h   # a smoke run

For each size it writes the input once (bench/gen.py, kept in --data), ingests it into a fresh store (timed, peak
RSS), then runs `audit -f json` and `budget -f json` on it (the fastest of --repeat runs, with its peak RSS), and
`costcap audit --help` for the start-up (Python, Typer, costcap's modules) every such command pays. The figures:
each command's time at the large size as a ratio to its time at the small one, and the issue's targets. JSON goes
to --json (bench/history.json).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen  # noqa: E402
from run import Run, _best, costcap, machine, timed  # noqa: E402


def log_file(data: Path, lines: int) -> Path:
    path = data / f"json-{lines}.jsonl"
    if not path.exists():
        print(f"writing {path} ({lines:,} lines) ...", file=sys.stderr)
        data.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        gen.write("json", lines, partial)
        partial.rename(path)
    return path


def measure(data: Path, lines: int, work: Path, repeat: int) -> dict:
    """Ingest, audit and budget at one size."""
    path = log_file(data, lines)
    store = work / f"history-{lines}.duckdb"
    for leftover in (store, store.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    out = work / "ingest.json"
    ingest = timed(f"ingest {lines:,}", costcap("ingest", str(path), "--db", str(store), "-f", "json"), lines, out)
    calls = json.loads(out.read_text())["files"][0]["rows"]
    audit = _best(repeat, "audit", costcap("audit", "--db", str(store), "-f", "json"), calls)
    budget = _best(repeat, "budget", costcap("budget", "--db", str(store), "-f", "json"), calls)
    return {"lines": lines, "calls": calls, "store_mb": round(store.stat().st_size / 2**20, 1),
            "ingest": asdict(ingest), "audit": asdict(audit), "budget": asdict(budget)}  # fmt: skip


def targets(small: dict, large: dict, start: Run) -> list[dict]:
    found = []
    for name in ("audit", "budget"):
        ratio = large[name]["seconds"] / small[name]["seconds"]
        found += [
            (f"{name} at {large['calls']:,} calls <= 1.5x its time at {small['calls']:,}", round(ratio, 2), 1.5),
            (f"{name} at {large['calls']:,} calls < 1 s", round(large[name]["seconds"], 3), 1),
        ]
    found.append((f"audit peak RSS at {large['calls']:,} calls < 500 MB", round(large["audit"]["peak_rss_mb"]), 500))
    found.append(("start-up of a store command (audit --help), in every figure above", round(start.seconds, 3), 1))
    return [{"target": t, "measured": m, "met": m <= limit if "1.5x" in t else m < limit} for t, m, limit in found]


def show(doc: dict) -> None:
    print(f"audit and budget against the history stored, {doc['machine']['date']}, {doc['machine']['cpus']} CPUs")
    print(f"\n{'lines':>12}{'calls':>12}{'store MB':>10}{'ingest s':>10}{'RSS MB':>8}"
          f"{'audit s':>9}{'RSS MB':>8}{'budget s':>10}{'RSS MB':>8}")  # fmt: skip
    for size in doc["sizes"]:
        print(f"{size['lines']:>12,}{size['calls']:>12,}{size['store_mb']:>10.1f}{size['ingest']['seconds']:>10.1f}"
              f"{size['ingest']['peak_rss_mb']:>8.0f}{size['audit']['seconds']:>9.3f}"
              f"{size['audit']['peak_rss_mb']:>8.0f}"
              f"{size['budget']['seconds']:>10.3f}{size['budget']['peak_rss_mb']:>8.0f}")  # fmt: skip
    print()
    for t in doc["targets"]:
        print(f"{'met ' if t['met'] else 'MISS'}  {t['target']:<66}{t['measured']:>10}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000_000, help="log lines of the smaller history")
    parser.add_argument("--large", type=int, default=10_000_000, help="log lines of the larger history")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where the inputs are written and kept")
    parser.add_argument("--repeat", type=int, default=3, help="runs of audit and budget at each size (the fastest)")
    parser.add_argument("--json", type=Path, default=HERE / "history.json", help="where the figures go as JSON")
    args = parser.parse_args(argv)
    work = args.data / "history-stores"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    sizes = [measure(args.data, lines, work, args.repeat) for lines in (args.small, args.large)]
    start = _best(args.repeat, "costcap audit --help", costcap("audit", "--help"))
    doc = {"machine": machine(), "sizes": sizes, "start_up": asdict(start), "targets": targets(*sizes, start)}
    args.json.write_text(json.dumps(doc, indent=2) + "\n")
    show(doc)
    shutil.rmtree(work, ignore_errors=True)
    return doc


if __name__ == "__main__":
    main()
