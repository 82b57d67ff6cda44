"""Text from input files is shown inert: no Rich markup, no terminal escapes, no spreadsheet formulas."""

from __future__ import annotations

import json

import structlog

from conftest import ok, write_structlog

HOSTILE = ["[bold red]boom[/]\x1b[31m", "=HYPERLINK(1)", "a|b`c"]


def hostile_log(tmp_path):
    events = [{"feature": name, "model": "gpt-4o-mini", "prompt_tokens": 10, "completion_tokens": 5} for name in HOSTILE for _ in range(10)]
    return write_structlog(tmp_path / "h.log", structlog.processors.JSONRenderer(), events)


def test_table_shows_markup_and_escapes_as_text(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    out = ok("budget", hostile_log(tmp_path)).stdout
    assert "[bold red]boom[/]\\x1b[31m" in out and "\x1b" not in out


def test_csv_neutralises_formulas_and_markdown_escapes_pipes(tmp_path):
    log = hostile_log(tmp_path)
    csv_out = ok("budget", log, "-f", "csv").stdout
    assert "\n'=HYPERLINK(1)," in csv_out
    md = ok("budget", log, "-f", "markdown").stdout
    assert "a\\|b\\`c" in md
    groups = {g["group"] for g in json.loads(ok("budget", log, "-f", "json").stdout)["groups"]}
    assert groups == set(HOSTILE)
