"""`costcap pull`: fetch usage and costs from OpenAI's Usage and Costs APIs into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from costcap import config, output
from costcap import pull as core
from costcap.commands import DayOption, DbOption, FormatOption, PricesOption, open_store, say_retries
from costcap.commands.ingest import show
from costcap.errors import CostcapError
from costcap.store import DEFAULT_PATH


def pull(
    since: DayOption = None,
    until: DayOption = None,
    bucket: Annotated[str, typer.Option(help="Usage bucket width: 1d or 1h (costs are always per day).")] = "1d",
    group_by: Annotated[
        str, typer.Option(help="Usage dimensions, comma-separated.")
    ] = "model,project_id,api_key_id,batch,service_tier",
    admin_key_env: Annotated[
        str, typer.Option(help="Environment variable holding the Admin key.")
    ] = core.DEFAULT_KEY_ENV,
    base_url: Annotated[
        str | None, typer.Option(envvar="OPENAI_BASE_URL", help="API base URL (a proxy, a test server).")
    ] = None,
    save: Annotated[Path | None, typer.Option(help="Also keep the raw pages (JSON lines) in this folder.")] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds one request may take, retries included.", min=1, max=86_400)
    ] = core.REQUEST_DEADLINE_S,
    db: DbOption = DEFAULT_PATH,
    prices_file: PricesOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Fetch every /organization/usage endpoint and /organization/costs for whole UTC days and store them.

    Needs an Admin key in $OPENAI_ADMIN_KEY. Pulling a range again replaces the buckets it covers,
    so `costcap audit` never counts a day twice. Example: costcap pull --since 2026-11-01 --until 2026-11-07
    """
    if since is None:
        raise CostcapError("--since is required: the first UTC day to fetch, e.g. --since 2026-11-01")
    groups = [g.strip() for g in group_by.split(",") if g.strip()]
    with open_store(db, prices_file, create=True) as store, output.progress_bar("pulling pages") as progress:
        request = core.PullRequest(since.date(), until and until.date(), bucket, groups, admin_key_env, base_url, save,
                                   request_deadline_s=timeout, limits=config.network_limits(store.directory))  # fmt: skip
        results = core.pull(store, request, progress)
    say_retries(store)
    show(results, fmt)
