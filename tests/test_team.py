"""The team store: costcap on DuckLake, its catalog in a real PostgreSQL on 127.0.0.1 (or SQLite, or a DuckDB file) and
its data files in moto's S3 server on 127.0.0.1. These need `pip install '.[test,team]'` (DuckDB 1.5.5 and its
extension packages), which .ci/run installs in a venv of their own; without it they are deselected, and said so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import local_postgres
from conftest import SAMPLE_DATA, SECRET, ok, ok_json, run
from costcap import lake
from test_pull import api as fake_openai_fixture
from test_pull import serve_sample_data

pytestmark = pytest.mark.team
# what differs between two stores holding the same calls: when each source was read, and the store's own name
VOLATILE = ("ingested_at",)


@pytest.fixture(scope="session")
def postgres():
    server = local_postgres.start()
    yield server
    server.stop()


@pytest.fixture
def team_db(postgres, s3_server, monkeypatch, request):
    """A new catalog database on the PostgreSQL server and a new bucket for its data: `--db` for a team store."""
    name = f"t{abs(hash(request.node.nodeid)) % 10**9}_{os.getpid()}"
    postgres.create_database(name)
    s3_server.create_bucket(Bucket=name.replace("_", "-"))
    monkeypatch.setenv("COSTCAP_DATA_PATH", f"s3://{name.replace('_', '-')}/costcap/")
    return f"ducklake:postgres:{postgres.dsn(name)}"


def _same(doc, *names: str):
    """A command's JSON with the volatile fields dropped and the store's names made one."""
    text = json.dumps(doc, sort_keys=True)
    for name in names:
        text = text.replace(json.dumps(name)[1:-1], "STORE")
    return _without(json.loads(text))


def _without(value):
    if isinstance(value, dict):
        return {k: _without(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_without(v) for v in value]
    return value


READS = (
    ("audit",),
    ("audit", "--by", "week"),
    ("budget",),
    ("estimate", "--from-store", "daily", "--items", "600", "--models", "gpt-4o,gpt-4o-mini"),
    ("sources",),
    ("explain", "--last", "5"),
    ("explain", "--feature", "weekly"),
)


def test_every_command_gives_the_same_json_on_a_team_store_as_on_a_file_store(team_db, tmp_path):
    file_db = str(tmp_path / "file.duckdb")
    shown = lake.target(team_db, None).shown
    for db in (file_db, team_db):
        ok("ingest", SAMPLE_DATA, "--db", db)
    for args in READS:
        assert _same(ok_json(*args, "--db", team_db), shown) == _same(ok_json(*args, "--db", file_db), file_db), args
    # a second ingest of the same files adds nothing to either
    again = [ok_json("ingest", SAMPLE_DATA, "--db", db) for db in (file_db, team_db)]
    assert _same(again[1], shown) == _same(again[0], file_db)
    assert {f["status"] for f in again[1]["files"]} == {"unchanged"}
    # the report is the same page, bar the store's name
    pages = []
    for db, name in ((file_db, file_db), (team_db, shown)):
        ok("report", "--db", db, "--output", tmp_path / "page.html")
        pages.append((tmp_path / "page.html").read_text().replace(name, "STORE"))
    assert _strip_times(pages[0]) == _strip_times(pages[1])
    # forget: the same calls go, and what remains reads the same
    gone = [ok_json("forget", SAMPLE_DATA / "web_app.jsonl", "--db", db) for db in (file_db, team_db)]
    assert _same(gone[1], shown) == _same(gone[0], file_db)
    assert _same(ok_json("audit", "--db", team_db), shown) == _same(ok_json("audit", "--db", file_db), file_db)


def _strip_times(page: str) -> str:
    import re

    return re.sub(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?( UTC)?", "TIME", page)


@pytest.mark.parametrize("catalog", ["sqlite:team.sqlite", "team.ducklake"])
def test_a_catalog_for_one_machine_in_sqlite_or_a_duckdb_file(catalog, tmp_path):
    file_db = str(tmp_path / "file.duckdb")
    team_db = f"ducklake:{catalog}"
    for db in (file_db, team_db):
        ok("ingest", SAMPLE_DATA, "--db", db)
    assert _same(ok_json("audit", "--db", team_db), team_db) == _same(ok_json("audit", "--db", file_db), file_db)
    # with no data path given, DuckLake keeps the data files in a folder beside the catalog
    assert any(p.suffix == ".parquet" for p in tmp_path.rglob("*")), sorted(tmp_path.iterdir())


def test_a_command_that_only_reads_writes_nothing_to_the_team_store(team_db):
    ok("ingest", SAMPLE_DATA, "--db", team_db)
    before = _snapshots(team_db)
    for args in READS:
        ok(*args, "--db", team_db)
    assert _snapshots(team_db) == before


def _snapshots(team_db: str) -> int:
    return int(ok("sql", "SELECT count(*) AS n FROM ducklake_snapshots('lake')", "--db", team_db, "--format", "csv")
               .stdout.splitlines()[1])  # fmt: skip


def _write_logs(folder: Path, files: dict[str, range]) -> list[Path]:
    """Structlog JSON logs, file name -> the calls it holds: call i of a name (the file name up to its first "-") is
    the same record wherever it is written, so two machines can hold one file, or files that share calls."""
    import structlog

    from conftest import write_structlog

    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for file, ids in files.items():
        name = file.split("-")[0] if file.endswith("-tail") else file
        events = [{"event": "llm_call", "feature": name.split("-")[0], "model": "gpt-4o-mini-2024-07-18",
                   "input_tokens": 100 + i, "output_tokens": 10 + i % 7, "cached_tokens": 0,
                   "request_id": f"{name}-{i}", "timestamp": f"2026-11-0{1 + i % 7}T10:{i % 60:02d}:00Z"}
                  for i in ids]  # fmt: skip
        made.append(write_structlog(folder / f"{file}.jsonl", structlog.processors.JSONRenderer(), events))
    return made


def _costcap(*args, cwd: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "costcap", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


RACES = int(os.environ.get("COSTCAP_TEAM_RACES", "3"))  # COSTCAP_TEAM_RACES=10 for the ten-in-a-row check


@pytest.mark.parametrize("race", range(RACES))
def test_two_machines_ingesting_at_once_store_each_call_and_each_source_once(race, team_db, tmp_path):
    """Two processes, each in its own folder (a machine), ingest at the same moment into a brand-new catalog: a file
    only A has, one only B has, two files both have (the same content at different paths), and on B the tail of A's
    file (a different file whose first 100 calls A's holds, by request id). Afterwards the store reads as one
    machine ingesting everything in turn."""
    every = range(300)
    a = _write_logs(tmp_path / "a", {"alpha": every, "shared-1": every, "shared-2": every})
    b = _write_logs(
        tmp_path / "b", {"beta": every, "shared-1": every, "shared-2": every, "alpha-tail": range(200, 400)}
    )
    env = os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("COSTCAP_DB", None)
    writers = [_costcap("ingest", *files, "--db", team_db, "-f", "json", cwd=files[0].parent, env=env)
               for files in (a, b)]  # fmt: skip
    ended = [w.communicate(timeout=300) for w in writers]
    for writer, (out, err) in zip(writers, ended, strict=True):
        assert writer.returncode == 0, err
        assert SECRET not in out + err and local_postgres.PASSWORD not in out + err
    one = str(tmp_path / "one.duckdb")
    ok("ingest", *a, *b, "--db", one)
    shown = lake.target(team_db, None).shown
    # which machine's path a shared file is known by depends on who committed first: the folders are made one
    machines = (str(tmp_path / "a"), str(tmp_path / "b"))
    for args in (("audit",), ("budget",), ("explain", "--feature", "shared")):
        assert _same(ok_json(*args, "--db", team_db), shown, *machines) == _same(
            ok_json(*args, "--db", one), one, *machines
        ), args
    # each call once: 4 distinct files x 300 calls, and the tail's 100 calls past A's (alpha-300 to alpha-399);
    # each content once (a second path of it is a copy, not a source)
    assert _sql(team_db, "SELECT count(*) FROM calls") == 1300
    assert _sql(team_db, "SELECT count(DISTINCT sha256) FROM sources") == _sql(team_db, "SELECT count(*) FROM sources")
    assert _sql(team_db, "SELECT count(*) FROM sources") == 5
    # the aggregates the commands read equal a recount from the calls
    assert _sql(team_db, "SELECT sum(calls) FROM call_groups") == 1300
    assert _sql(team_db, "SELECT sum(input_tokens) FROM call_groups") == _sql(
        team_db, "SELECT sum(input_tokens) FROM calls"
    )
    # by hand: sum(100..399) = 300 x (100 + 399) / 2 = 74,850 per whole file; the tail adds sum(400..499) = 44,950
    assert _sql(team_db, "SELECT sum(input_tokens) FROM calls") == 4 * 74_850 + 44_950


def _sql(db: str, query: str) -> int:
    found = ok("sql", query, "--db", db, "--format", "csv").stdout.splitlines()
    return int(float(found[1]))


def _losing(monkeypatch, races: int) -> None:
    """The next `races` write transactions lose the commit race (as if another writer always committed first): each
    is rolled back and a WriteConflict raised where the commit would be."""
    from contextlib import contextmanager

    from costcap import store

    real = store.Store.transaction
    left = [races]

    def transaction(self, commit=True, what="a change"):
        if not commit or left[0] == 0:
            return real(self, commit=commit, what=what)
        left[0] -= 1

        @contextmanager
        def lost():
            with real(self, commit=False, what=what):
                yield self
            raise store.WriteConflict(f"{self.path}: another writer committed first")

        return lost()

    monkeypatch.setattr(store.Store, "transaction", transaction)


def test_a_writer_that_keeps_losing_the_commit_race_says_so_in_one_line(team_db, monkeypatch):
    ok("ingest", SAMPLE_DATA / "web_app.jsonl", "--db", team_db)
    monkeypatch.setattr(lake, "WRITE_TRIES", 3)
    _losing(monkeypatch, races=3)
    started = time.monotonic()
    result = run("ingest", SAMPLE_DATA / "batch_output.jsonl", "--db", team_db)
    assert result.exit_code == 1
    assert "other writers committed first 3 times in a row; nothing from this run was stored" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and time.monotonic() - started < 30
    monkeypatch.undo()
    assert _sql(team_db, "SELECT count(*) FROM sources") == 1


def test_a_writer_that_loses_once_runs_again_and_says_so(team_db, monkeypatch):
    ok("ingest", SAMPLE_DATA / "web_app.jsonl", "--db", team_db)
    _losing(monkeypatch, races=1)
    result = ok("ingest", SAMPLE_DATA / "batch_output.jsonl", "--db", team_db, "-f", "json")
    assert "another writer committed first; this run's change was made again on what it stored (1 time)" in (
        result.stderr)  # fmt: skip
    assert [f["rows"] for f in json.loads(result.stdout)["files"]] == [140]  # sample_data's 140 Batch lines, once
    monkeypatch.undo()
    assert _sql(team_db, "SELECT count(*) FROM calls") == 770 + 140


def test_a_catalog_that_cannot_be_reached_or_refuses_the_password_is_one_line_with_no_secret(postgres, tmp_path):
    name = postgres.create_database("refusals")
    cases = {
        "cannot reach the catalog's server (127.0.0.1:1)": postgres.dsn(name).replace(
            f"port={postgres.port}", "port=1"
        ),
        "refused these credentials": postgres.dsn(name, password="wrong-password-never-shown"),
        "the catalog's database does not exist": postgres.dsn("no_such_db"),
        # libpq's URI form, with the password in it
        "server (127.0.0.1:1); start it or check host=": f"postgresql://costcap:{local_postgres.PASSWORD}@127.0.0.1:1/x",
    }
    for said, dsn in cases.items():
        result = run("audit", "--db", f"ducklake:postgres:{dsn}")
        assert result.exit_code == 1, result.output
        assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        for secret in (local_postgres.PASSWORD, "wrong-password-never-shown"):
            assert secret not in result.stdout + result.stderr
    # a catalog database no extension package serves is named, with what is
    result = run("audit", "--db", f"ducklake:mysql:db=costcap host=127.0.0.1 password={local_postgres.PASSWORD}")
    assert (
        "ducklake:mysql:db=costcap host=127.0.0.1: costcap keeps a team store's catalog in PostgreSQL" in result.stderr
    )
    assert local_postgres.PASSWORD not in result.stderr


def test_a_missing_bucket_is_one_line_and_nothing_is_stored(postgres, s3_server, monkeypatch):
    name = postgres.create_database("nobucket")
    monkeypatch.setenv("COSTCAP_DATA_PATH", "s3://no-such-bucket/costcap/")
    db = f"ducklake:postgres:{postgres.dsn(name)}"
    result = run("ingest", SAMPLE_DATA, "--db", db)
    assert result.exit_code == 1
    assert "s3://no-such-bucket/costcap/ (the bucket does not exist)" in result.stderr, result.stderr
    assert SECRET not in result.stderr and local_postgres.PASSWORD not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    # the schema was made before the ingest failed: the store is there, and holds no call
    assert "the store is empty" in run("audit", "--db", db).stderr


def test_a_store_of_the_wrong_kind_is_refused_untouched(tmp_path):
    ok("ingest", SAMPLE_DATA / "web_app.jsonl", "--db", "plain.duckdb")
    before = (tmp_path / "plain.duckdb").read_bytes()
    result = run("audit", "--db", "ducklake:plain.duckdb")
    assert result.exit_code == 1 and "a costcap file store: use it with --db plain.duckdb" in result.stderr
    assert (tmp_path / "plain.duckdb").read_bytes() == before
    (tmp_path / "notes.txt").write_text("not a database\n")
    assert "not a DuckLake catalog (not a DuckDB file)" in run("audit", "--db", "ducklake:notes.txt").stderr


def test_the_team_store_is_named_by_costcap_toml_and_the_environment(team_db, tmp_path, monkeypatch):
    data_path = os.environ["COSTCAP_DATA_PATH"]
    monkeypatch.delenv("COSTCAP_DATA_PATH")
    monkeypatch.delenv("COSTCAP_DB")
    (tmp_path / "costcap.toml").write_text(f'[store]\npath = "{team_db}"\ndata_path = "{data_path}"\n')
    ok("ingest", SAMPLE_DATA / "web_app.jsonl")
    assert ok_json("audit")["attributed"]["calls"] == 770
    monkeypatch.setenv("COSTCAP_DB", team_db)
    (tmp_path / "costcap.toml").write_text(f'[store]\ndata_path = "{data_path}"\n')
    assert ok_json("audit")["attributed"]["calls"] == 770


def test_a_file_store_moves_to_a_team_store_by_export_and_import(team_db, tmp_path):
    ok("ingest", SAMPLE_DATA, "--db", "file.duckdb")
    ok("export", "moved", "--db", "file.duckdb")
    ok("import", "moved", "--db", team_db)
    shown = lake.target(team_db, None).shown
    for args in READS:
        assert _same(ok_json(*args, "--db", team_db), shown) == _same(ok_json(*args, "--db", "file.duckdb"),
                                                                        "file.duckdb"), args  # fmt: skip
    # a second import would count every call twice: refused
    assert "holds 5 sources already" in run("import", "moved", "--db", team_db).stderr
    # doctor names the team store without its password, its data path and what it holds
    checks = {c["check"]: c for c in ok_json("doctor", "--db", team_db)["checks"]}
    assert checks["data path"]["found"] == os.environ["COSTCAP_DATA_PATH"]
    assert checks["calls"]["found"].startswith("1,203")
    assert local_postgres.PASSWORD not in json.dumps(checks)


api = fake_openai_fixture  # the fake OpenAI on 127.0.0.1, as test_pull serves it


def test_pull_writes_to_a_team_store_as_to_a_file_store(team_db, api):
    """The Usage and Costs API pages (a fake OpenAI on 127.0.0.1, through the real openai client) into both stores;
    pulled twice, the second replacing the first's buckets in each."""
    shown = lake.target(team_db, None).shown
    for _ in range(2):
        serve_sample_data(api)
        pulled = [ok_json("pull", "--since", "2026-11-01", "--until", "2026-11-07", "--base-url", api.url, "--db", db)
                  for db in ("file.duckdb", team_db)]  # fmt: skip
        assert _same(pulled[1], shown) == _same(pulled[0], "file.duckdb")
    assert _same(ok_json("audit", "--db", team_db), shown) == _same(ok_json("audit", "--db", "file.duckdb"),
                                                                      "file.duckdb")  # fmt: skip
    assert SECRET not in json.dumps(pulled)
