"""costcap's benchmarks: every figure is a ratio to a baseline measured in the same run, on the same files.

    python bench/run.py                     # 2 M log lines (1 M usage rows, 500 k Batch lines)
    python bench/run.py --lines 10000000    # the scale run
    python bench/run.py --lines 1000 --repeat 2 --data /tmp/b   # a smoke run (tests/test_bench.py)

Each ingest runs as its own process beside its two baselines (bench/baselines.py): DuckDB's bare persisted
CREATE TABLE AS (the floor) and a plain-Python reader (the naive way). Then audit and budget on the stored calls,
an estimate of 1,000 scenarios, and start-up against `python -c pass`. Seconds are wall time, RSS the process's
peak. Inputs are made by bench/gen.py and kept in --data (bench/data/ by default) for the next run. The table
goes to stdout, the same as JSON to --json (bench/results.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen  # noqa: E402

# name, generator kind, share of --lines, the reader (from the registry) that reads it
INPUTS = [
    ("structlog JSON", "json", 1, "structlog"),
    ("structlog console", "console", 1, "structlog"),
    ("usage CSV", "usage-csv", 0.5, "usage-csv"),
    ("Batch output", "batch-output", 0.25, "batch-output"),
]
sys.path.insert(0, str(HERE.parent / "cli"))
from costcap.ingest.readers import KINDS  # noqa: E402  (no DuckDB: this process's RSS stays out of the children's)

assert {kind for *_, kind in INPUTS} <= set(KINDS), "a benchmark input names a kind the reader registry lacks"
UNBENCHED = [kind for kind in KINDS if kind not in {k for *_, k in INPUTS}]


@dataclass
class Run:
    """One timed process."""

    name: str
    seconds: float
    peak_rss_mb: float
    lines: int = 0

    @property
    def lines_per_s(self) -> float:
        return self.lines / self.seconds if self.seconds else 0.0


def timed(name: str, command: list[str], lines: int = 0, out: Path | None = None) -> Run:
    """Run `command` to the end; its wall time and peak RSS (from wait4, so only this process is counted). The
    child's peak includes what it shares with this process before exec, so this script imports no DuckDB."""
    start = time.perf_counter()
    with open(out or os.devnull, "wb") as stdout:
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return Run(name, seconds, usage.ru_maxrss / 1024, lines)


def costcap(*args: str) -> list[str]:
    return [sys.executable, "-m", "costcap", *args]


def inputs(data: Path, lines: int) -> list[tuple[str, str, Path, int, str]]:
    """The benchmark files, written once per size and kept: (name, generator kind, path, records, costcap kind)."""
    data.mkdir(parents=True, exist_ok=True)
    found = []
    for name, kind, share, costcap_kind in INPUTS:
        count = max(1, int(lines * share))
        path = data / f"{kind}-{count}.{'csv' if kind == 'usage-csv' else 'log' if kind == 'console' else 'jsonl'}"
        if not path.exists():
            print(f"writing {path} ({count:,} lines) ...", file=sys.stderr)
            partial = path.with_suffix(".part")
            gen.write(kind, count, partial)
            partial.rename(path)
        found.append((name, kind, path, count, costcap_kind))
    return found


def ingest_runs(files, work: Path, repeat: int) -> tuple[list[dict], Path, int]:
    """Each kind three ways; returns the rows, the store holding the structlog JSON calls and how many it holds."""
    rows, json_store, json_calls = [], None, 0
    for name, kind, path, count, costcap_kind in files:
        runs = {}
        for way in ("costcap", "floor", "naive"):
            db = work / f"{kind}-{way}.duckdb"
            command = (
                costcap("ingest", str(path), "--kind", costcap_kind, "--db", str(db), "-f", "json")
                if way == "costcap"
                else [sys.executable, str(HERE / "baselines.py"), way, kind, str(path), str(db)]
            )
            out = work / "ingest.json" if way == "costcap" else None
            runs[way] = best_of(repeat if count <= 100_000 else 1, f"{name}: {way}", command, count, db, out)
        store_mb = (work / f"{kind}-costcap.duckdb").stat().st_size / 2**20
        rows.append(ingest_row(name, runs, path.stat().st_size / 2**20, store_mb))
        if kind == "json":
            json_store = work / f"{kind}-costcap.duckdb"
            json_calls = json.loads((work / "ingest.json").read_text())["files"][0]["rows"]
    return rows, json_store, json_calls


def best_of(repeat: int, name: str, command: list[str], lines: int, db: Path, out: Path | None) -> Run:
    """The fastest of `repeat` runs, each into a fresh store (small inputs are noisy; large ones run once)."""
    best = None
    for _ in range(repeat):
        for leftover in (db, db.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)
        run = timed(name, command, lines, out)
        best = run if best is None or run.seconds < best.seconds else best
    return best


def ingest_row(name: str, runs: dict[str, Run], file_mb: float, store_mb: float) -> dict:
    mine, floor, naive = runs["costcap"], runs["floor"], runs["naive"]
    return {
        "input": name, "lines": mine.lines, "file_mb": round(file_mb, 1), "store_mb": round(store_mb, 1),
        "costcap_s": round(mine.seconds, 3), "lines_per_s": round(mine.lines_per_s), "peak_rss_mb": round(mine.peak_rss_mb),
        "floor_s": round(floor.seconds, 3), "floor_rss_mb": round(floor.peak_rss_mb),
        "naive_s": round(naive.seconds, 3), "naive_rss_mb": round(naive.peak_rss_mb),
        "x_floor": round(mine.seconds / floor.seconds, 2), "faster_than_naive": round(naive.seconds / mine.seconds, 2),
    }  # fmt: skip


def plan_of_1000(work: Path) -> Path:
    """An estimate plan with 10 models x 50 batch sizes x Batch API on/off = 1,000 scenarios."""
    models = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-5", "gpt-5-mini", "gpt-5-nano",
              "o3", "o4-mini"]  # fmt: skip
    sizes = list(range(1, 51))
    rates = "\n".join(f"{b} = {min(0.9, 0.005 * b):.3f}" for b in sizes)
    text = (
        '[plan]\nname = "bench"\nitems = 600\norders = 100\nprompt_tokens = 1500\nitem_input_tokens = 40\n'
        "item_output_tokens = 195\ncached_prefix_tokens = 1200\nmax_retries = 3\n\n"
        f"[candidates]\nmodels = {json.dumps(models)}\nbatch_sizes = {sizes}\nbatch_api = [false, true]\n\n"
        f"[failure_rate]\n{rates}\n"
    )
    path = work / "plan-1000.toml"
    path.write_text(text)
    return path


def query_runs(store: Path, calls: int, work: Path, repeat: int) -> list[Run]:
    return [
        _best(repeat, "audit", costcap("audit", "--db", str(store), "-f", "json"), calls),
        _best(repeat, "budget", costcap("budget", "--db", str(store), "-f", "json"), calls),
        _best(repeat, "estimate 1,000 scenarios", costcap("estimate", str(plan_of_1000(work)), "-f", "json")),
    ]


def _best(repeat: int, name: str, command: list[str], lines: int = 0) -> Run:
    return min((timed(name, command, lines) for _ in range(repeat)), key=lambda r: r.seconds)


def startup_runs(repeat: int) -> list[Run]:
    """Median of `repeat` runs each: the console script's --help and --version, and python -c pass."""
    script = shutil.which("costcap", path=str(Path(sys.executable).parent)) or ""
    entry = [script] if script else costcap()
    runs = []
    for name, command in (("python -c pass", [sys.executable, "-c", "pass"]), ("costcap --help", [*entry, "--help"]),
                          ("costcap --version", [*entry, "--version"])):  # fmt: skip
        found = [timed(name, command) for _ in range(repeat)]
        median = statistics.median(r.seconds for r in found)
        runs.append(Run(name, median, max(r.peak_rss_mb for r in found)))
    return runs


def targets(ingests: list[dict], queries: list[Run], startup: list[Run]) -> list[dict]:
    """The issue's targets, each with its measured figure."""
    by_input = {row["input"]: row for row in ingests}
    json_row, console_row, csv_row = by_input["structlog JSON"], by_input["structlog console"], by_input["usage CSV"]
    base = startup[0].seconds
    found = [
        ("structlog JSON ingest <= 2.5x DuckDB's persisted CREATE TABLE AS", json_row["x_floor"], "<=", 2.5),
        ("console ingest >= 2x faster than a Python regex loop", console_row["faster_than_naive"], ">=", 2),
        ("usage CSV ingest <= 2x DuckDB read_csv", csv_row["x_floor"], "<=", 2),
        (
            "Batch output ingest >= 2x faster than a json.loads loop",
            by_input["Batch output"]["faster_than_naive"],
            ">=",
            2,
        ),
        *[(f"{row['input']} ingest peak RSS < 1,500 MB", row["peak_rss_mb"], "<", 1500) for row in ingests],
        (
            "store smaller than the JSON it came from (ratio)",
            round(json_row["store_mb"] / json_row["file_mb"], 3),
            "<",
            1,
        ),
        *[
            (f"{r.name} < {limit} s", round(r.seconds, 3), "<", limit)
            for r, limit in zip(queries, (1, 1, 0.5), strict=False)
        ],
        *[(f"{r.name} <= 3x python -c pass", round(r.seconds / base, 2), "<=", 3) for r in startup[1:]],
    ]
    checks = {"<=": float.__le__, ">=": float.__ge__, "<": float.__lt__}
    return [{"target": t, "measured": float(m), "met": checks[op](float(m), float(limit))} for t, m, op, limit in found]


def machine() -> dict:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"), "python": platform.python_version(),
        "cpus": os.cpu_count(), "platform": platform.platform(), "memory_gb": _memory_gb(),
    }  # fmt: skip


def _memory_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        return None


def show(doc: dict) -> None:
    print(f"costcap benchmarks, {doc['lines']:,} log lines, {doc['machine']['date']}, {doc['machine']['cpus']} CPUs, "
          f"Python {doc['machine']['python']}")  # fmt: skip
    print(f"\n{'ingest':<20}{'lines':>11}{'MB':>8}{'costcap s':>11}{'lines/s':>11}{'RSS MB':>8}"
          f"{'floor s':>9}{'x floor':>9}{'naive s':>9}{'x faster':>10}{'store MB':>10}")  # fmt: skip
    for r in doc["ingest"]:
        print(f"{r['input']:<20}{r['lines']:>11,}{r['file_mb']:>8.0f}{r['costcap_s']:>11.2f}{r['lines_per_s']:>11,}"
              f"{r['peak_rss_mb']:>8}{r['floor_s']:>9.2f}{r['x_floor']:>9.2f}{r['naive_s']:>9.2f}"
              f"{r['faster_than_naive']:>10.2f}{r['store_mb']:>10.1f}")  # fmt: skip
    print(f"\n{'command':<28}{'seconds':>10}{'RSS MB':>8}{'rows':>12}")
    for r in doc["queries"] + doc["startup"]:
        print(f"{r['name']:<28}{r['seconds']:>10.3f}{r['peak_rss_mb']:>8.0f}{r['lines']:>12,}")
    print()
    for t in doc["targets"]:
        print(f"{'met ' if t['met'] else 'MISS'}  {t['target']:<66}{t['measured']:>10}")
    print(f"\nkinds with no generator here (tested for correctness in tests/test_readers.py): {', '.join(UNBENCHED)}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lines", type=int, default=2_000_000, help="log lines (usage rows: half, Batch lines: a quarter)"
    )
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where the inputs are written and kept")
    parser.add_argument("--repeat", type=int, default=10, help="runs per start-up figure and per small input")
    parser.add_argument("--json", type=Path, default=HERE / "results.json", help="where the figures go as JSON")
    args = parser.parse_args(argv)
    files = inputs(args.data, args.lines)
    work = args.data / "stores"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    ingests, store, calls = ingest_runs(files, work, args.repeat)
    queries = query_runs(store, calls, work, min(args.repeat, 3))
    startup = startup_runs(args.repeat)
    doc = {
        "lines": args.lines, "machine": machine(), "ingest": ingests,
        "queries": [asdict(r) for r in queries], "startup": [asdict(r) for r in startup],
        "targets": targets(ingests, queries, startup),
    }  # fmt: skip
    args.json.write_text(json.dumps(doc, indent=2) + "\n")
    show(doc)
    shutil.rmtree(work, ignore_errors=True)
    return doc


if __name__ == "__main__":
    main()
