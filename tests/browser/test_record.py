"""Issue 11 in the browser: the record's new kinds as a user sees them (timeline, destinations, converted values,
months without a published figure)."""

import csv
import io

from playwright.sync_api import expect

from tests.browser.test_pages import traces


def test_pakistan_page_draws_the_deal_timeline(watched):
    page = watched.open("/country/PAK")
    statuses = {"signed", "in production", "delivering", "delivered", "talks", "stalled", "cancelled"}
    drawn = {t["name"]: t for t in traces(page, "deal_timeline") if t["name"] in statuses}
    assert set(drawn) == statuses
    rows = {y for t in drawn.values() for y in t["y"]}
    assert {
        "Pakistan · Bayraktar TB2 (D0161)",
        "Pakistan · Bayraktar Akıncı (D0150)",
        "Pakistan · MİLGEM (Ada class corvette) (D0154)",
        "Pakistan · UCAV assembly plant (Pakistan) (D0242)",
    } <= rows
    delivered = drawn["delivered"]
    assert ("2025-03-13", "Pakistan · Bayraktar TB2 (D0161)") in zip(delivered["x"], delivered["y"], strict=True)
    assert watched.problems == []


def test_united_states_page_draws_exports_to_it_as_published(watched):
    page = watched.open("/country/USA")
    bars = {t["name"]: dict(zip(t["x"], t["y"], strict=True)) for t in traces(page, "destinations")}
    assert bars["calendar year"]["2020 · TİM"] == 784.2
    assert bars["calendar year"]["2021 · TİM"] == 1127.861
    assert bars["part of a year"]["Jan–Oct 2019 · TİM"] == 675.6
    assert watched.problems == []


def test_a_converted_value_is_marked_in_the_ranking_and_the_grid(watched):
    page = watched.open("/countries?measure=usd")
    converted = [t for t in traces(page, "recipients_bar") if "converted" in t["name"]]
    assert [t["name"] for t in converted] == ["confirmed (converted to US$ at ECB rates)"]
    assert dict(zip(converted[0]["y"], converted[0]["x"], strict=True))["Spain"] == 3059.16
    page = watched.open("/deals?country=ESP")
    with page.expect_download() as download:
        page.locator("#deals-csv").click()
    text = download.value.path().read_text(encoding="utf-8").lstrip("\ufeff")
    hurjet = next(r for r in csv.DictReader(io.StringIO(text)) if r["Deal"] == "D0244")
    assert (
        hurjet["Value (m)"],
        hurjet["Currency"],
        hurjet["US$ m"],
        hurjet["US$ m (converted, ECB)"],
        hurjet["US$ per unit"],
        hurjet["rate of"],
        hurjet["fx_basis"],
    ) == ("2600", "EUR", "", "3059.16", "1.1766", "2025-12-29", "signed step")
    assert watched.problems == []


def test_months_without_a_published_figure_are_listed_on_quality_and_under_the_chart(watched):
    page = watched.open("/quality")
    expect(page.locator("#coverage-note")).to_contain_text("30 months from the first published monthly figure on")
    expect(page.locator("#coverage-grid")).to_contain_text("2019-02no published figure found")
    expect(page.locator("#growth-check-grid")).to_contain_text("goods + services")  # words, not the keys
    shown = page.inner_text("body")
    assert [code for code in ("goods_services", "trade_ministry", "defense_news") if code in shown] == []
    page = watched.open("/?from=2024&to=2024")
    crosses = [t for t in traces(page, "monthly") if t["name"] == "no published figure found"]
    assert [c["x"] for c in crosses] == [[1, 4, 9, 12]]
    expect(page.locator("#card-monthly")).to_contain_text(
        "No published monthly figure found for 2024: Jan, Apr, Sep, Dec"
    )
    assert watched.problems == []


def test_quality_shows_the_release_watch_and_what_changed_with_its_feeds(watched):
    """Issue 15, items 3 and 4, as a user sees them: each source's next release and the changelog with its feeds."""
    page = watched.open("/quality")
    watch = page.locator("#release-watch-grid")
    expect(watch).to_contain_text("Presidency of Defence Industries (SSB; SSM before 2018)")
    expect(watch).to_contain_text("Mar 2026")  # SSB's next period after Feb 2026
    expect(watch).to_contain_text("2026-04-03")  # due: the day of its last release, a month on
    expect(watch).to_contain_text("the 2026 vintage")  # SIPRI's register of 2025
    expect(page.locator("#changes-note")).to_contain_text("0 changes recorded by the latest runs")  # a first build
    feed = page.get_by_role("link", name="Atom feed")
    expect(feed).to_have_attribute("href", "/api/v1/changes.atom")
    answer = page.request.get(watched.base + "/api/v1/changes.atom")
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    assert watched.problems == []
