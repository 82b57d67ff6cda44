"""A document as one self-contained HTML page: styles inline, charts as inline SVG, no script, no request.

The page's Content-Security-Policy forbids every fetch, so a browser opening it offline can load nothing
from anywhere; every text from an input is escaped.
"""

from __future__ import annotations

import re
from html import escape

from costcap.document import Doc, Section
from costcap.output.cells import cell, data_columns, right_aligned
from costcap.output.talk import inert

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#1d2430}
h1{font-size:24px;margin:0 0 12px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #dde2ea;padding-bottom:4px}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#f5f7fa;padding:12px 16px;border-radius:6px}
dl.summary dt{font-weight:600}dl.summary dd{margin:0}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
th,td{border-bottom:1px solid #e6e9ef;padding:4px 8px;text-align:left;vertical-align:top}
td:first-child{white-space:nowrap}.scroll{overflow-x:auto}code{font-size:12px;background:#f0f2f6;padding:0 3px;border-radius:3px}
th{background:#f5f7fa}td.n,th.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
figure{margin:12px 0}figure svg{max-width:100%;height:auto}figcaption{font-size:13px;color:#556}
.finding{border-left:3px solid #4a7bd0;padding:4px 12px;margin:10px 0}.finding .fix{font-weight:600}
footer{margin-top:32px;font-size:12px;color:#778}
"""


def text(value) -> str:
    """Input text made inert and escaped for HTML: a name like <img onerror=...> shows as itself."""
    return escape(inert(value), quote=True)


def code_spans(escaped: str) -> str:
    """`costcap budget` in escaped text shown as code, as Markdown shows it."""
    return _CODE_SPAN.sub(r"<code>\1</code>", escaped)


_CODE_SPAN = re.compile(r"`([^`]+)`")


def page(doc: Doc) -> str:
    from costcap import __version__

    body = [f"<h1>{text(doc.title or 'costcap ' + doc.command)}</h1>"]
    if doc.summary:
        body.append(
            '<dl class="summary">' + "".join(f"<dt>{text(k)}</dt><dd>{text(v)}</dd>" for k, v in doc.summary) + "</dl>"
        )
    if doc.charts:
        from costcap.output.charts import svg

        for chart in doc.charts:
            caption = f"<figcaption>{text(chart.caption)}</figcaption>" if chart.caption else ""
            body.append(f"<h2>{text(chart.title)}</h2><figure>{svg(chart)}{caption}</figure>")
    for section in doc.sections:
        body.append(f"<h2>{text(section.title)}</h2>")
        body.append(_blocks(section) if section.stacked else _table(section))
        if section.footer:
            body.append(f"<p>{text(section.footer)}</p>")
    body.append(f"<footer>Made by costcap {text(__version__)}; opens offline, fetches nothing.</footer>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{text(doc.title or 'costcap ' + doc.command)}</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _table(section: Section) -> str:
    columns = data_columns(section)
    cls = {c.key: ' class="n"' if right_aligned(c) else "" for c in columns}
    head = "".join(f"<th{cls[c.key]}>{text(c.heading)}</th>" for c in columns)
    rows = "".join(
        "<tr>" + "".join(f"<td{cls[c.key]}>{code_spans(escape(cell(c, row)))}</td>" for c in columns) + "</tr>"
        for row in section.rows
    )
    # a name is never broken inside a word: a table wider than the page scrolls on its own
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'


def _blocks(section: Section) -> str:
    parts = []
    for row in section.rows:
        short = " · ".join(
            escape(cell(c, row)) for c in section.columns if c.key not in ("detail", "fix") and row.get(c.key)
        )
        detail = code_spans(escape(cell(_col(section, "detail"), row))) if row.get("detail") else ""
        fix = (
            f'<div class="fix">fix: {code_spans(escape(cell(_col(section, "fix"), row)))}</div>'
            if row.get("fix")
            else ""
        )
        parts.append(f'<div class="finding"><div><b>{short}</b></div><div>{detail}</div>{fix}</div>')
    return "".join(parts) or "<p>None.</p>"


def _col(section: Section, key: str):
    return next(c for c in section.columns if c.key == key)
