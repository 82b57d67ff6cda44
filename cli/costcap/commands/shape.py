"""How the command line reads and is read: help written the way a person writes a command line (PATH..., N, KIND,
nothing after a flag), and the habits people bring from other tools (--json, --csv, global options after the
command name). One place for both, applied to every command by the root group's and the commands' classes."""

from __future__ import annotations

import os

from typer.core import TyperArgument, TyperCommand, TyperGroup

# what a value is called where the option's own name would not say it
VALUE_NAMES = {"db": "PATH", "prices": "FILE", "config": "FILE", "output": "FILE", "sample": "FILE", "plan": "FILE"}
# the options the root takes, wherever they are written; the ones that take a value
GLOBAL_FLAGS = ("--quiet", "-q", "--no-color")
GLOBAL_VALUED = ("--config",)
# shortcuts for --format, as ccusage and llm spell them
FORMAT_SHORTCUTS = {"--json": "json", "--csv": "csv"}


def normalised(args: list[str]) -> list[str]:
    """The arguments with global options moved in front of the command name and the --format shortcuts spelled out;
    nothing after `--` is touched."""
    start = _command_index(args)
    if start is None:
        return list(args)
    front, moved, rest = list(args[:start]), [], []
    words = iter(args[start:])
    for word in words:
        if word == "--":
            rest += [word, *words]
            break
        if word in GLOBAL_FLAGS:
            moved.append(word)
        elif word in GLOBAL_VALUED:
            moved += [word, next(words, "")]
        elif word.split("=", 1)[0] in GLOBAL_VALUED:
            moved.append(word)
        elif word in FORMAT_SHORTCUTS:
            rest += ["--format", FORMAT_SHORTCUTS[word]]
        else:
            rest.append(word)
    return front + moved + rest


def _command_index(args: list[str]) -> int | None:
    """Where the command name is: the first word that is not a root option or a root option's value."""
    skip = False
    for i, word in enumerate(args):
        if skip:
            skip = False
        elif word in GLOBAL_VALUED:
            skip = True
        elif not word.startswith("-"):
            return i
    return None


def say_without_color() -> None:
    """--no-color: what NO_COLOR asks for (https://no-color.org), for this run and the consoles it opens."""
    os.environ["NO_COLOR"] = "1"
    from costcap.output import talk

    talk.err.no_color = True


def plain_metavars(params: list) -> None:
    """Each parameter's value named as in a man page; a flag shows none; choices and ranges said in the help text,
    where they wrap between words."""
    for param in params:
        if getattr(param, "_plain", False):
            continue
        param._plain = True
        desc = param.type_descriptor
        if isinstance(param, TyperArgument):
            _name_argument(param)
        elif param.is_flag or desc.annotation is bool:
            param.metavar = ""
        elif param.metavar is None:
            param.metavar = _value_name(param)
        if desc.is_choice and param.help is not None and "one of" not in param.help:
            choices = (getattr(c, "value", c) for c in desc.choices or ())
            param.help = f"{param.help.rstrip('.')}: one of {', '.join(str(c) for c in choices)}."
        _range_in_words(param)


def _name_argument(param) -> None:
    name = param.metavar or param.name.upper().removesuffix("S")
    many = "..." if param.nargs != 1 and not name.endswith("...") else ""
    param.metavar = name + many
    usage = param.metavar if param.required else f"[{param.metavar}]"
    param._usage_display_name = lambda: usage
    param.display_type_rich = lambda ctx: None  # the name column already says it


def _value_name(param) -> str:
    annotation = param.type_descriptor.annotation
    if annotation is int:
        return "N"
    if annotation is float:
        return "NUMBER"
    name = next((o for o in param.opts if o.startswith("--")), param.name).lstrip("-").replace("-", "_")
    return VALUE_NAMES.get(name, name.upper())


def _range_in_words(param) -> None:
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    param._get_number_range_help_str = lambda: None  # Typer's "[x>=1]": said in words below, or not at all
    if (low is None or low == 0) and high is None:
        return  # no negative amounts: nothing worth a word
    said = f"from {low:,} to {high:,}" if low is not None and high is not None else (
        f"at least {low:,}" if low is not None else f"at most {high:,}")  # fmt: skip
    param.help = f"{(param.help or '').rstrip('.')} ({said})."


class PlainCommand(TyperCommand):
    def get_params(self, ctx):
        found = super().get_params(ctx)
        plain_metavars(found)
        return found


class PlainGroup(TyperGroup):
    def get_params(self, ctx):
        found = super().get_params(ctx)
        plain_metavars(found)
        return found

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        args = normalised(args)
        if "--no-color" in args[: _command_index(args) or len(args)]:
            say_without_color()
        return super().parse_args(ctx, args)
