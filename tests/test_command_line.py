"""The command line as a person meets it: every help page and a real run of each command at 80 and 160 columns, on
a terminal and through a pipe; the shortcuts people bring from other tools; sql, doctor, forget --dry-run and the
latest calls."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE_DATA

COMMANDS = ["ingest", "pull", "audit", "budget", "estimate", "prices", "tokens", "explain", "sources", "forget",
            "report", "sql", "doctor"]  # fmt: skip
PYTHON_TYPES = re.compile(r"<(bool|str|int|float|list|path)\b|\[x[<>]=|\{[a-z_]+\}|list\[")
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")
COLOUR = re.compile(r"\x1b\[(?:[0-9]+;)*(?:3[0-7]|9[0-7]|38;[0-9;]+)m")  # a foreground colour, in any SGR


def costcap(*args: str, columns: int | None, tty: bool = False, env: dict | None = None,
            both: bool = False) -> tuple[int, str, str]:  # fmt: skip
    """The installed command line in a process of its own: stdout a pipe, or a real terminal (a pty; with `both`,
    stderr writes to it too, as in a shell)."""
    environ = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | (env or {})
    if columns is not None:
        environ["COLUMNS"] = str(columns)
    command = [sys.executable, "-m", "costcap", *map(str, args)]
    if not tty:
        done = subprocess.run(command, capture_output=True, text=True, env=environ, timeout=300)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    os.set_blocking(leader, False)
    process = subprocess.Popen(command, stdout=follower, stderr=follower if both else subprocess.PIPE, env=environ)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
            if chunk:
                chunks.append(chunk)
                continue
        except BlockingIOError:
            pass
        except OSError:  # the terminal closed: the process is done
            break
        if process.poll() is not None:
            time.sleep(0.05)
            with contextlib.suppress(OSError):
                chunks.append(os.read(leader, 65536))
            break
        time.sleep(0.02)
    os.close(leader)
    stderr = process.stderr.read().decode() if process.stderr else ""
    return process.wait(), b"".join(chunks).decode().replace("\r\n", "\n"), stderr


@pytest.fixture
def sample(tmp_path):
    """sample_data copied beside the store and ingested, so paths read as a user in their project sees them."""
    shutil.copytree(SAMPLE_DATA, tmp_path / "sample_data")
    code, _, err = costcap("ingest", "sample_data", columns=160)
    assert code == 0, err
    return tmp_path


@pytest.mark.parametrize("columns", [80, 160])
def test_every_help_page_reads_like_a_person_wrote_it(columns):
    for command in [None, *COMMANDS]:
        code, text, err = costcap(*([command] if command else []), "--help", columns=columns)
        assert code == 0, (command, err)
        assert not PYTHON_TYPES.search(text), (command, PYTHON_TYPES.search(text))
        assert max(len(line) for line in text.splitlines()) <= columns, command
        if command:
            assert "Example" in text, f"{command} --help shows no example"
        # a choice is never cut inside a word: each shows whole once the box and the line ends are taken out
        joined = " ".join(re.sub(r"[│╭╰─╮╯]", " ", text).split())
        if re.search(r"--kind\s+KIND", text):
            assert "usage-legacy-json" in joined and "batch-output" in joined, command
        if re.search(r"--format\s+-f\s+FORMAT", text):
            assert re.search(r"one of (html, json|table, json, csv, markdown, github, html)\b", joined), command
    root = costcap("--help", columns=80)[1]
    for section in ("[store]", "[prices]", "[audit]", "[fields]", "[budget]"):
        assert section in root  # the configuration keys as costcap.toml spells them


RANKED = {  # what each command is for stays at 80 columns
    ("ingest", "sample_data/web_app.jsonl", "--dry-run", "--force"): ["spend"],
    ("explain", "F8"): ["output tok", "finish"],
    ("estimate", "sample_data/plans/large_report.toml"): ["wall time", "per order"],
    ("audit",): ["cost", "share"],
    ("budget",): ["recommended"],
}


@pytest.mark.parametrize("tty", [False, True], ids=["pipe", "terminal"])
@pytest.mark.parametrize("columns", [80, 160])
def test_real_runs_fit_the_width_and_keep_their_ranked_columns(sample, columns, tty):
    for args, wanted in RANKED.items():
        code, text, err = costcap(*args, columns=columns, tty=tty)
        assert code == 0, (args, err)
        plain = ANSI.sub("", text)
        assert max(len(line) for line in plain.splitlines()) <= columns, (args, columns)
        for heading in wanted:
            assert heading in plain, (args, columns, tty, heading)


def test_a_pipe_without_columns_is_80_wide(sample):
    code, text, _ = costcap("audit", columns=None)
    assert code == 0 and max(len(line) for line in text.splitlines()) <= 80


def test_shortcuts_and_global_options_after_the_command(sample):
    long_json = costcap("audit", "--format", "json", columns=160)[1]
    assert costcap("audit", "--json", columns=160)[1] == long_json
    assert costcap("sources", "--csv", columns=160)[1] == costcap("sources", "-f", "csv", columns=160)[1]
    # -q after the command name: the notes go, the data stays
    code, out, err = costcap("forget", "sample_data/web_app.jsonl", "--dry-run", "-q", columns=160)
    assert code == 0 and "Would forget" not in err and "web_app.jsonl" in out
    assert "Would forget" in costcap("forget", "sample_data/web_app.jsonl", "--dry-run", columns=160)[2]
    # --config after the command name
    Path("other.toml").write_text("[budget]\ndaily = 1\n")
    doc = json.loads(costcap("audit", "--project-month", "--json", "--config", "other.toml", columns=160)[1])
    assert {f["feature"]: f["budget_usd"] for f in doc["month_to_date"]["features"]}["daily"] == 1
    # colour (the red of an error): on a terminal by default, gone with --no-color after the command or NO_COLOR
    # (bold stays, as no-color.org allows)
    assert COLOUR.search(costcap("explain", columns=120, tty=True, both=True)[1])
    assert not COLOUR.search(costcap("explain", "--no-color", columns=120, tty=True, both=True)[1])
    assert not COLOUR.search(costcap("explain", columns=120, tty=True, both=True, env={"NO_COLOR": "1"})[1])


def test_numbers_read_one_way(sample):
    explained = costcap("explain", "F8", columns=160)[1]
    assert re.search(r"│\s+1057\s+│", explained)  # a line number is a place, never 1,057
    said = costcap("forget", "sample_data/web_app.jsonl", "--dry-run", columns=160)[2]
    assert "1 source:" in said and "source(s)" not in said
    budget = costcap("budget", columns=160)[1]
    # tag_suggester's p90 of its 280 completion token counts, to two decimals (46.1 in the data)
    assert re.search(r"│\s+46\.10\s+│", budget)


def test_sql_reads_the_store_and_nothing_else(sample):
    code, out, _ = costcap("sql", "SELECT feature, count(*) AS calls FROM calls GROUP BY ALL ORDER BY calls DESC",
                           "--json", columns=160)  # fmt: skip
    found = {r["feature"]: r["calls"] for r in json.loads(out)["rows"]}
    # counted here from the files: web_app.jsonl's lines with token counts, by the feature after the user's ':'
    web = [json.loads(line) for line in (SAMPLE_DATA / "web_app.jsonl").read_text().splitlines()]
    counted = {}
    for event in web:
        if "prompt_tokens" in event:
            feature = event.get("feature") or event.get("user", ":").split(":", 1)[1]
            counted[feature] = counted.get(feature, 0) + 1
    for feature in ("sidebar_widget", "tag_suggester"):
        assert found[feature] == counted[feature]
    for refused in ("DELETE FROM calls", "SELECT * FROM read_csv('/etc/passwd')", "SELEC 1", " ;"):
        code, out, err = costcap("sql", refused, columns=160)
        assert code == 1 and err.count("\n") == 1 and err.startswith("Error: the query"), (refused, err)
    assert costcap("sql", "SELECT count(*) AS n FROM calls", "--csv", columns=160)[1].startswith("n\n")


def test_forget_dry_run_changes_nothing_and_says_what_would_go(sample):
    before = Path("costcap.duckdb").read_bytes()
    dry = json.loads(costcap("forget", "sample_data/web_app.jsonl", "--dry-run", "--json", columns=160)[1])
    assert Path("costcap.duckdb").read_bytes() == before
    real = json.loads(costcap("forget", "sample_data/web_app.jsonl", "--json", columns=160)[1])
    assert dry["dry_run"] and not real["dry_run"] and dry["forgotten"] == real["forgotten"]
    lines = (SAMPLE_DATA / "web_app.jsonl").read_text().splitlines()
    assert dry["forgotten"][0]["calls"] == sum("prompt_tokens" in line for line in lines)


def test_the_latest_calls_with_file_and_line(sample):
    doc = json.loads(costcap("explain", "--last", "3", "--json", columns=160)[1])
    # the three latest timestamps of any logged call, read from the files themselves
    stamps = []
    for number, line in enumerate((SAMPLE_DATA / "web_app.jsonl").read_text().splitlines(), 1):
        event = json.loads(line)
        if "prompt_tokens" in event:
            stamps.append((event["timestamp"][:19], "sample_data/web_app.jsonl", number))
    with gzip.open(SAMPLE_DATA / "report_worker.log.gz", "rt") as worker:
        for number, line in enumerate(worker, 1):
            if "prompt_tokens=" in line:
                stamps.append((line[:19], "sample_data/report_worker.log.gz", number))
    latest = sorted(stamps, reverse=True)[:3]
    shown = [(c["ts"][:19], os.path.relpath(c["path"]), c["line"]) for c in doc["shown"]]
    assert shown == latest and doc["asked"] == {"latest": 3}
    code, _, err = costcap("explain", "--last", "0", columns=160)
    assert code == 1 and "give 1 or more" in err


def test_doctor_says_the_store_and_who_holds_its_lock(sample):
    doc = json.loads(costcap("doctor", "--json", columns=160)[1])
    checks = {c["check"]: c for c in doc["checks"]}
    assert checks["schema version"]["status"] == "ok" and checks["lock"]["status"] == "ok"
    assert checks["sources"]["found"] == "5"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, time; c = duckdb.connect('costcap.duckdb'); "
                               "print('held', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        code, out, err = costcap("doctor", "--json", columns=160)
        lock = {c["check"]: c for c in json.loads(out)["checks"]}["lock"]
        assert code == 1 and lock["status"] == "problem" and f"PID {holder.pid}" in lock["found"]
        assert err.startswith("Error: lock:")
    finally:
        holder.kill()
        holder.wait()
