"""Text from the data rendered inert: titles, quotes, notes and names holding markup and formulas, in Chromium.

The ETL refuses such text (see the corpus), so the warehouse here is built from the tiny raw files and then
edited in place, as if a value had slipped through: the pages must still show it as text and run none of it,
and the grid's CSV download must neutralise formulas like the API's CSV does.
"""

import csv
import io
import shutil
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_FLAGS, Watched
from tests.conftest import FIXTURES, etl
from tests.reliability.conftest import serving

HOSTILE = {  # (table, column, key column, key) -> text; each script would set window.__xss if it ran
    ("sources", "title", "source_id", "src_a"): "<img src=x onerror=window.__xss=1>[link](javascript:window.__xss=2)",
    ("sources", "quote", "source_id", "src_a"): "<script>window.__xss=3</script> quoted",
    ("events", "title", "event_id", "E001"): '<img src=x onerror="window.__xss=4"> talks',
    ("deals", "note", "deal_id", "D0003"): '=HYPERLINK("http://evil.example","open")',
    ("deals", "note", "deal_id", "D0001"): "<b onmouseover=window.__xss=5>bold</b>",
    ("firms", "name", "firm_id", "baykar"): "Baykar<script>window.__xss=6</script>",
    ("platforms", "aliases", "platform_id", "tb2"): "<svg onload=window.__xss=7>",
    ("countries", "name", "iso3", "PAK"): "Pakistan<img src=x onerror=window.__xss=8>",
}
PAGES = [
    "/",
    "/deals",
    "/sources",
    "/countries",
    "/platforms",
    "/firms",
    "/firm/baykar",
    "/platform/tb2",
    "/country/PAK",
    "/embed/annual_totals",
    "/embed/recipients_bar",
]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-data")
    db = folder / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(FIXTURES / "raw"), "--db", str(db)) == 0
    con = duckdb.connect(str(db.resolve()))
    for (table, column, key_column, key), text in HOSTILE.items():
        con.execute(f"UPDATE {table} SET {column} = ? WHERE {key_column} = ?", [text, key])
    con.execute("CHECKPOINT")
    con.close()
    with serving(db, folder / "server.log") as base:
        yield base


class Chromium:
    """Chromium driven from a thread of its own: the browser tests' Playwright may be running in the main
    thread already (one sync Playwright per thread), so this one lives beside it, whatever the test order."""

    def __init__(self):
        self.thread = ThreadPoolExecutor(1)
        self.thread.submit(self._start).result()

    def _start(self):
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)

    def run(self, test, base: str, *args):
        """test(watched page, *args) in the browser's thread, on a fresh context; its result."""

        def body():
            context = self.browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            watched = Watched(context.new_page(), base)
            watched.dialogs = []
            watched.page.on("dialog", lambda d: (watched.dialogs.append(d.message), d.dismiss()))
            try:
                return test(watched, *args)
            finally:
                context.close()

        return self.thread.submit(body).result()

    def close(self):
        self.thread.submit(lambda: (self.browser.close(), self.playwright.stop())).result()
        self.thread.shutdown()


@pytest.fixture(scope="module")
def chromium():
    assert shutil.which("chromium"), "Debian's chromium is not installed: apt-get install chromium (CI installs it)"
    browser = Chromium()
    yield browser
    browser.close()


def injected(page) -> dict:
    return page.evaluate("""() => ({
        xss: window.__xss === undefined ? null : window.__xss,
        images: document.querySelectorAll('img[src="x"]').length,
        svgOnload: document.querySelectorAll('svg[onload]').length,
        handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(
            a => a.name.startsWith('on') && a.value.includes('__xss'))).length,
        jsLinks: [...document.querySelectorAll('a')].filter(a => /^\\s*javascript:/i.test(
            a.getAttribute('href') || a.getAttribute('xlink:href') || '')).length,
    })""")


def open_every_page(page) -> list[tuple[str, dict]]:
    found = []
    for path in PAGES:
        page.page.goto(page.base + path)
        page.page.wait_for_load_state("networkidle")
        page.page.wait_for_timeout(300)
        for chart in page.page.locator(".js-plotly-plot").all()[:3]:  # hover draws the data's text
            box = chart.bounding_box()
            if box:
                page.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.page.wait_for_timeout(150)
        found.append((path, injected(page.page)))
    return found + [("dialogs", page.dialogs), ("console", [p for p in page.problems if "__xss" in p])]


@pytest.mark.browser
@pytest.mark.slow
def test_text_from_the_data_is_shown_not_run(chromium, hostile_server, figures):
    clean = {"xss": None, "images": 0, "svgOnload": 0, "handlers": 0, "jsLinks": 0}
    assert chromium.run(open_every_page, hostile_server) == [(p, clean) for p in PAGES] + [
        ("dialogs", []),
        ("console", []),
    ]
    figures["hostile data"] = {
        "hostile texts in the warehouse": len(HOSTILE),
        "pages and embeds opened": len(PAGES),
        "scripts run": 0,
    }


def visible_texts(page) -> tuple[str, str, str]:
    page.open("/sources")
    page.page.locator("#sources-grid").get_by_text("<script>window.__xss=3</script> quoted").first.wait_for()
    quote = page.page.locator("#sources-grid").get_by_text("<script>window.__xss=3</script> quoted").first.inner_text()
    title = page.open("/firm/baykar").locator("h1").first.inner_text()
    body = page.open("/platform/tb2").locator("body").inner_text()
    return quote, title, body


@pytest.mark.browser
def test_hostile_text_is_visible_as_typed(chromium, hostile_server):
    quote, title, body = chromium.run(visible_texts, hostile_server)
    assert quote == "<script>window.__xss=3</script> quoted"
    assert title == "Baykar<script>window.__xss=6</script>"
    assert "also known as: <svg onload=window.__xss=7>" in body


def download_deals_csv(page, target) -> str:
    page.open("/deals?status=all")
    with page.page.expect_download() as download:
        page.page.locator("#deals-csv").click()
    shutil.copy(download.value.path(), target)
    return target.read_text(encoding="utf-8")


@pytest.mark.browser
def test_grid_csv_download_neutralises_formulas(chromium, hostile_server, tmp_path):
    text = chromium.run(download_deals_csv, hostile_server, tmp_path / "deals.csv")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    notes = {r["Deal"]: r["Note"] for r in rows}
    assert notes["D0003"] == '\'=HYPERLINK("http://evil.example","open")'
    assert notes["D0001"] == "<b onmouseover=window.__xss=5>bold</b>"
