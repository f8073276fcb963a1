"""Static export of every chart: `python -m dashboard.export [--out reports] [URL parameters…]` (`make report`).

For each chart: standalone HTML (plotly.min.js beside it, map shapes inline: works from disk), PNG and SVG with
title, subtitle, source line and permalink (kaleido with one Chromium kept open for the batch), CSV of the data
behind it; then index.html (each chart's title once, as text, over an image of the chart alone; A4 print
styles) and report.pdf printed from it by Chromium when Chromium is installed. `--charts a,b` exports only those.
"""

import argparse
import html
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import kaleido
import plotly.io as pio
from plotly.offline import get_plotlyjs
from tqdm import tqdm

from dashboard import charts, data
from dashboard import figures as figs
from dashboard.api import neutralise, script_json
from dashboard.params import parse

WIDTH, HEIGHT = 1200, 700  # the PNG and SVG files
INDEX_WIDTH, INDEX_HEIGHT = 1200, 560  # the index page's images: two charts to a printed A4 page
TOPOJSON = Path(__file__).parent / "assets" / "topojson"
GEO_TRACES = {"choropleth", "scattergeo"}


def export(out: Path, query: dict, pdf: bool = True, chart_ids: list[str] | None = None) -> dict:
    p = parse(query, data.known())
    if p.messages:
        raise SystemExit("error: " + "; ".join(p.messages))
    chart_ids = list(charts.CHARTS) if chart_ids is None else chart_ids
    unknown = [c for c in chart_ids if c not in charts.CHARTS]
    if unknown:
        raise SystemExit(f"error: unknown chart(s) {', '.join(unknown)}; charts: {', '.join(charts.CHARTS)}")
    (out / "img").mkdir(parents=True, exist_ok=True)
    (out / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    built, timings = [], {}
    pio.defaults.topojson = TOPOJSON.as_uri() + "/"  # the vendored map shapes, not plotly's CDN
    kaleido.start_sync_server(silence_warnings=True)
    warnings.filterwarnings("ignore", message="The kopts argument is ignored")
    try:
        for chart_id in tqdm(chart_ids, desc="charts", unit="chart", disable=not sys.stderr.isatty()):
            started = time.perf_counter()
            plain, frame, line = charts.build(chart_id, p, caption=False)
            about = charts.context(chart_id, p, frame, line)
            figure = figs.with_caption(
                plain, title=about.title, source_line=line, subtitle=about.subtitle, permalink=about.permalink_text
            )
            (out / f"{chart_id}.html").write_text(chart_html(figure), encoding="utf-8")
            figure.write_image(out / f"{chart_id}.png", width=WIDTH, height=HEIGHT)
            figure.write_image(out / f"{chart_id}.svg", width=WIDTH, height=HEIGHT)
            # the index prints title, subtitle and source as text: its image is the chart alone, so each title
            # shows once
            plain.write_image(out / "img" / f"{chart_id}.svg", width=INDEX_WIDTH, height=INDEX_HEIGHT)
            neutralise(frame.assign(citation=line)).to_csv(out / f"{chart_id}.csv", index=False)
            timings[chart_id] = time.perf_counter() - started
            built.append((charts.get(chart_id), about))
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    (out / "index.html").write_text(index_page(built, p.query_string(), data.meta()), encoding="utf-8")
    if pdf and shutil.which("chromium"):
        print_pdf(out / "index.html", out / "report.pdf")
    return timings


def chart_html(figure) -> str:
    """The chart as a standalone page that works from disk (file://): plotly.min.js beside it, and for a map the
    vendored world shapes inline, since a browser refuses to fetch them from file:// (plotly.js reads
    window.PlotlyGeoAssets before it fetches)."""
    page = pio.to_html(figure, include_plotlyjs="directory", full_html=True, config={"displaylogo": False})
    if not any(trace.type in GEO_TRACES for trace in figure.data):
        return page
    shapes = script_json((TOPOJSON / "world_110m.json").read_text(encoding="utf-8"))
    assets = f"<script>window.PlotlyGeoAssets = {{topojson: {{world_110m: {shapes}}}}};</script>"
    return page.replace("<head>", "<head>" + assets, 1)


INDEX_STYLE = """body { font-family: system-ui, Arial, sans-serif; max-width: 1240px; margin: 24px auto;
  color: #212529; }
img { max-width: 100%; height: auto; display: block; } .subtitle { color: #495057; margin: 0 0 4px; }
.caption, .source, .cite { color: #6c757d; } .source, .cite, .files { font-size: 12px; margin: 2px 0; }
section { break-inside: avoid; margin-bottom: 28px; } h2 { margin: 0 0 2px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; } h1 { font-size: 15pt; margin: 0 0 4px; }
  h2 { font-size: 11.5pt; } .subtitle { font-size: 9pt; } .caption { font-size: 8.5pt; margin: 0 0 2px; }
  .source, .cite { font-size: 7.5pt; } section { margin-bottom: 5mm; }
  .files { display: none; }  /* in a PDF they would be links to this machine's file:// paths, dead elsewhere */
}"""


def index_page(built, query: str, meta: dict) -> str:
    sections = "\n".join(
        f"""<section id="{c.id}">
  <h2>{html.escape(about.title)}</h2>
  <p class="subtitle">{html.escape(about.subtitle)}</p>
  <p class="caption">{html.escape(c.description)}</p>
  <img src="img/{c.id}.svg" alt="{html.escape(about.title)}" width="{INDEX_WIDTH}" height="{INDEX_HEIGHT}">
  <p class="source">{html.escape(about.source_line)}</p>
  <p class="cite">Cite: {html.escape(about.citation)}</p>
  <p class="files"><a href="{c.id}.html">interactive HTML</a> · <a href="{c.id}.svg">SVG</a> ·
     <a href="{c.id}.png">PNG</a> · <a href="{c.id}.csv">CSV</a></p>
</section>"""
        for c, about in built
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>defex report</title>
<style>{INDEX_STYLE}</style></head>
<body><h1>Türkiye's defence exports: charts</h1>
<p>Parameters: {html.escape(query or "defaults")} · data as of {html.escape(meta["data_as_of"])} ·
ETL run {html.escape(meta["run_id"])} · {len(built)} charts; each also as HTML, SVG, PNG and CSV in this
report's folder (&lt;chart id&gt;.html …).</p>
{sections}
</body></html>"""


def print_pdf(page: Path, target: Path) -> None:
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.export", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("reports"))
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--charts", help="comma-separated chart ids (default: every chart)")
    parser.add_argument("params", nargs="*", help="URL parameters as name=value, e.g. from=2015 country=PAK")
    args = parser.parse_args(argv)
    query = dict(item.split("=", 1) for item in args.params if "=" in item)
    started = time.perf_counter()
    chart_ids = [c.strip() for c in args.charts.split(",") if c.strip()] if args.charts else None
    timings = export(args.out, query, pdf=not args.no_pdf, chart_ids=chart_ids)
    print(
        f"wrote {len(timings)} charts to {args.out}/ in {time.perf_counter() - started:.1f} s "
        f"(index.html{', report.pdf' if (args.out / 'report.pdf').exists() else ''})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
