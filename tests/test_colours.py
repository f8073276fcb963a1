"""Issue 12, item 14: stable colours. A firm, platform or country keeps its colour in every chart and whatever the
filters; Türkiye's red is never a comparator's; lines are named at their ends instead of a far legend."""

import pandas as pd
import pytest

from dashboard import charts
from dashboard import figures as figs
from tests.conftest import needs_sipri

RED = "#b2182b"  # Türkiye's


@pytest.fixture
def real(real_db, monkeypatch):
    monkeypatch.setenv("DEFEX_DB", str(real_db))
    return real_db


def colour(trace) -> str:
    return trace.marker.color if trace.type == "bar" else trace.line.color


def test_entity_colours_come_by_place_among_all_ids_and_turkiye_keeps_its_red():
    assert figs.entity_colors({"FRA", "TUR", "USA", "DEU"}) == {
        "DEU": "#1f77b4",
        "FRA": "#ff7f0e",
        "USA": "#2ca02c",
        "TUR": RED,
    }
    assert RED not in figs.ENTITY_PALETTE
    assert figs.TURKIYE_COLOR == RED
    assert RED not in figs.entity_colors({f"X{n:02d}" for n in range(60)}).values()  # cycling never reaches red


def test_a_line_chart_names_each_line_at_its_last_point_instead_of_a_legend():
    df = pd.DataFrame(
        {
            "year": [2022, 2023, 2022, 2023],
            "iso3": ["TUR", "TUR", "FRA", "FRA"],
            "exporter": ["Türkiye", "Türkiye", "France", "France"],
            "tiv": [1000.0, 1200.0, 3000.0, 2000.0],
        }
    )
    fig = figs.sipri_trend(df, colors={"TUR": RED, "FRA": "#ff7f0e"})
    assert [(t.name, t.line.color, t.showlegend) for t in fig.data] == [
        ("France", "#ff7f0e", False),
        ("Türkiye", RED, False),
    ]
    assert [(a.text, a.x, a.y, a.font.color) for a in fig.layout.annotations] == [
        ("Türkiye", 2023, 1200.0, RED),
        ("France", 2023, 2000.0, "#ff7f0e"),
    ]


def test_labels_of_lines_ending_close_together_are_pushed_apart():
    df = pd.DataFrame(
        {
            "year": [2023, 2023, 2023],
            "iso3": ["AAA", "BBB", "CCC"],
            "exporter": ["A", "B", "C"],
            "tiv": [0.0, 1.0, 100.0],
        }
    )
    fig = figs.sipri_trend(df)
    shifts = {a.text: a.yshift for a in fig.layout.annotations}
    assert shifts["A"] == 0 and shifts["B"] >= 10 and shifts["C"] == 0


def test_firm_names_are_shortened_for_line_ends():
    assert [
        figs.short_label(n)
        for n in (
            "ASELSAN Elektronik Sanayi ve Ticaret A.Ş.",
            "Türk Havacılık ve Uzay Sanayii A.Ş. (TUSAŞ)",
            "Baykar",
            "Samsun Yurt Savunma Sanayi",
        )
    ] == ["ASELSAN", "TUSAŞ", "Baykar", "Samsun Yurt…"]


def test_a_firm_keeps_its_colour_in_every_chart_and_whatever_the_filter(real):
    aselsan, tusas = "#9467bd", "#a777f1"
    for chart_id in ("firm_exports", "top100", "top100_ranks"):
        for params in ({}, {"firm": "aselsan,tusas"}, {"firm": "tusas"}):
            fig = charts.figure(chart_id, **params)
            found = {colour(t) for t in fig.data if t.name.startswith("ASELSAN")}
            assert found in (set(), {aselsan}), (chart_id, params)
            assert {colour(t) for t in fig.data if t.name.startswith("Türk Havacılık")} == {tusas}, (chart_id, params)


@needs_sipri
def test_turkiye_red_is_never_a_comparators_in_the_sipri_charts(real):
    trend = charts.figure("sipri_trend", country="FRA,USA,RUS,CHN,DEU", **{"from": "2015"})
    assert {t.name: t.line.color for t in trend.data} == {
        "China": "#511cfb",
        "France": "#1f77b4",
        "Germany": "#7f7f7f",
        "Russia": "#9467bd",
        "Türkiye": RED,
        "United States": "#eeca3b",
    }
    assert {a.text for a in trend.layout.annotations if a.name == "line-end"} == {
        "China",
        "France",
        "Germany",
        "Russia",
        "Türkiye",
        "United States",
    }
    ranked = charts.figure("sipri_exporters", country="FRA")
    coloured = {y: c for y, c in zip(ranked.data[0].y, ranked.data[0].marker.color, strict=True) if c != "#9ecae1"}
    assert coloured == {"France": "#1f77b4", "Türkiye": RED}  # France as in the trend, not in Türkiye's red


def test_the_rank_chart_keys_its_line_styles_in_words_short_enough_for_a_phone():
    df = pd.DataFrame(
        [
            {
                "firm": "ASELSAN",
                "firm_id": "aselsan",
                "publisher": p,
                "edition": 2024,
                "year": 2023,
                "rank": r,
                "revenue_usd_m": 2400.0,
                "source_publisher": "SIPRI",
                "source_title": "Top 100",
                "source_published": "2024-12-02",
                "source_url": "https://example.org/a",
                "source_quote": "ASELSAN",
            }
            for p, r in (("sipri", 54), ("defense_news", 43))
        ]
    )
    fig = figs.firm_ranks(df, colors={"aselsan": "#9467bd"})
    assert [a.text for a in fig.layout.annotations if a.name == "line-key"] == ["solid: SIPRI · dotted: Defense News"]
