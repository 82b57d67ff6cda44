"""The console entry point: `costcap --version` and the top-level help answer here, without importing Typer, Rich
or anything a command needs (start-up in ~20 ms, not ~300 ms); everything else goes to the Typer app in main.py."""

from __future__ import annotations

import os
import sys
import traceback

from costcap import __version__, redact
from costcap.errors import ExitCode, Interrupted

# Typer's own rendering of `costcap --help` at 80 columns, stored once; tests/test_layout.py renders it again and
# fails when the commands or their docstrings have changed (COSTCAP_UPDATE_GOLDEN=1 rewrites it).
HELP_FILE = os.path.join(os.path.dirname(__file__), "data", "help.txt")


def run() -> None:
    """Console-script entry point."""
    args = sys.argv[1:]
    if args == ["--version"]:
        print(f"costcap {__version__}")
    elif args in ([], ["--help"]):
        with open(HELP_FILE, encoding="utf-8") as text:
            sys.stdout.write(text.read())
        # no arguments is a usage error, as Typer's no_args_is_help makes it
        sys.exit(ExitCode.OK if args else ExitCode.USAGE)
    else:
        _run_app()


def _run_app() -> None:
    """The Typer app, with a usage mistake (an unknown option, a bad value) said in one line, not a box."""
    import typer
    from typer.exceptions import TyperException

    from costcap.main import app

    redact.remember_environment()
    try:
        # without standalone mode Click hands back the exit code of a command that ended with typer.Exit
        code = app(prog_name="costcap", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write(f"Error: {Interrupted()}\n")
        sys.exit(ExitCode.INTERRUPTED)
    except TyperException as exc:  # Typer's usage errors: a bad option or value, a missing argument
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if ctx is not None else "costcap"
        message = " ".join(exc.format_message().split())
        sys.stderr.write(redact.text(f"Error: {message} (see `{command} --help`)\n"))
        sys.exit(getattr(exc, "exit_code", ExitCode.USAGE))
    except Exception as exc:  # noqa: BLE001  a bug: its traceback, with every secret this run knows taken out
        sys.stderr.write(redact.text("".join(traceback.format_exception(exc))))
        sys.exit(ExitCode.ERROR)
    if isinstance(code, int):
        sys.exit(code)
