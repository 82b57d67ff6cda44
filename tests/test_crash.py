"""Crash safety: an ingest killed with SIGKILL halfway leaves the store as it was before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb

from costcap import sql

LINE = '{"event": "llm_call", "feature": "f%d", "model": "gpt-4o-mini", "prompt_tokens": %d, "completion_tokens": 20, "request_id": "req_%d", "timestamp": "2026-11-01T10:00:00Z"}\n'


def totals(db) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql.load("store/store_totals")).fetchone()
    finally:
        con.close()


def ingest(*args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "costcap", "ingest", *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def big_ingest_under_way(tmp_path):
    """A store holding one call, and an ingest of a 600,000-line log two seconds in: (store, totals, log, process)."""
    db = tmp_path / "store.duckdb"
    (tmp_path / "small.jsonl").write_text(LINE % (0, 100, 0))
    assert ingest(tmp_path / "small.jsonl", "--db", db).wait() == 0
    before = totals(db)
    big = tmp_path / "big.jsonl"
    big.write_text("".join(LINE % (i % 7, 100 + i % 50, i) for i in range(1, 600_001)))
    running = ingest(big, "--db", db)
    time.sleep(2.0)  # well into parsing: the whole file takes several seconds
    assert running.poll() is None, "the ingest ended before it could be stopped; make the file bigger"
    return db, before, big, running


def test_sigkill_halfway_leaves_the_store_as_it_was(tmp_path):
    started = time.monotonic()
    db, before, _, running = big_ingest_under_way(tmp_path)
    os.kill(running.pid, signal.SIGKILL)
    running.wait()
    assert time.monotonic() - started < 60
    assert totals(db) == before  # the store opens and holds exactly what it held
    (tmp_path / "next.jsonl").write_text(LINE % (1, 100, 1))
    assert ingest(tmp_path / "next.jsonl", "--db", db).wait() == 0  # and the store takes the next ingest
    assert totals(db)[1] == before[1] + 1


def test_ctrl_c_during_an_ingest_is_one_line_exit_130_and_nothing_stored(tmp_path):
    db, before, big, running = big_ingest_under_way(tmp_path)
    running.send_signal(signal.SIGINT)
    stderr = running.communicate(timeout=60)[1].decode()
    assert running.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr and len(stderr.strip().splitlines()) == 1
    assert totals(db) == before
    # then the whole file lands once, and a copy of it adds nothing: the identity is the line, not the file
    assert ingest(big, "--db", db).wait() == 0
    (tmp_path / "copy.jsonl").write_bytes(big.read_bytes() + b"\n")
    assert ingest(tmp_path / "copy.jsonl", "--db", db).wait() == 0
    assert totals(db)[1] == before[1] + 600_000


def test_a_ctrl_c_landing_in_a_reader_s_cleanup_is_not_printed_but_other_errors_are(capsys):
    """The race behind a rare 'Exception ignored ... KeyboardInterrupt' after the one line: a Ctrl-C that arrives
    while Python closes an abandoned generator. The hook every command installs keeps that echo quiet only."""
    import sys

    from costcap.commands import quiet_interrupt_echoes

    before = sys.unraisablehook
    quiet_interrupt_echoes()
    try:

        def reader(raised):
            try:
                yield b"line"
            finally:
                raise raised

        for raised in (KeyboardInterrupt(), ValueError("a bug")):
            opened = reader(raised)
            next(opened)
            del opened
        said = capsys.readouterr().err
        assert "KeyboardInterrupt" not in said and "ValueError: a bug" in said
    finally:
        sys.unraisablehook = before
