"""The callbacks, called directly inside a Dash callback context (no server, no browser)."""

import json
from contextvars import copy_context

import pytest
from dash import html, no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict

from dashboard import ids
from dashboard.callbacks import open_country_page, update_provenance_panel, update_url_search

PROVENANCE = [
    "Outlet A",
    "Annual totals",
    "2026-01-03",
    "https://example.org/a",
    "2025 exports $10.054 bn, up 48% from $7.154 bn.",
]


@pytest.fixture
def warehouse(built, monkeypatch):
    monkeypatch.setenv("DEFEX_DB", str(built))
    return built


def prop_id(component: dict, prop: str) -> str:
    """Dash's prop id of a pattern-matching component: its id as sorted, compact JSON, then the property."""
    return json.dumps(component, sort_keys=True, separators=(",", ":")) + "." + prop


def in_context(callback, *args, triggered=(), inputs_list=()):
    def run():
        context_value.set(AttributeDict(triggered_inputs=list(triggered), inputs_list=list(inputs_list)))
        return callback(*args)

    return copy_context().run(run)


def search_after(filters: dict, search: str):
    """update_url_search as Dash calls it: one pattern-matching input per filter on the page."""
    inputs = [[{"id": ids.filter_id(name), "property": "value", "value": value} for name, value in filters.items()]]
    return in_context(update_url_search, list(filters.values()), search, inputs_list=inputs)


def click(chart: str, point: dict | None, search: str = ""):
    value = {"points": [point]} if point else None
    triggered = [{"prop_id": prop_id(ids.chart_id(chart), "clickData"), "value": value}]
    return in_context(open_country_page, [value], search, triggered=triggered)


# --- update_url_search --------------------------------------------------------------------------------------------


def test_update_url_search_drops_bad_values_already_in_the_url(warehouse):
    assert search_after({"status": "all"}, "?from=abc&colour=red&country=PAK,ARE") == "?country=PAK&status=all"


def test_update_url_search_drops_an_unknown_country_chosen(warehouse):
    assert search_after({"country": ["PAK", "ARE"]}, "") == "?country=PAK"


def test_update_url_search_returns_no_update_when_nothing_changes(warehouse):
    assert search_after({"country": ["PAK"], "status": "confirmed"}, "?country=PAK") is no_update
    assert search_after({"from": None}, "") is no_update


def test_update_url_search_leaves_a_typed_url_alone_when_the_filters_show_what_it_says(warehouse):
    """When a page is inserted the filters fire with the URL's own values: the URL stays, with its messages."""
    assert search_after({"country": ["PAK"], "from": None}, "?from=abc&country=PAK,ARE") is no_update


def test_update_url_search_writes_the_filters_into_the_query_string(warehouse):
    filters = {
        "from": 2015,
        "to": 2024,
        "publisher": [],
        "country": ["POL", "PAK"],
        "firm": ["baykar"],
        "platform": [],
        "status": "all",
        "measure": "units",
    }
    assert search_after(filters, "") == "?from=2015&to=2024&country=POL,PAK&firm=baykar&status=all&measure=units"


def test_update_url_search_keeps_what_the_page_has_no_filter_for(warehouse):
    assert search_after({"country": ["POL"]}, "?from=2020&publisher=ssb") == "?from=2020&country=POL&publisher=ssb"


def test_update_url_search_clears_a_filter_set_to_nothing(warehouse):
    assert search_after({"country": [], "to": None}, "?to=2024&country=PAK&status=all") == "?status=all"


# --- open_country_page --------------------------------------------------------------------------------------------


def test_a_click_on_another_chart_opens_nothing():
    assert click("annual_totals", {"x": 2024, "y": 7154.0, "customdata": PROVENANCE}, "?from=2020") is no_update


def test_no_click_opens_nothing():
    assert click("recipients_map", None) is no_update


def test_a_map_click_without_a_country_opens_nothing():
    assert click("recipients_map", {"z": 9}) is no_update


def test_a_map_click_on_pakistan_opens_its_page_with_the_same_filters():
    point = {"curveNumber": 0, "pointNumber": 0, "location": "PAK", "z": 9, "text": "Pakistan", "customdata": [2]}
    assert click("recipients_map", point, "?from=2015&status=all") == "/country/PAK?from=2015&status=all"


def test_a_map_click_without_filters_opens_the_bare_country_page():
    assert click("recipients_map", {"location": "PAK", "z": 9}) == "/country/PAK"


def test_a_click_on_a_ranking_bar_opens_the_country_of_its_customdata():
    point = {"y": "Poland", "x": 24, "customdata": ["POL", 1]}
    assert click("recipients_bar", point, "?measure=units") == "/country/POL?measure=units"


# --- update_provenance_panel --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "clicked",
    [
        None,
        {"points": [{"x": 2023, "y": None, "customdata": ["", "", "", "", ""]}]},  # the gap of a broken line
        {"points": [{"location": "PAK", "z": 9, "customdata": [2]}]},  # a map point: deals, no provenance
        {"points": [{"x": 2024, "y": 2}]},  # a bar without customdata
    ],
    ids=["no_click", "gap", "map_point", "no_customdata"],
)
def test_a_point_without_provenance_leaves_the_panel_alone(clicked):
    assert update_provenance_panel(clicked) is no_update


def test_a_point_with_provenance_shows_publisher_date_link_and_quote():
    panel = update_provenance_panel({"points": [{"x": 2025, "y": 10054.0, "customdata": PROVENANCE}]})
    strong, text, link, quote = panel.children
    assert isinstance(strong, html.Strong) and strong.children == "Source of this point: "
    assert text == "Outlet A, 2026-01-03 — "
    assert isinstance(link, html.A)
    assert (link.children, link.href, link.target, link.rel) == (
        "Annual totals",
        "https://example.org/a",
        "_blank",
        "noopener noreferrer",
    )
    assert isinstance(quote, html.Blockquote) and quote.children == "2025 exports $10.054 bn, up 48% from $7.154 bn."


def test_update_url_search_writes_the_stages_picked_and_keeps_confirmed_or_all_alone(warehouse):
    assert search_after({"status": ["confirmed", "talks"]}, "") == "?status=talks"
    assert search_after({"status": ["talks", "mou"]}, "?status=talks") == "?status=talks,mou"
    assert search_after({"status": ["talks", "mou", "all"]}, "?status=talks,mou") == "?status=all"
    assert search_after({"status": []}, "?status=talks") == ""


def test_update_url_search_leaves_status_all_alone_when_the_page_inserts_it(warehouse):
    """The multi-select holds ["all"] on a page opened with status=all: it was read as no status and the URL lost
    status=all as soon as /deals?status=all was opened."""
    assert search_after({"status": ["all"]}, "?status=all") is no_update
    assert search_after({"status": ["confirmed"]}, "?status=all") == ""
