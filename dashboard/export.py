"""Static export of every chart: `python -m dashboard.export [--out reports] [URL parameters…]` (`make report`).

For each chart: standalone HTML (plotly.min.js beside it, works offline), PNG and SVG (kaleido with one
Chromium kept open for the batch), CSV of the data behind it; then index.html with captions and sources, and
report.pdf printed from it by Chromium when Chromium is installed.
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
from dashboard.api import neutralise
from dashboard.params import parse

WIDTH, HEIGHT = 1200, 700


def export(out: Path, query: dict, pdf: bool = True) -> dict:
    p = parse(query, data.known())
    if p.messages:
        raise SystemExit("error: " + "; ".join(p.messages))
    out.mkdir(parents=True, exist_ok=True)
    (out / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    built, timings = [], {}
    topojson = Path(__file__).parent / "assets" / "topojson"
    pio.defaults.topojson = topojson.as_uri() + "/"  # the vendored map shapes, not plotly's CDN
    kaleido.start_sync_server(silence_warnings=True)
    warnings.filterwarnings("ignore", message="The kopts argument is ignored")
    try:
        for chart_id in tqdm(charts.CHARTS, desc="charts", unit="chart", disable=not sys.stderr.isatty()):
            started = time.perf_counter()
            figure, frame, line = charts.build(chart_id, p)
            figure.write_html(out / f"{chart_id}.html", include_plotlyjs="directory", full_html=True,
                              config={"displaylogo": False, "topojsonURL": "./topojson/"})
            figure.write_image(out / f"{chart_id}.png", width=WIDTH, height=HEIGHT)
            figure.write_image(out / f"{chart_id}.svg", width=WIDTH, height=HEIGHT)
            neutralise(frame.assign(citation=line)).to_csv(out / f"{chart_id}.csv", index=False)
            timings[chart_id] = time.perf_counter() - started
            built.append((charts.get(chart_id), line))
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    shutil.copytree(topojson, out / "topojson", dirs_exist_ok=True)
    (out / "index.html").write_text(index_page(built, p.query_string(), data.meta()), encoding="utf-8")
    if pdf and shutil.which("chromium"):
        print_pdf(out / "index.html", out / "report.pdf")
    return timings


def index_page(built, query: str, meta: dict) -> str:
    sections = "\n".join(f"""<section id="{c.id}">
  <h2>{html.escape(c.title)}</h2>
  <p class="caption">{html.escape(c.description)}</p>
  <img src="{c.id}.png" alt="{html.escape(c.title)}" width="{WIDTH}" height="{HEIGHT}">
  <p class="source">{html.escape(line)}</p>
  <p class="files"><a href="{c.id}.html">interactive HTML</a> · <a href="{c.id}.svg">SVG</a> ·
     <a href="{c.id}.png">PNG</a> · <a href="{c.id}.csv">CSV</a></p>
</section>""" for c, line in built)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>defex report</title>
<style>body {{ font-family: system-ui, Arial, sans-serif; max-width: 1240px; margin: 24px auto; color: #212529; }}
img {{ max-width: 100%; height: auto; border: 1px solid #dee2e6; }} .caption, .source {{ color: #6c757d; }}
.source {{ font-size: 12px; }} section {{ break-inside: avoid; margin-bottom: 32px; }}</style></head>
<body><h1>Türkiye's defence exports: charts</h1>
<p>Parameters: {html.escape(query or "defaults")} · data as of {html.escape(meta["data_as_of"])} ·
ETL run {html.escape(meta["run_id"])} · {len(built)} charts.</p>
{sections}
</body></html>"""


def print_pdf(page: Path, target: Path) -> None:
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--no-first-run", "--no-pdf-header-footer", f"--print-to-pdf={target}", page.resolve().as_uri()],
                   check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.export", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("reports"))
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("params", nargs="*", help="URL parameters as name=value, e.g. from=2015 country=PAK")
    args = parser.parse_args(argv)
    query = dict(item.split("=", 1) for item in args.params if "=" in item)
    started = time.perf_counter()
    timings = export(args.out, query, pdf=not args.no_pdf)
    print(f"wrote {len(timings)} charts to {args.out}/ in {time.perf_counter() - started:.1f} s "
          f"(index.html{', report.pdf' if (args.out / 'report.pdf').exists() else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
