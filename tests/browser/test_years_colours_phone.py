"""Issue 12 in the browser: SIPRI's years are honest (item 5), stable colours (item 14), a phone's view (item 8)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Watched
from tests.browser.test_pages import choose, open_filter
from tests.conftest import needs_sipri

SLOW = 20_000  # ms: a page of several charts draws slowly on a loaded machine


@needs_sipri
def test_compare_offers_only_sipri_years_and_says_a_later_year_is_drawn_through_the_last(watched):
    """SIPRI's register (March 2025) reaches 2024, its TIV tables (October 2024) 2023: the ranking and the recipients
    come from the register through 2024, the yearly trend from the tables through 2023, each saying so."""
    page = watched.open("/compare?to=2025")
    expect(page.locator("#messages")).to_contain_text("SIPRI data end in 2024: 'to' 2025 is drawn as 2024")
    for chart, through in (
        ("sipri_exporters", "SIPRI register through 2024"),
        ("sipri_trend", "SIPRI data through 2023"),
        ("sipri_recipients", "SIPRI register through 2024"),
    ):
        expect(page.locator(f"#card-{chart} .source-line")).to_contain_text(f" · {through} · ")
    expect(page.locator("#card-sipri_exporters .xtitle")).to_have_text("SIPRI TIV (million), 2020–2024", timeout=SLOW)
    open_filter(page, "to")
    page.keyboard.type("202")
    expect(page.get_by_role("option", name="2024", exact=True)).to_be_visible()
    expect(page.get_by_role("option", name="2025 (no SIPRI data)", exact=True)).to_be_disabled()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    choose(page, "from", "2021")
    expect(page).to_have_url(re.compile(r"/compare\?from=2021&to=2025$"))
    expect(page.locator("#card-sipri_exporters .xtitle")).to_have_text("SIPRI TIV (million), 2021–2024", timeout=SLOW)
    assert watched.problems == []


@needs_sipri
def test_an_entity_tiv_card_follows_the_years(watched):
    page = watched.open("/country/PAK?from=2020&to=2025")
    expect(page.locator("#summary-tiv")).to_contain_text("226 TIV (million) delivered by Türkiye, 2020–2023")
    expect(page.locator("#summary-tiv")).to_contain_text("SIPRI data through 2023")
    assert watched.problems == []


def _fill(locator) -> str:
    return locator.evaluate("e => getComputedStyle(e).fill")


@needs_sipri
def test_a_firm_keeps_its_colour_across_charts_and_filters_and_lines_are_named_at_their_ends(watched):
    page = watched.open("/firms")
    aselsan = "rgb(148, 103, 189)"  # #9467bd
    bar_key = page.locator("#card-firm_exports .legend .traces", has_text="ASELSAN").locator(".legendpoints path")
    expect(bar_key).to_have_count(1, timeout=SLOW)
    assert _fill(bar_key) == aselsan
    line_end = page.locator("#card-top100 .annotation-text", has_text="ASELSAN")
    expect(line_end).to_have_count(1, timeout=SLOW)
    assert _fill(line_end) == aselsan
    expect(page.locator("#card-top100 .legend")).to_have_count(0)  # the lines are named at their ends instead
    choose(page, "firm", "Türk Havacılık ve Uzay Sanayii A.Ş. (TUSAŞ)")
    choose(page, "firm", "ASELSAN Elektronik Sanayi ve Ticaret A.Ş.")
    expect(page).to_have_url(re.compile(r"/firms\?firm=tusas,aselsan$"))
    expect(page.locator("#card-top100 .annotation-text", has_text="TUSAŞ")).to_have_count(1, timeout=SLOW)
    assert _fill(page.locator("#card-top100 .annotation-text", has_text="ASELSAN")) == aselsan
    assert (
        _fill(page.locator("#card-firm_exports .legend .traces", has_text="ASELSAN").locator(".legendpoints path"))
        == aselsan
    )
    page = watched.open("/compare?country=FRA&from=2015")
    red, france = "rgb(178, 24, 43)", "rgb(31, 119, 180)"
    expect(page.locator("#card-sipri_trend .annotation-text", has_text="France")).to_have_count(1, timeout=SLOW)
    assert _fill(page.locator("#card-sipri_trend .annotation-text", has_text="Türkiye")) == red
    assert _fill(page.locator("#card-sipri_trend .annotation-text", has_text="France")) == france
    assert watched.problems == []


@pytest.fixture
def phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield Watched(context.new_page(), server)
    context.close()


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("path", ["/", "/countries", "/deals"])
def test_on_a_phone_the_chart_toolbar_does_not_cover_a_legend(phone, path):
    page = phone.open(path)
    legends = page.locator(".js-plotly-plot:has(.legend)")
    expect(legends.first).to_be_visible(timeout=SLOW)
    checked = 0
    for n in range(legends.count()):
        chart = legends.nth(n)
        chart.scroll_into_view_if_needed()
        chart.hover(position={"x": 5, "y": 5}, force=True)  # the toolbar shows while the pointer is on the chart
        toolbar, legend = chart.locator(".modebar").bounding_box(), chart.locator(".legend").bounding_box()
        assert toolbar and legend and not _overlap(toolbar, legend), (path, n, toolbar, legend)
        checked += 1
    assert checked >= 1
    assert phone.problems == []


def test_on_a_phone_the_deal_grid_shows_status_and_year_without_scrolling_sideways(phone):
    page = phone.open("/deals")
    for column, header in (("stage", "Status"), ("order", "Ordered")):
        cell = page.locator(f"#deals-grid .ag-header-row-column .ag-header-cell[col-id='{column}']")
        expect(cell).to_have_text(header, timeout=SLOW)
        box = cell.bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= 390, (header, box)
    assert phone.problems == []


FRACTION = re.compile(r"\d\.\d")  # "0.5 deals", "2,021.5": a count or a year drawn as a fraction


@pytest.mark.parametrize("path", ["/country/PAK", "/country/AZE", "/platform/akinci", "/platform/tb2", "/firm/aselsan"])
def test_years_and_counts_are_ticked_in_whole_numbers(watched, path):
    """Issue 12, item 4: before, /platform/akinci's years read '2,021.5 · 2022 · 2,022.5', /country/PAK's deal
    counts '0 · 0.5 · 1 · 1.5' and /platform/tb2's colour bar '1 · 1.5 · 2'."""
    page = watched.open(path)
    ticks = page.locator(".js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .cbaxis text")
    expect(ticks.first).to_be_visible(timeout=SLOW)
    page.wait_for_timeout(500)  # every chart of the page drawn
    labels = ticks.all_text_contents()
    assert len(labels) > 10
    assert [label for label in labels if FRACTION.search(label)] == []
    assert watched.problems == []


def test_the_year_to_date_axis_starts_at_zero_with_round_ticks(watched):
    """Issue 12, item 3: the monthly chart's right-hand axis was ticked in step with the left one: '630 · 2050 ·
    3470 · 4880'."""
    page = watched.open("/")
    ticks = page.locator("#card-monthly .y2tick text")
    expect(ticks.first).to_be_visible(timeout=SLOW)
    values = [int(label.replace(",", "")) for label in ticks.all_text_contents()]
    assert len(values) >= 3 and values[0] == 0
    assert [v % 1000 for v in values] == [0] * len(values)
    assert watched.problems == []
