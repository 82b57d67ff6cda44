"""Nothing lost, nothing leaked: secrets never shown or stored, output written whole and never through a planted link,
walks that end, waits that end, stores left as they were, and a Ctrl-C that says what landed."""

from __future__ import annotations

import base64
import http.server
import json
import os
import socket
import subprocess
import threading
from pathlib import Path

import duckdb
import pytest

from conftest import SAMPLE_DATA, SECRET, costcap_command, ok, ok_json, run, without_root_powers

LINE = {"event": "llm_call", "feature": "f", "model": "gpt-4o-mini", "prompt_tokens": 1000, "completion_tokens": 100,
        "timestamp": "2026-11-02T10:00:00Z"}  # fmt: skip
BODY = (json.dumps({**LINE, "request_id": "r1"}) + "\n").encode()


def leaks(*texts: str | bytes, secret: str = SECRET) -> bool:
    return any(secret in (t.decode("latin-1") if isinstance(t, bytes) else t) for t in texts)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves BODY to the user costcap / SECRET; 500 on /broken."""

    def do_GET(self):
        expected = "Basic " + base64.b64encode(f"costcap:{SECRET}".encode()).decode()
        if self.path.startswith("/broken"):
            self.send_response(500)
            self.end_headers()
        elif self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.end_headers()
        else:
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

    def log_message(self, *args):
        pass


@pytest.fixture
def web():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def silent_server():
    """A server that accepts connections and never answers a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    listener.close()
    for connection in held:
        connection.close()


def quick_network(folder: Path) -> None:
    (folder / "costcap.toml").write_text("[network]\nconnect_timeout = 1\nread_timeout = 1\ntotal_timeout = 4\n")


# --- secrets ------------------------------------------------------------------------------------------------------


def test_an_http_url_with_a_password_and_a_signed_query_is_read_and_neither_is_shown_or_stored(tmp_path, web):
    url = f"http://costcap:{SECRET}@{web}/logs/app.jsonl?signature={SECRET}x&expires=1"
    done = run("ingest", url, "-f", "json")
    assert done.exit_code == 0, done.output
    [f] = json.loads(done.stdout)["files"]
    assert f["file"] == f"http://{web}/logs/app.jsonl?signature=***&expires=***" and f["rows"] == 1
    listed = ok("sources", "-f", "json")
    store = (tmp_path / "costcap.duckdb").read_bytes()
    assert not leaks(done.stdout, done.stderr, listed.stdout, store)


@pytest.mark.parametrize("path, words", [("/broken/app.jsonl", "answered HTTP 500"), ("/app.jsonl", "")])
def test_http_failures_are_one_line_with_no_secret(tmp_path, web, path, words):
    url = f"http://costcap:{SECRET}@{web}{path}" if words else f"http://costcap:wrong-{SECRET}@{web}{path}"
    done = run("ingest", url)
    assert done.exit_code == 1 and len(done.stderr.strip().splitlines()) == 1 and words in done.stderr
    assert not leaks(done.stdout, done.stderr) and not (tmp_path / "costcap.duckdb").exists()


@pytest.mark.parametrize("scheme", ["http", "https", "s3"])
def test_an_unreachable_server_is_one_line_with_no_secret(tmp_path, scheme, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    quick_network(tmp_path)
    where = f"127.0.0.1:{port}/x.jsonl" if scheme != "s3" else "bucket/x.jsonl"
    done = run("ingest", f"{scheme}://KEYID:{SECRET}@{where}")
    assert done.exit_code == 1 and len(done.stderr.strip().splitlines()) == 1, done.output
    assert not leaks(done.stdout, done.stderr) and "KEYID" not in done.stderr


def test_s3_credentials_in_the_url_are_used_and_never_shown_or_stored(tmp_path, s3_server, monkeypatch):
    s3_server.put_object(Bucket="team-logs", Key="app/x.jsonl", Body=BODY)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")  # the URL's credentials are the only ones
    done = run("ingest", f"s3://costcap-test-key:{SECRET}@team-logs/app/x.jsonl", "-f", "json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["files"][0]["file"] == "s3://team-logs/app/x.jsonl"
    missing = run("ingest", f"s3://costcap-test-key:{SECRET}@no-such-bucket/x.jsonl")
    assert missing.exit_code == 1 and len(missing.stderr.strip().splitlines()) == 1
    assert not leaks(done.stdout, done.stderr, missing.stderr, (tmp_path / "costcap.duckdb").read_bytes())


def test_a_bug_traceback_carries_no_secret(tmp_path, monkeypatch, capsys):
    from costcap import entry
    from costcap.ingest import files

    def broken(*args, **kwargs):
        raise RuntimeError(f"unexpected at http://costcap:{SECRET}@example.invalid/x")

    monkeypatch.setattr(files, "expand", broken)
    monkeypatch.setattr("sys.argv", ["costcap", "ingest", "whatever.log"])
    with pytest.raises(SystemExit) as ended:
        entry.run()
    printed = capsys.readouterr()
    assert ended.value.code == 1 and "Traceback" in printed.err and "RuntimeError" in printed.err
    assert not leaks(printed.out, printed.err)


def test_the_admin_key_is_masked_wherever_it_would_show(monkeypatch, capsys):
    from costcap import output, redact

    monkeypatch.setenv("OPENAI_ADMIN_KEY", f"sk-admin-{SECRET}")
    redact.remember_environment()
    output.error(f"the server said: invalid key sk-admin-{SECRET}")
    assert not leaks(capsys.readouterr().err)


# --- output paths -------------------------------------------------------------------------------------------------


def test_a_link_planted_at_the_reports_temporary_name_is_never_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "r.html.partial").symlink_to(victim)
    ok("report", SAMPLE_DATA, "-o", "r.html")
    assert victim.read_text() == "keep me" and "<svg" in (tmp_path / "r.html").read_text()
    assert not list(tmp_path.glob(".r.html.*.partial"))  # nothing left half-written


def test_an_output_that_is_a_link_writes_the_file_it_names_and_keeps_the_link(tmp_path):
    (tmp_path / "site").mkdir()
    target = tmp_path / "site" / "report.html"
    target.write_text("old")
    (tmp_path / "latest.html").symlink_to(target)
    ok("report", SAMPLE_DATA, "-o", "latest.html")
    assert (tmp_path / "latest.html").is_symlink() and "<svg" in target.read_text()


@pytest.mark.parametrize("target, words", [(".", "is a folder"), ("/dev/null", "not a regular file")])
def test_a_folder_or_a_device_as_the_output_is_one_line(tmp_path, target, words):
    done = run("report", SAMPLE_DATA, "-o", target)
    assert done.exit_code == 1 and words in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_output_dash_writes_the_page_to_stdout(tmp_path):
    done = ok("report", SAMPLE_DATA, "-o", "-")
    assert done.stdout.startswith("<!DOCTYPE html>") and not list(tmp_path.glob("*.html"))


# --- walks ----------------------------------------------------------------------------------------------------------


def looping_tree(root: Path) -> Path:
    """A folder holding one log and two links back to itself (and one to its parent): 2^40 paths for a naive walk."""
    (root / "a").mkdir(parents=True)
    (root / "a" / "app.log").write_text(json.dumps(LINE) + "\n")
    (root / "a" / "up").symlink_to("..")
    (root / "a" / "again").symlink_to("..")
    (root / "a" / "self").symlink_to(".")
    return root


@pytest.mark.parametrize("how", [["{root}/**/*.log"], ["{root}", "--recursive"]])
def test_a_folder_that_links_back_to_itself_is_read_once(tmp_path, how):
    root = looping_tree(tmp_path / "logs")
    args = [a.format(root=root) for a in how]
    done = without_root_powers(*costcap_command(), "ingest", *args, "-f", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    files = json.loads(done.stdout)["files"]
    assert [f["rows"] for f in files if f["kind"] != "folder"] == [1]
    assert {f["status"] for f in files if f["kind"] == "folder"} == {"passed over"}
    assert "not read twice" in done.stderr


def test_an_unreadable_subfolder_is_an_error_or_with_skip_bad_a_warning(tmp_path):
    root = tmp_path / "logs"
    (root / "day=1").mkdir(parents=True)
    (root / "day=2").mkdir()
    (root / "day=1" / "app.log").write_text(json.dumps(LINE) + "\n")
    (root / "day=2" / "app.log").write_text(json.dumps({**LINE, "prompt_tokens": 5}) + "\n")
    (root / "day=2").chmod(0)
    try:
        refused = without_root_powers(*costcap_command(), "ingest", str(root), cwd=tmp_path)
        assert refused.returncode == 1 and "day=2" in refused.stderr and "--skip-bad" in refused.stderr
        assert not (tmp_path / "costcap.duckdb").exists()
        kept = without_root_powers(*costcap_command(), "ingest", str(root), "--skip-bad", "-f", "json", cwd=tmp_path)
    finally:
        (root / "day=2").chmod(0o755)
    assert kept.returncode == 0, kept.stderr
    files = json.loads(kept.stdout)["files"]
    assert [(f["status"], f["rows"]) for f in files] == [("ingested", 1), ("unreadable", 0)]
    assert "day=2" in kept.stderr


def test_many_small_files_are_each_their_own_source(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    for n in range(300):
        (logs / f"app-{n:03d}.log").write_text(json.dumps({**LINE, "prompt_tokens": 100 + n}) + "\n")
    files = ok_json("ingest", logs)["files"]
    assert len(files) == 300 and all(f["rows"] == 1 for f in files)
    # gpt-4o-mini: sum of (100 + n) x 0.15 + 100 x 0.60 over n = 0..299, per 1M tokens
    # input 300 x 100 + 299 x 300 / 2 = 30,000 + 44,850 = 74,850 tokens -> 0.0112275; output 30,000 -> 0.018
    # in all $0.0292275, which JSON rounds (half to even) to 6 decimals
    assert ok_json("audit")["attributed"]["cost_usd"] == 0.029228
    assert len(ok_json("sources")) == 300


# --- waits ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "s3"])
def test_a_server_that_never_answers_is_given_up_on_in_one_line(tmp_path, silent_server, scheme):
    quick_network(tmp_path)
    env = {**os.environ, "AWS_ENDPOINT_URL": f"http://{silent_server}", "AWS_ACCESS_KEY_ID": "k",
           "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    url = f"http://{silent_server}/app.jsonl" if scheme == "http" else "s3://bucket/app.jsonl"
    done = without_root_powers(*costcap_command(), "ingest", url, cwd=tmp_path, env=env)  # ends, or the run times out
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert silent_server in done.stderr or "127.0.0.1" in done.stderr
    assert not leaks(done.stderr)


def test_a_silent_object_store_is_said_after_the_read_timeouts_not_the_total(tmp_path, silent_server):
    """s3fs would try each call 5 times over botocore's 2 attempts: with 3 s reads that is 30 s a call, over 60 s in
    all. With a 10-minute total, the ingest must end after a few read timeouts (about 9 s), not at the total."""
    (tmp_path / "costcap.toml").write_text("[network]\nconnect_timeout = 1\nread_timeout = 3\ntotal_timeout = 600\n")
    env = {**os.environ, "AWS_ENDPOINT_URL": f"http://{silent_server}", "AWS_ACCESS_KEY_ID": "k",
           "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    done = subprocess.run([*costcap_command(), "ingest", "s3://bucket/app.jsonl"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=45)  # fmt: skip
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not leaks(done.stderr)


# --- the store's life -----------------------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path) -> Path:
    db = tmp_path / "s.duckdb"
    ok("ingest", SAMPLE_DATA / "web_app.jsonl", "--db", db)
    return db


def edit(db: Path, statement: str) -> None:
    con = duckdb.connect(str(db))
    con.execute(statement)
    con.close()


@pytest.mark.parametrize("change, words", [
    ("UPDATE meta SET value = '99' WHERE key = 'schema_version'", "written by a newer costcap (schema version 99"),
    ("UPDATE meta SET value = 'seven' WHERE key = 'schema_version'", "schema version 'seven' is not a number"),
    ("DROP TABLE call_minutes", "its table call_minutes is missing"),
])  # fmt: skip
def test_a_store_of_another_version_or_missing_a_table_is_one_line_and_left_unchanged(store, change, words):
    edit(store, change)
    before = store.read_bytes()
    for args in (["ingest", SAMPLE_DATA / "batch_output.jsonl"], ["audit"], ["ingest", SAMPLE_DATA, "--dry-run"]):
        done = run(*args, "--db", store)
        assert done.exit_code == 1 and words in done.stderr and len(done.stderr.strip().splitlines()) == 1, args
    assert store.read_bytes() == before


@pytest.mark.parametrize("size", [12, 4096, 600_000])
def test_a_store_cut_short_is_one_line(store, size):
    with open(store, "r+b") as fh:
        fh.truncate(size)
    for args in (["audit"], ["sources"], ["ingest", SAMPLE_DATA / "batch_output.jsonl"]):
        done = run(*args, "--db", store)
        assert done.exit_code == 1 and "Traceback" not in done.output and len(done.stderr.strip().splitlines()) == 1


def test_a_read_only_store_is_said_to_be_read_only_and_can_still_be_read(store, tmp_path):
    store.chmod(0o444)
    try:
        refused = without_root_powers(
            *costcap_command(), "ingest", str(SAMPLE_DATA / "batch_output.jsonl"), "--db", str(store)
        )
        audited = without_root_powers(*costcap_command(), "audit", "--db", str(store), "-f", "json")
    finally:
        store.chmod(0o644)
    assert refused.returncode == 1 and "read-only" in refused.stderr and "damaged" not in refused.stderr
    assert audited.returncode == 0 and json.loads(audited.stdout)["attributed"]["calls"] == 770


def test_a_dry_run_never_creates_upgrades_or_writes_a_store(store, tmp_path):
    ok("ingest", SAMPLE_DATA / "batch_output.jsonl", "--dry-run", "--db", tmp_path / "new.duckdb")
    assert not (tmp_path / "new.duckdb").exists()
    before = store.read_bytes()
    ok("ingest", SAMPLE_DATA, "--dry-run", "--db", store)
    assert store.read_bytes() == before
    edit(store, "UPDATE meta SET value = '6' WHERE key = 'schema_version'")  # an older store: not upgraded by a dry run
    before = store.read_bytes()
    shown = ok("ingest", SAMPLE_DATA / "batch_output.jsonl", "--dry-run", "--db", store)
    assert "needs an upgrade" in shown.stderr and store.read_bytes() == before


def test_an_ingest_that_stores_nothing_leaves_no_new_store(tmp_path):
    (tmp_path / "notes.log").write_text("just words\n")
    for args in (
        ["ingest", tmp_path / "notes.log"],
        ["ingest", SAMPLE_DATA.parent / "tests" / "bad_inputs" / "log_nan_tokens.jsonl"],
    ):
        run(*args, "--db", tmp_path / "fresh.duckdb")
        assert not (tmp_path / "fresh.duckdb").exists()
    done = run("audit", "--db", tmp_path / "fresh.duckdb")
    assert done.exit_code == 1 and "no store" in done.stderr


# --- Ctrl-C ---------------------------------------------------------------------------------------------------------


def test_an_interrupt_after_a_forget_landed_says_so(store, monkeypatch):
    from costcap import output

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "write", interrupted)  # Ctrl-C while the result is printed, after the COMMIT
    done = run("forget", SAMPLE_DATA / "web_app.jsonl", "--db", store)
    monkeypatch.undo()
    assert done.exit_code == 130 and "landed" in done.stderr and "the forget of" in done.stderr
    assert ok_json("sources", "--db", store) == []


def test_an_interrupt_during_an_ingest_says_nothing_was_stored(store, monkeypatch):
    from costcap import aggregates

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(aggregates, "recount_runs", interrupted)
    done = run("ingest", SAMPLE_DATA / "batch_output.jsonl", "--db", store)
    assert done.exit_code == 130 and "nothing from this run was stored" in done.stderr
    assert [s["kind"] for s in ok_json("sources", "--db", store)] == ["structlog"]


# --- user mistakes that were tracebacks -----------------------------------------------------------------------------


def test_a_nul_in_a_path_in_the_configuration_is_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("COSTCAP_DB")  # so that [store] path is what names the store
    (tmp_path / "costcap.toml").write_text('[store]\npath = "a\\u0000b.duckdb"\n')
    done = run("audit")
    assert done.exit_code == 1 and "[store] path" in done.stderr and "Traceback" not in done.output


def test_a_huge_number_for_an_option_is_a_usage_error(store):
    for args in (["explain", "F1", "--top", "99999999999999999999"], ["audit", "--top", "-1"]):
        done = run(*args, "--db", store)
        assert done.exit_code == 2 and "Traceback" not in done.output, args


def test_a_folder_given_as_a_batch_requests_file_is_one_line(tmp_path):
    (tmp_path / "requests.jsonl").mkdir()
    done = run("estimate", tmp_path / "requests.jsonl")
    assert done.exit_code == 1 and "is a folder" in done.stderr


def test_stdin_with_no_room_for_it_in_the_temporary_folder_is_one_line(tmp_path, monkeypatch):
    import shutil

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", full)
    done = run("ingest", "-", input=json.dumps(LINE) + "\n")
    assert done.exit_code == 1 and "No space left" in done.stderr and "TMPDIR" in done.stderr


def test_a_step_past_the_memory_limit_is_one_line_and_stores_nothing(tmp_path):
    """DuckDB works within COSTCAP_MEMORY_LIMIT (1GB by default; bench/README.md has the 10 M-line figures): a step
    that needs more and cannot spill says how to raise it; a limit that is not a size is refused by name."""
    env = {**os.environ, "COSTCAP_MEMORY_LIMIT": "2MB"}
    done = subprocess.run([*costcap_command(), "ingest", str(SAMPLE_DATA)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "COSTCAP_MEMORY_LIMIT=4GB" in done.stderr
    assert not (tmp_path / "costcap.duckdb").exists()
    env["COSTCAP_MEMORY_LIMIT"] = "lots"
    done = subprocess.run([*costcap_command(), "ingest", str(SAMPLE_DATA)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1 and "COSTCAP_MEMORY_LIMIT='lots': write a size such as 4GB" in done.stderr
