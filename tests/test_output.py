"""Text from input files is shown inert: no Rich markup, no terminal escapes, no spreadsheet formulas."""

from __future__ import annotations

import json

import structlog

from conftest import ok, write_structlog

HOSTILE = ["[bold red]boom[/]\x1b[31m", "=HYPERLINK(1)", "a|b`c"]


def hostile_log(tmp_path):
    events = [
        {"feature": name, "model": "gpt-4o-mini", "prompt_tokens": 10, "completion_tokens": 5}
        for name in HOSTILE
        for _ in range(10)
    ]
    return write_structlog(tmp_path / "h.log", structlog.processors.JSONRenderer(), events)


def test_table_shows_markup_and_escapes_as_text(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    out = ok("budget", hostile_log(tmp_path)).stdout
    assert "[bold red]boom[/]\\x1b[31m" in out and "\x1b" not in out


def test_csv_neutralises_formulas_and_markdown_escapes_pipes(tmp_path):
    log = hostile_log(tmp_path)
    csv_out = ok("budget", log, "-f", "csv").stdout
    assert "\n'=HYPERLINK(1)," in csv_out
    md = ok("budget", log, "-f", "markdown").stdout
    assert "a\\|b\\`c" in md
    groups = {g["group"] for g in json.loads(ok("budget", log, "-f", "json").stdout)["groups"]}
    assert groups == set(HOSTILE)


INVISIBLE = ["rtl\u202eevil", "iso\u2066late\u2069", "zero\u200bwidth", "line\u2028sep"]
LIVE_MARKDOWN = ["[click](https://evil.example)", "![img](x.png)", "<img src=x onerror=alert(1)>", "www.evil.example"]
ODD_NAMES = ["caf\u00e9", "emoji \U0001f600", 'quote " and \\ slash', "tab\tname", "rtl\u202eevil"]


def named_log(tmp_path, names):
    events = [{"feature": name, "model": "gpt-4o-mini", "prompt_tokens": 10, "completion_tokens": 5 + i}
              for name in names for i in range(12)]  # fmt: skip
    return write_structlog(tmp_path / "n.log", structlog.processors.JSONRenderer(), events)


def test_invisible_format_characters_are_escaped_in_every_writer_and_on_stderr(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    log = named_log(tmp_path, INVISIBLE)
    for fmt in ("table", "csv", "markdown"):
        result = ok("budget", log, "-f", fmt)
        for text in (result.stdout, result.stderr):
            assert not any(ch in text for ch in "\u202e\u2066\u2069\u200b\u2028"), fmt
        # Markdown escapes the escape's backslash too, so it renders as \u202e
        assert ("rtl\\\\u202eevil" if fmt == "markdown" else "rtl\\u202eevil") in result.stdout
    # stored as written: the escape is only in what is shown
    groups = {g["group"] for g in json.loads(ok("budget", log, "-f", "json").stdout)["groups"]}
    assert groups == set(INVISIBLE)
    warned = ok("audit", log, "--model", "gpt-4o-mini")
    assert "\u202e" not in warned.stderr


def test_markdown_keeps_no_link_image_or_html_live(tmp_path):
    import re

    md = ok("budget", named_log(tmp_path, LIVE_MARKDOWN), "-f", "markdown").stdout
    unescaped = re.compile(r"(?<!\\)[\[\]<>!]")
    assert not unescaped.search(md) and "https://" not in md and "www." not in md
    assert "\\[click\\](https:\\/\\/evil.example)" in md and "\\<img src=x onerror=alert(1)\\>" in md


def test_toml_and_python_caps_are_valid_for_any_name(tmp_path):
    import ast
    import tomllib

    log = named_log(tmp_path, ODD_NAMES)
    toml_caps = tomllib.loads(ok("budget", log, "-f", "toml").stdout)["max_tokens"]
    source = ok("budget", log, "-f", "python").stdout
    python_caps = ast.literal_eval(source.split("=", 1)[1].strip())
    assert set(toml_caps) == set(python_caps) == set(ODD_NAMES)
    assert toml_caps == python_caps and "\u202e" not in source


EVERY_HOSTILE = ["[bold red]boom[/]\x1b[31m", "=HYPERLINK(1)", "<img src=x onerror=alert(1)>", "[click](https://evil.example)",
                 "rtl\u202eevil", 'q"uote\\', "$x$"]  # fmt: skip


def _inert_in(fmt: str, text: str) -> None:
    """What each writer must never let a name do."""
    import ast
    import tomllib
    from html.parser import HTMLParser

    assert "\x1b" not in text and "\u202e" not in text, fmt
    if fmt == "table":
        assert "[bold red]boom[/]\\x1b[31m" in text
    elif fmt == "csv":
        assert "\n'=HYPERLINK(1)," in text
    elif fmt in ("markdown", "github"):  # github: Markdown with its own <details> folds, never a name's tags
        import re

        assert not re.search(r"(?<!\\)<img|(?<!\\)\]\(", text) and "\\[click\\]" in text
    elif fmt == "html":
        tags = []
        parser = HTMLParser()
        parser.handle_starttag = lambda tag, attrs: tags.append(tag)
        parser.feed(text)
        assert "img" not in tags and "&lt;img src=x onerror=alert(1)&gt;" in text
    elif fmt == "json":
        assert {g["group"] for g in json.loads(text)["groups"]} == set(EVERY_HOSTILE)
    elif fmt == "python":
        assert set(ast.literal_eval(text.split("=", 1)[1].strip())) == set(EVERY_HOSTILE)
    elif fmt == "toml":
        assert set(tomllib.loads(text)["max_tokens"]) == set(EVERY_HOSTILE)
    else:
        raise AssertionError(f"no check for the {fmt} writer: add one here")


def test_hostile_names_are_inert_in_every_writer(tmp_path, monkeypatch):
    from costcap.output import WRITERS

    monkeypatch.setenv("COLUMNS", "300")
    log = named_log(tmp_path, EVERY_HOSTILE)
    for fmt in WRITERS:  # budget accepts every writer there is
        result = ok("budget", log, "-f", fmt)
        _inert_in(fmt, result.stdout)
        assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
