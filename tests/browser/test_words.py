"""Issue 12, item 2 in the browser: every label a person sees is words, never the warehouse's internal codes."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_grid_links import rows_of

EVERY_PAGE = [
    "/",
    "/countries",
    "/country/PAK",
    "/firms",
    "/firm/baykar",
    "/platforms",
    "/platform/tb2",
    "/deals",
    "/compare",
    "/quality",
    "/sources",
    "/no-such-page",
]
# Codes as the warehouse keys them. Lower-case category codes only as words of their own: "drone (UAV)" and
# SIPRI's "armed UAV" are words; "ucav" alone is a code. Field names in any case (AG Grid capitalises headers).
CODES = re.compile(
    r"\b(?:ucav|uav|armoured_vehicle|combat_aircraft|trainer_aircraft|in_production|"
    r"(?i:goods_services|trade_ministry|defense_news|value_usd_m|fx_date|source_publisher|"
    r"source_url|source_id|usd_m|\w+_m|\w+_pct|\w+_id|\w+_a|\w+_b))\b"
)


def codes_in(text: str) -> list[str]:
    return sorted({m.group(0) for m in CODES.finditer(text)})


def test_the_code_pattern_catches_codes_and_lets_words_pass():
    assert codes_in("ucav in_production Value_usd_m Source_id scope_a fx_date trade_ministry") == [
        "Source_id",
        "Value_usd_m",
        "fx_date",
        "in_production",
        "scope_a",
        "trade_ministry",
        "ucav",
    ]
    assert codes_in("armed drone (UCAV), drone (UAV), SIPRI: armed UAV; US$ million, in production") == []


@pytest.mark.parametrize("path", EVERY_PAGE)
def test_no_internal_code_in_the_visible_text_of_any_page(browser, server, path):
    """A wide window, so that the grids draw every column (AG Grid leaves out columns beyond the screen)."""
    context = browser.new_context(viewport={"width": 4200, "height": 1000})
    try:
        page = context.new_page()
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        page.locator("h1").first.wait_for()
        legends = page.locator(".legendtext, .gtitle, .xtitle, .ytitle").all_text_contents()
        assert codes_in(page.inner_text("body") + "\n" + "\n".join(legends)) == []
    finally:
        context.close()


def test_the_grid_shows_category_and_status_in_words_and_filters_by_them(watched, browser):
    watched.page.set_viewport_size({"width": 3600, "height": 900})  # every column drawn
    page = watched.open("/deals")
    cells = page.locator("#deals-grid .ag-center-cols-container .ag-cell[col-id='category_words']")
    expect(cells.first).to_be_visible()
    shown = set(cells.all_inner_texts())
    assert "armed drone (UCAV)" in shown and "ucav" not in shown and "armoured_vehicle" not in shown
    page.get_by_label("Category Filter Input").fill("drone")
    expect(page).to_have_url(re.compile(r"/deals\?filter=category:drone$"))
    expect(rows_of(page).first).to_be_visible()
    # the count follows the grid's filter (it said "257 deals" before); the rows are drawn a moment after the
    # URL and the count change (seen on a busy machine), hence the wait for the cells
    expect(page.locator("#deals-count")).to_have_text("59 of 257 deals match the column filters")
    page.wait_for_function(
        """() => [...document.querySelectorAll(
        "#deals-grid .ag-center-cols-container .ag-cell[col-id='category_words']")].every(
        c => c.innerText === "armed drone (UCAV)" || c.innerText === "drone (UAV)")""",
        timeout=10_000,
    )
    assert set(cells.all_inner_texts()) <= {"armed drone (UCAV)", "drone (UAV)"}
    # A wide grid takes a while to draw on a busy machine: its inputs get 15 s
    fresh = browser.new_context(viewport={"width": 3600, "height": 900})
    try:
        again = fresh.new_page()
        again.goto(watched.base + "/deals?filter=category:armed%20drone%20(UCAV)")
        again.wait_for_load_state("networkidle")
        expect(again.locator("#deals-count")).to_have_text("58 of 257 deals match the column filters")
        expect(again.get_by_label("Category Filter Input")).to_have_value("armed drone (UCAV)", timeout=15_000)
        old = again  # a link written before the words: its codes are read as the words
        old.goto(watched.base + "/deals?filter=category:ucav;status:in_production")
        old.wait_for_load_state("networkidle")
        expect(old.locator("#deals-count")).to_have_text("1 of 257 deals match the column filters")
        expect(old.get_by_label("Category Filter Input")).to_have_value("armed drone (UCAV)", timeout=15_000)
        expect(old.get_by_label("Status Filter Input")).to_have_value("in production", timeout=15_000)
        expect(old).to_have_url(re.compile(r"\?filter=category:armed\+drone\+%28UCAV%29;status:in\+production$"))
    finally:
        fresh.close()
    assert watched.problems == []


def test_a_platform_page_states_its_category_in_words(watched):
    page = watched.open("/platform/tb2")
    facts = page.locator("p", has_text="prime contractor:")
    expect(facts).to_contain_text("category: armed drone (UCAV)")
    watched.open("/platform/kirpi")
    expect(facts).to_contain_text("category: armoured vehicle")
    assert watched.problems == []


def test_quality_tables_have_headers_in_words_and_name_their_sources_by_title(watched):
    watched.page.set_viewport_size({"width": 3000, "height": 900})  # every column drawn
    page = watched.open("/quality")
    checks = page.locator("#growth-check-grid")
    headers = checks.locator(".ag-header-cell-text")
    expect(headers.filter(has_text="Quoted growth, %")).to_have_count(1)
    assert "quoted_pct" not in headers.all_inner_texts() and "Source_id" not in headers.all_inner_texts()
    link = checks.get_by_role("link", name="Türkiye's defense exports soar to close in $3 billion in 5 months")
    expect(link).to_have_attribute("href", re.compile(r"^https://www\.dailysabah\.com/business/defense/"))
    expect(checks).not_to_contain_text("dailysabah_2025_06_03")
    runs = page.locator("#runs-grid")  # rows per table in words, not a JSON of table names
    expect(runs).to_contain_text("export figures 195, growth quotes 123")
    expect(runs).not_to_contain_text("export_figures")
    assert watched.problems == []


def test_each_publisher_series_is_defined_and_the_reconciliation_says_why_figures_differ(watched):
    watched.page.set_viewport_size({"width": 3000, "height": 900})  # every column drawn
    page = watched.open("/")
    series = page.locator("#card-annual_totals .series-definitions")
    expect(series).to_contain_text(
        "SSB — goods + services: goods + services (NATO and service exports included since 2023)"
    )
    expect(series).to_contain_text(
        "TİM — goods: customs goods (the defence & aerospace sector's exports declared at customs)"
    )
    expect(series).to_contain_text("SaSaD — company survey: a company survey (including offsets and civil aerospace)")
    page = watched.open("/quality")
    expect(page.locator("#quality-series")).to_contain_text(
        "Trade Ministry — goods: customs goods, on the same basis as TİM"
    )
    pairs = page.locator("#reconciliation-grid")
    expect(pairs).to_contain_text(
        "SSB publishes both: its goods + services total adds services to its goods total (US$184 m here)."
    )
    expect(pairs).to_contain_text(
        "Both count customs goods for the same months, yet differ by US$23.3 m (3.8%), "
        "more than rounding: a revision or a different count, which the sources do not "
        "explain."
    )
    expect(pairs.locator(".ag-header-cell-text").filter(has_text="Why they differ")).to_have_count(1)
    expect(pairs).not_to_contain_text("the gap is a revision or a different count")  # the old, circular note
    assert watched.problems == []


def test_the_glossary_on_sources_defines_the_terms_and_the_pages_link_to_it(watched):
    page = watched.open("/compare")
    page.get_by_role("link", name="what TIV measures").click()
    expect(page).to_have_url(re.compile(r"/sources#glossary-tiv$"))
    expect(page.locator("#glossary-tiv")).to_contain_text(
        "SIPRI's measure of the volume of major arms transferred, not of money"
    )
    expect(page.locator("#glossary-tiv")).to_be_in_viewport()
    expect(page.locator("#glossary-like-for-like")).to_contain_text(
        "Growth computed only between totals of the same publisher and the same scope"
    )
    expect(page.locator("#glossary-usd")).to_contain_text(
        "converted here at the European Central Bank's reference rate of a stated date"
    )
    expect(page.locator("#glossary-status")).to_contain_text("talks: publicly reported negotiations; nothing signed")
    expect(page.locator("#glossary-scopes")).to_contain_text("TİM — goods: customs goods")
    page = watched.open("/?publisher=tim")
    page.get_by_role("link", name="what like with like means").click()
    expect(page).to_have_url(re.compile(r"/sources\?publisher=tim#glossary-like-for-like$"))  # the filters travel
    expect(page.locator("#glossary-like-for-like")).to_be_in_viewport()
    page = watched.open("/deals")
    page.locator("#glossary-footer").get_by_role("link", name="glossary").click()
    expect(page).to_have_url(re.compile(r"/sources#glossary$"))
    expect(page.locator("#glossary")).to_be_visible()
    assert watched.problems == []


def test_a_source_cited_in_a_deal_note_is_named_by_its_title_and_linked(watched):
    watched.page.set_viewport_size({"width": 3600, "height": 900})  # every column drawn
    page = watched.open("/deals?filter=deal:D0051")
    note = page.locator("#deals-grid .ag-center-cols-container .ag-cell[col-id='note_link']")
    expect(note).to_have_count(1)
    link = note.get_by_role("link", name="[Croatia Week: Croatian Air Force officially introduces Bayraktar TB2]")
    expect(link).to_have_attribute("href", "https://www.europesays.com/2378691")
    expect(note).to_contain_text("status 'delivered' from its latest dated step (2025-09-02, [Croatia Week:")
    expect(note).not_to_contain_text("europesays_2025_09_02_croatia")
    page = watched.open("/deals?filter=note:latest dated step")  # the note filter reads the note as written
    expect(page.locator("#deals-count")).to_have_text("8 of 257 deals match the column filters")
    expect(rows_of(page)).to_have_count(8)
    assert watched.problems == []
