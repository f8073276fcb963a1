"""Issue 12 in the browser: a headline checked on the overview without a CSV."""

import re
import time

from playwright.sync_api import expect

from tests.browser.test_pages import open_filter


def test_the_ytd_table_checks_jan_nov_2025_like_for_like(watched):
    page = watched.open("/?from=2025&to=2025")
    row = page.locator("#ytd-grid .ag-row", has_text="Jan–Nov 2025")
    expect(row).to_contain_text("SSB, goods")
    expect(row).to_contain_text("$7.445 bn")
    expect(row).to_contain_text("$5.733 bn")  # the revised base, not the first release of $5.761 bn
    expect(row).to_contain_text("+29.9%")
    expect(row).to_contain_text("+30.0%")  # what SSB said
    expect(row).not_to_contain_text("its totals give")  # 0.1 points apart: consistent
    # SSB's +29% for Jan–May 2025 is flagged where it is shown, not only on /quality
    may = page.locator("#ytd-grid .ag-row", has_text="Jan–May 2025")
    expect(may.locator("[col-id='quoted']")).to_have_text("+29.0%: its totals give +34.8%")
    assert watched.problems == []


def test_the_headline_card_flags_a_quoted_growth_the_totals_contradict(watched):
    page = watched.open("/")
    expect(page.locator("#kpi-year")).to_contain_text(
        "+40.5% on 2024 ($7.154 bn) · SSB said +48.0%, which its totals do not support"
    )
    assert watched.problems == []


def test_selectors_find_what_people_type(watched):
    """Issue 12, item 13: aliases and abbreviations from the data, case- and accent-insensitively."""
    page = watched.open("/deals")
    for name, typed, offered in (
        ("firm", "TAI", "Türk Havacılık ve Uzay Sanayii A.Ş. (TUSAŞ)"),
        ("firm", "turkish aerospace", "Türk Havacılık ve Uzay Sanayii A.Ş. (TUSAŞ)"),
        ("platform", "akinci", "Bayraktar Akıncı"),
        ("country", "UAE", "United Arab Emirates"),
    ):
        open_filter(page, name)
        page.keyboard.type(typed)
        expect(page.get_by_role("option", name=offered, exact=True)).to_be_visible()
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    open_filter(page, "firm")
    page.keyboard.type("TAI")
    page.get_by_role("option", name="Türk Havacılık ve Uzay Sanayii A.Ş. (TUSAŞ)", exact=True).click()
    expect(page).to_have_url(re.compile(r"/deals\?firm=tusas$"))
    assert watched.problems == []


def test_a_spinner_shows_while_the_page_redraws_after_a_filter_change(watched):
    """Issue 12, item 8: the answer to a filter change is slowed to 1.5 s; a spinner shows over the dimmed page
    meanwhile, and is gone when the redrawn page arrives."""
    page = watched.open("/countries")
    expect(page.locator("#page-loading .dash-spinner")).to_have_count(0)
    # The page records the spinner itself: the route's sleep holds this thread's event loop, so polling from here
    # can miss a spinner that is gone as soon as the (cached, instant) answer is let through.
    page.evaluate("""() => { window.spinnerSeen = false; new MutationObserver(() => {
        const s = document.querySelector('#page-loading .dash-spinner');
        if (s && s.getBoundingClientRect().width > 0) window.spinnerSeen = true;
    }).observe(document.body, {childList: true, subtree: true, attributes: true}); }""")
    # Dash 4.4 posts to /_dash-update-component?endId=…: a glob without the query string matches nothing, and
    # an unslowed answer comes before the spinner's 300 ms (the failure CI saw).
    page.route(lambda url: "/_dash-update-component" in url, lambda route: (time.sleep(1.5), route.continue_()))
    page.get_by_text("US$ million").first.click()
    page.wait_for_function("window.spinnerSeen === true", timeout=6000)
    expect(page.locator("#page-loading .dash-spinner")).to_have_count(0, timeout=10000)
    assert page.url.endswith("/countries?measure=usd")
    assert watched.problems == []
