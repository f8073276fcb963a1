"""Every page in Chromium: it renders, requests nothing outside 127.0.0.1, logs no error, and its filters,
links and clicks do what a user expects."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import needs_sipri

PAGES = {
    "overview": ("/", "Türkiye's defence & aerospace exports"),
    "countries": ("/countries", "Recipient countries"),
    "firms": ("/firms", "Firms"),
    "platforms": ("/platforms", "Platforms"),
    "deals": ("/deals", "Deal register"),
    "sources": ("/sources", "Sources (307 documents)"),
    "quality": ("/quality", "Data quality"),
    "compare": ("/compare", "Türkiye among the world's exporters"),
    "country_pak": ("/country/PAK", "Pakistan"),
    "firm_baykar": ("/firm/baykar", "Baykar"),
    "platform_tb2": ("/platform/tb2", "Bayraktar TB2"),
}


def filter_box(page, name):
    return page.locator(f"[id='{json.dumps({'name': name, 'type': 'filter'}, separators=(',', ':'))}']")


def open_filter(page, name):
    """Click a filter and wait for its list of options: keys typed before the list is open are lost (seen on a
    busy machine)."""
    filter_box(page, name).click()
    search = page.locator("input.dash-dropdown-search")
    search.wait_for()
    search.focus()
    page.locator("[role=listbox]").first.wait_for()


def choose(page, name, option):
    """Pick an option in a filter, then wait until the page has re-rendered from the new URL."""
    page.evaluate("document.querySelector('h1').dataset.stale = '1'")
    open_filter(page, name)
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    page.locator("h1:not([data-stale])").first.wait_for()
    page.wait_for_load_state("networkidle")


def traces(page, chart_id):
    """What a chart draws, read from the plotly element in the page."""
    page.locator(f"#card-{chart_id} .js-plotly-plot").wait_for()
    return page.evaluate(
        """id => [...document.querySelector(`#card-${id} .js-plotly-plot`)._fullData].map(t => ({
        name: t.name, x: t.x ? [...t.x] : null, y: t.y ? [...t.y] : null,
        locations: t.locations ? [...t.locations] : null, z: t.z ? [...t.z] : null}))""",
        chart_id,
    )


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_cleanly(watched, name):
    path, heading = PAGES[name]
    page = watched.open(path)
    expect(page.locator("h1").first).to_have_text(heading)
    page.wait_for_timeout(300)
    watched.screenshot(name)
    assert watched.problems == []
    assert page.locator("#page-error").count() == 0


def test_every_chart_shows_its_source_line_and_data_as_of(watched):
    page = watched.open("/")
    lines = page.locator(".source-line")
    expect(lines).to_have_count(3)
    for text in lines.all_inner_texts():
        assert text.startswith("Source: ") and "data as of 2026-03-03" in text


def test_year_range_updates_the_url_and_the_charts(watched):
    page = watched.open("/")
    years = {x for t in traces(page, "annual_totals") if t["name"] != "events" for x in t["x"]}
    assert min(years) == 2002
    choose(page, "from", "2020")
    expect(page).to_have_url(re.compile(r"/\?from=2020$"))
    page.wait_for_load_state("networkidle")
    expect(page.locator("#card-annual_totals")).to_be_visible()
    years = {x for t in traces(page, "annual_totals") if t["name"] != "events" for x in t["x"]}
    assert min(years) == 2020 and max(years) == 2025
    assert filter_box(page, "from").inner_text().strip().startswith("2020")


def test_country_filter_narrows_the_ranking(watched):
    page = watched.open("/countries?measure=units")
    before = {y for t in traces(page, "recipients_bar") for y in t["y"]}
    assert {"Pakistan", "United Arab Emirates", "Qatar"} <= before
    choose(page, "country", "Pakistan")
    expect(page).to_have_url(re.compile(r"/countries\?country=PAK&measure=units$"))
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    after = {y for t in traces(page, "recipients_bar") for y in t["y"]}
    assert after == {"Pakistan"}


def test_clicking_pakistan_on_the_map_opens_its_page(watched):
    page = watched.open("/countries?measure=units")
    data = traces(page, "recipients_map")[0]
    index = data["locations"].index("PAK")
    shape = page.locator("#card-recipients_map path.choroplethlocation").nth(index)
    box = shape.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.55)
    expect(page).to_have_url(re.compile(r"/country/PAK\?measure=units$"))
    expect(page.locator("h1").first).to_have_text("Pakistan")
    grid = page.locator("#deals-grid")
    expect(grid.get_by_text("Bayraktar TB2", exact=True)).to_be_visible()
    expect(grid.get_by_text("Bayraktar Akıncı", exact=True)).to_be_visible()


def test_a_filtered_url_reopens_the_same_view_in_a_fresh_browser(watched, browser, server):
    path = "/countries?from=2015&to=2024&country=PAK,ARE,QAT&status=all&measure=units"
    first = sorted(zip(*(traces(watched.open(path), "recipients_bar")[0][k] for k in ("y", "x")), strict=True))
    fresh = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = fresh.new_page()
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        second = sorted(zip(*(traces(page, "recipients_bar")[0][k] for k in ("y", "x")), strict=True))
    finally:
        fresh.close()
    assert first == second and len(first) == 3


def test_back_and_forward_restore_the_view(watched):
    page = watched.open("/countries")
    choose(page, "country", "Pakistan")
    expect(page).to_have_url(re.compile(r"country=PAK"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/countries$"))
    page.wait_for_load_state("networkidle")
    expect(filter_box(page, "country")).not_to_contain_text("Pakistan")
    page.go_forward()
    expect(page).to_have_url(re.compile(r"country=PAK"))
    expect(filter_box(page, "country")).to_contain_text("Pakistan")


def test_bad_parameters_show_a_message_not_an_error(watched):
    page = watched.open("/countries?from=abc&country=ZZZ,PAK&measure=gbp&evil=<script>")
    messages = page.locator("#messages")
    expect(messages).to_contain_text("'from' must be a year between 1950 and 2100; ignored 'abc'")
    expect(messages).to_contain_text("unknown country 'ZZZ' ignored")
    expect(messages).to_contain_text("'measure' must be one of deals, usd, tiv, units; ignored 'gbp'")
    expect(messages).to_contain_text("unknown parameter 'evil' ignored")
    assert watched.problems == []


def test_unknown_entity_and_page_say_so(watched):
    expect(watched.open("/country/QQQ").locator("#not-found")).to_contain_text("No country with the id 'QQQ'")
    expect(watched.open("/no/such/page").locator("#not-found")).to_contain_text("There is no such page")


def test_status_all_adds_talks_stage_deals_and_says_how_many_were_left_out(watched):
    page = watched.open("/country/PAK")
    expect(page.locator(".status-note")).to_contain_text("3 talks-stage, stalled or low-confidence item(s) left out")
    expect(page.locator("#deals-grid").get_by_text("drone_plant")).to_have_count(0)
    page.locator(".status-note a").click()
    expect(page).to_have_url(re.compile(r"/country/PAK\?status=all$"))
    expect(page.locator("h2", has_text="Deals (18)")).to_be_visible()


def test_clicking_a_published_figure_shows_its_provenance(watched):
    page = watched.open("/?publisher=tim&from=2024&to=2024")
    plot = page.locator("#card-annual_totals .js-plotly-plot")
    point = plot.locator(".scatterlayer .trace .points path").first
    point.click(force=True)
    panel = page.locator("#card-annual_totals .provenance")
    expect(panel).to_contain_text("AeroHaber, 2025-01-03")
    expect(panel.locator("a")).to_have_attribute("href", re.compile(r"^https://www\.aerohaber\.com/"))


def test_deals_csv_download_matches_the_filtered_grid(watched):
    page = watched.open("/deals?country=PAK")
    expect(page.locator("#deals-count")).to_have_text("15 deals")
    with page.expect_download() as download:
        page.locator("#deals-csv").click()
    lines = download.value.path().read_text(encoding="utf-8").strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith('"Deal","buyer","buyer_iso3","platform",') and len(lines) == 1 + 15


def test_narrow_screen_has_no_sideways_scroll(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(server + "/")
        page.wait_for_load_state("networkidle")
        page.locator("#card-annual_totals .js-plotly-plot").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(
            path=str(__import__("tests.browser.conftest", fromlist=["x"]).ARTIFACTS / "overview_narrow.png"),
            full_page=True,
        )
    finally:
        context.close()


def test_narrow_screen_folds_the_links_behind_a_menu_button(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(server + "/platforms?country=PAK")
        page.locator("#card-platform_matrix .js-plotly-plot").wait_for()
        link = page.get_by_role("link", name="Deals", exact=True)
        expect(link).to_be_hidden()
        page.get_by_role("button", name="Toggle navigation").click()
        expect(link).to_be_visible()
        link.click()
        page.wait_for_url(re.compile(r"/deals\?country=PAK$"))
        expect(page.locator("h1").first).to_have_text("Deal register")
        expect(page.get_by_role("link", name="Deals", exact=True)).to_be_hidden()  # folded again on the new page
    finally:
        context.close()


def test_wide_screen_shows_the_links_without_a_menu_button(watched):
    page = watched.open("/")
    expect(page.get_by_role("link", name="Deals", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Toggle navigation")).to_be_hidden()


@needs_sipri
def test_compare_page_ranks_turkiye_11th_for_2019_2023(watched):
    page = watched.open("/compare?country=KOR,ISR&to=2023")  # within the TIV tables' years: from the tables
    expect(page.locator("h1").first).to_have_text("Türkiye among the world's exporters")
    bars = traces(page, "sipri_exporters")[0]
    ranked = dict(zip(bars["y"], bars["x"], strict=True))
    assert list(ranked)[:3] == ["United States", "France", "Russia"] and ranked["Türkiye"] == 2172
    assert list(ranked).index("Türkiye") == 10
    assert {t["name"] for t in traces(page, "sipri_trend")} == {"Türkiye", "South Korea", "Israel"}
    expect(page.locator("#reconciliation-summary")).to_contain_text("298 pairs by buyer and platform; 59 differ")
    watched.screenshot("compare")
    assert watched.problems == []


@needs_sipri
def test_measure_tiv_ranks_recipients_by_sipri_volume(watched):
    page = watched.open("/countries?measure=tiv")
    bars = traces(page, "recipients_bar")[0]
    top = [y for _, y in sorted(zip(bars["x"], bars["y"], strict=True), reverse=True)][:3]
    assert top == ["United Arab Emirates", "Turkmenistan", "Pakistan"]


def test_headline_cards_show_the_published_figures(watched):
    page = watched.open("/")
    expect(page.locator("#kpi-year .kpi-value")).to_have_text("2025: $10.054 bn")
    expect(page.locator("#kpi-year")).to_contain_text("+40.5% on 2024 ($7.154 bn)")
    expect(page.locator("#kpi-ytd .kpi-value")).to_have_text("Jan–Feb 2026: $1.107 bn")
    expect(page.locator("#kpi-recipients .kpi-value")).to_have_text("62")


def test_the_navigation_lists_the_pages_this_suite_and_the_bench_open():
    """One list: the navigation bar is built from Dash's page registry (order=, nav=True where each page registers),
    and the bench times those pages."""
    import dashboard.app  # noqa: F401  (registers the pages)
    from bench.browser import ENTITY_PAGES, pages
    from dashboard.layout import nav_pages

    assert nav_pages() == [
        ("/", "Overview"),
        ("/countries", "Countries"),
        ("/firms", "Firms"),
        ("/platforms", "Platforms"),
        ("/deals", "Deals"),
        ("/sources", "Sources"),
        ("/quality", "Quality"),
        ("/compare", "Compare"),
    ]
    assert [path for path, _ in PAGES.values()] == pages() == [path for path, _ in nav_pages()] + ENTITY_PAGES
