"""The costcap command line: wires the command modules together, nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from costcap import __version__, config, output, redact
from costcap.commands import audit as audit_command
from costcap.commands import budget as budget_command
from costcap.commands import estimate as estimate_command
from costcap.commands import explain as explain_command
from costcap.commands import ingest as ingest_command
from costcap.commands import prices as prices_command
from costcap.commands import pull as pull_command
from costcap.commands import report as report_command
from costcap.commands import sources as sources_command
from costcap.commands import tokens as tokens_command
from costcap.commands import user_errors
from costcap.errors import LANDED

app = typer.Typer(
    help="Audit and plan OpenAI API spend from usage exports, Batch output and structlog token logs.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=True,  # costcap --install-completion / --show-completion
    epilog="Configuration: costcap.toml beside the store (or --config FILE): [store] path, [prices] file, "
    '[audit] tier, batch_features and min_calls, [fields] NAME = "KEY". See the README.',
)


def _version(value: bool) -> None:
    if value:
        print(f"costcap {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    config_file: Annotated[
        Path | None,
        typer.Option(
            "--config", envvar="COSTCAP_CONFIG", help="The configuration file (default: costcap.toml beside the store)."
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No notes on stderr; warnings and errors still show.")
    ] = False,
) -> None:
    """Audit and plan OpenAI API spend."""
    redact.remember_environment()
    LANDED.clear()  # a new command: nothing of it has landed yet
    config.chosen = config_file
    output.said.quiet = quiet


app.command("ingest")(user_errors(ingest_command.ingest))
app.command("audit")(user_errors(audit_command.audit))
app.command("pull")(user_errors(pull_command.pull))
app.command("prices")(user_errors(prices_command.prices))
app.command("tokens")(user_errors(tokens_command.tokens))
app.command("budget")(user_errors(budget_command.budget))
app.command("estimate")(user_errors(estimate_command.estimate))
app.command("report")(user_errors(report_command.report))
app.command("explain")(user_errors(explain_command.explain))
app.command("sources")(user_errors(sources_command.sources))
app.command("forget")(user_errors(sources_command.forget))
