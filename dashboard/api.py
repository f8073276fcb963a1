"""Charts leaving the app: /embed/<chart_id>, /api/v1/charts, /api/v1/charts/<chart_id>.csv|.json.

The same registry (charts.py) as the pages: one chart id and one set of URL parameters give the same data.
"""

import functools
import html
import io
import json

import pandas as pd
import plotly.io as pio
from flask import Blueprint, Response, jsonify, request
from plotly.offline import get_plotlyjs

from dashboard import cache, charts, data
from dashboard.db import WarehouseMissing, version
from dashboard.params import NAMES, parse

blueprint = Blueprint("defex_api", __name__)
FORMULA_CHARS = frozenset("=+-@\t\r")  # what a spreadsheet reads as the start of a formula


def _query() -> dict:
    return {k: request.args.getlist(k) for k in request.args}


def _cache_key(kind: str, chart_id: str) -> tuple | None:
    """The response cache's key: the chart and its parameters as parsed (written as the link that reopens the
    view), so that equivalent query strings share one entry. None, not cached, when a parameter was refused or
    there is no warehouse: query strings of junk can then never push real views out of the cache."""
    try:
        view = _view(version(), tuple((k, tuple(request.args.getlist(k))) for k in request.args))
    except WarehouseMissing:
        return None
    return None if view is None else (kind, chart_id, view)


@functools.lru_cache(maxsize=1024)
def _view(_version: str, args: tuple) -> str | None:
    """The query string of the parsed parameters, None when one was refused (memoised: parsing on every cached
    request cost a quarter of its throughput; a query string of junk evicts only another parse)."""
    p = parse({k: list(v) for k, v in args}, data.known())
    return None if p.messages else p.query_string()


def _error(status: int, message: str, **extra) -> Response:
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


def _chart_or_404(chart_id: str):
    if chart_id not in charts.CHARTS:
        return None, _error(404, f"unknown chart {chart_id[:60]!r}", charts=sorted(charts.CHARTS))
    return charts.CHARTS[chart_id], None


SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(text: str) -> str:
    """JSON that can sit inside <script>: no character of it can end the element or open a comment. (The
    replaced characters only occur inside JSON strings, where the escapes mean the same characters.)"""
    for character, escape in SCRIPT_SAFE.items():
        text = text.replace(character, escape)
    return text


def _formula(value) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_CHARS


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe; numbers stay numbers. A
    column is scanned once in a plain loop, and copied only where it holds such a cell (most hold none: pandas'
    own string methods cost more than the scan)."""
    out = frame
    for column in frame.columns:
        values = frame[column]
        if values.dtype.kind in "biufcmM" or not any(map(_formula, values.tolist())):
            continue
        if out is frame:
            out = frame.copy()
        formula = values.map(_formula).astype(bool)
        out[column] = values.where(~formula, "'" + values[formula].astype(str))
    return out


def chart_data(chart_id: str):
    """(chart, params, frame, source line, meta) or an error response."""
    chart, error = _chart_or_404(chart_id)
    if error:
        return None, error
    try:
        p = parse(_query(), data.known())
        if p.messages:
            return None, _error(400, "bad parameters", messages=list(p.messages))
        frame = charts.frame(chart_id, p)
        return (chart, p, frame, charts.source_line(chart, frame, p), data.meta()), None
    except WarehouseMissing as exc:  # as the embeds answer: the data is away for now, not a fault of the request
        return None, _error(503, str(exc))


@blueprint.get("/api/v1/charts")
def list_charts():
    return jsonify(
        {
            "charts": [
                {
                    "id": c.id,
                    "title": c.title,
                    "page": c.page,
                    "description": c.description,
                    "parameters": list(c.params),
                    "csv": f"/api/v1/charts/{c.id}.csv",
                    "json": f"/api/v1/charts/{c.id}.json",
                    "embed": f"/embed/{c.id}",
                }
                for c in charts.CHARTS.values()
            ],
            "parameters": list(NAMES),
        }
    )


def _changes():
    """The changes of the latest runs, each in words, or a 503 response while there is no warehouse."""
    try:
        frame = data.changes()
    except WarehouseMissing as exc:
        return None, _error(503, str(exc))
    return frame.astype(object).where(frame.notna(), None).to_dict("records"), None


@blueprint.get("/api/v1/changes.json")
def changes_json():
    """What the latest ETL runs changed, newest first: a newsroom's or an analyst's feed of revisions."""
    records, error = _changes()
    return error or jsonify({"changes": records, "atom": "/api/v1/changes.atom"})


ATOM = "http://www.w3.org/2005/Atom"


@blueprint.get("/api/v1/changes.atom")
def changes_atom():
    """The same changes as an Atom feed, one entry each (ids stable across requests: a reader shows each once)."""
    import uuid
    from xml.etree import ElementTree as ET

    from dashboard import config

    records, error = _changes()
    if error:
        return error
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    link = config.public_url() + "/quality#changes"  # never from the request's Host
    for tag, text in (
        ("id", "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "defex:changes"))),
        ("title", "defex: what changed in Türkiye's defence-export data"),
        ("updated", records[0]["changed_at"] if records else "1970-01-01T00:00:00Z"),
    ):
        ET.SubElement(feed, f"{{{ATOM}}}{tag}").text = text
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "defex ETL"
    ET.SubElement(feed, f"{{{ATOM}}}link", href=link)
    for r in records:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ident = "/".join(str(r[c]) for c in ("run_id", "table_name", "key", "field", "change"))
        ET.SubElement(entry, f"{{{ATOM}}}id").text = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, ident))
        ET.SubElement(entry, f"{{{ATOM}}}title").text = r["text"]
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = r["changed_at"]
        ET.SubElement(entry, f"{{{ATOM}}}link", href=link)
        summary = f"ETL run {r['run_id']}; {r['table_name']}" + (f"; vintage {r['vintage']}" if r["vintage"] else "")
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
    body = ET.tostring(feed, encoding="unicode", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


@blueprint.get("/api/v1/charts/<path:chart_id>.csv")
def chart_csv(chart_id: str):
    return cache.response(_cache_key("csv", chart_id), lambda: _chart_csv(chart_id))


def _chart_csv(chart_id: str):
    result, error = chart_data(chart_id)
    if error:
        return error
    chart, p, frame, line, meta = result
    buffer = io.StringIO()
    neutralise(frame.assign(citation=line)).to_csv(buffer, index=False)
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="defex-{chart.id}.csv"', "X-Defex-Run": meta["run_id"]},
    )


@blueprint.get("/api/v1/charts/<path:chart_id>.json")
def chart_json(chart_id: str):
    return cache.response(_cache_key("json", chart_id), lambda: _chart_json(chart_id))


def _chart_json(chart_id: str):
    result, error = chart_data(chart_id)
    if error:
        return error
    chart, p, frame, line, meta = result
    rows = json.loads(frame.to_json(orient="records", date_format="iso"))
    about = charts.context(chart.id, p, frame, line)
    return jsonify(
        {
            "chart": chart.id,
            "title": chart.title,
            "subtitle": about.subtitle,
            "citation": line,
            "cite": about.citation,
            "permalink": about.permalink,
            "data_as_of": meta["data_as_of"],
            "run_id": meta["run_id"],
            "params": p.query_string().lstrip("?"),
            "columns": list(frame.columns),
            "rows": rows,
        }
    )


@blueprint.get("/vendor/plotly.min.js")
def plotly_js():
    return Response(_plotly_js(), mimetype="application/javascript", headers={"Cache-Control": "public, max-age=86400"})


@functools.cache
def _plotly_js() -> str:
    return get_plotlyjs()


EMBED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · defex</title>
<style>
 html, body {{ margin: 0; height: 100%; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
   color: #212529; background: #fff; }}
 body {{ display: flex; flex-direction: column; }}
 header {{ padding: 8px 12px 0; }} h1 {{ font-size: 16px; margin: 0; }}
 #embed-subtitle {{ font-size: 12px; color: #495057; margin: 2px 0 0; }}
 #chart {{ flex: 1 1 auto; min-height: 240px; }}
 footer {{ padding: 4px 12px 8px; font-size: 11px; color: #6c757d; }}
 footer a {{ color: #2166ac; }} .message {{ background: #fff3cd; padding: 4px 12px; font-size: 12px; }}
</style>
<script src="/vendor/plotly.min.js"></script>
</head><body>
<header><h1 id="embed-title">{title}</h1><p id="embed-subtitle">{subtitle}</p></header>
{messages}
<div id="chart"></div>
<footer><span id="source-line">{source_line}</span> ·
 <a id="full-view" href="{full_view}" target="_top">open the full view</a></footer>
<script>
 const figure = {figure_json};
 Plotly.newPlot("chart", figure.data, figure.layout, {{responsive: true, displaylogo: false,
   topojsonURL: "/assets/topojson/"}});
</script>
</body></html>"""


@blueprint.get("/embed/<path:chart_id>")
def embed(chart_id: str):
    return cache.response(_cache_key("embed", chart_id), lambda: _embed(chart_id))


def _embed(chart_id: str):
    chart, error = _chart_or_404(chart_id)
    if error:
        return Response(
            f"<!doctype html><title>Not found</title><p id='error'>Unknown chart "
            f"{html.escape(chart_id[:60])!s}. Charts: {', '.join(sorted(charts.CHARTS))}</p>",
            status=404,
            mimetype="text/html",
        )
    try:
        p = parse(_query(), data.known())
        figure, frame, line = charts.build(chart_id, p, caption=False)
        about = charts.context(chart_id, p, frame, line)
    except WarehouseMissing as exc:
        return Response(f"<!doctype html><p id='error'>{html.escape(str(exc))}</p>", status=503, mimetype="text/html")
    figure.update_layout(autosize=True, height=None, width=None)
    messages = "".join(f'<div class="message">{html.escape(m)}</div>' for m in p.messages)
    page = EMBED_PAGE.format(
        title=html.escape(chart.title),
        subtitle=html.escape(about.subtitle),
        source_line=html.escape(line),
        messages=messages,
        full_view=html.escape(about.permalink, quote=True),
        figure_json=script_json(pio.to_json(figure, validate=False)),
    )
    return Response(page, mimetype="text/html")
