"""costcap report: one HTML page that opens offline, shows its charts in a real browser, and renders names inert."""

from __future__ import annotations

import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import structlog

from conftest import SAMPLE_DATA, ok, run, write_structlog

PLAN = str(Path(SAMPLE_DATA) / "plans" / "large_report.toml")
HOSTILE = "<img src=x onerror=alert(1)>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def hostile_log(tmp_path: Path) -> Path:
    events = [{"feature": name, "model": "gpt-4o-mini", "prompt_tokens": 100, "completion_tokens": 20 + i, "max_tokens": 64}
              for name in (HOSTILE, "$x$ and \\ slash", "plain") for i in range(12)]  # fmt: skip
    return write_structlog(tmp_path / "hostile.log", structlog.processors.JSONRenderer(), events)


class Tags(HTMLParser):
    """Every start tag and attribute in a page, to prove what it can load or run."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def test_the_report_is_one_file_that_can_load_nothing(tmp_path):
    target = tmp_path / "r.html"
    done = ok("report", SAMPLE_DATA, "--plan", PLAN, "--output", str(target))
    assert "Wrote" in done.stderr and done.stdout == ""
    page = target.read_text(encoding="utf-8")
    tags = tags_of(page)
    names = {t for t, _ in tags}
    assert "script" not in names and "link" not in names and "iframe" not in names and "img" not in names
    assert not any(k in ("src", "href") or k.startswith("on") for _, attrs in tags for k in attrs)
    csp = [a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]
    # the five charts: per day, by feature, by model, completion tokens, the plan
    assert sum(1 for t, _ in tags if t == "svg") == 5
    # the figures are audit's own: the sample's billed total and attributed spend (as audit -f json gives them)
    audited = json.loads(ok("audit", SAMPLE_DATA, "-f", "json").stdout)
    assert f"${audited['billed']['cost_usd']:,.4f}" in page and f"${audited['attributed']['cost_usd']:,.4f}" in page


def test_output_dash_writes_the_page_to_stdout_and_json_is_the_three_contracts(tmp_path):
    page = ok("report", SAMPLE_DATA, "--output", "-").stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    data = json.loads(ok("report", SAMPLE_DATA, "--plan", PLAN, "-f", "json", "-o", "-").stdout)
    assert set(data) == {"audit", "budget", "estimate"}
    assert data["estimate"]["best"]["best"] is True


def test_a_folder_as_output_or_an_unknown_format_is_refused(tmp_path):
    done = run("report", SAMPLE_DATA, "--output", str(tmp_path))
    assert done.exit_code == 1 and "is a folder" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert run("report", SAMPLE_DATA, "-f", "table").exit_code == 2
    assert not list(tmp_path.iterdir())


def test_hostile_names_are_text_in_the_page(tmp_path):
    target = tmp_path / "r.html"
    ok("report", str(hostile_log(tmp_path)), "--model", "gpt-4o-mini", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert not [t for t, _ in tags_of(page) if t in ("img", "script")]


def _browser():
    if CHROMIUM is None:
        pytest.skip("no chromium here: .ci/run installs Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a test extra: pip install -e '.[test]'")
    return sync_api


def test_a_real_browser_loads_the_report_offline_with_no_error_and_draws_the_charts(tmp_path):
    sync_api = _browser()
    from PIL import Image

    target = tmp_path / "r.html"
    ok("report", SAMPLE_DATA, "--plan", PLAN, "-o", str(target))
    hostile = tmp_path / "h.html"
    ok("report", str(hostile_log(tmp_path)), "--model", "gpt-4o-mini", "-o", str(hostile))
    requests, failed, problems = [], [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])  # fmt: skip
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
        page.goto(target.as_uri(), wait_until="load")
        shot = tmp_path / "r.png"
        page.screenshot(path=str(shot), full_page=True)
        svgs = page.eval_on_selector_all("svg", "els => els.map(e => e.getBoundingClientRect().height)")
        # every table's first column (feature, group, model names) on one line: a name is never broken mid-word
        names = page.eval_on_selector_all(
            "td:first-child",
            """els => els.map(e => {
            const r = document.createRange(); r.selectNodeContents(e); return [e.innerText, r.getClientRects().length];
        })""",
        )  # the line boxes of the name itself: 1 when it is not broken
        code = page.eval_on_selector_all(".fix code", "els => els.map(e => e.innerText)")
        page.goto(hostile.as_uri(), wait_until="load")
        hostile_text = page.inner_text("body")
        images = page.eval_on_selector_all("img", "els => els.length")
        browser.close()
    assert requests == [target.as_uri(), hostile.as_uri()], requests
    assert failed == [] and problems == [], (failed, problems)
    assert len(svgs) == 5 and all(h > 100 for h in svgs), svgs
    broken = [name for name, lines in names if name and lines > 1]
    assert names and broken == [], broken
    assert "costcap budget" in code  # the fix's `costcap budget` is set as code, not shown with its backticks
    assert HOSTILE in hostile_text and images == 0
    # not a blank page: a share of the pixels are ink (a page of long findings is mostly white space between lines;
    # a blank one has none), in more than a handful of colours
    picture = Image.open(shot).convert("RGB")
    picture.thumbnail((300, 3000))
    colours = picture.getcolors(maxcolors=1 << 24)
    ink = sum(n for n, (r, g, b) in colours if r + g + b < 600) / sum(n for n, _ in colours)
    assert ink > 0.02 and len(colours) > 50, (ink, len(colours))
    if os.environ.get("COSTCAP_UPDATE_GOLDEN"):
        shutil.copy(shot, Path(__file__).parent / "golden" / "report_sample.png")
