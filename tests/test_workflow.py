"""Seeing into the store: sources, forget, ingest --force, explain, audit --feature, and read commands that only read."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from conftest import SAMPLE_DATA, ok, ok_json, run
from costcap import sql

LOGS = [SAMPLE_DATA / "web_app.jsonl", SAMPLE_DATA / "report_worker.log.gz", SAMPLE_DATA / "batch_output.jsonl"]
EXPORTS = [SAMPLE_DATA / "completions_usage_2026-11-01_2026-11-07.csv", SAMPLE_DATA / "cost_2026-11-01_2026-11-07.csv"]


def totals() -> tuple:
    con = duckdb.connect("costcap.duckdb", read_only=True)
    try:
        return con.execute(sql.load("store/store_totals")).fetchone()
    finally:
        con.close()


def test_sources_forget_and_force_round_trip():
    ok("ingest", *EXPORTS, LOGS[0])
    before = totals()
    ok("ingest", LOGS[1])
    listed = ok_json("sources")
    assert [Path(s["path"]).name for s in listed] == [p.name for p in (*EXPORTS, LOGS[0], LOGS[1])]
    worker = listed[-1]
    assert (worker["kind"], worker["rows"], worker["first_day"], worker["last_day"]) == (
        "structlog", 293, "2026-11-01", "2026-11-07")  # fmt: skip
    gone = ok_json("forget", str(LOGS[1]))["forgotten"]
    assert [(g["calls"], g["usage_rows"], g["cost_rows"]) for g in gone] == [(293, 0, 0)]
    assert totals() == before  # back to what the store held
    # --force re-reads a stored file, replacing its rows: the totals do not move
    again = ok_json("ingest", "--force", str(LOGS[0]))["files"][0]
    assert (again["status"], again["rows"], again["duplicates"]) == ("ingested", 770, 0)
    assert totals() == before
    # forgetting by id, and an unknown name
    ok("forget", str(ok_json("sources")[0]["id"]))
    assert run("forget", "no-such-file.log").exit_code == 1


def test_explain_of_a_feature_sums_to_its_breakdown_row():
    ok("ingest", *LOGS, *EXPORTS)
    rows = {r["feature"]: r for r in ok_json("audit")["by_feature"]}
    for feature in ("daily", "sidebar_widget"):
        doc = ok_json("explain", "--feature", feature, "--top", "5")
        assert doc["calls"] == rows[feature]["calls"] and doc["cost_usd"] == rows[feature]["cost_usd"]
        assert len(doc["shown"]) == 5 and doc["shown"][0]["cost_usd"] >= doc["shown"][-1]["cost_usd"]
        assert all(s["path"] and s["line"] >= 1 for s in doc["shown"])


def test_explain_of_a_finding_lists_the_calls_it_counts():
    ok("ingest", *LOGS, *EXPORTS)
    findings = ok_json("audit")["findings"]
    retry = next(f for f in findings if f["kind"] == "retry_waste")
    doc = ok_json("explain", retry["id"])
    assert doc["calls"] == retry["evidence"]["paid_failures"] and doc["cost_usd"] == retry["saving_usd"]
    whole = next(f for f in findings if f["kind"] == "unattributed")
    assert run("explain", whole["id"]).exit_code == 1


def test_audit_feature_narrows_the_report():
    ok("ingest", *LOGS, *EXPORTS)
    everything = {r["feature"]: r for r in ok_json("audit")["by_feature"]}
    narrowed = ok_json("audit", "--feature", "weekly")
    assert [r["feature"] for r in narrowed["by_feature"]] == ["weekly"]
    assert narrowed["attributed"]["cost_usd"] == everything["weekly"]["cost_usd"]
    assert narrowed["billed"]["cost_usd"] is None  # the bill is not split by feature
    assert all(f["feature"] in ("weekly", None) for f in narrowed["findings"])


def test_read_commands_open_the_store_read_only():
    ok("ingest", LOGS[0])
    stamp = Path("costcap.duckdb").stat().st_mtime_ns, Path("costcap.duckdb").read_bytes()
    for args in (["audit"], ["budget"], ["sources"], ["explain", "--feature", "sidebar_widget"],
                 ["audit", "--since", "2025-01-01", "--until", "2025-01-31"]):  # fmt: skip
        assert run(*args).exit_code == 0
    assert (Path("costcap.duckdb").stat().st_mtime_ns, Path("costcap.duckdb").read_bytes()) == stamp
    empty = run("audit", "--since", "2025-01-01", "--until", "2025-01-31")
    assert "the store covers 2026-11-01 to 2026-11-07; nothing in 2025-01-01 to 2025-01-31" in empty.stderr


def test_strict_plan_from_the_flags():
    result = run("estimate", "--items", "600", "--failure-rate", "1=0.01")
    assert result.exit_code == 1 and "prompt_tokens is missing" in result.stderr
    misspelt = Path("plan.toml")
    misspelt.write_text(
        (SAMPLE_DATA / "plans" / "large_report.toml").read_text().replace("item_output_tokens", "item_outputs_tokens")
    )
    result = run("estimate", str(misspelt))
    assert result.exit_code == 1 and "did you mean item_output_tokens?" in result.stderr
    doc = json.loads(ok("estimate", SAMPLE_DATA / "plans" / "large_report.toml", "--orders", "30", "-f", "json").stdout)
    # one gpt-4o-mini order (144,000 input tokens at 3 per call) fits tier 1's queue of 2,000,000, one window at a time
    assert (doc["best"]["model"], doc["best"]["batch_size"], doc["best"]["batch_api"]) == ("gpt-4o-mini", 3, True)
    # gpt-4o's tier 1 queue holds 90,000: no gpt-4o order can be queued at any batch size
    out = [s for s in doc["scenarios"] if s["out"]]
    assert {(s["model"], s["batch_api"]) for s in out} == {("gpt-4o", True)}
    assert all("tier 2 would hold it" in s["out"] and s["queue_fits"] is False for s in out)


def test_one_configuration_file_for_every_command(tmp_path, monkeypatch):
    monkeypatch.delenv("COSTCAP_DB")  # as a user runs it: the store path comes from the configuration
    Path("costcap.toml").write_text(
        '[store]\npath = "spend.duckdb"\n[audit]\ntier = 2\nmin_calls = 5\n'
        '[prices]\nfile = "mine.json"\n')  # fmt: skip
    Path("mine.json").write_text(
        json.dumps({"models": [{"model": "my-model", "prices": [{"input": "1", "output": "2"}]}]})
    )
    ok("ingest", LOGS[0])
    assert Path("spend.duckdb").exists() and not Path("costcap.duckdb").exists()
    assert ok_json("prices", "my-model")  # the price file applies to prices, tokens, audit ...
    assert ok_json("sources")[0]["rows"] == 770
    Path("costcap.toml").write_text("[audit]\ntierr = 2\n")
    result = run("audit")
    assert result.exit_code == 1 and "unknown key 'tierr' in [audit] (did you mean tier?)" in result.stderr
    other = tmp_path / "other.toml"
    other.write_text('[store]\npath = "elsewhere.duckdb"\n')
    assert run("--config", str(other), "audit").exit_code == 1  # the store it names does not exist yet
    assert "elsewhere.duckdb" in run("--config", str(other), "audit").stderr


def test_quiet_leaves_out_notes_but_not_warnings():
    ok("ingest", LOGS[0])
    loud, quiet = run("estimate", str(SAMPLE_DATA / "plans" / "large_report.toml")), run("--quiet", "estimate",
                                                                                        str(SAMPLE_DATA / "plans" / "large_report.toml"))  # fmt: skip
    assert "Best:" in loud.stderr and "Best:" not in quiet.stderr and loud.stdout == quiet.stdout


def test_usage_errors_are_one_line_and_completion_is_offered():
    import subprocess
    import sys

    def costcap(*args):  # through the console entry point, as a user runs it
        return subprocess.run([sys.executable, "-m", "costcap", *args], capture_output=True, text=True, timeout=60)

    for args in (["audit", "--since", "2026-13-01"], ["audit", "--bogus"], ["ingest"]):
        result = costcap(*args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        assert f"see `costcap {args[0]} --help`" in lines[0]
    assert "'2026-13-01' is not a day: write 2026-11-20, 20261120" in costcap("audit", "--since", "2026-13-01").stderr
    assert "--install-completion" in costcap("--help").stdout


def test_subfolders_are_read_with_recursive(tmp_path):
    (tmp_path / "logs" / "2026-11").mkdir(parents=True)
    (tmp_path / "logs" / "2026-11" / "web.jsonl").write_bytes(LOGS[0].read_bytes())
    result = run("ingest", str(tmp_path / "logs"))
    assert result.exit_code == 1 and "pass --recursive" in result.stderr
    assert ok_json("ingest", "--recursive", str(tmp_path / "logs"))["files"][0]["rows"] == 770
