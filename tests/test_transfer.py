"""`costcap export` and `costcap import`: a store's content as Parquet files and back, exactly."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq

from conftest import SAMPLE_DATA, ok, ok_json, run


def test_an_exported_store_imported_into_a_new_one_reads_the_same(tmp_path):
    ok("ingest", SAMPLE_DATA, "--db", "a.duckdb")
    exported = ok_json("export", "out", "--db", "a.duckdb")
    counts = {t["table"]: t["rows"] for t in exported["tables"]}
    # sample_data: 5 files, 1,203 calls (140 Batch lines + 293 + 770 log calls), 31 usage rows, 7 cost rows
    assert (counts["sources"], counts["calls"], counts["usage"], counts["costs"]) == (5, 1203, 31, 7)
    loaded = ok_json("import", "out", "--db", "b.duckdb")
    assert {t["table"]: t["rows"] for t in loaded["tables"]} == {k: v for k, v in counts.items() if k != "meta"}
    for args in (("audit",), ("budget",), ("sources",), ("explain", "--last", "5"),
                 ("estimate", "--from-store", "daily", "--items", "600")):  # fmt: skip
        assert ok_json(*args, "--db", "b.duckdb") == ok_json(*args, "--db", "a.duckdb"), args


def test_a_sum_past_a_double_survives_the_export_exactly(tmp_path):
    """Parquet has no 128-bit integer: a HUGEINT column is written as DECIMAL(38,0), never as a rounded double."""
    ok("ingest", SAMPLE_DATA / "web_app.jsonl", "--db", "a.duckdb")
    big = 2**53 + 1  # 9,007,199,254,740,993: a double would store ...992
    with duckdb.connect("a.duckdb") as con:
        con.execute("UPDATE call_groups SET output_squares = $big", {"big": big})
    ok("export", "out", "--db", "a.duckdb")
    assert (
        str(pq.read_schema(tmp_path / "out" / "call_groups.parquet").field("output_squares").type)
        == "decimal128(38, 0)"
    )
    ok("import", "out", "--db", "b.duckdb")
    with duckdb.connect("b.duckdb", read_only=True) as con:
        assert con.execute("SELECT DISTINCT output_squares FROM call_groups").fetchall() == [(big,)]


def test_import_refuses_a_store_that_holds_sources_and_leaves_it_unchanged(tmp_path):
    ok("ingest", SAMPLE_DATA / "web_app.jsonl", "--db", "a.duckdb")
    ok("export", "out", "--db", "a.duckdb")
    before = (tmp_path / "a.duckdb").read_bytes()
    result = run("import", "out", "--db", "a.duckdb")
    assert result.exit_code == 1 and "a.duckdb: holds 1 source already" in result.stderr
    assert "import into a store that holds nothing yet" in result.stderr
    assert (tmp_path / "a.duckdb").read_bytes() == before


def test_export_and_import_refuse_the_wrong_folder_in_one_line(tmp_path):
    ok("ingest", SAMPLE_DATA / "web_app.jsonl", "--db", "a.duckdb")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine\n")
    said = run("export", "full", "--db", "a.duckdb")
    assert said.exit_code == 1 and "exists and is not an empty folder" in said.stderr
    assert (tmp_path / "full" / "notes.txt").read_text() == "mine\n"
    said = run("import", "full", "--db", "b.duckdb")
    assert said.exit_code == 1 and "has no meta.parquet" in said.stderr and not (tmp_path / "b.duckdb").exists()
    ok("export", "out", "--db", "a.duckdb")
    with duckdb.connect() as con:
        con.execute("COPY (SELECT 'schema_version' AS key, '99' AS value) TO 'out/meta.parquet' (FORMAT parquet)")
    said = run("import", "out", "--db", "b.duckdb")
    assert said.exit_code == 1 and "schema version 99" in said.stderr and not (tmp_path / "b.duckdb").exists()


def test_an_export_file_cut_short_is_one_line_and_nothing_is_imported(tmp_path):
    ok("ingest", SAMPLE_DATA / "web_app.jsonl", "--db", "a.duckdb")
    ok("export", "out", "--db", "a.duckdb")
    calls = tmp_path / "out" / "calls.parquet"
    calls.write_bytes(calls.read_bytes()[:300])
    said = run("import", "out", "--db", "b.duckdb")
    assert said.exit_code == 1 and "calls.parquet: cannot be loaded" in said.stderr, said.stderr
    assert "Traceback" not in said.stderr and len(said.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "b.duckdb").exists()
