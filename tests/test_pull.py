"""`costcap pull`: the real openai SDK against a local server on 127.0.0.1 serving pages shaped like the API's."""

from __future__ import annotations

import csv
import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest

from conftest import SAMPLE_DATA, ok, ok_json, run
from costcap.endpoints import ENDPOINTS

SECRET = "sk-admin-TESTKEY-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
USAGE_CSV = SAMPLE_DATA / "completions_usage_2026-11-01_2026-11-07.csv"
COST_CSV = SAMPLE_DATA / "cost_2026-11-01_2026-11-07.csv"


class FakeOpenAI:
    """Serves queued responses per path, in order, the last one repeating; records every request."""

    def __init__(self):
        self.routes: dict[str, list[tuple[int, dict, str]]] = {}
        self.seen: list[dict] = []
        self.trickle: float | None = None  # seconds between the bytes of every answer
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlparse(self.path)
                fake.seen.append(
                    {"path": url.path, "query": parse_qs(url.query), "auth": self.headers.get("Authorization")}
                )
                queue = fake.routes.get(url.path) or [(404, {}, "{}")]
                if url.path not in fake.routes and url.path.startswith("/v1/organization/usage/"):
                    queue = [(200, {}, page([], None))]  # an endpoint with nothing used in the range
                status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
                if callable(body):
                    body = body(parse_qs(url.query))
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                if fake.trickle:
                    for byte in body.encode():
                        if not fake.trickle:  # the test is over
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(fake.trickle)
                    return
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def api(monkeypatch):
    fake = FakeOpenAI()
    monkeypatch.setenv("OPENAI_ADMIN_KEY", SECRET)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    yield fake
    fake.trickle = None
    fake.server.shutdown()


def buckets(path: Path, to_result) -> list[dict]:
    """The CSV export's rows as the API's buckets, one per day, in order."""
    days: dict[int, dict] = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            start = int(row["start_time"])
            bucket = days.setdefault(
                start, {"object": "bucket", "start_time": start, "end_time": int(row["end_time"]), "results": []}
            )
            if row.get("model") or row.get("amount_value"):
                bucket["results"].append(to_result(row))
    return [days[k] for k in sorted(days)]


def usage_result(row: dict) -> dict:
    whole = lambda name: int(float(row[name] or 0))  # noqa: E731
    return {
        "object": "organization.usage.completions.result", "num_model_requests": whole("num_model_requests"),
        "input_tokens": whole("input_tokens"), "output_tokens": whole("output_tokens"),
        "input_cached_tokens": whole("input_cached_tokens"), "project_id": row["project_id"] or None,
        "user_id": row["user_id"] or None, "api_key_id": row["api_key_id"] or None, "model": row["model"],
        "batch": row["batch"] == "True", "service_tier": row["service_tier"] or None,
    }  # fmt: skip


def cost_result(row: dict) -> dict:
    return {"object": "organization.costs.result", "amount": {"value": row["amount_value"], "currency": "usd"},
            "line_item": row["line_item"] or None, "project_id": row["project_id"] or None,
            "organization_id": row["organization_id"] or None}  # fmt: skip


def page(data: list[dict], cursor: str | None) -> str:
    return json.dumps({"object": "page", "data": data, "has_more": cursor is not None, "next_page": cursor}, indent=2)


def cost_page_with_numbers() -> str:
    """The costs page, half of the amounts as JSON numbers with every digit of the CSV, half as strings."""
    text = page(buckets(COST_CSV, cost_result), None)
    for i, bucket in enumerate(buckets(COST_CSV, cost_result)):
        value = bucket["results"][0]["amount"]["value"]
        if i % 2:
            text = text.replace(json.dumps(value), value.rstrip("0"))  # a bare number: 0.6438107
    return text


def serve_sample_data(api: FakeOpenAI) -> None:
    usage = buckets(USAGE_CSV, usage_result)
    api.routes["/v1/organization/usage/completions"] = [
        (200, {}, lambda q: page(usage[4:], None) if q.get("page") == ["cursor-2"] else page(usage[:4], "cursor-2"))
    ]
    api.routes["/v1/organization/costs"] = [
        (429, {"retry-after-ms": "10"}, json.dumps({"error": {"message": "Rate limit reached", "type": "requests"}})),
        (200, {}, cost_page_with_numbers()),
    ]


def test_pull_then_audit_equals_the_audit_of_the_csv_exports(api):
    serve_sample_data(api)
    pulled = ok_json("pull", "--since", "2026-11-01", "--until", "2026-11-07", "--base-url", api.url)
    assert [f["kind"] for f in pulled["files"]] == ["usage-api-json", "usage-api-json"]
    logs = [SAMPLE_DATA / "web_app.jsonl", SAMPLE_DATA / "report_worker.log.gz", SAMPLE_DATA / "batch_output.jsonl"]
    ok("ingest", *logs)
    from_api = ok_json("audit")
    from_csv = ok_json("audit", *logs, USAGE_CSV, COST_CSV)
    assert from_api == from_csv
    # two usage pages (the second asked for with the cursor), one 429 on costs and then the page
    paths = [(s["path"].rsplit("/", 1)[-1], s["query"].get("page")) for s in api.seen]
    others = [(e.name, None) for e in ENDPOINTS[1:]]  # every other usage endpoint, each one empty page
    assert paths == [("completions", None), ("completions", ["cursor-2"]), *others, ("costs", None), ("costs", None)]
    assert all(s["auth"] == f"Bearer {SECRET}" for s in api.seen)
    first = api.seen[0]["query"]
    assert first["start_time"] == ["1793491200"] and first["end_time"] == [
        "1794096000"
    ]  # 2026-11-01 to 2026-11-08 00:00 UTC
    assert first["bucket_width"] == ["1d"] and first["limit"] == ["31"]


def test_amounts_keep_every_digit_whether_string_or_number(api):
    serve_sample_data(api)
    ok("pull", "--since", "2026-11-01", "--until", "2026-11-07", "--base-url", api.url)
    with open(COST_CSV, newline="") as fh:
        exact = sum(Decimal(r["amount_value"]) for r in csv.DictReader(fh))
    con = duckdb.connect("costcap.duckdb", read_only=True)
    assert con.execute("SELECT sum(amount) FROM costs").fetchone()[0] == exact
    con.close()


def test_pulling_an_overlapping_range_replaces_its_buckets(api):
    serve_sample_data(api)
    args = ("pull", "--since", "2026-11-01", "--until", "2026-11-07", "--base-url", api.url)
    ok(*args)
    first = ok_json("audit")
    serve_sample_data(api)
    again = ok_json(*args)
    assert [f["status"] for f in again["files"]] == ["unchanged", "unchanged"]
    ok("ingest", USAGE_CSV, COST_CSV)  # the same days from the dashboard export replace the pulled rows
    serve_sample_data(api)
    ok(*args, "--save", "pages")  # and a pull of the same range replaces those in turn
    assert ok_json("audit")["billed"] == first["billed"]
    assert sorted(p.name for p in Path("pages").iterdir()) == [
        "costs_api_2026-11-01_2026-11-07.jsonl", "usage_api_2026-11-01_2026-11-07.jsonl"]  # fmt: skip


def test_saved_pages_ingest_like_the_exports(api, tmp_path):
    usage = buckets(USAGE_CSV, usage_result)
    (tmp_path / "usage.json").write_text(page(usage, None))  # pretty-printed, as saved from a browser
    (tmp_path / "costs.jsonl").write_text(" ".join(cost_page_with_numbers().splitlines()) + "\n")
    doc = ok_json("ingest", tmp_path / "usage.json", tmp_path / "costs.jsonl")
    by_csv = ok_json("ingest", USAGE_CSV, COST_CSV, "--db", ":memory:")
    assert [f["spend_usd_exact"] for f in doc["files"]] == [f["spend_usd_exact"] for f in by_csv["files"]]


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_names_the_variable_and_never_the_key(api, status):
    body = json.dumps(
        {"error": {"message": f"Incorrect API key provided: {SECRET[:10]}...{SECRET[-4:]}", "code": "invalid_api_key"}}
    )
    api.routes["/v1/organization/usage/completions"] = [(status, {}, body)]
    result = run("pull", "--since", "2026-11-01", "--base-url", api.url)
    assert result.exit_code == 1
    assert "OPENAI_ADMIN_KEY" in result.stderr and "Admin key" in result.stderr and "Traceback" not in result.output
    assert SECRET[-4:] not in result.output and SECRET[:10] not in result.output


def test_the_key_appears_nowhere(api, tmp_path):
    serve_sample_data(api)
    result = ok("pull", "--since", "2026-11-01", "--until", "2026-11-07", "--base-url", api.url, "--save", "pages")
    audit = ok("audit", "--format", "json")
    written = [Path("costcap.duckdb").read_bytes()] + [p.read_bytes() for p in Path("pages").iterdir()]
    assert written[0] and all(SECRET.encode() not in blob and b"TESTKEY" not in blob for blob in written)
    for text in (result.stdout, result.stderr, audit.stdout, audit.stderr):
        assert "TESTKEY" not in text


def test_missing_key_and_bad_options(api, monkeypatch):
    monkeypatch.delenv("OPENAI_ADMIN_KEY")
    missing = run("pull", "--since", "2026-11-01", "--base-url", api.url)
    assert missing.exit_code == 1 and "$OPENAI_ADMIN_KEY is not set" in missing.stderr
    monkeypatch.setenv("MY_KEY", SECRET)
    assert run("pull", "--since", "2026-11-01", "--admin-key-env", "MY_KEY", "--group-by", "colour").exit_code == 1
    assert run("pull").exit_code == 1
    assert run("pull", "--since", "2026-11-05", "--until", "2026-11-01", "--admin-key-env", "MY_KEY").exit_code == 1
    assert api.seen == []  # nothing was sent


def test_pull_fetches_every_endpoint_with_the_groups_it_accepts(api):
    serve_sample_data(api)
    search = {"object": "organization.usage.web_searches.result", "num_model_requests": 5, "num_requests": 7,
              "context_level": "medium", "model": "gpt-4o-2024-08-06", "project_id": None, "user_id": None,
              "api_key_id": None}  # fmt: skip
    day = {"object": "bucket", "start_time": 1793491200, "end_time": 1793577600, "results": [search]}
    api.routes["/v1/organization/usage/web_search_calls"] = [(200, {}, page([day], None))]
    ok("pull", "--since", "2026-11-01", "--until", "2026-11-07", "--base-url", api.url)
    con = duckdb.connect("costcap.duckdb", read_only=True)
    kept = dict(con.execute("SELECT endpoint, count(*) FROM usage GROUP BY endpoint").fetchall())
    con.close()
    assert kept["web_search_calls"] == 1 and kept["completions"] > 1  # the search bucket replaced nothing
    asked = {s["path"].rsplit("/", 1)[-1]: s["query"].get("group_by[]", s["query"].get("group_by")) for s in api.seen}
    assert asked["vector_stores"] == ["project_id"]
    assert asked["web_search_calls"] == ["model", "project_id", "api_key_id", "context_level"]


def test_a_cursor_that_never_repeats_stops_at_what_the_range_can_hold(api):
    serve_sample_data(api)
    count = [0]

    def runaway(query):
        count[0] += 1
        return page([], f"cursor-{count[0]}")  # always one more page, never the same cursor

    api.routes["/v1/organization/usage/completions"] = [(200, {}, runaway)]
    result = run("pull", "--since", "2026-11-01", "--until", "2026-11-07", "--base-url", api.url)
    assert result.exit_code == 1 and "more pages than the range has buckets" in result.stderr
    assert count[0] <= 8  # 7 daily buckets, so at most 8 pages
    assert not Path("costcap.duckdb").exists() or ok_json("audit")["billed"]["cost_usd"] is None


def test_a_server_that_trickles_is_given_up_on(api):
    serve_sample_data(api)
    api.trickle = 0.5  # one byte every half second: a read timeout never fires
    result = run("pull", "--since", "2026-11-01", "--until", "2026-11-07", "--base-url", api.url, "--timeout", "2")
    assert (
        result.exit_code == 1
        and "no complete answer from http://127.0.0.1" in result.stderr
        and "within 2 s" in result.stderr
    )
    assert "Traceback" not in result.output


def test_save_onto_a_file_is_refused_before_any_request(api, tmp_path):
    serve_sample_data(api)
    (tmp_path / "pages").write_text("not a folder")
    result = run("pull", "--since", "2026-11-01", "--base-url", api.url, "--save", str(tmp_path / "pages"))
    assert result.exit_code == 1 and "a file is there" in result.stderr
    assert api.seen == []


@pytest.mark.parametrize("cursor", [5, {"token": "x"}, ""])
def test_a_page_whose_next_page_is_not_a_cursor_is_one_line(api, cursor):
    serve_sample_data(api)
    body = json.dumps({"object": "page", "data": [], "has_more": True, "next_page": cursor})
    api.routes["/v1/organization/usage/completions"] = [(200, {}, body)]
    result = run("pull", "--since", "2026-11-01", "--until", "2026-11-07", "--base-url", api.url)
    assert result.exit_code == 1 and "next_page" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_an_admin_key_that_is_not_ascii_is_one_line_and_never_shown(api, monkeypatch):
    monkeypatch.setenv("OPENAI_ADMIN_KEY", f"sk-admin-{SECRET}\u2019")  # a curly quote pasted with the key
    result = run("pull", "--since", "2026-11-01", "--base-url", api.url)
    assert result.exit_code == 1 and "printable ASCII" in result.stderr and SECRET not in result.output
    assert not api.seen  # refused before any request


def test_a_costs_page_amount_with_36_decimals_is_rounded_not_refused(api):
    serve_sample_data(api)
    amount = "0.643810712345678901234567890123456789"  # the 18 decimals kept: 0.643810712345678901 (next digit 2: down)
    text = json.dumps(
        {
            "object": "page",
            "has_more": False,
            "next_page": None,
            "data": [
                {
                    "object": "bucket",
                    "start_time": 1793491200,
                    "end_time": 1793577600,
                    "results": [
                        {"object": "organization.costs.result", "amount": {"value": amount, "currency": "usd"}}
                    ],
                }
            ],
        }
    )
    api.routes["/v1/organization/costs"] = [(200, {}, text.replace(f'"{amount}"', amount))]  # a bare JSON number
    result = ok("pull", "--since", "2026-11-01", "--until", "2026-11-01", "--base-url", api.url)
    assert "rounded the rest half to even" in result.stderr
    con = duckdb.connect("costcap.duckdb", read_only=True)
    assert con.execute("SELECT amount FROM costs").fetchall() == [(Decimal("0.643810712345678901"),)]
    con.close()
