"""Talk to the user on stderr (notes, warnings, errors, a progress bar) and make input text inert for any screen or
file: the helpers every writer and command uses."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from decimal import Decimal

from rich.console import Console
from rich.text import Text

from costcap import numbers, redact

# Control characters, and the invisible format characters that reorder or hide text (bidi embeddings, overrides and
# isolates, zero-width marks, line and paragraph separators, the BOM): shown as escapes, never passed on.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)


PIPED_WIDTH = 80
err = Console(stderr=True, soft_wrap=True, highlight=False)


def out_console() -> Console:
    """stdout for tables: the terminal's width, COLUMNS when set (tests pin it), else 80 (piped into head or less,
    a file: the width a pager and a diff show whole)."""
    probe = Console()
    width = None if probe.is_terminal or os.environ.get("COLUMNS") else PIPED_WIDTH
    return Console(soft_wrap=False, highlight=False, width=width)


def inert(value) -> str:
    """Input text with control and invisible format characters (ANSI escapes, bidi overrides) shown as \\xNN or
    \\uNNNN, so it can neither drive a terminal nor reorder what is shown."""
    return _CONTROL.sub(_escaped, str(value))


def _escaped(match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def usd(value: Decimal | None, places: int = 4) -> str:
    """Money for people: $1,234.5678; 'unpriced' when unknown."""
    return "unpriced" if value is None else numbers.usd(value, places)


_MARKDOWN_ACTIVE = re.compile(r"([\\|`$*_\[\]<>!#~])")


_CODE_SPAN = re.compile(r"(`[^`\n]+`)")


def md_escape(value) -> str:
    """Text for a Markdown table cell that renders as itself: no link, image, HTML, emphasis, maths (`$`) or
    autolinked URL can come from a name in the data. Paired backticks stay a code span (`costcap budget`), whose
    content Markdown shows literally; a lone backtick is escaped like the rest."""
    text = inert("" if value is None else value)
    if text.count("`") % 2:
        return _md_plain(text)
    parts = _CODE_SPAN.split(text)
    return "".join(part.replace("|", "\\|") if _CODE_SPAN.fullmatch(part) else _md_plain(part) for part in parts)


def _md_plain(text: str) -> str:
    text = _MARKDOWN_ACTIVE.sub(r"\\\1", text)
    return text.replace("://", ":\\/\\/").replace("www.", "www\\.")


class _Said:
    quiet = False  # --quiet: notes are left out; warnings and errors are always said


said = _Said()


def note(message: str) -> None:
    """A message for the user on stderr, made inert whatever it quotes, with no secret in it."""
    if not said.quiet:
        err.print(Text(inert(redact.text(message))))


def warn(message: str) -> None:
    err.print(Text("Warning: ", style="yellow"), Text(inert(redact.text(message))), sep="")


def error(message: str) -> None:
    err.print(Text("Error: ", style="bold red"), Text(inert(redact.text(message))), sep="")


@contextmanager
def progress_bar(label: str):
    """A progress callback (done, total) drawing a bar on stderr when it is a terminal; None otherwise."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
