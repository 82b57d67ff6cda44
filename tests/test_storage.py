"""Logs where teams keep them: rotated archives by glob, hive-partitioned Parquet, and object storage (S3)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import structlog

from conftest import SECRET, ok, run, write_structlog

JSON = structlog.processors.JSONRenderer()


def call(day: str, i: int, feature: str = "daily") -> dict:
    # gpt-4o-mini, 1,200 input of which 1,024 cached, 300 output:
    # (176 x 0.15 + 1,024 x 0.075 + 300 x 0.60) / 1M = $0.0002832 a call
    return {"event": "llm_call", "timestamp": f"{day}T10:00:{i:02d}Z", "feature": feature, "model": "gpt-4o-mini",
            "request_id": f"{day}-{feature}-{i}",
            "usage": {"prompt_tokens": 1200, "completion_tokens": 300, "prompt_tokens_details": {"cached_tokens": 1024}}}  # fmt: skip


def rotated_logs(root: Path) -> list[Path]:
    """app.log.<day>.gz, written by structlog then rotated and gzipped as logrotate does."""
    made = []
    for day, count in (("2026-11-03", 2), ("2026-11-04", 3), ("2026-10-31", 1)):
        folder = root / day
        folder.mkdir(parents=True)
        plain = write_structlog(folder / f"app.log.{day}", JSON, [call(day, i) for i in range(count)])
        packed = plain.with_name(plain.name + ".gz")
        packed.write_bytes(gzip.compress(plain.read_bytes()))
        plain.unlink()
        made.append(packed)
    return made


def test_a_glob_reads_each_matching_archive_as_its_own_source(tmp_path):
    rotated_logs(tmp_path / "logs")
    done = ok("ingest", str(tmp_path / "logs" / "2026-11-*" / "*.gz"), "-f", "json")
    files = json.loads(done.stdout)["files"]
    assert [f["rows"] for f in files] == [2, 3]  # October's file does not match
    assert [f["spend_usd_exact"] for f in files] == ["0.0005664", "0.0008496"]  # 2 and 3 x $0.0002832
    assert len(json.loads(ok("sources", "-f", "json").stdout)) == 2
    missing = run("ingest", str(tmp_path / "logs" / "2025-*" / "*.gz"))
    assert missing.exit_code == 1 and "no file matches" in missing.stderr


def test_hive_partitioned_parquet_is_read_with_its_partition_keys_as_fields(tmp_path):
    rows = [
        call(day, i, feature)
        for day in ("2026-11-03", "2026-11-04")
        for feature in ("daily", "weekly")
        for i in range(2)
    ]
    table = pa.Table.from_pylist([{**r, "day": r["timestamp"][:10]} for r in rows])
    # the feature lives only in the folder names, as a log shipper partitioning by it writes it
    pq.write_to_dataset(table, str(tmp_path / "lake"), partition_cols=["day", "feature"])
    done = ok("ingest", str(tmp_path / "lake"), "-f", "json")  # partitions are read without --recursive
    files = json.loads(done.stdout)["files"]
    assert len(files) == 4 and {f["kind"] for f in files} == {"parquet"} and sum(f["rows"] for f in files) == 8
    audit = json.loads(ok("audit", "-f", "json").stdout)
    assert {(r["feature"], r["calls"], r["cost_usd"]) for r in audit["by_feature"]} == {
        ("daily", 4, 0.001133),
        ("weekly", 4, 0.001133),
    }
    # 4 x $0.0002832 = $0.0011328, rounded to 6 decimals in JSON
    again = json.loads(ok("ingest", str(tmp_path / "lake"), "-f", "json").stdout)["files"]
    assert {f["status"] for f in again} == {"unchanged"}


def test_a_damaged_parquet_file_is_one_line(tmp_path):
    bad = tmp_path / "x.parquet"
    bad.write_bytes(b"PAR1" + b"\x00" * 64)
    done = run("ingest", str(bad))
    assert (
        done.exit_code == 1
        and "not a readable Parquet file" in done.stderr
        and len(done.stderr.strip().splitlines()) == 1
    )


def test_logs_in_s3_are_read_by_url_and_glob_with_credentials_never_shown(tmp_path, s3_server):
    for path in rotated_logs(tmp_path / "logs"):
        s3_server.put_object(Bucket="team-logs", Key=f"app/{path.parent.name}/{path.name}", Body=path.read_bytes())
    store = tmp_path / "s.duckdb"
    done = ok("ingest", "s3://team-logs/app/2026-11-*/*.gz", "--db", str(store), "-f", "json")
    files = json.loads(done.stdout)["files"]
    assert [f["file"] for f in files] == ["s3://team-logs/app/2026-11-03/app.log.2026-11-03.gz",
                                         "s3://team-logs/app/2026-11-04/app.log.2026-11-04.gz"]  # fmt: skip
    assert [f["rows"] for f in files] == [2, 3]
    listed = json.loads(ok("sources", "--db", str(store), "-f", "json").stdout)
    assert [s["path"] for s in listed] == [f["file"] for f in files]
    # a whole prefix, read again: the two known objects are unchanged, October's is new
    again = json.loads(ok("ingest", "s3://team-logs/app/", "--db", str(store), "-f", "json").stdout)["files"]
    assert [f["status"] for f in again] == ["ingested", "unchanged", "unchanged"]
    missing = run("ingest", "s3://no-such-bucket/x.log", "--db", str(store))
    assert missing.exit_code == 1 and len(missing.stderr.strip().splitlines()) == 1
    for text in (done.stdout, done.stderr, missing.stderr):
        assert SECRET not in text
    assert SECRET.encode() not in store.read_bytes()
