"""Issue 12 in the browser: SIPRI's years are honest (item 5), stable colours (item 14), a phone's view (item 8)."""

import re

from playwright.sync_api import expect

from tests.browser.test_pages import filter_box


def test_compare_offers_only_sipri_years_and_says_a_later_year_is_drawn_through_2023(watched):
    page = watched.open("/compare?to=2025")
    expect(page.locator("#messages")).to_contain_text("SIPRI data end in 2023: 'to' 2025 is drawn as 2023")
    for chart in ("sipri_exporters", "sipri_trend", "sipri_recipients"):
        expect(page.locator(f"#card-{chart} .source-line")).to_contain_text(" · SIPRI data through 2023 · ")
    expect(page.locator("#card-sipri_exporters .xtitle")).to_have_text("SIPRI TIV (million), 2019–2023")
    filter_box(page, "to").click()
    page.keyboard.type("202")
    expect(page.get_by_role("option", name="2023", exact=True)).to_be_visible()
    expect(page.get_by_role("option", name="2024", exact=True)).to_have_count(0)
    expect(page.get_by_role("option", name="2025 (no SIPRI data)", exact=True)).to_be_disabled()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    filter_box(page, "from").click()
    page.keyboard.type("2021")
    page.get_by_role("option", name="2021", exact=True).click()
    expect(page).to_have_url(re.compile(r"/compare\?from=2021&to=2025$"))
    expect(page.locator("#card-sipri_exporters .xtitle")).to_have_text("SIPRI TIV (million), 2021–2023")
    assert watched.problems == []


def test_an_entity_tiv_card_follows_the_years(watched):
    page = watched.open("/country/PAK?from=2020&to=2025")
    expect(page.locator("#summary-tiv")).to_contain_text("226 TIV (million) delivered by Türkiye, 2020–2023")
    expect(page.locator("#summary-tiv")).to_contain_text("SIPRI data through 2023")
    assert watched.problems == []
