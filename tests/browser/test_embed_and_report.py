"""Charts outside the app, checked in Chromium: the embed page, the API's CSV against what the page draws,
the PNG/SVG the app downloads, and `make report`'s files (PNG size, SVG, offline HTML and map, index page, PDF)."""

import csv
import html
import io
import re
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pypdf
import pytest
from PIL import Image
from playwright.sync_api import expect

from dashboard import charts
from tests.browser.test_pages import traces
from tests.conftest import ROOT, needs_sipri


def test_embed_renders_the_chart_with_its_source_line_and_nothing_else(watched):
    page = watched.open("/embed/recipients_map?measure=units&country=PAK,ARE", dash_page=False)
    expect(page.locator("#embed-title")).to_have_text("Where Türkiye's defence exports go")
    expect(page.locator("#embed-subtitle")).to_have_text(
        "1994–2023 · recipients: Pakistan, United Arab Emirates · confirmed deals · measure: units"
    )
    expect(page.locator("#source-line")).to_contain_text("data as of 2026-03-03")
    expect(page.locator("#full-view")).to_have_attribute("href", "/countries?country=PAK,ARE&measure=units")
    page.locator("#chart .choroplethlocation").first.wait_for()
    assert page.evaluate("document.getElementById('chart')._fullData[0].locations.length") == 2
    assert page.locator("nav, .filters, #messages").count() == 0
    watched.screenshot("embed_recipients_map")
    assert watched.problems == []


def test_api_csv_equals_what_the_chart_draws(watched, server):
    query = "?from=2010&to=2025&publisher=tim,ssb"
    drawn = sorted(
        (int(x), float(y))
        for t in traces(watched.open("/" + query), "annual_totals")
        if t["name"] != "events"
        for x, y in zip(t["x"], t["y"], strict=True)
        if y is not None and y == y
    )
    with urllib.request.urlopen(f"{server}/api/v1/charts/annual_totals.csv{query}") as response:
        rows = list(csv.DictReader(io.StringIO(response.read().decode())))
    assert drawn == sorted((int(r["year"]), float(r["value_usd_m"])) for r in rows)
    assert len(drawn) == 20  # TİM 2011–2024; SSB 2018 (survey), 2022–2025 (goods+services), 2025 (goods)


@pytest.fixture(scope="module")
def report(real_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.export", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DEFEX_DB": str(real_db)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize(
    "chart_id", [pytest.param(c, marks=needs_sipri if chart.tiv else ()) for c, chart in charts.CHARTS.items()]
)
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
        assert f'<section id="{chart.id}">' in index and f'<img src="img/{chart.id}.svg"' in index
    assert index.count('<p class="source">Source: ') == len(charts.CHARTS)
    assert (report / "report.pdf").read_bytes()[:5] == b"%PDF-"


def test_the_cite_this_control_shows_the_sentence_with_title_and_permalink(watched):
    page = watched.open("/countries?country=PAK")
    card = page.locator("#card-recipients_map")
    expect(card.locator(".citation")).not_to_be_visible()
    card.get_by_text("cite this").click()
    expect(card.locator(".citation")).to_be_visible()
    expect(card.locator(".citation")).to_contain_text(
        "“Where Türkiye's defence exports go”, 1994–2022 · recipient: "
        "Pakistan · confirmed deals · measure: deals (count); source: "
    )
    expect(card.locator(".citation")).to_contain_text(
        "; /countries?country=PAK (relative to where the dashboard is served); compiled by defex."
    )
    assert card.locator(".copy-citation").count() == 1
    assert watched.problems == []


@needs_sipri
def test_the_svg_and_png_the_app_downloads_carry_subtitle_and_permalink(watched, tmp_path):
    page = watched.open("/countries?country=PAK")
    card = page.locator("#card-recipients_bar")
    with page.expect_download() as svg:
        card.get_by_role("button", name="SVG", exact=True).click()
    text = html.unescape(open(svg.value.path(), encoding="utf-8").read())
    assert "Recipients of Türkiye's defence exports, ranked" in text
    assert "1994–2022 · recipient: Pakistan · confirmed deals · measure: deals (count)" in text
    assert "View: /countries?country=PAK" in text and "compiled by defex" in text
    with page.expect_download() as png:
        card.get_by_role("button", name="PNG", exact=True).click()
    assert Image.open(png.value.path()).size == (1200, 700)
    assert watched.problems == []


def test_report_png_and_svg_carry_subtitle_and_permalink(report):
    """The SVG's text says them; the PNG, drawn from the same figure, has ink where the SVG puts the subtitle."""
    svg = (report / "recipients_map.svg").read_text(encoding="utf-8")
    text = html.unescape(svg)
    assert "1956–2026 · confirmed deals · measure: deals (count)" in text
    assert "View: /countries (relative to where the dashboard is served)" in text
    y = float(re.search(r'<text class="gtitle-subtitle" x="[0-9.]+" y="([0-9.]+)"', svg).group(1))
    png = Image.open(report / "recipients_map.png").convert("L")
    assert png.size == (1200, 700)
    band = [png.getpixel((x, row)) for x in range(0, 400) for row in range(int(y), int(y) + 12)]
    assert sum(1 for v in band if v < 160) > 150  # the subtitle's glyphs (12 px, grey #495057)


def test_report_map_draws_from_disk(report, browser):
    """file:// forbids fetching the map shapes: they are inline, so the countries are drawn."""
    context = browser.new_context()
    context.route("http*://**", lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto((report / "recipients_map.html").as_uri())
        page.locator(".choroplethlocation").first.wait_for(timeout=10000)
        drawn = page.locator(".choroplethlocation").count()
        assert drawn == page.evaluate("document.querySelector('.js-plotly-plot')._fullData[0].locations.length")
        assert drawn == 62
        assert page.locator(".geo .layer.bg path, .geo .layer.backplot path").count() >= 1  # land and ocean
    finally:
        context.close()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in ("href", "src") and value]


def test_report_has_no_dead_links(report):
    pages = [report / "index.html"] + sorted(report.glob("*.html"))
    dead = []
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.links, page.name
        dead += [
            f"{page.name}: {link}"
            for link in parser.links
            if re.match(r"^[a-z]+:", link) or not (report / link.split("#")[0]).is_file()
        ]
    assert dead == []


def test_report_pdf_has_no_links_to_this_machines_files(report):
    """Chromium prints a relative link as file:///<this folder>/…: dead once the PDF is sent anywhere."""
    uris = [
        annotation.get_object()["/A"].get("/URI")
        for page in pypdf.PdfReader(report / "report.pdf").pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    ]
    assert [u for u in uris if str(u).startswith("file:")] == []


def test_report_index_titles_each_chart_once(report):
    """The heading says the title; the image under it is the chart alone (no title drawn into it)."""
    index = (report / "index.html").read_text(encoding="utf-8")
    for chart in charts.CHARTS.values():
        assert index.count(f"<h2>{html.escape(chart.title)}</h2>") == 1
        image = (report / "img" / f"{chart.id}.svg").read_text(encoding="utf-8")
        assert 'class="gtitle"' not in image and html.escape(chart.title) not in image
        assert 'class="gtitle"' in (report / f"{chart.id}.svg").read_text(encoding="utf-8")  # the file keeps it


def test_report_prints_on_a4_two_charts_to_a_page(report):
    pdf = pypdf.PdfReader(report / "report.pdf")
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert len(pdf.pages) == 8  # 16 charts; before: 16 Letter pages, one chart and a third empty on each
    for number, page in enumerate(pdf.pages):
        text = page.extract_text()  # once per page: extracting the SVG-drawn pages is slow (~0.25 s each)
        headings = [c.title for c in charts.CHARTS.values() if c.title.replace("fi", "ﬁ") in text or c.title in text]
        assert len(headings) == 2, (number, headings)
