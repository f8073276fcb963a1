"""Browser: time from navigation to a drawn chart (a plotly SVG with its data; a grid row on pages without a
chart) for each page, in headless Chromium (Debian's, through Playwright), browser warm, app under gunicorn.

    python -m bench.browser BASE_URL [REPEATS]      prints one JSON line
"""

import json
import shutil
import sys
import time

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ENTITY_PAGES = ["/country/PAK", "/firm/baykar", "/platform/tb2"]


def pages() -> list[str]:
    """The pages of the navigation bar (dashboard.layout.nav_pages, as the app registers them) and one of each
    kind of entity page."""
    import dashboard.app  # noqa: F401  (registers the pages)
    from dashboard.layout import nav_pages

    return [path for path, _ in nav_pages()] + ENTITY_PAGES


GRID_ONLY = ("/deals", "/sources", "/quality")  # pages without a chart: their first grid row counts
EMBED = "/embed/annual_totals"  # the baseline: one chart on a plain page from the same server
CHART = ".js-plotly-plot .main-svg .trace, .js-plotly-plot .main-svg .choroplethlocation"
GRID = ".ag-center-cols-container .ag-row"


def drawn(page, path: str, base: str) -> tuple[float, str]:
    """Seconds from goto() to the first drawn chart (or grid row), and which it was."""
    started = time.perf_counter()
    page.goto(base + path, wait_until="commit")
    kind = "grid" if path in GRID_ONLY else "chart"
    page.wait_for_selector(GRID if kind == "grid" else CHART, state="attached", timeout=30_000)
    return time.perf_counter() - started, kind


def run(base: str, repeats: int = 3) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("no chromium on PATH: apt-get install chromium")
    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for path in ("/", "/deals"):  # warm: the browser, plotly.js and the grid in its cache
            drawn(page, path, base)
        for path in [*pages(), EMBED]:
            times, kind = [], "chart"
            for _ in range(repeats):
                seconds, kind = drawn(page, path, base)
                times.append(seconds)
            times.sort()
            results[path] = {
                "median_s": round(times[len(times) // 2], 3),
                "max_s": round(times[-1], 3),
                "what": kind,
                "n": repeats,
            }
        browser.close()
    return results


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)))
