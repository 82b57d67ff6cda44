"""What costcap shows: talk on stderr (output.talk) and documents written in each format (output.writers), all input
text made inert. Commands use this package's names; the modules beneath it never import it."""

from costcap.output.talk import err, error, inert, md_escape, note, out_console, progress_bar, said, usd, warn
from costcap.output.writers import WRITERS, render, write

__all__ = [
    "WRITERS",
    "err",
    "error",
    "inert",
    "md_escape",
    "note",
    "out_console",
    "progress_bar",
    "render",
    "said",
    "usd",
    "warn",
    "write",
]
