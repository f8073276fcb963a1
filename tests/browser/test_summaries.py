"""Issue 12, items 1 and 11 in the browser: entity summary cards, and US$ coverage on the recipient charts."""

import re

from playwright.sync_api import expect

from tests.conftest import needs_sipri


@needs_sipri
def test_country_page_opens_with_summary_cards_before_the_grid(watched):
    page = watched.open("/country/PAK")
    expect(page.locator("#summary-deals")).to_contain_text("15")
    expect(page.locator("#summary-deals")).to_contain_text("confirmed only; 3 more with status=all")
    units = page.locator("#summary-units")
    expect(units).to_contain_text(
        "armed drone (UCAV): 9 ordered, 12 delivered, 0 on order (3 deals; 2 without a "
        "quantity) — more delivered than ordered: 3 delivered under deals whose ordered "
        "quantity is unknown"
    )
    expect(units).to_contain_text("warship: 7 ordered, 4 delivered, 3 on order (3 deals)")
    expect(page.locator("#summary-latest")).to_contain_text("2022")
    expect(page.locator("#summary-usd")).to_contain_text("US$ 205 million as published")
    expect(page.locator("#summary-usd")).to_contain_text("4 of 15 deals valued in US$ as published")
    # the years of SIPRI's TIV tables (through 2023): the register's 2024 deliveries (18.95 TIV) are left out
    expect(page.locator("#summary-tiv")).to_contain_text("497 TIV (million) delivered by Türkiye, 1995–2023")
    expect(page.locator("#summary-tiv")).to_contain_text("SIPRI data through 2023")
    expect(page.locator("#summary-years")).to_contain_text("1994–2022")
    cards_then_grid = page.evaluate("""() => {
        const cards = document.getElementById('summary-cards'), grid = document.querySelector('.ag-root-wrapper');
        return !!(cards.compareDocumentPosition(grid) & Node.DOCUMENT_POSITION_FOLLOWING); }""")
    assert cards_then_grid
    assert watched.problems == []


def test_countries_default_draws_deals_and_usd_says_how_many_deals_it_values(watched):
    page = watched.open("/countries")
    expect(page.locator("#card-recipients_map .source-line")).to_contain_text("measure: deals (count)")
    expect(page.locator("#card-recipients_map .coverage-note")).to_have_count(0)
    page.get_by_label("US$ million").first.check()
    expect(page).to_have_url(re.compile(r"/countries\?measure=usd$"))
    for chart in ("recipients_map", "recipients_bar"):
        expect(page.locator(f"#coverage-{chart}")).to_contain_text(
            "32 of 257 deals valued in US$ as published, 5 more converted at ECB rates. Most deals of this "
            "selection have no US$ value"
        )
    page.locator("#coverage-recipients_map a.to-deals").click()
    expect(page).to_have_url(re.compile(r"/countries$"))
    expect(page.locator("#card-recipients_map .source-line")).to_contain_text("measure: deals (count)")
    assert watched.problems == []
