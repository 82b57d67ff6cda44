"""Entry point for `python -m costcap`."""

from costcap.main import run

run()
