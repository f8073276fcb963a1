"""Charts outside the app, checked in Chromium: the embed page, the API's CSV against what the page draws,
and `make report`'s files (PNG size, SVG, offline HTML, index page)."""

import csv
import io
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from playwright.sync_api import expect

from dashboard import charts
from tests.browser.test_pages import traces
from tests.conftest import ROOT


def test_embed_renders_the_chart_with_its_source_line_and_nothing_else(watched):
    page = watched.open("/embed/recipients_map?measure=units&country=PAK,ARE", dash_page=False)
    expect(page.locator("#embed-title")).to_have_text("Where Türkiye's defence exports go")
    expect(page.locator("#source-line")).to_contain_text("data as of 2026-03-03")
    expect(page.locator("#full-view")).to_have_attribute("href", "/countries?country=PAK,ARE&measure=units")
    page.locator("#chart .choroplethlocation").first.wait_for()
    assert page.evaluate("document.getElementById('chart')._fullData[0].locations.length") == 2
    assert page.locator("nav, .filters, #messages").count() == 0
    watched.screenshot("embed_recipients_map")
    assert watched.problems == []


def test_api_csv_equals_what_the_chart_draws(watched, server):
    query = "?from=2010&to=2025&publisher=tim,ssb"
    drawn = sorted((int(x), float(y)) for t in traces(watched.open("/" + query), "annual_totals")
                   if t["name"] != "events" for x, y in zip(t["x"], t["y"], strict=True) if y is not None and y == y)
    with urllib.request.urlopen(f"{server}/api/v1/charts/annual_totals.csv{query}") as response:
        rows = list(csv.DictReader(io.StringIO(response.read().decode())))
    assert drawn == sorted((int(r["year"]), float(r["value_usd_m"])) for r in rows)
    assert len(drawn) == 20  # TİM 2011–2024; SSB 2018 (survey), 2022–2025 (goods+services), 2025 (goods)


@pytest.fixture(scope="module")
def report(real_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    done = subprocess.run([sys.executable, "-m", "dashboard.export", "--out", str(out)], cwd=ROOT, capture_output=True,
                          text=True, env={**__import__("os").environ, "DEFEX_DB": str(real_db)}, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("chart_id", list(charts.CHARTS))
def test_report_writes_every_chart(report, chart_id):
    assert Image.open(report / f"{chart_id}.png").size == (1200, 700)
    svg = ET.parse(report / f"{chart_id}.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("width") == "1200"
    assert "compiled by defex" in (report / f"{chart_id}.svg").read_text(encoding="utf-8")
    rows = list(csv.DictReader((report / f"{chart_id}.csv").open(encoding="utf-8")))
    assert rows and rows[0]["citation"].startswith("Source: ")


def test_report_html_works_offline(report, browser):
    context = browser.new_context()
    blocked = []
    context.route("http*://**", lambda route: (blocked.append(route.request.url), route.abort()))
    try:
        page = context.new_page()
        for chart_id in ("annual_totals", "recipients_map"):
            page.goto((report / f"{chart_id}.html").as_uri())
            page.locator(".js-plotly-plot .main-svg").first.wait_for()
            assert page.evaluate("document.querySelector('.js-plotly-plot')._fullData.length") >= 1
    finally:
        context.close()
    assert blocked == []


def test_report_index_lists_every_chart_with_its_source(report):
    index = (report / "index.html").read_text(encoding="utf-8")
    for chart in charts.CHARTS.values():
        assert f'<section id="{chart.id}">' in index and f'<img src="{chart.id}.png"' in index
    assert index.count('<p class="source">Source: ') == len(charts.CHARTS)
    assert (report / "report.pdf").read_bytes()[:5] == b"%PDF-"
