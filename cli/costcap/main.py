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
from costcap.commands import quiet_interrupt_echoes, store_tools, user_errors
from costcap.commands import report as report_command
from costcap.commands import sources as sources_command
from costcap.commands import tokens as tokens_command
from costcap.commands.shape import PlainCommand, PlainGroup, say_without_color
from costcap.errors import LANDED

app = typer.Typer(
    cls=PlainGroup,
    help="Audit and plan OpenAI API spend from usage exports, Batch output and structlog token logs.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=True,  # costcap --install-completion / --show-completion
    # \[ keeps Rich from reading the section names as markup
    epilog="Configuration: costcap.toml beside the store (or --config FILE): \\[store] path, \\[prices] file, "
    '\\[audit] tier, batch_features and min_calls, \\[fields] NAME = "KEY", \\[ingest] tz, \\[budget] FEATURE = USD. '
    "Shortcuts: --json and --csv for --format; -q, --no-color and --config also after the command. See the README.",
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
    no_color: Annotated[bool, typer.Option("--no-color", help="No colours (as NO_COLOR=1 does).")] = False,
) -> None:
    """Audit and plan OpenAI API spend."""
    redact.remember_environment()
    quiet_interrupt_echoes()
    LANDED.clear()  # a new command: nothing of it has landed yet
    config.chosen = config_file
    output.said.quiet = quiet
    if no_color:
        say_without_color()


# the commands, in the order the help lists them
COMMANDS = {
    "ingest": ingest_command.ingest,
    "audit": audit_command.audit,
    "pull": pull_command.pull,
    "prices": prices_command.prices,
    "tokens": tokens_command.tokens,
    "budget": budget_command.budget,
    "estimate": estimate_command.estimate,
    "report": report_command.report,
    "explain": explain_command.explain,
    "sources": sources_command.sources,
    "forget": sources_command.forget,
    "sql": store_tools.sql_command,
    "doctor": store_tools.doctor_command,
    "export": store_tools.export_command,
    "import": store_tools.import_command,
}
for _name, _command in COMMANDS.items():
    app.command(_name, cls=PlainCommand)(user_errors(_command))
