"""Entry point for `python -m costcap`."""

from costcap.entry import run

run()
