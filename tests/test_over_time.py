"""Spend over time and gates for CI: weeks and months, the previous period, two keys, relative days, the month's
projection against a budget, the exit-3 gates, GitHub's Markdown, and names checked with a did-you-mean.

Prices per 1M tokens: gpt-4o-mini 0.15 in / 0.60 out; gpt-4o 2.50 / 10.00.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from conftest import SAMPLE_DATA, ok, ok_json, run
from test_reconcile import USAGE_HEADER, usage_row

MINI = Decimal("0.00021")  # gpt-4o-mini 1,000 in / 100 out: 150 + 60 = 210 per 1M
FOUR_O = Decimal("0.01325")  # gpt-4o 3,300 in / 500 out: 8,250 + 5,000 = 13,250 per 1M


def log_calls(path, days: dict[str, list[tuple[str, str]]]):
    """Calls per day: (feature, model) pairs, gpt-4o-mini at 1,000 / 100 and gpt-4o at 3,300 / 500."""
    lines = []
    for day, found in days.items():
        for n, (feature, model) in enumerate(found):
            inp, out = (1000, 100) if model == "gpt-4o-mini" else (3300, 500)
            lines.append(json.dumps({"event": "llm_call", "feature": feature, "model": model, "prompt_tokens": inp,
                                     "completion_tokens": out, "timestamp": f"{day}T09:{n % 60:02d}:{n // 60:02d}Z"}))  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return path


def money(value) -> Decimal:
    return Decimal(str(value))


def two_weeks(tmp_path):
    """Week 45 (2 to 8 Nov 2026): search 10 mini calls, reports 5 gpt-4o calls. Week 46 (9 to 15 Nov): search 20,
    reports 2."""
    days = {"2026-11-02": [("search", "gpt-4o-mini")] * 10 + [("reports", "gpt-4o")] * 5,
            "2026-11-10": [("search", "gpt-4o-mini")] * 20 + [("reports", "gpt-4o")] * 2}  # fmt: skip
    return log_calls(tmp_path / "two-weeks.jsonl", days)


def test_week_and_month_sums_equal_the_day_sums():
    from costcap import audit, prices
    from costcap.store import Store

    ok("ingest", SAMPLE_DATA)
    with Store("costcap.duckdb", prices.catalog(None), read_only=True) as store:
        found = {by: audit.audit(store, audit.Settings(by=by)).breakdowns[by] for by in ("day", "week", "month")}
    for by in ("week", "month"):  # exact sums, before the JSON's rounding to 6 decimals
        for key in ("cost_usd", "billed_usd", "calls"):
            assert sum(r[key] or 0 for r in found[by]) == sum(r[key] or 0 for r in found["day"]), (by, key)
    # 1 to 7 Nov 2026: Sunday 1 Nov is in ISO week 44, Monday 2 Nov starts week 45; sample_data's
    # two calls with no time stay in a row of their own rather than joining a week
    weeks = [r["week"] for r in ok_json("audit", "--by", "week")["by_week"]]
    assert weeks == ["(no time)", "2026-W44", "2026-W45"]


def test_compare_previous_gives_each_change_largest_first(tmp_path):
    ok("ingest", two_weeks(tmp_path))
    doc = ok_json("audit", "--since", "2026-11-09", "--until", "2026-11-15", "--compare", "previous")
    compare = doc["compare"]
    assert (compare["previous"]["start"], compare["previous"]["end"]) == ("2026-11-02", "2026-11-08")
    # reports: 2 x 0.01325 = 0.0265 now, 5 x 0.01325 = 0.06625 before: -0.03975, -60%
    # search: 20 x 0.00021 = 0.0042 now, 10 x 0.00021 = 0.0021 before: +0.0021, +100%
    [reports, search] = compare["by_feature"]
    assert (reports["feature"], money(reports["change_usd"]), reports["change_pct"]) == (
        "reports",
        Decimal("-0.03975"),
        -0.6,
    )
    assert (search["feature"], money(search["change_usd"]), search["change_pct"]) == ("search", Decimal("0.0021"), 1.0)
    assert money(compare["previous"]["attributed_usd"]) == 10 * MINI + 5 * FOUR_O
    assert "Change against 2026-11-02 to 2026-11-08" in ok("audit", "--since", "2026-11-09", "--until", "2026-11-15",
                                                           "--compare", "previous").stdout  # fmt: skip
    first = run("audit", "--since", "2026-11-02", "--until", "2026-11-08", "--compare", "previous")
    assert "no logged spend in 2026-10-26 to 2026-11-01, so every change is from $0" in first.stderr
    refused = run("audit", "--compare", "last-year")
    assert refused.exit_code == 1 and "--compare previous" in refused.stderr


def test_two_keys_break_each_value_of_the_first_down_by_the_second(tmp_path):
    ok("ingest", two_weeks(tmp_path))
    rows = ok_json("audit", "--by", "feature,week")["by_feature_week"]
    found = {(r["feature"], r["week"]): money(r["cost_usd"]) for r in rows}
    assert found == {("reports", "2026-W45"): 5 * FOUR_O, ("reports", "2026-W46"): 2 * FOUR_O,
                     ("search", "2026-W45"): 10 * MINI, ("search", "2026-W46"): 20 * MINI}  # fmt: skip
    assert "two keys come from the logged calls" in run("audit", "--by", "feature,project").stderr


def test_relative_days_and_last(tmp_path):
    today = datetime.now(UTC).date()
    days = {(today - timedelta(days=n)).isoformat(): [("search", "gpt-4o-mini")] for n in (0, 3, 10)}
    ok("ingest", log_calls(tmp_path / "recent.jsonl", days))
    assert ok_json("audit", "--since", "7d")["attributed"]["calls"] == 2  # today and 3 days ago
    assert ok_json("audit", "--last", "4d")["attributed"]["calls"] == 2  # the 4 days ending today: 0 and 3 days ago
    assert ok_json("audit", "--last", "3d")["attributed"]["calls"] == 1
    compact = (today - timedelta(days=10)).strftime("%Y%m%d")
    assert ok_json("audit", "--since", compact)["attributed"]["calls"] == 3
    assert run("audit", "--last", "7d", "--since", "2026-11-01").exit_code == 1
    assert "7x" in run("audit", "--since", "7x").stderr


def test_month_to_date_and_the_projection_against_a_budget(tmp_path):
    """1 to 10 Nov: one mini call a day, and on 9 and 10 Nov three more. Through 10 Nov: month to date 10 + 6 = 16
    calls (16 x 0.00021 = 0.00336); the window is 4 to 10 Nov (7 days, 7 + 6 = 13 calls: 0.00273 / 7 = 0.00039 a day);
    20 days left: 0.00336 + 20 x 0.00039 = 0.01116."""
    days = {f"2026-11-{d:02d}": [("search", "gpt-4o-mini")] * (4 if d >= 9 else 1) for d in range(1, 11)}
    ok("ingest", log_calls(tmp_path / "month.jsonl", days))
    (tmp_path / "costcap.toml").write_text("[budget]\nsearch = 0.01\nreports = 5\n")
    projection = ok_json("audit")["month_to_date"]
    assert (projection["month"], projection["through"], projection["days_left"]) == ("2026-11", "2026-11-10", 20)
    assert (projection["source"], money(projection["to_date_usd"])) == ("attributed", Decimal("0.00336"))
    assert money(projection["projected_usd"]) == Decimal("0.01116")
    search = next(f for f in projection["features"] if f["feature"] == "search")
    assert (money(search["daily_usd"]), search["budget_usd"], search["over_budget"]) == (Decimal("0.00039"), 0.01, True)
    reports = next(f for f in projection["features"] if f["feature"] == "reports")
    assert (reports["projected_usd"], reports["over_budget"]) == (0, False)  # budgeted, no calls
    assert "4 to 10 Nov" not in projection["method"] and "2026-11-04 to 2026-11-10" in projection["method"]


def gate_store(tmp_path):
    """A usage export of 10 mini calls on 2 Nov (10,000 in / 1,000 out: 1,500 + 600 = $0.0021) and 8 logged calls of
    them (8 x 0.00021 = $0.00168): unattributed 0.00042 = 20% of the bill, coverage 80%."""
    usage = tmp_path / "completions_usage_2026-11-02.csv"
    usage.write_text(
        USAGE_HEADER + "\n" + usage_row(2, "proj_A", "key_A", "gpt-4o-mini-2024-07-18", 10, 10000, 1000) + "\n"
    )
    ok("ingest", usage, log_calls(tmp_path / "gates.jsonl", {"2026-11-02": [("search", "gpt-4o-mini")] * 8}))


@pytest.mark.parametrize(
    ("flag", "limit", "fails"),
    [
        ("--fail-above", "0.0021", False), ("--fail-above", "0.00209", True), ("--fail-above", "0.00211", False),
        ("--fail-unattributed-above", "20", False), ("--fail-unattributed-above", "19.9", True),
        ("--fail-unattributed-above", "20.1", False),
        ("--fail-below-coverage", "80", False), ("--fail-below-coverage", "80.1", True),
        ("--fail-below-coverage", "79.9", False),
    ],
)  # fmt: skip
def test_each_gate_at_just_above_and_just_below_its_limit(tmp_path, flag, limit, fails):
    gate_store(tmp_path)
    for fmt in ("json", "table", "csv", "github"):
        result = run("audit", flag, limit, "-f", fmt)
        assert result.exit_code == (3 if fails else 0), (fmt, result.output)
        assert (f"the limit ({flag} {limit})" in result.stderr) == fails
    [gate] = json.loads(run("audit", flag, limit, "-f", "json").stdout)["gates"]
    assert (gate["flag"], gate["failed"]) == (flag, fails)


def test_the_projected_gate(tmp_path):
    """2 Nov only: the day's $0.0021 billed is the window's mean (2 to 2 Nov... the window starts on the 1st: 1 and
    2 Nov, 0.0021 / 2 = 0.00105 a day); 28 days left: 0.0021 + 28 x 0.00105 = 0.0315."""
    gate_store(tmp_path)
    doc = json.loads(run("audit", "--fail-projected-above", "0.0315", "-f", "json").stdout)
    assert money(doc["month_to_date"]["projected_usd"]) == Decimal("0.0315")
    assert run("audit", "--fail-projected-above", "0.0315").exit_code == 0
    assert run("audit", "--fail-projected-above", "0.0314").exit_code == 3


def test_github_markdown_is_a_summary_and_folded_tables(tmp_path):
    from markdown_it import MarkdownIt

    gate_store(tmp_path)
    text = ok("audit", "-f", "github").stdout
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    kinds = [t.type for t in tokens]
    assert kinds[:3] == ["heading_open", "inline", "heading_close"] and tokens[1].content == "costcap audit"
    assert tokens[4].type == "inline" and "**Billed**" in tokens[4].content  # the summary line under the title
    opened = [t.content for t in tokens if t.type == "html_block" and t.content.startswith("<details>")]
    closed = [t for t in tokens if t.type == "html_block" and "</details>" in t.content]
    assert len(opened) == len(closed) == kinds.count("table_open") >= 3  # every table folded, none left open
    assert all("<summary>" in block for block in opened)
    for command in (["budget"], ["estimate", str(SAMPLE_DATA / "plans" / "large_report.toml")]):
        assert ok(*command, "-f", "github").stdout.startswith("### ")


def test_names_are_checked_with_the_nearest_known_one(tmp_path):
    ok("ingest", two_weeks(tmp_path))
    for command in (["audit"], ["budget"], ["explain"]):
        refused = run(*command, "--feature", "serch")
        assert refused.exit_code == 1 and "did you mean 'search'?" in refused.stderr, command
    assert "did you mean 'feature'?" in run("audit", "--by", "featur").stderr
    quiet = run("audit", "--feature", "search", "--since", "2026-12-01")
    assert quiet.exit_code == 0 and "--feature search has no calls" in quiet.stderr
    plan = run("estimate", SAMPLE_DATA / "plans" / "large_report.toml", "--models", "gpt-4o-mni")
    assert plan.exit_code == 1 and "did you mean 'gpt-4o-mini'?" in plan.stderr
    logged = run("audit", two_weeks(tmp_path), "--model", "gpt-4o-mni")
    assert "--model 'gpt-4o-mni' has no price in the catalog (did you mean 'gpt-4o-mini'?)" in logged.stderr


def test_estimate_diff_lists_the_inputs_and_scenarios_that_changed(tmp_path):
    plan = (SAMPLE_DATA / "plans" / "large_report.toml").read_text()
    new = tmp_path / "new.toml"
    new.write_text(plan.replace("items = 600", "items = 80"))
    doc = json.loads(run("estimate", "diff", SAMPLE_DATA / "plans" / "large_report.toml", new, "-f", "json").stdout)
    assert doc["inputs_changed"] == [{"input": "items", "base": 600, "new": 80}]
    assert doc["scenarios_changed"] and all(s["change_per_order_usd"] < 0 for s in doc["scenarios_changed"])
    changes = [abs(s["change_per_order_usd"]) for s in doc["scenarios_changed"]]
    assert changes == sorted(changes, reverse=True)


def test_dates_are_read_back_as_days():
    assert date.fromisoformat("2026-11-20").isoformat() == "2026-11-20"
