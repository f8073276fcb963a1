"""Browser tests: the real app under gunicorn on loopback, driven in Debian's Chromium through Playwright.

A missing Chromium fails these tests (it does not skip them): install it with `apt-get install chromium`.
"""

import shutil

import pytest
from playwright.sync_api import sync_playwright

from bench import browser as browser_bench
from bench import serving
from tests.conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_FLAGS = browser_bench.FLAGS  # the bench drives the same Chromium the same way


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server(real_db):
    """`python -m dashboard` (gunicorn, 2 workers) serving the warehouse built from data/raw."""
    log = real_db.parent / "server.log"
    with serving.dashboard(real_db, log) as base:
        yield base
    server_log = log.read_text()
    assert "Traceback" not in server_log, server_log[-3000:]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is not installed: apt-get install chromium (CI installs it)"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def aborted_by_navigation(request) -> bool:
    """A request the browser itself cancelled because the page navigated away while it was in flight (a click on a
    link; a next page opened while plotly still fetched the map's topojson of the page before): not an answer the
    server failed to give (that fails with another error: reset, empty response, refused)."""
    own = "/_dash-update-component" in request.url or "/assets/" in request.url
    return request.failure == "net::ERR_ABORTED" and own


class Watched:
    """A page whose console errors, failed requests and requests leaving 127.0.0.1 are collected."""

    def __init__(self, page, base):
        self.page, self.base, self.problems = page, base, []
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on(
            "requestfailed", lambda r: None if aborted_by_navigation(r) else self.problems.append(f"failed: {r.url}")
        )
        # a callback answered with an error leaves the page blank or stale, with nothing in the console
        page.on(
            "response",
            lambda r: (
                self.problems.append(f"callback answered {r.status}: {r.url}")
                if r.status >= 400 and "/_dash-update-component" in r.url
                else None
            ),
        )
        page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith((base, "data:", "blob:"))
                else self.problems.append(f"outside 127.0.0.1: {r.url}")
            ),
        )

    def open(self, path: str, *, dash_page: bool = True):
        """Open a path; a Dash page is ready when its callbacks have settled (network idle) and it has a
        heading. A plain page (an embed) is waited for by the test, on what it needs."""
        self.page.goto(self.base + path)
        if dash_page:
            self.page.wait_for_load_state("networkidle")
        try:
            self.page.locator("h1").first.wait_for()
        except Exception as exc:  # say what the page met (a page without its heading after 30 s was seen once)
            raise AssertionError(f"{path}: no heading; problems: {self.problems}") from exc
        return self.page

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def watched(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = Watched(context.new_page(), server)
    yield page
    context.close()
