"""The CLI commands, one module each; shared options and the user-error boundary live here."""

from __future__ import annotations

import functools
from typing import Annotated

import typer

from costcap import output
from costcap.errors import CostcapError

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="COSTCAP_DB", help="Store file; :memory: for a throwaway run.", show_default=True),
]
PricesOption = Annotated[
    str | None,
    typer.Option("--prices", help="Price file (costcap format or LiteLLM JSON) overriding or adding models."),
]


def user_errors(command):
    """Show a CostcapError as one `Error: ...` line on stderr and exit 1; anything else is a bug and keeps its traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CostcapError as exc:
            output.error(str(exc))
            raise typer.Exit(1) from None

    return wrapper
