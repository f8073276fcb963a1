"""Issue 12, items 12 and 6 in the browser: the status filter with every stage, and the grid's view as a link."""

import re

from playwright.sync_api import expect

from tests.browser.test_pages import choose


def test_the_status_filter_set_to_talks_lists_only_talks_stage_deals(watched):
    page = watched.open("/deals")
    expect(page.locator("#deals-count")).to_have_text("257 deals")
    choose(page, "status", "talks")  # picked beside the default "confirmed": talks alone is kept
    expect(page).to_have_url(re.compile(r"/deals\?status=talks$"))
    expect(page.locator("#deals-count")).to_have_text("21 deals")
    expect(page.locator(".status-note")).to_contain_text("Deals at stage talks only: 275 deal(s) at other stages")
    stages = page.locator("#deals-grid .ag-center-cols-container .ag-cell[col-id='stage']")
    expect(stages.first).to_have_text("talks")
    assert stages.count() >= 10 and set(stages.all_inner_texts()) == {"talks"}
    page.locator(".status-legend summary").click()
    expect(page.locator(".status-legend")).to_contain_text("MoU: a memorandum of understanding or letter of intent")
    watched.open("/deals?status=in_production")
    expect(page.locator("#deals-count")).to_have_text("5 deals")
    expect(page.locator("#deals-grid .ag-cell[col-id='stage']").first).to_have_text("in production")
    assert watched.problems == []
