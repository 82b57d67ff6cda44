"""The costcap command line: wires the command modules together, nothing else."""

from __future__ import annotations

from typing import Annotated

import typer

from costcap import __version__
from costcap.commands import ingest, prices, tokens, user_errors

app = typer.Typer(
    help="Audit and plan OpenAI API spend from usage exports, Batch output and structlog token logs.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"costcap {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """Audit and plan OpenAI API spend."""


app.command("ingest")(user_errors(ingest.ingest))
app.command("prices")(user_errors(prices.prices))
app.command("tokens")(user_errors(tokens.tokens))


def run() -> None:
    """Console-script entry point."""
    app()
