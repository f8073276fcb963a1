"""Figure functions are pure: a three-row frame in, a go.Figure out. No warehouse, no Dash."""

import ast
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import figures as figs
from tests.test_imports import imported

ROOT = Path(__file__).resolve().parent.parent
SRC_A = {
    "source_publisher": "Outlet A",
    "source_title": "Annual totals",
    "source_published": "2026-01-03",
    "source_url": "https://example.org/a",
    "source_quote": "2025 exports $10.054 bn, up 48% from $7.154 bn.",
}
SRC_B = {
    "source_publisher": "Outlet B",
    "source_title": "Monthly release",
    "source_published": "2025-12-02",
    "source_url": "https://example.org/b",
    "source_quote": "Jan-Nov $7.445 bn against $5.733 bn.",
}
SRC_C = {
    "source_publisher": "Outlet C",
    "source_title": "Customs total",
    "source_published": "2025-01-03",
    "source_url": "https://example.org/c",
    "source_quote": "TİM: $6.734 bn in 2024.",
}
ROW_A = [
    "Outlet A",
    "Annual totals",
    "2026-01-03",
    "https://example.org/a",
    "2025 exports $10.054 bn, up 48% from $7.154 bn.",
]
ROW_C = ["Outlet C", "Customs total", "2025-01-03", "https://example.org/c", "TİM: $6.734 bn in 2024."]
NO_SOURCE = ["", "", "", "", ""]


def annual(*rows) -> pd.DataFrame:
    return pd.DataFrame(
        [dict(zip(["year", "publisher", "scope", "value_usd_m"], r[:4], strict=True), **r[4]) for r in rows]
    )


def monthly_rows(*rows) -> pd.DataFrame:
    names = ["year", "month_from", "month_to", "period_kind", "publisher", "scope", "value_usd_m"]
    return pd.DataFrame([dict(zip(names, r, strict=True), **SRC_B) for r in rows])


def values(seq) -> list:
    """Plotly arrays as plain lists, NaN as None, so they compare with literals."""
    return [None if isinstance(v, float) and math.isnan(v) else (v.item() if hasattr(v, "item") else v) for v in seq]


def traces(fig) -> list[tuple]:
    return [(t.type, t.name, values(t.x), values(t.y)) for t in fig.data]


# --- annual totals ------------------------------------------------------------------------------------------------


def test_annual_totals_breaks_the_line_where_a_year_is_missing():
    fig = figs.annual_totals(
        annual(
            (2022, "ssb", "goods_services", 4396.0, SRC_A),
            (2024, "ssb", "goods_services", 7154.0, SRC_A),
            (2024, "tim", "goods", 6734.0, SRC_C),
        )
    )
    assert traces(fig) == [
        ("scatter", "SSB — goods + services", [2022, 2023, 2024], [4396.0, None, 7154.0]),
        ("scatter", "TİM — goods", [2024], [6734.0]),
    ]
    assert fig.data[0].connectgaps in (None, False)  # plotly's default: a NaN breaks the line


def test_annual_totals_never_merges_scopes_of_one_publisher():
    fig = figs.annual_totals(
        annual(
            (2024, "ssb", "goods_services", 7154.0, SRC_A),
            (2024, "ssb", "goods", 6500.0, SRC_A),
            (2025, "ssb", "goods_services", 10054.0, SRC_A),
        )
    )
    assert traces(fig) == [
        ("scatter", "SSB — goods", [2024], [6500.0]),
        ("scatter", "SSB — goods + services", [2024, 2025], [7154.0, 10054.0]),
    ]
    assert [t.line.dash for t in fig.data] == ["dot", "solid"]


def test_annual_totals_hover_carries_the_provenance_of_each_point():
    fig = figs.annual_totals(
        annual(
            (2022, "ssb", "goods_services", 4396.0, SRC_A),
            (2024, "ssb", "goods_services", 7154.0, SRC_A),
            (2024, "tim", "goods", 6734.0, SRC_C),
        )
    )
    assert [list(map(list, t.customdata)) for t in fig.data] == [[ROW_A, NO_SOURCE, ROW_A], [ROW_C]]
    assert fig.data[0].hovertemplate == (
        "<b>SSB — goods + services</b><br>%{x}: $%{y:,.1f} m"
        "<br><i>%{customdata[1]}</i><br>%{customdata[0]}, %{customdata[2]}"
        "<extra></extra>"
    )


def test_annual_totals_adds_event_markers_grey_when_unconfirmed():
    events = pd.DataFrame(
        [
            {"year": 2025, "title": "Pakistan drone assembly plant talks", "confirmed": False, **SRC_A},
            {"year": 2026, "title": "2025 exports pass $10 bn", "confirmed": True, **SRC_A},
        ]
    )
    fig = figs.annual_totals(
        annual(
            (2024, "ssb", "goods_services", 7154.0, SRC_A),
            (2025, "ssb", "goods_services", 10054.0, SRC_A),
            (2024, "tim", "goods", 6734.0, SRC_C),
        ),
        events=events,
    )
    assert [t.name for t in fig.data] == ["SSB — goods + services", "TİM — goods", "events"]
    assert values(fig.data[2].x) == [2025, 2026]
    assert list(fig.data[2].marker.color) == ["#adb5bd", "#212529"]
    assert list(fig.data[2].text) == ["Pakistan drone assembly plant talks", "2025 exports pass $10 bn"]


# --- year-over-year growth ----------------------------------------------------------------------------------------


def test_yoy_growth_labels_bars_with_signed_percentages():
    df = pd.DataFrame(
        [
            {"year": 2024, "publisher": "tim", "scope": "goods", "growth_pct": 22.0, **SRC_C},
            {"year": 2025, "publisher": "ssb", "scope": "goods_services", "growth_pct": 40.5, **SRC_A},
            {"year": 2024, "publisher": "ssb", "scope": "goods_services", "growth_pct": -3.25, **SRC_A},
        ]
    )
    fig = figs.yoy_growth(df)
    assert traces(fig) == [
        ("bar", "SSB — goods + services", [2025, 2024], [40.5, -3.25]),
        ("bar", "TİM — goods", [2024], [22.0]),
    ]
    assert [list(t.text) for t in fig.data] == [["+40.5%", "-3.2%"], ["+22.0%"]]


# --- monthly ------------------------------------------------------------------------------------------------------


def test_monthly_marks_the_incomplete_latest_year_hollow():
    fig = figs.monthly(
        monthly_rows(
            (2024, 1, 12, "ytd", "ssb", "goods", 7154.0),
            (2025, 11, 11, "month", "ssb", "goods", 747.0),
            (2025, 1, 11, "ytd", "ssb", "goods", 7445.0),
        ),
        latest_period=(2025, 11),
    )
    assert traces(fig) == [
        ("scatter", "2024 Jan–month", [12], [7154.0]),
        ("bar", "2025 (incomplete) month", [11], [747.0]),
        ("scatter", "2025 (incomplete) Jan–month", [11], [7445.0]),
    ]
    assert [fig.data[0].marker.symbol, fig.data[2].marker.symbol] == ["circle", "circle-open"]
    assert [fig.data[0].line.dash, fig.data[2].line.dash] == ["solid", "dot"]
    assert [t.yaxis for t in fig.data] == ["y2", None, "y2"]


def test_monthly_a_year_that_ends_in_december_is_complete():
    fig = figs.monthly(
        monthly_rows(
            (2024, 12, 12, "month", "ssb", "goods", 1600.0),
            (2025, 1, 12, "ytd", "ssb", "goods", 8100.0),
            (2025, 12, 12, "month", "ssb", "goods", 655.0),
        ),
        latest_period=(2025, 12),
    )
    assert [t.name for t in fig.data] == ["2024 month", "2025 month", "2025 Jan–month"]
    assert fig.data[2].marker.symbol == "circle"


def test_monthly_hover_carries_provenance():
    fig = figs.monthly(
        monthly_rows(
            (2025, 10, 10, "month", "ssb", "goods", 800.0),
            (2025, 11, 11, "month", "ssb", "goods", 747.0),
            (2025, 1, 11, "ytd", "ssb", "goods", 7445.0),
        ),
        latest_period=(2025, 11),
    )
    row_b = [
        "Outlet B",
        "Monthly release",
        "2025-12-02",
        "https://example.org/b",
        "Jan-Nov $7.445 bn against $5.733 bn.",
    ]
    assert [list(map(list, t.customdata)) for t in fig.data] == [[row_b, row_b], [row_b]]


def test_monthly_never_merges_two_publishers_into_one_trace():
    fig = figs.monthly(
        monthly_rows(
            (2025, 11, 11, "month", "ssb", "goods", 747.0),
            (2025, 11, 11, "month", "tim", "goods", 700.0),
            (2025, 1, 11, "ytd", "ssb", "goods", 7445.0),
        ),
        latest_period=(2025, 11),
    )
    bars = [t for t in fig.data if t.type == "bar"]
    assert sorted(values(t.y) for t in bars) == [[700.0], [747.0]]


# --- recipients ---------------------------------------------------------------------------------------------------

RECIPIENTS = pd.DataFrame(
    {
        "iso3": ["PAK", "PAK", "POL"],
        "country": ["Pakistan", "Pakistan", "Poland"],
        "confirmed": [True, False, True],
        "deals": [2, 1, 1],
        "units": pd.array([9, None, 24], dtype="Int64"),
        "value_usd_m": [None, None, 268.0],
    }
)


def test_recipients_map_uses_iso3_and_the_chosen_measure():
    fig = figs.recipients_map(RECIPIENTS, measure="units")
    (trace,) = fig.data
    assert trace.type == "choropleth"
    assert trace.locationmode in (None, "ISO-3")  # None is plotly's default, ISO-3
    assert (list(trace.locations), values(trace.z), list(trace.text)) == (
        ["PAK", "POL"],
        [9, 24],
        ["Pakistan", "Poland"],
    )
    assert list(map(list, trace.customdata)) == [[3], [1]]  # deals, confirmed or not
    assert trace.colorbar.title.text == "units ordered, all categories summed"
    assert trace.zmin == 0  # the smallest recipient is drawn pale, not as none


def test_recipients_map_in_usd_leaves_out_countries_without_a_published_value():
    fig = figs.recipients_map(RECIPIENTS, measure="usd")
    assert (list(fig.data[0].locations), values(fig.data[0].z)) == (["POL"], [268.0])
    assert fig.data[0].colorbar.title.text == "US$ million (published; other currencies converted at ECB rates, marked)"


def test_recipients_map_with_no_value_for_the_measure_is_the_empty_figure():
    fig = figs.recipients_map(RECIPIENTS[RECIPIENTS["iso3"] == "PAK"], measure="usd")
    assert fig.data == ()
    assert [a.text for a in fig.layout.annotations] == [
        "No recipient has a value for US$ million (published; other currencies converted at ECB rates, marked) "
        "in this selection"
    ]


def test_recipients_bar_hatches_unconfirmed_deals():
    fig = figs.recipients_bar(RECIPIENTS, measure="deals")
    assert [(t.name, list(t.y), values(t.x), t.marker.pattern.shape) for t in fig.data] == [
        ("confirmed", ["Pakistan", "Poland"], [2, 1], ""),
        ("talks, MoU, stalled or low confidence", ["Pakistan"], [1], "/"),
    ]
    assert list(fig.layout.yaxis.categoryarray) == ["Poland", "Pakistan"]  # largest at the top
    assert list(map(list, fig.data[0].customdata)) == [["PAK", 2], ["POL", 1]]


# --- firms, platforms ---------------------------------------------------------------------------------------------


def test_top100_writes_the_rank_or_says_it_is_missing():
    revenue = pd.DataFrame(
        [
            {"firm_id": "aselsan", "firm": "ASELSAN", "year": 2023, "value": 3000.0, **SRC_A},
            {"firm_id": "aselsan", "firm": "ASELSAN", "year": 2024, "value": 3500.0, **SRC_A},
            {"firm_id": "tusas", "firm": "TUSAŞ", "year": 2024, "value": 2100.0, **SRC_A},
        ]
    )
    ranks = pd.DataFrame({"firm_id": ["aselsan", "tusas"], "year": [2024, 2024], "value": [47.0, 65.0]})
    fig = figs.top100(revenue, ranks)
    assert [(t.name, values(t.x), values(t.y), list(t.text)) for t in fig.data] == [
        ("ASELSAN", [2023, 2024], [3000.0, 3500.0], ["rank n/a", "#47"]),
        ("TUSAŞ", [2024], [2100.0], ["#65"]),
    ]


def test_platform_matrix_puts_platforms_against_countries():
    df = pd.DataFrame(
        {
            "platform": ["Akıncı", "Bayraktar TB2", "Bayraktar TB2"],
            "country": ["Pakistan", "Pakistan", "Poland"],
            "deals": [1, 1, 1],
            "units": [None, 9, 24],
            "value_usd_m": [None, None, 268.0],
        }
    )
    fig = figs.platform_matrix(df, measure="units")
    (heat,) = fig.data
    assert (list(heat.y), list(heat.x)) == (["Bayraktar TB2", "Akıncı"], ["Poland", "Pakistan"])
    assert values(heat.z[0]) == [24.0, 9.0]
    assert values(heat.z[1])[0] is None  # no Akıncı deal with Poland: a gap, not a zero


def test_platform_matrix_leaves_a_cell_with_unknown_units_blank():
    df = pd.DataFrame(
        {
            "platform": ["Akıncı", "Bayraktar TB2", "Bayraktar TB2"],
            "country": ["Pakistan", "Pakistan", "Poland"],
            "deals": [1, 1, 1],
            "units": [None, 9, 24],
            "value_usd_m": [None, None, 268.0],
        }
    )
    heat = figs.platform_matrix(df, measure="units").data[0]
    assert values(heat.z[1]) == [None, None]  # Akıncı: no deal with Poland, units unknown for Pakistan


def test_status_mix_stacks_statuses_in_the_order_of_a_deal():
    df = pd.DataFrame(
        {
            "platform": ["Akıncı", "Bayraktar TB2", "Bayraktar TB2", "Akıncı", "Anka"],
            "status": ["delivering", "delivered", "talks", "in_production", "mou"],
            "deals": [1, 2, 1, 1, 1],
        }
    )
    fig = figs.status_mix(df)
    assert [(t.name, list(t.y), values(t.x)) for t in fig.data] == [  # the legend in words, never in_production
        ("delivered", ["Bayraktar TB2"], [2]),
        ("delivering", ["Akıncı"], [1]),
        ("in production", ["Akıncı"], [1]),
        ("MoU", ["Anka"], [1]),
        ("talks", ["Bayraktar TB2"], [1]),
    ]
    assert fig.data[2].hovertemplate == "%{y}: %{x} in production<extra></extra>"


def test_deliveries_folds_all_but_the_top_platforms_into_other():
    df = pd.DataFrame(
        {
            "year": [2022, 2023, 2023],
            "platform": ["Bayraktar TB2", "Bayraktar TB2", "Akıncı"],
            "platform_id": ["tb2", "tb2", "akinci"],
            "deals_delivering": [2, 2, 1],
        }
    )
    fig = figs.deliveries(df, top=1)
    assert traces(fig) == [("bar", "Bayraktar TB2", [2022, 2023], [2, 2]), ("bar", "other platforms", [2023], [1])]


# --- whole numbers on axes (issue 12, item 4) ------------------------------------------------------------------


def _axis(fig, name) -> tuple:
    axis = fig.layout[name]
    return axis.tickformat, axis.tick0, axis.dtick


def test_years_and_counts_get_whole_ticks_and_a_stack_reaches_the_sum_of_its_parts():
    df = pd.DataFrame(
        {
            "year": [2022, 2023, 2023, 2024],
            "platform": ["Akıncı", "Akıncı", "Anka", "Anka"],
            "platform_id": ["akinci", "akinci", "anka", "anka"],
            "deals_delivering": [1, 3, 6, 1],
        }
    )
    fig = figs.whole_number_axes(figs.deliveries(df))
    assert _axis(fig, "xaxis") == ("d", 0, 1)  # 2022, 2023, 2024: never "2,022.5"
    assert _axis(fig, "yaxis") == (None, 0, 2)  # 2023's stack is 9 deals high: 0, 2, 4, 6, 8 (not 0.5 steps)


def test_a_horizontal_count_axis_and_a_count_colour_bar_get_whole_ticks():
    fig = figs.whole_number_axes(
        figs.status_mix(
            pd.DataFrame({"platform": ["Akıncı", "Anka"], "status": ["delivered", "talks"], "deals": [1, 2]})
        )
    )
    assert _axis(fig, "xaxis") == (None, 0, 1)
    assert _axis(fig, "yaxis") == (None, None, None)  # platform names: a category axis, left alone
    heat = figs.whole_number_axes(
        figs.platform_matrix(
            pd.DataFrame({"platform": ["Anka", "Anka"], "country": ["Pakistan", "Chad"], "deals": [1, 2]}),
            measure="deals",
        )
    )
    assert (heat.data[0].colorbar.tick0, heat.data[0].colorbar.dtick) == (0, 1)


def test_a_count_colour_bar_with_unknown_units_gets_whole_ticks():
    """Units are Int64 with missing values (pd.NA) from the warehouse: the whole-number pass raised a TypeError on
    them, so /platforms?measure=units failed to draw its matrix."""
    df = pd.DataFrame(
        {"platform": ["Anka", "Anka", "Akıncı"], "country": ["Pakistan", "Chad", "Chad"], "deals": [1, 1, 1],
         "units": pd.array([3, pd.NA, 1], dtype="Int64")}
    )  # fmt: skip
    heat = figs.whole_number_axes(figs.platform_matrix(df, measure="units"))
    assert (heat.data[0].colorbar.tick0, heat.data[0].colorbar.dtick) == (0, 1)


def test_the_platform_matrix_in_tiv_counts_deals_which_carry_no_tiv():
    """measure=tiv raised KeyError 'tiv' (the embed answered 500): the matrix draws deals, as its label says."""
    df = pd.DataFrame({"platform": ["Anka", "Anka"], "country": ["Pakistan", "Chad"], "deals": [1, 2]})
    fig = figs.platform_matrix(df, measure="tiv")
    assert (list(fig.data[0].x), values(pd.DataFrame(fig.data[0].z).iloc[0])) == (["Chad", "Pakistan"], [2.0, 1.0])
    assert fig.data[0].colorbar.title.text == "deals"


def test_fractional_values_and_long_ranges_keep_plotlys_own_ticks():
    fig = figs.whole_number_axes(
        figs.annual_totals(
            annual((2015, "ssb", "goods_services", 1934.5, SRC_A), (2025, "ssb", "goods_services", 10054.0, SRC_A))
        )
    )
    assert _axis(fig, "yaxis") == (None, None, None)  # US$ 1,934.5 m: not whole, plotly's ticks stay
    assert _axis(fig, "xaxis") == ("d", None, 1)  # set by annual_totals itself, not overridden
    wide = figs.whole_number_axes(
        figs.status_mix(pd.DataFrame({"platform": ["Anka"], "status": ["delivered"], "deals": [40]}))
    )
    assert _axis(wide, "xaxis") == (None, None, None)  # 0-40: plotly's ticks are whole already


# --- empty frames, captions ---------------------------------------------------------------------------------------

EMPTY = pd.DataFrame(
    columns=[
        "year",
        "publisher",
        "scope",
        "value_usd_m",
        "growth_pct",
        "month_to",
        "period_kind",
        "iso3",
        "country",
        "confirmed",
        "deals",
        "units",
        "firm",
        "firm_id",
        "value",
        "platform",
        "status",
        "deals_delivering",
        *figs.PROVENANCE,
    ]
)


@pytest.mark.parametrize(
    ("draw", "message"),
    [
        (lambda df: figs.annual_totals(df), "No annual totals for this selection"),
        (lambda df: figs.yoy_growth(df), "No year pairs of the same publisher and scope in this range"),
        (lambda df: figs.monthly(df, latest_period=None), "No monthly or year-to-date figures for this selection"),
        (
            lambda df: figs.recipients_map(df, measure="usd"),
            "No recipient has a value for US$ million (published; other currencies converted at ECB rates, marked) "
            "in this selection",
        ),
        (
            lambda df: figs.recipients_bar(df, measure="units"),
            "No recipient has a value for units ordered, all categories summed in this selection",
        ),
        (lambda df: figs.firm_values(df, label="exports, US$ million"), "No firm figures for this selection"),
        (lambda df: figs.top100(df, df), "No SIPRI Top 100 figures for this selection"),
        (
            lambda df: figs.platform_matrix(df, measure="usd"),
            "No deals with US$ million (published; other currencies converted at ECB rates, marked) in this selection",
        ),
        (lambda df: figs.deliveries(df), "No deliveries in this selection"),
        (lambda df: figs.status_mix(df), "No deals in this selection"),
    ],
    ids=[
        "annual_totals",
        "yoy_growth",
        "monthly",
        "recipients_map",
        "recipients_bar",
        "firm_values",
        "top100",
        "platform_matrix",
        "deliveries",
        "status_mix",
    ],
)
def test_an_empty_frame_gives_the_empty_figure_with_a_message(draw, message):
    fig = draw(EMPTY)
    assert fig.data == ()
    assert [a.text for a in fig.layout.annotations] == [message]
    assert (fig.layout.xaxis.visible, fig.layout.yaxis.visible) == (False, False)


def test_with_caption_puts_title_and_source_line_on_the_figure():
    fig = figs.annual_totals(
        annual(
            (2024, "ssb", "goods_services", 7154.0, SRC_A),
            (2025, "ssb", "goods_services", 10054.0, SRC_A),
            (2024, "tim", "goods", 6734.0, SRC_C),
        )
    )
    line = "Source: SSB, TİM figures, as reported by Outlet A; Outlet C · compiled by defex · data as of 2026-01-03"
    captioned = figs.with_caption(fig, title="Defence & aerospace exports by publisher", source_line=line)
    assert captioned.layout.title.text == "Defence & aerospace exports by publisher"
    assert [a.text for a in captioned.layout.annotations] == [line]
    assert (captioned.layout.annotations[0].xref, captioned.layout.annotations[0].yref) == ("paper", "paper")
    assert fig.layout.title.text is None and fig.layout.annotations == ()  # the input figure is left as it was


def test_with_caption_keeps_data_as_of_when_the_source_line_is_long():
    line = (
        "Source: SIPRI; FlightGlobal; TRT World; Turkish Aerospace Industries (press release, archived by "
        "silverstar-academy.com) · measure: US$ million · compiled by defex · data as of 2026-03-03 "
        "(ETL run 20261122T130606904903Z)"
    )
    captioned = figs.with_caption(figs.empty("nothing"), title="Where Türkiye's defence exports go", source_line=line)
    assert "data as of 2026-03-03" in captioned.layout.annotations[-1].text


# --- figures import neither Dash nor DuckDB -----------------------------------------------------------------------

FORBIDDEN = {"dash", "duckdb", "dash_bootstrap_components", "dash_ag_grid", "flask"}


def imported_roots(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported(path)}


def loaded_after_import(module: str) -> list[str]:
    probe = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN)!r}))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout.strip())


def test_figures_module_imports_neither_dash_nor_duckdb():
    assert imported_roots(ROOT / "dashboard" / "figures.py") & FORBIDDEN == set()
    assert loaded_after_import("dashboard.figures") == []


def test_the_import_probes_do_see_dash_and_duckdb_where_they_are_imported():
    """Controls for the two checks above: on modules that do import them, both checks find them."""
    assert imported_roots(ROOT / "dashboard" / "callbacks.py") & FORBIDDEN == {"dash"}
    assert {"dash", "duckdb"} <= {m.split(".")[0] for m in loaded_after_import("dashboard.callbacks")}


# --- issue 11: converted values, destinations, timelines, ranks, unpublished months --------------------------------


def test_recipients_bar_marks_converted_values_apart_from_published_us_dollars():
    df = pd.DataFrame(
        [
            {
                "iso3": "ESP",
                "country": "Spain",
                "confirmed": True,
                "deals": 1,
                "value_usd_m": None,
                "value_usd_m_converted": 3059.16,
            },
            {
                "iso3": "ROU",
                "country": "Romania",
                "confirmed": True,
                "deals": 2,
                "value_usd_m": 321.0,
                "value_usd_m_converted": 100.0,
            },
            {
                "iso3": "POL",
                "country": "Poland",
                "confirmed": True,
                "deals": 1,
                "value_usd_m": 268.0,
                "value_usd_m_converted": None,
            },
        ]
    )
    fig = figs.recipients_bar(df, measure="usd")
    assert [(t.name, list(t.y), values(t.x)) for t in fig.data] == [
        ("confirmed (published US$)", ["Spain", "Poland", "Romania"], [0.0, 268.0, 321.0]),
        ("confirmed (converted to US$ at ECB rates)", ["Spain", "Poland", "Romania"], [3059.16, 0.0, 100.0]),
    ]
    assert fig.data[1].marker.pattern.shape == "x"
    assert list(fig.layout.yaxis.categoryarray) == ["Poland", "Romania", "Spain"]  # ranked by the sum of both


def test_recipients_map_hover_says_how_much_was_converted():
    df = pd.DataFrame(
        [
            {
                "iso3": "ESP",
                "country": "Spain",
                "confirmed": True,
                "deals": 1,
                "value_usd_m": None,
                "value_usd_m_converted": 3059.16,
            }
        ]
    )
    trace = figs.recipients_map(df, measure="usd").data[0]
    assert (values(trace.z), list(map(list, trace.customdata))) == ([3059.16], [[1, 3059.16]])
    assert "of which converted at ECB rates" in trace.hovertemplate


def destination_rows(*rows) -> pd.DataFrame:
    names = [
        "year",
        "month_from",
        "month_to",
        "period",
        "publisher",
        "destination_name",
        "destination_type",
        "value_usd_m",
    ]
    return pd.DataFrame(
        [
            dict(
                zip(names, r, strict=True),
                **SRC_C,  # an id as the data has it, a group none
                destination_iso3=r[5][:3].upper() if r[6] == "country" else None,
            )
            for r in rows
        ]
    )


def test_destinations_of_one_country_tell_a_year_from_part_of_a_year():
    df = destination_rows(
        (2020, 1, 12, "2020", "tim", "United States", "country", 784.2),
        (2021, 1, 5, "Jan–May 2021", "tim", "United States", "country", 381.1),
        (2022, 3, 3, "Mar 2022", "tim", "United States", "country", 81.7),
    )
    fig = figs.destinations(df)
    assert [(t.name, list(t.x), values(t.y)) for t in fig.data] == [
        ("calendar year", ["2020 · TİM"], [784.2]),
        ("part of a year", ["Jan–May 2021 · TİM"], [381.1]),
        ("one month", ["Mar 2022 · TİM"], [81.7]),
    ]
    assert fig.layout.yaxis.title.text == "exports to United States, US$ million as published"


def test_destinations_of_several_countries_draw_calendar_years_and_never_a_group():
    df = destination_rows(
        (2020, 1, 12, "2020", "tim", "United States", "country", 784.2),
        (2020, 1, 12, "2020", "tim", "Azerbaijan", "country", 260.8),
        (2020, 1, 9, "Jan–Sep 2020", "tim", "Azerbaijan", "country", 123.0),
        (2025, 1, 12, "2025", "ssb", "EU, NATO and US", "group", 5600.0),
    )
    fig = figs.destinations(df)
    assert [(t.name, list(t.x), values(t.y)) for t in fig.data] == [
        ("United States", ["2020 · TİM"], [784.2]),
        ("Azerbaijan", ["2020 · TİM"], [260.8]),
    ]


def test_destinations_with_only_ranks_or_groups_is_the_empty_figure():
    df = destination_rows(
        (2025, 1, 12, "2025", "ssb", "EU, NATO and US", "group", 5600.0),
        (2025, 1, 12, "2025", "press", "United Kingdom", "country", None),
    )
    assert [a.text for a in figs.destinations(df).layout.annotations] == [
        "No exports by destination in US$ published for this selection"
    ]


def test_deal_timeline_draws_each_step_in_its_status_colour_on_the_deal_row():
    df = pd.DataFrame(
        [
            {"deal": "Pakistan · Bayraktar TB2 (D0161)", "date": d, "date_precision": p, "status": s, **SRC_A}
            for d, p, s in [
                ("2021-03-01", "month", "signed"),
                ("2022-03-08", "day", "delivering"),
                ("2025-03-13", "day", "delivered"),
            ]
        ]
    )
    fig = figs.deal_timeline(df)
    markers = [t for t in fig.data if t.mode == "markers"]
    assert [(t.name, list(t.x), t.marker.color) for t in markers] == [
        ("delivered", ["2025-03-13"], "#1b7837"),
        ("delivering", ["2022-03-08"], "#5aae61"),
        ("signed", ["2021-03-01"], "#2166ac"),
    ]
    assert list(fig.data[0].x) == ["2021-03-01", "2022-03-08", "2025-03-13", None]  # joined in date order


def test_firm_ranks_put_rank_one_on_top_and_break_at_a_missing_edition():
    df = pd.DataFrame(
        [
            {
                "firm": "ASELSAN",
                "firm_id": "aselsan",
                "publisher": "sipri",
                "edition": e,
                "year": e - 1,
                "rank": r,
                "revenue_usd_m": v,
                **SRC_A,
            }
            for e, r, v in [(2022, 56, 2200.0), (2024, 54, 2400.0)]
        ]
    )
    fig = figs.firm_ranks(df)
    assert [(t.name, values(t.x), values(t.y)) for t in fig.data] == [
        ("ASELSAN (SIPRI)", [2022, 2023, 2024], [56, None, 54])
    ]
    assert fig.layout.yaxis.autorange == "reversed"


def test_monthly_lists_the_months_without_a_published_figure_under_the_chart():
    coverage = pd.DataFrame(
        [
            {"year": 2024, "month": m, "label": f"{figs.MONTHS[m - 1]} 2024", "publishers": w, "status": s}
            for m, w, s in [
                (1, None, "no published figure found"),
                (2, "ssb", "published"),
                (3, "tim", "published by another body"),
                (4, None, "no published figure found"),
            ]
        ]
    )
    fig = figs.monthly(monthly_rows((2024, 2, 2, "month", "ssb", "goods", 300.0)), coverage=coverage)
    assert [(t.name, values(t.x)) for t in fig.data[1:]] == [
        ("no published figure found", [1, 4]),
        ("published by another body", [3]),
    ]
    assert [a.text for a in fig.layout.annotations] == [
        "<i>No published monthly figure found for</i> 2024: Jan, Apr<br>"
        "<i>Published only by a body not shown (choose it in Publisher)</i> 2024: Mar"
    ]


def _pair(publisher_a, scope_a, value_a, publisher_b, scope_b, value_b):
    return {
        "publisher_a": publisher_a,
        "scope_a": scope_a,
        "value_a_usd_m": value_a,
        "publisher_b": publisher_b,
        "scope_b": scope_b,
        "value_b_usd_m": value_b,
    }


def test_why_they_differ_names_the_reason_of_each_pair_in_one_sentence():
    """The pairs of /quality's reconciliation, as in the real data (2025, 2024, Jan–Apr 2022, Nov 2024...)."""
    assert figs.why_they_differ(_pair("ssb", "goods", 9870.0, "ssb", "goods_services", 10054.0)) == (
        "SSB publishes both: its goods + services total adds services to its goods total (US$184 m here)."
    )
    assert figs.why_they_differ(_pair("ssb", "goods_services", 7154.0, "tim", "goods", 6734.0)) == (
        "They count different things: SSB's total is goods + services (NATO and service exports included since "
        "2023), TİM's is customs goods (the defence & aerospace sector's exports declared at customs)."
    )
    assert figs.why_they_differ(_pair("tim", "goods", 1351.0, "trade_ministry", "goods", 1300.0)) == (
        "Both count customs goods; Trade Ministry's US$1,300 m is a round figure (to US$100 m), and TİM's "
        "US$1,351 m is less than US$100 m from it."
    )
    assert figs.why_they_differ(_pair("press", "goods", 4300.0, "ssb", "goods_services", 4364.0)) == (
        "They count different things: the press report's total is goods (a newspaper's figure that names no "
        "official body), SSB's is goods + services (NATO and service exports included since 2023)."
    )
    assert figs.why_they_differ(_pair("ssb", "goods", 613.7, "tim", "goods", 637.0)) == (
        "Both count customs goods for the same months, yet differ by US$23.3 m (3.8%), more than rounding: "
        "a revision or a different count, which the sources do not explain."
    )
    assert figs.why_they_differ(_pair("tim", "goods", 233.225, "trade_ministry", "goods", 233.225)) == (
        "Both count customs goods and give the same figure."
    )
    assert figs.why_they_differ(_pair("sasad", "survey", 4400.0, "tim", "goods", 4400.0)) == (
        "They count different things, though the numbers are equal here: SaSaD's total is a company survey "
        "(including offsets and civil aerospace), TİM's is customs goods (the defence & aerospace sector's "
        "exports declared at customs)."
    )
    assert figs.why_they_differ(_pair("press", "goods", 4300.0, "tim", "goods", 4400.0)) == (
        "Both count customs goods for the same months, yet differ by US$100 m (2.3%), more than rounding: "
        "the press report names no official body, so it may be another publisher's figure or an earlier one."
    )
