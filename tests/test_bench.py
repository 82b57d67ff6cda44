"""The benchmark must keep running: a tiny run end to end, and the generator's lines are what structlog writes."""

from __future__ import annotations

import json
import subprocess
import sys

import structlog

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import gen


def test_generated_lines_are_what_structlog_renders():
    json_renderer, console = structlog.processors.JSONRenderer(), structlog.dev.ConsoleRenderer(colors=False)
    shapes = {}
    for level, event, fields in gen.records(5000):
        shapes.setdefault((event, tuple(sorted(fields))), (level, event, fields))
    assert len(shapes) >= 6  # order starts, 429s, report calls, sidebar, tagger, assistant
    for level, event, fields in shapes.values():
        record = structlog.processors.add_log_level(None, level, {**fields, "event": event})
        assert gen.json_line(level, event, fields) == json_renderer(None, level, dict(record))
        assert gen.console_line(level, event, fields) == console(None, level, dict(record))


def test_generators_are_deterministic():
    for kind, lines in gen.GENERATORS.items():
        assert list(lines(200)) == list(lines(200)), kind


def test_a_small_benchmark_run_reports_every_target(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--lines", "1000", "--repeat", "1", "--data", str(tmp_path),
         "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text())
    assert [row["input"] for row in doc["ingest"]] == [
        "structlog JSON",
        "structlog console",
        "usage CSV",
        "Batch output",
    ]
    # 4 speed ratios (one per kind), 4 peak RSS (one per kind), the store's size, 3 commands, 2 start-ups
    assert doc["ingest"][0]["lines"] == 1000 and len(doc["targets"]) == 4 + 4 + 1 + 3 + 2
    assert all(row["costcap_s"] > 0 and row["floor_s"] > 0 and row["naive_s"] > 0 for row in doc["ingest"])
    assert "x floor" in done.stdout


def test_a_small_history_run_times_audit_and_budget_at_both_sizes(tmp_path):
    out = tmp_path / "history.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "history.py"), "--small", "500", "--large", "1500", "--repeat", "1",
         "--data", str(tmp_path), "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text())
    assert [size["lines"] for size in doc["sizes"]] == [500, 1500]
    assert all(size["calls"] > 0 and size["audit"]["seconds"] > 0 for size in doc["sizes"])
    assert len(doc["targets"]) == 6 and "x its time" in done.stdout
