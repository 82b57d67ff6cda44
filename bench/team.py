"""What a team store costs: the same structlog JSON lines ingested, then audited and budgeted, into a file store and
into a team store (DuckLake, its catalog in a PostgreSQL started here on 127.0.0.1, its data files in a local folder
standing for the shared one), one after the other in the same run. Needs the [team] extra and Debian's PostgreSQL.

    python bench/team.py                       # 1,000,000 lines
    python bench/team.py --lines 10000000      # the scale run
    python bench/team.py --lines 2000          # a smoke run

Prints seconds and peak RSS for each step on each store, the team store's ratio to the file store's, and the size
of each store on disk (the team store: its data folder, and its catalog in PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from run import costcap, inputs, timed  # noqa: E402

import local_postgres  # noqa: E402

STEPS = (("ingest", ("ingest", "{file}")), ("audit", ("audit",)), ("budget", ("budget",)),
         ("explain --last 20", ("explain", "--last", "20")))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--default-python", type=Path, default=HERE.parent / ".venv" / "bin" / "python",
                        help="an interpreter with the default install (the newest DuckDB), for the file store a team "
                             "moves from; left out when it does not exist")  # fmt: skip
    args = parser.parse_args()
    [(_, _, file, count, _)] = [i for i in inputs_for(args.data, args.lines) if i[1] == "json"]
    server = local_postgres.start()
    try:
        with tempfile.TemporaryDirectory(prefix="costcap-team-bench-") as work:
            default = args.default_python if args.default_python.exists() else None
            figures = compare(Path(work), server, file, count, default)
    finally:
        server.stop()
    show(figures, count)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


def inputs_for(data: Path, lines: int):
    import run

    run.INPUTS[:] = [i for i in run.INPUTS if i[1] == "json"]  # only the structlog JSON file is needed here
    return inputs(data, lines)


def compare(work: Path, server, file: Path, count: int, default: Path | None) -> dict:
    server.create_database("bench")
    team = f"ducklake:postgres:{server.dsn('bench')}"
    # name -> (interpreter, --db): the team store, a file store on the same DuckDB, and one on the default install's
    stores = {"file store": (sys.executable, str(work / "file.duckdb")), "team store": (sys.executable, team)}
    if default:
        stores["file store, default install"] = (str(default), str(work / "default.duckdb"))
    os.environ["COSTCAP_DATA_PATH"] = str(work / "lake-data") + "/"
    os.environ["PGPASSWORD"] = local_postgres.PASSWORD  # as the README advises: not in --db, where ps shows it
    team = team.replace(f" password={local_postgres.PASSWORD}", "")
    stores["team store"] = (sys.executable, team)
    figures: dict = {"lines": count, "duckdb": _versions(stores), "steps": {}}
    failed: dict[str, str] = {}  # a store whose step failed (out of memory, say) is left out of the later ones
    for step, args in STEPS:
        for name, (python, db) in stores.items():
            command = [python, *costcap(*(a.format(file=file) for a in args), "--db", db, "-q", "-f", "json")[1:]]
            try:
                done = timed(f"{step} ({name})", command, count) if name not in failed else None
            except SystemExit as exc:
                failed[name] = str(exc).strip().splitlines()[-1]
                print(f"{step} ({name}): {failed[name]}", file=sys.stderr)
                done = None
            figures["steps"].setdefault(step, {})[name] = (
                {"seconds": round(done.seconds, 2), "peak_rss_mb": round(done.peak_rss_mb)} if done
                else {"failed": failed[name]})  # fmt: skip
    files = {"file store": work / "file.duckdb", "file store, default install": work / "default.duckdb"}
    figures["sizes_mb"] = {
        **{name: round(path.stat().st_size / 2**20, 1) for name, path in files.items() if path.exists()},
        "team store data path": round(_folder_size(work / "lake-data") / 2**20, 1),
        "team store catalog": round(_catalog_size(server) / 2**20, 1),
    }
    return figures


def _versions(stores: dict) -> dict:
    return {name: subprocess.run([python, "-c", "import duckdb; print(duckdb.__version__)"], capture_output=True,
                                 text=True, check=True).stdout.strip() for name, (python, _) in stores.items()}  # fmt: skip


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _catalog_size(server) -> int:
    query = "SELECT pg_database_size('bench')"
    done = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(server.port), "-U", local_postgres.USER, "-d", "bench",
                           "-tAc", query], capture_output=True, text=True,
                          env=os.environ | {"PGPASSWORD": local_postgres.PASSWORD}, check=True)  # fmt: skip
    return int(done.stdout.strip())


def show(figures: dict, count: int) -> None:
    versions = figures["duckdb"]
    print(f"{count:,} structlog JSON lines; team store: DuckLake, PostgreSQL catalog, data in a local folder "
          f"(DuckDB {versions['team store']})")  # fmt: skip
    names = list(versions)
    print(f"{'step':<20}" + "".join(f"{n + ' (' + versions[n] + ')':>40}" for n in names))
    for step, stores in figures["steps"].items():
        team = stores["team store"].get("seconds")
        cells = []
        for name in names:
            found = stores[name]
            if "failed" in found:
                cells.append("failed")
                continue
            ratio = "" if name == "team store" or team is None else f", team {team / found['seconds']:.2f}x"
            cells.append(f"{found['seconds']:.2f} s {found['peak_rss_mb']} MB{ratio}")
        print(f"{step:<20}" + "".join(f"{c:>40}" for c in cells))
    print("on disk (MB): " + ", ".join(f"{k} {v}" for k, v in figures["sizes_mb"].items()))


if __name__ == "__main__":
    main()
