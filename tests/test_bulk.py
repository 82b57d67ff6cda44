"""The bulk path (Arrow + DuckDB) must store exactly what the line readers store, and refuse exactly what they
refuse, with the same message and line. Every case runs both ways and the results are compared: the line readers
are the reference, so nothing here repeats their rules."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
import structlog
from hypothesis import HealthCheck, given, settings, strategies as st

from costcap import prices
from costcap.errors import CostcapError
from costcap.ingest import Request, bulk, ingest
from costcap.ingest.records import FIELD_KEYS, Options

NOW = datetime(2026, 11, 23, 12, 0, 0)
CALL = '"model": "gpt-4o", "prompt_tokens": 100, "completion_tokens": 20'

# Lines chosen where SQL and Python could disagree: types, spellings, escapes, whitespace, times, renderers.
JSON_LINES = [
    "{" + CALL + "}",
    "{" + CALL + ', "timestamp": "2026-11-22T19:44:45.199177Z"}',
    "{" + CALL + ', "timestamp": "2026-11-22 19:44:50"}',
    "{" + CALL + ', "timestamp": "2026-11-22T19:44:45.1+02:30"}',
    "{" + CALL + ', "timestamp": "2026-11-22 19:45:03,668"}',
    "{" + CALL + ', "timestamp": "2026-02-30T00:00:00Z"}',
    "{" + CALL + ', "timestamp": "2026-11-22T24:00:00"}',
    "{" + CALL + ', "timestamp": "0001-01-01T00:00:00"}',
    "{" + CALL + ', "timestamp": "2026-11-22"}',
    "{" + CALL + ', "timestamp": "20261122T194445"}',
    "{" + CALL + ', "timestamp": "2026-11-22T19:44:45.1234567Z"}',
    "{" + CALL + ', "timestamp": "2026-11-22T19:44:45+0000"}',
    "{" + CALL + ', "timestamp": " 2026-11-22T19:44:45Z "}',
    "{" + CALL + ', "timestamp": "2027-11-22T00:00:00Z"}',
    "{" + CALL + ', "timestamp": 1795376685}',
    "{" + CALL + ', "timestamp": 1795376685199}',
    "{" + CALL + ', "timestamp": 1795376685.1993227}',
    "{" + CALL + ', "timestamp": "1795376685"}',
    "{" + CALL + ', "timestamp": -5}',
    "{" + CALL + ', "timestamp": 99999999999999999}',
    "{" + CALL + ', "timestamp": true}',
    "{" + CALL + ', "time": "2026-11-22T19:44:45Z", "ts": 5}',
    '{"model": "gpt-4o", "prompt_tokens": "100", "completion_tokens": "20"}',
    '{"model": "gpt-4o", "prompt_tokens": "0100", "completion_tokens": " 20"}',
    '{"model": "gpt-4o", "prompt_tokens": 4.0, "completion_tokens": 1e2}',
    '{"model": "gpt-4o", "prompt_tokens": 4.5, "completion_tokens": 1}',
    '{"model": "gpt-4o", "prompt_tokens": "", "completion_tokens": 1}',
    '{"model": "gpt-4o", "prompt_tokens": null, "input_tokens": 7, "completion_tokens": 1}',
    '{"model": "gpt-4o", "prompt_tokens": true, "completion_tokens": 1}',
    '{"model": "gpt-4o", "prompt_tokens": -1, "completion_tokens": 1}',
    '{"model": "gpt-4o", "prompt_tokens": 10000000001, "completion_tokens": 1}',
    '{"model": "gpt-4o", "prompt_tokens": 10000000000, "completion_tokens": 1}',
    '{"model": "gpt-4o", "prompt_tokens": 18446744073709551616, "completion_tokens": 1}',
    '{"model": "gpt-4o", "prompt_tokens": -0, "completion_tokens": 1}',
    '{"model": "gpt-4o", "prompt_tokens": [1], "completion_tokens": 1}',
    '{"model": "gpt-4o", "prompt_tokens": 10, "completion_tokens": 5, "cached_tokens": 11}',
    '{"model": "gpt-4o", "input_tokens": 10, "output_tokens": 5, "output_tokens_details": {"reasoning_tokens": 6}}',
    '{"model": "gpt-4o", "usage": {"prompt_tokens": 10, "completion_tokens": 3, "prompt_tokens_details": {"cached_tokens": 4}}}',
    '{"model": "gpt-4o", "usage": "none", "completion_tokens": 3}',
    '{"model": "gpt-4o", "usage.prompt_tokens": 10, "completion_tokens": 3}',
    '{"model": "gpt-4o", "usage.prompt_tokens": null, "usage": {"prompt_tokens": 10}, "completion_tokens": 3}',
    '{"model": "gpt-4o", "prompt_tokens": 1, "prompt_tokens": 2, "completion_tokens": 3}',
    '{"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3,}',
    '{"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3, "latency": inf}',
    '{"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3, "latency": NaN, "x": [-Infinity, INF, nan]}',
    '{"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3, "note": "inf, nan,}"}',
    '{"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3, "latency": +inf}',
    '{"prompt_tokens": 1, "completion_tokens": 3}',
    '{"prompt_tokens": 0, "completion_tokens": 0}',
    '{"model": "", "prompt_tokens": 1, "completion_tokens": 3}',
    '{"model": 5, "response_model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3}',
    '{"model": false, "response_model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3}',
    '{"model": 1.5, "prompt_tokens": 1, "completion_tokens": 3}',
    '{"model": {"name": "x"}, "prompt_tokens": 1, "completion_tokens": 3}',
    "{" + CALL + ', "feature": "caf\\u00e9 \\u2615", "order_id": "a\\"b\\\\c"}',
    "{" + CALL + ', "feature": "", "batch_type": "daily"}',
    "{" + CALL + ', "feature": 0, "order_id": 123, "request_id": -0}',
    "{" + CALL + ', "feature": true, "batch_type": false}',
    "{" + CALL + ', "user": "abc123:sidebar_widget"}',
    "{" + CALL + ', "user": "abc:  tagger \\u00a0\\u2003"}',
    "{" + CALL + ', "user": "abc:\\u200b x"}',
    "{" + CALL + ', "user": "abc:a:b", "safety_identifier": "x:y"}',
    "{" + CALL + ', "user": "abc:", "safety_identifier": "x:y"}',
    "{" + CALL + ', "user": null, "safety_identifier": "x:y"}',
    "{" + CALL + ', "user": 12}',
    "{" + CALL + ', "status": "validation_failed", "attempt": 1}',
    "{" + CALL + ', "status": "Rate_Limited"}',
    "{" + CALL + ', "status": "FA\\u0130L"}',
    "{" + CALL + ', "status": 200}',
    "{" + CALL + ', "status": "ok", "error": "Rate limit reached"}',
    "{" + CALL + ', "error": {"message": "boom", "code": 500}}',
    "{" + CALL + ', "error": ""}',
    "{" + CALL + ', "error": "\\u00e9chec"}',
    "{" + CALL + ', "status_code": 429}',
    "{" + CALL + ', "status_code": "503"}',
    "{" + CALL + ', "status_code": 3000000000}',
    "{" + CALL + ', "status_code": -2147483647, "attempt": "2", "batch_size": "", "max_tokens": 1.0}',
    "{" + CALL + ', "max_completion_tokens": 300, "max_tokens": null}',
    "{" + CALL + ', "service_tier": " FLEX "}',
    "{" + CALL + ', "service_tier": "Priority", "finish_reason": "length"}',
    "{" + CALL + ', "service_tier": "\\u00a0flex"}',
    "{" + CALL + ', "service_tier": "scale"}',
    '{"event": "http_request", "status": 200, "path": "/"}',
    '{"event": "http_request", "prompt_tokens": null, "completion_tokens": null}',
    '{"prompt_tokens": "lots"}',
    '{"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3, "deep": {"a": {"b": [1, {"c": null}]}}}',
    '  {"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3}  ',
    '2026-11-22 19:45:03,668 INFO worker {"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3}',
    '2026-11-22 19:45:03,668 INFO worker {"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3} trailing',
    '{"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3',
    '{"model": "gpt-4o", "prompt_tokens": 1, "completion_tokens": 3}}',
    '["not", "an", "object"]',
    '"just a string"',
    "",
    "   \t ",
    "\u00a0",
    "\ufeff{" + CALL + "}",
    "\x1b[2m{" + CALL + "}\x1b[0m",
]
CONSOLE_LINES = [
    "2026-11-01T10:00:28.000000Z [info     ] token_usage                    attempt=1 batch_size=5 batch_type=daily "
    "completion_tokens=212 model=gpt-4o order_id=ord-1 prompt_tokens=2608 request_id=req_7b1f status=ok",
    "2026-11-22 19:44:50 [info     ] llm_call                       completion_tokens=5 model=gpt-4o-mini "
    "prompt_tokens=10 prompt_tokens_details={'cached_tokens': 4, 'audio_tokens': 0}",
    "2026-11-22 19:44:50 [info     ] llm_call                       completion_tokens=5 model=gpt-4o-mini "
    "prompt_tokens=10 prompt_tokens_details={'cached_tokens': 4, 'cached_tokens': 9}",
    "2026-11-22 19:44:50 [info     ] llm_call                       completion_tokens=5 model=gpt-4o "
    "prompt_tokens=10 prompt_tokens_details={}",
    "2026-11-22 19:44:50 [info     ] llm_call                       completion_tokens=5 model=gpt-4o prompt_tokens=10 extra={}",
    "2026-11-22 19:44:50 [info     ] llm_call                       completion_tokens=5 model=gpt-4o prompt_tokens=10 x=[1, 2]",
    "2026-11-22 19:44:50 [info     ] llm_call                       batch_type='weekly run' completion_tokens=5 "
    "model=gpt-4o note='a=b c' prompt_tokens=10",
    "2026-11-22 19:44:50 [info     ] llm_call                       batch_type=weekly run completion_tokens=5 model=gpt-4o prompt_tokens=10",
    "2026-11-22 19:44:50 [info     ] llm_call                       completion_tokens=5 model=gpt-4o prompt_tokens=10 "
    "prompt_tokens=11 user=None ok=True flag=False empty=",
    "2026-11-22 19:44:50 [warning  ] llm_call                       completion_tokens=5 error=rate_limit_exceeded "
    "model=gpt-4o prompt_tokens=0 status_code=429",
    "2026-11-22T19:45:03.668848Z [info     ] token_usage                    [worker.batch] completion_tokens=5 "
    "model=gpt-4o prompt_tokens=10",
    "2026-11-22T19:45:03.668848Z [info     ] token [usage] x                [worker [a]] completion_tokens=5 "
    "model=gpt-4o prompt_tokens=10",
    "2026-11-22T19:45:03Z [info] token_usage completion_tokens=5 model=gpt-4o prompt_tokens=10 timestamp=1795376685",
    "1795376685 [info     ] token_usage                    completion_tokens=5 model=gpt-4o prompt_tokens=10",
    "1795376685.25 [info     ] token_usage                    completion_tokens=5 model=gpt-4o prompt_tokens=10",
    "[info     ] token_usage                    completion_tokens=5 model=gpt-4o prompt_tokens=10 event=other",
    "[info     ] token_usage",
    "[info     ] completion_tokens=5 model=gpt-4o prompt_tokens=10",
    "[info     ]   token usage   completion_tokens=4.0 model=gpt-4o prompt_tokens=0010",
    "2026-11-22 19:44:50 [info     ] llm_call                       completion_tokens=5 model=gpt-4o prompt_tokens=10 "
    "feature=caf\u00e9",
    "2026-11-22 19:44:50 [info     ] llm_call\tcompletion_tokens=5 model=gpt-4o prompt_tokens=10",
    "2026-11-22 19:44:50 [info     ] llm_call                       completion_tokens=5 model=gpt-4o "
    'prompt_tokens=10 note="quoted"',
    "2026-11-22 19:44:50 [info     ] llm_call                       completion_tokens=5 model=gpt-4o prompt_tokens=10 =x",
    "2026-11-22 19:44:50 [info     ] llm_call                       completion_tokens=5 model=gpt-4o prompt_tokens=10 a='x'b=2",
    "\x1b[2m2026-11-22 19:44:50\x1b[0m [\x1b[32m\x1b[1minfo     \x1b[0m] \x1b[1mtoken_usage                   \x1b[0m "
    "\x1b[36mcompletion_tokens\x1b[0m=\x1b[35m5\x1b[0m \x1b[36mmodel\x1b[0m=\x1b[35mgpt-4o\x1b[0m "
    "\x1b[36mprompt_tokens\x1b[0m=\x1b[35m10\x1b[0m",
    "batch_type='daily' prompt_tokens=812 completion_tokens=1450 model='gpt-4o' event='token_usage'",
    "batch_type=daily prompt_tokens=812 completion_tokens=1450 model=gpt-4o event=token_usage level=info",
    "plain text with no structure",
]


def stored(path: Path, use_bulk: bool, monkeypatch, skip_bad: bool = False, **options):
    """What one ingest of `path` stores (every column of every call) and reports, or the error it gives."""
    if not use_bulk:
        monkeypatch.setattr(bulk, "usable", lambda options: False)
    try:
        from costcap.store import Store

        with Store(":memory:", prices.builtin()) as store:
            [result] = ingest(store, Request([str(path)], "structlog", Options(now=NOW, **options), skip_bad))
            rows = store.con.execute("SELECT * EXCLUDE (source_id) FROM calls ORDER BY line").fetchall()
            return rows, (result.rows, result.skipped, result.bad, result.duplicates, result.bad_examples)
    except CostcapError as exc:
        return str(exc)
    finally:
        monkeypatch.undo()


def same_both_ways(tmp_path, monkeypatch, text: str, **kwargs):
    path = tmp_path / "log.txt"
    path.write_text(text, encoding="utf-8")
    reference = stored(path, False, monkeypatch, **kwargs)
    assert stored(path, True, monkeypatch, **kwargs) == reference, text
    return reference


@pytest.mark.parametrize("line", JSON_LINES + CONSOLE_LINES)
def test_each_line_reads_the_same_both_ways(tmp_path, monkeypatch, line):
    same_both_ways(tmp_path, monkeypatch, f'{{"event": "start"}}\n{line}\n')


def test_a_whole_file_with_bad_lines_skipped_reads_the_same(tmp_path, monkeypatch):
    text = "\n".join(JSON_LINES + CONSOLE_LINES) + "\n"
    rows, report = same_both_ways(tmp_path, monkeypatch, text, skip_bad=True)
    assert report[2] > 5 and len(rows) > 60  # the corpus really holds bad lines and calls


def test_default_model_and_field_options_read_the_same(tmp_path, monkeypatch):
    text = '{"prompt_tokens": 1, "completion_tokens": 3, "component": "search"}\n{"prompt_tokens": 0}\n'
    rows, _ = same_both_ways(tmp_path, monkeypatch, text, default_model="gpt-4o", fields={"feature": "component"})
    assert [r[3] for r in rows] == ["search", None]  # feature, read from the --field key


def test_a_field_key_sql_cannot_address_sends_the_file_to_the_line_readers():
    assert bulk.usable(Options(fields={"feature": "meta.name"}))
    assert not bulk.usable(Options(fields={"feature": 'we"ird'}))
    assert not bulk.usable(Options(fields={"feature": "usage"}))  # a key that is also a parent of usage.*


def test_line_endings_and_a_lone_carriage_return(tmp_path, monkeypatch):
    same_both_ways(tmp_path, monkeypatch, "{" + CALL + "}\r\n\r\n{" + CALL + ', "order_id": "a"}\r\n')
    # Arrow would split at a lone CR where Python does not: such a file takes the line readers
    same_both_ways(tmp_path, monkeypatch, "{" + CALL + ', "order_id": "a\rb"}\n{' + CALL + "}")


def test_gzip_and_appended_logs_read_the_same(tmp_path, monkeypatch):
    import gzip

    lines = [json.dumps({"model": "gpt-4o", "prompt_tokens": i, "completion_tokens": 1, "request_id": f"r{i % 7}"}) for i in range(40)]
    path = tmp_path / "log.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    reference = stored(path, False, monkeypatch)
    assert stored(path, True, monkeypatch) == reference
    assert reference[1][3] == 33  # 40 calls, 7 distinct request ids: the first of each is kept


@pytest.mark.parametrize("renderer", [structlog.processors.JSONRenderer(), structlog.dev.ConsoleRenderer(colors=False)])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(st.fixed_dictionaries({}, optional={
    key: st.one_of(
        st.none(), st.booleans(), st.integers(-5, 2**40), st.floats(allow_nan=False, width=32),
        st.sampled_from(["", "0", "12", "4.0", "ok", "failed", "Rate limit", "flex", " priority ", "gpt-4o", "gpt-4o-mini",
                         "u1:feat", "u2: spaced ", "2026-11-22T19:44:45.5Z", "2026-11-22 19:44:50", "1795376685",
                         "2026-11-22T19:44:45+01:00", "x y", "a=b", "it's", 'say "hi"', "caf\u00e9", "back\\slash"]),
        st.dictionaries(st.sampled_from(["cached_tokens", "reasoning_tokens", "x"]), st.integers(0, 50), max_size=2),
    )
    for key in sorted({k.split(".")[0] for keys in FIELD_KEYS.values() for k in keys} | {"other"})
}), max_size=12))
def test_lines_structlog_writes_read_the_same_both_ways(renderer, events):
    """Events with any mix of the keys costcap reads, each value of any type, written by structlog itself."""
    lines = []
    for event in events:
        fields = dict(event)
        fields.setdefault("event", "llm_call")
        lines.append(renderer(None, "info", fields))
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as monkeypatch:
        path = Path(folder) / "log.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        reference = stored(path, False, monkeypatch, skip_bad=True)
        assert stored(path, True, monkeypatch, skip_bad=True) == reference
