"""The README's screenshots, taken from the real app: `make screenshots` (needs Debian's chromium).

Serves the warehouse (DEFEX_DB or data/warehouse/defence_exports.duckdb) on a free loopback port, opens each
view in Chromium through Playwright and writes docs/screenshots/<name>.png. Every view is a URL, so each
screenshot says which link reopens it (printed, and listed in docs/screenshots/README.md).
"""

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench import serving
from dashboard import config

OUT = Path(__file__).resolve().parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWS = [  # (file name, URL path, viewport, what it shows)
    ("overview", "/", DESKTOP, "Overview: headline cards, year-to-date table, totals by publisher, freshness"),
    ("countries", "/countries", DESKTOP, "Recipients: map (click opens a country), ranking, coverage"),
    ("country_pak", "/country/PAK", DESKTOP, "A country page: summary cards before the deal grid"),
    ("firm_baykar", "/firm/baykar", DESKTOP, "A firm page: deals, units by category, US$ coverage, SIPRI TIV"),
    ("deals_talks", "/deals?status=talks", DESKTOP, "Deals at talks stage: status filter, facets, grid"),
    ("platforms", "/platforms", DESKTOP, "Platforms × recipients, deliveries, status by platform"),
    ("compare", "/compare", DESKTOP, "Türkiye against other exporters (SIPRI TIV)"),
    ("quality", "/quality", DESKTOP, "Conflicting figures, reconciled in words"),
    ("overview_phone", "/", PHONE, "The overview on a phone"),
    ("deals_phone", "/deals", PHONE, "The deal grid on a phone: status and year stay visible"),
]


def main() -> int:
    chromium = shutil.which("chromium")
    if not chromium:
        print("error: Debian's chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    db = config.db_path()
    if not db.is_file():
        print(f"error: no warehouse at {db}: run `make etl` first", file=sys.stderr)
        return 2
    OUT.mkdir(exist_ok=True)
    listing = [
        "# Screenshots",
        "",
        "Taken by `make screenshots` from the real app; each reopens at its link.",
        "",
        "| file | link | what it shows |",
        "|---|---|---|",
    ]
    with (
        tempfile.TemporaryDirectory() as tmp,
        serving.dashboard(db, Path(tmp) / "server.log") as base,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        for name, path, viewport, what in VIEWS:
            context = browser.new_context(viewport=viewport, device_scale_factor=1)
            page = context.new_page()
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.locator("h1").first.wait_for()
            page.wait_for_timeout(500)  # plotly's transitions
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=viewport is not PHONE)
            context.close()
            listing.append(f"| [{name}.png]({name}.png) | `{path}` | {what} |")
            print(f"{name}.png  {path}")
        browser.close()
    (OUT / "README.md").write_text("\n".join(listing) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
