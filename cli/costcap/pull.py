"""Fetch usage and costs from OpenAI's Usage and Costs APIs with the official SDK, and store them like the CSV exports."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import monotonic

from costcap import redact, userfile
from costcap.endpoints import ENDPOINTS, Endpoint
from costcap.errors import CostcapError
from costcap.ingest import FileResult, Request, ingest
from costcap.ingest.readers import api_pages
from costcap.ingest.records import Options
from costcap.store import Store
from costcap.waits import Limits, within

USAGE_GROUPS = ("model", "project_id", "api_key_id", "batch", "service_tier", "user_id")
COST_GROUPS = ["line_item", "project_id"]
BUCKET_LIMITS = {"1d": 31, "1h": 168}  # the most buckets one page may hold
COST_LIMIT = 180
DEFAULT_KEY_ENV = "OPENAI_ADMIN_KEY"
REQUEST_DEADLINE_S = 300.0  # one request, the SDK's retries included: a server that trickles bytes is given up on
Progress = Callable[[int, int], None]


@dataclass
class PullRequest:
    since: date
    until: date | None = None
    bucket: str = "1d"
    group_by: list[str] = field(default_factory=lambda: ["model", "project_id", "api_key_id", "batch", "service_tier"])
    key_env: str = DEFAULT_KEY_ENV
    base_url: str | None = None
    save_dir: Path | None = None
    max_retries: int = 5
    request_deadline_s: float = REQUEST_DEADLINE_S
    limits: Limits = field(default_factory=Limits)  # connect and read timeouts, and the whole pull's

    def check(self, today: date) -> None:
        if self.bucket not in BUCKET_LIMITS:
            raise CostcapError(f"--bucket {self.bucket!r}: use 1d or 1h")
        unknown = [g for g in self.group_by if g not in USAGE_GROUPS]
        if unknown:
            raise CostcapError(f"--group-by {unknown[0]!r}: use any of {', '.join(USAGE_GROUPS)}")
        if self.until and self.until < self.since:
            raise CostcapError(f"--until {self.until} is before --since {self.since}: swap them")
        if self.since > today:
            raise CostcapError(f"--since {self.since} is in the future")
        if self.save_dir is not None and self.save_dir.exists() and not self.save_dir.is_dir():
            raise CostcapError(f"--save {self.save_dir}: a file is there; name a folder (it is created if missing)")

    def range(self, now: datetime) -> tuple[datetime, datetime]:
        """[start, end) in UTC: whole days from --since to --until inclusive, or up to now."""
        start = datetime.combine(self.since, time(0))
        end = datetime.combine(self.until + timedelta(days=1), time(0)) if self.until else now
        return start, min(end, now)


def pull(store: Store, request: PullRequest, progress: Progress | None = None) -> list[FileResult]:
    """Fetch every usage endpoint and the costs page by page, then store them in one transaction, replacing the range
    they cover."""
    now = datetime.now(UTC).replace(tzinfo=None)
    request.check(now.date())
    start, end = request.range(now)
    client = _client(request)
    if request.save_dir is not None:
        try:
            request.save_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CostcapError(f"--save {request.save_dir}: cannot create the folder ({exc.strerror})") from None
    fetch = _Fetcher(request, progress, _expected_pages(request, start, end), _buckets(request, start, end))
    usage = []
    for endpoint in ENDPOINTS:  # every endpoint, so no part of the bill is missing from the usage
        usage += fetch.pages(f"usage/{endpoint.name}", getattr(client.admin.organization.usage.with_raw_response, endpoint.name),
                             _unix(start), _unix(end), _usage_params(request, endpoint))  # fmt: skip
    costs = fetch.pages("costs", client.admin.organization.usage.with_raw_response.costs, _unix(start), _unix(end),
                        {"bucket_width": "1d", "group_by": COST_GROUPS, "limit": COST_LIMIT})  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="costcap-pull-") as spool:
        folder = request.save_dir or Path(spool)
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{start:%Y-%m-%d}_{(end - timedelta(seconds=1)):%Y-%m-%d}"
        paths = [_write(folder / f"usage_api_{stem}.jsonl", usage), _write(folder / f"costs_api_{stem}.jsonl", costs)]
        wanted = Request([str(p) for p in paths], api_pages.KIND, Options(), replace_range=(start, end))
        results = ingest(store, wanted)
    if request.save_dir is None:
        for result, api in zip(results, ("Usage", "Costs"), strict=False):
            result.path = f"OpenAI {api} API, {stem.replace('_', ' to ')}"
    return results


def _usage_params(request: PullRequest, endpoint: Endpoint) -> dict:
    """The asked grouping where the endpoint accepts it; always by model where it has one, so buckets can be priced."""
    groups = [g for g in request.group_by if g in endpoint.groups]
    groups += [g for g in endpoint.groups if g in ("model", "size", "context_level") and g not in groups]
    return {"bucket_width": request.bucket, "group_by": groups, "limit": BUCKET_LIMITS[request.bucket]}


def _client(request: PullRequest):
    key = os.environ.get(request.key_env)
    if not key:
        raise CostcapError(
            f"${request.key_env} is not set: put an OpenAI Admin key (sk-admin-...) in it, or name another variable"
            " with --admin-key-env"
        )
    redact.remember(key)
    if not key.isascii() or not key.isprintable():
        raise CostcapError(f"${request.key_env} holds characters no API key has (only printable ASCII): paste the "
                           "Admin key again, without quotes or spaces")  # fmt: skip
    import openai

    redact.remember(key)
    # the SDK's debug logging prints request options; the key must never reach a log
    for name in ("openai", "httpx", "httpx2", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return openai.OpenAI(
        api_key="not-used-by-costcap", admin_api_key=key, base_url=request.base_url, max_retries=request.max_retries,
        timeout=openai.Timeout(request.limits.read_s, connect=request.limits.connect_s),
    )  # fmt: skip


class _Fetcher:
    """Follows next_page cursors; the SDK retries 429 and 5xx with backoff, honouring retry-after. Every wait is
    bounded: each request by its deadline, the whole pull by another, and a cursor by the pages the range can fill."""

    def __init__(self, request: PullRequest, progress: Progress | None, expected: int, buckets: dict[str, int]):
        self.request, self.progress, self.expected, self.done = request, progress, expected, 0
        self.buckets = buckets
        self.ends = monotonic() + request.limits.total_s

    def pages(self, endpoint: str, method, start: int, end: int, params: dict) -> list[str]:
        import openai

        found, cursor, seen = [], None, set()
        # each page holds at least one bucket: more pages than buckets is a cursor that runs away
        most = self.buckets["costs" if endpoint == "costs" else "usage"] + 1
        for _ in range(most):
            try:
                page: dict[str, str] = {"page": cursor} if cursor else {}
                raw = self._within(endpoint, lambda page=page: method(start_time=start, end_time=end, **params, **page))
            except openai.APIStatusError as exc:
                raise self._refused(endpoint, exc.status_code) from None
            except openai.APIConnectionError:
                raise CostcapError(
                    f"cannot reach the OpenAI API for {endpoint}: check the network, OPENAI_BASE_URL or --base-url"
                ) from None
            text = raw.text
            page = api_pages.parse_page(text, endpoint)
            found.append(text)
            self.done += 1
            if self.progress:
                self.progress(self.done, max(self.expected, self.done))
            cursor = page.get("next_page") if page.get("has_more") else None
            if not cursor:
                return found
            if cursor in seen:
                raise CostcapError(f"{endpoint}: the API returned the same next_page twice; try again later")
            seen.add(cursor)
        raise CostcapError(f"{endpoint}: the API sent more pages than the range has buckets ({most}); try again later")

    def _within(self, endpoint: str, call):
        """call() given up on (the thread left behind) past the request's deadline or the pull's."""
        left = min(self.request.request_deadline_s, self.ends - monotonic())
        total = self.request.limits.total_s
        if left <= 0:
            raise CostcapError(f"the pull took longer than {total:.0f} s in all; pull a shorter range, or raise "
                               "[network] total_timeout in costcap.toml")  # fmt: skip
        server = redact.url(self.request.base_url or "https://api.openai.com")
        return within(
            call,
            left,
            lambda: CostcapError(
                f"{endpoint}: no complete answer from {server} within {left:.0f} s; try again later (or raise --timeout)"
            ),
        )

    def _refused(self, endpoint: str, status: int) -> CostcapError:
        # never echo the server's message: for a bad key it quotes part of the key
        env = self.request.key_env
        if status in (401, 403):
            return CostcapError(
                f"OpenAI refused the key in ${env} for {endpoint} (HTTP {status}): the Usage and Costs APIs need an"
                " Admin key (platform.openai.com/settings/organization/admin-keys), not a project key"
            )
        if status == 429:
            return CostcapError(
                f"{endpoint}: still rate limited after {self.request.max_retries} retries; try again later"
            )
        return CostcapError(f"{endpoint}: HTTP {status} from the OpenAI API; try again later")


def _buckets(request: PullRequest, start: datetime, end: datetime) -> dict[str, int]:
    """How many usage buckets and cost days the range holds."""
    step = timedelta(days=1) if request.bucket == "1d" else timedelta(hours=1)
    return {"usage": max(1, -(-(end - start) // step)), "costs": max(1, -(-(end - start) // timedelta(days=1)))}


def _expected_pages(request: PullRequest, start: datetime, end: datetime) -> int:
    step = timedelta(days=1) if request.bucket == "1d" else timedelta(hours=1)
    buckets = max(1, -(-(end - start) // step))
    days = max(1, -(-(end - start) // timedelta(days=1)))
    return len(ENDPOINTS) * -(-buckets // BUCKET_LIMITS[request.bucket]) + -(-days // COST_LIMIT)


def _unix(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def _write(path: Path, pages: list[str]) -> Path:
    # JSON allows a raw line break only between tokens (inside strings it is escaped), so a page fits on one line;
    # U+2028 and the other Unicode breaks may sit raw inside a string and stay as they are
    text = "".join(page.replace("\r", " ").replace("\n", " ") + "\n" for page in pages)
    return userfile.write_text(path, text, "a saved API page")
