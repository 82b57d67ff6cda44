"""Shared fixtures: every test runs in its own folder with its own store, and the network is closed."""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from costcap.main import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DATA = ROOT / "sample_data"
SECRET = "costcap-test-secret-never-shown"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test touches the user's files or store: home, cwd and COSTCAP_DB all point into tmp_path."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("COSTCAP_DB", str(tmp_path / "costcap.duckdb"))
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any connection off this machine fails the test loudly."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1"))
        ) or sock.family == socket.AF_UNIX:
            return real_connect(sock, address)
        raise RuntimeError(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


def run(*args: str, input: str | None = None):
    """Invoke the real CLI; stdout and stderr stay apart."""
    return CliRunner().invoke(app, [str(a) for a in args], input=input)


def ok(*args: str, input: str | None = None):
    result = run(*args, input=input)
    assert result.exit_code == 0, result.output
    return result


def ok_json(*args: str):
    return json.loads(ok(*args, "--format", "json").stdout)


def write_structlog(path: Path, renderer, events: list[dict], pre=()) -> Path:
    """Write events through structlog itself with the given renderer, one call per event."""
    with open(path, "w") as fh:
        log = structlog.wrap_logger(
            structlog.PrintLogger(fh), processors=[*pre, structlog.processors.add_log_level, renderer]
        )
        for event in events:
            fields = dict(event)
            log.info(fields.pop("event", "llm_call"), **fields)
    return path


def write_stdlib_structlog(path: Path, renderer, events: list[dict], noise: str | None = None) -> Path:
    """Write events through structlog's stdlib ProcessorFormatter, plus one foreign stdlib line."""
    handler = logging.FileHandler(path)
    shared = [structlog.stdlib.add_log_level, structlog.stdlib.add_logger_name]
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared, processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer]
        )
    )
    std = logging.getLogger(f"worker.{path.stem}")
    std.handlers[:] = [handler]
    std.setLevel(logging.INFO)
    std.propagate = False
    log = structlog.wrap_logger(
        std,
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        wrapper_class=structlog.stdlib.BoundLogger,
    )
    for event in events:
        fields = dict(event)
        log.info(fields.pop("event", "llm_call"), **fields)
    if noise:
        std.info(noise)
    handler.close()
    return path


@pytest.fixture
def s3_server(monkeypatch):
    """A local S3-compatible server (moto's server mode) on 127.0.0.1, and the environment that points at it."""
    moto_server = pytest.importorskip("moto.server", reason="moto[server] is a test extra")
    pytest.importorskip("s3fs", reason="s3fs is a test extra (and costcap[s3])")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    import urllib.request

    # moto keeps its buckets in the test process: start every test from none
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", method="POST"), timeout=10)
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "costcap-test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    import boto3

    client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1")
    client.create_bucket(Bucket="team-logs")
    yield client
    server.stop()


def without_root_powers(*command: str, **how) -> subprocess.CompletedProcess:
    """Run a command as this user, but as file permissions bind a user who is not root: a test of an unreadable or
    read-only file means something under CI's root too (root keeps its uid but loses the power to override modes)."""
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: file permissions cannot be made to bind")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, **how)


def costcap_command() -> list[str]:
    return [sys.executable, "-m", "costcap"]


def _team_extra_missing() -> str | None:
    """Why the team-store tests cannot run here (the [team] extra is not installed), or None."""
    from costcap import lake
    from costcap.errors import CostcapError

    try:
        for name in lake.EXTENSIONS:
            lake.extension_file(name)
    except CostcapError as exc:
        return str(exc)
    return None


def pytest_collection_modifyitems(config, items):
    """Team-store tests run where the [team] extra is installed (.ci/run's own venv for them), and are deselected,
    not skipped, elsewhere: the summary says how many and why."""
    team = [item for item in items if item.get_closest_marker("team")]
    why = _team_extra_missing() if team else None
    if why is None:
        return
    config.hook.pytest_deselected(items=team)
    items[:] = [item for item in items if not item.get_closest_marker("team")]
    config._costcap_team_deselected = (len(team), why)


def pytest_terminal_summary(terminalreporter, config):
    """Said by the process that prints the summary (under xdist the workers deselect, so it asks again)."""
    found = getattr(config, "_costcap_team_deselected", None)
    why = found[1] if found else _team_extra_missing()
    if why:
        count = f"{found[0]} " if found else ""
        terminalreporter.write_line(f"{count}team-store tests (tests/test_team.py) deselected: {why} (run them "
                                    "with: pip install -e '.[test,team]' && pytest -m team)")  # fmt: skip
