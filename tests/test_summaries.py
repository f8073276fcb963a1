"""Entity summaries and US$ coverage (issue 12, items 1 and 11) against the warehouse built from the real data."""

import pytest

from dashboard import charts, data
from dashboard.params import Params
from tests.conftest import needs_sipri, page_module


@pytest.fixture
def real(real_db, monkeypatch):
    monkeypatch.setenv("DEFEX_DB", str(real_db))
    return real_db


def test_us_dollar_coverage_counts_published_and_converted_values_apart(real):
    everything = data.deal_coverage(Params(status="all"))
    assert (everything["deals"], everything["published"], everything["converted"]) == (296, 34, 5)
    confirmed = data.deal_coverage(Params())
    assert (confirmed["deals"], confirmed["published"], confirmed["converted"]) == (257, 32, 5)
    assert charts.coverage_text(Params(status="all")) == (
        "34 of 296 deals valued in US$ as published, 5 more converted at ECB rates"
    )
    pakistan = data.deal_coverage(Params(country=("PAK",)))
    assert (pakistan["deals"], pakistan["published"], pakistan["converted"], pakistan["usd_published"]) == (
        15,
        4,
        0,
        205.0,
    )
    assert charts.usd_leaves_out_most(Params(country=("PAK",)))


def test_units_are_counted_by_category_with_the_deals_lacking_a_quantity(real):
    units = data.units_by_category(Params(country=("PAK",))).set_index("category")
    assert units.loc[
        "ucav", ["deals", "ordered", "delivered", "deals_quantity_unknown", "delivered_quantity_unknown"]
    ].tolist() == [3, 9, 12, 2, 3]
    assert units.loc["warship", ["ordered", "delivered", "on_order"]].tolist() == [7, 4, 3]
    assert int(units["deals"].sum()) == 15
    assert units.loc["upgrade", "deals_delivery_unknown"] == 1 and units["on_order"].isna()["upgrade"]
    baykar = data.units_by_category(Params(firm=("baykar",))).set_index("category")
    # 269 delivered, 71 of them under deals without a quantity: 300 ordered − 198 delivered against them = 102
    assert baykar.loc["ucav", ["ordered", "delivered", "on_order", "delivered_quantity_unknown"]].tolist() == [
        300,
        269,
        102,
        71,
    ]


@needs_sipri
def test_entity_tiv_and_sipri_years(real):
    # through 2023, the TIV tables' last year: the register's 2024 deliveries (18.95 TIV to Pakistan) left out
    assert data.entity_tiv("country", "PAK") == {
        "tiv": pytest.approx(497.03),
        "through": 2023,
        "from": 1995,
        "to": 2023,
    }
    assert data.entity_tiv("platform", "tb2")["tiv"] == pytest.approx(511.2)
    assert data.entity_tiv("country", "ZZZ")["tiv"] is None


def test_us_dollar_charts_say_how_many_deals_they_value_and_deals_is_the_default(real):
    line = charts.build("recipients_map", Params(measure="usd", status="all"))[2]
    assert (
        " · measure: US$ million · 34 of 296 deals valued in US$ as published, 5 more converted at ECB rates · " in line
    )
    fig = charts.build("recipients_map", Params())[0]
    assert fig.data[0].colorbar.title.text == "deals" and fig.data[0].zmin == 0
    assert (len(fig.data[0].z), min(fig.data[0].z), max(fig.data[0].z)) == (62, 1, 15)
    assert charts.build("recipients_map", Params(measure="usd"))[0].data[0].zmin == 0


def _card_text(card) -> list[str]:
    return [div.children for div in card.children.children.children]


def test_the_latest_year_card_says_when_the_year_before_is_not_published(real):
    """Issue 12, item 10: the latest published year, not an older one that happens to have a base. The press's
    only year total is 2022 ($4.3 bn): the card showed nothing for publisher=press, and would fall back to an
    older year wherever the latest lacks its base."""
    year_card = page_module("overview")._year_card
    assert _card_text(year_card(Params(publisher=("press",)))) == [
        "Latest full year (press, goods)",
        "2022: $4.300 bn",
        "no 2021 base: no 2021 total from press, goods to compare with",
    ]
    assert _card_text(year_card(Params(publisher=("tim",)))) == [
        "Latest full year (TİM, goods)",
        "2024: $6.734 bn",
        "+21.3% on 2023 ($5.550 bn)",
    ]
    # 2025 has SSB's goods ($9.870 bn, no 2024 base) and goods + services: the one with its base is shown
    assert _card_text(year_card(Params()))[1:] == [
        "2025: $10.054 bn",
        "+40.5% on 2024 ($7.154 bn) · SSB said +48.0%, which its totals do not support",
    ]
    assert year_card(Params(publisher=("sipri",))) is None


@needs_sipri
def test_each_series_says_its_latest_period_and_its_publishers_cadence(real):
    """Issue 12, item 9: how current the overview is, per publisher of totals, and SIPRI's last year."""
    overview = page_module("overview")
    lines = [li.children for li in overview.freshness().children[1].children]
    assert "SSB: latest Feb 2026 (published 2026-03-03); monthly, early in the next month" in lines
    assert "TİM: latest May 2025 (published 2025-06-03); monthly, in the first days of the next month" in lines
    assert "SaSaD: latest 2022 (published 2023-07-17); yearly, a company survey" in lines
    assert lines[-1] == "SIPRI TIV: data through 2023; yearly, in spring"
    assert data.sipri_last_year() == 2023
