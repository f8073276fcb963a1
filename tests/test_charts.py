"""The chart registry against the warehouse built from tests/fixtures/raw: data, figure and source line agree."""

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts, data
from dashboard.params import Params, parse
from tests.conftest import rows


@pytest.fixture
def warehouse(built, monkeypatch):
    monkeypatch.setenv("DEFEX_DB", str(built))
    return built


def run_id(db) -> str:
    [(value,)] = rows(db, "SELECT run_id FROM etl_runs")
    return value


def plain(seq) -> list:
    return [None if isinstance(v, float) and math.isnan(v) else (v.item() if hasattr(v, "item") else v) for v in seq]


# --- failures first -----------------------------------------------------------------------------------------------


def test_an_unknown_chart_raises_unknown_chart():
    with pytest.raises(charts.UnknownChart):
        charts.get("nope")


def test_figure_of_an_unknown_chart_raises_unknown_chart(warehouse):
    with pytest.raises(charts.UnknownChart):
        charts.figure("nope")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"colour": "red"}, "unknown parameter 'colour' ignored"),
        ({"from_": "abc"}, "'from' must be a year between 1950 and 2100; ignored 'abc'"),
        ({"country": ["PAK", "ARE"]}, "unknown country 'ARE' ignored"),
        ({"publisher": "sipri"}, "unknown publisher 'sipri' ignored"),
        ({"status": "maybe"}, "unknown status 'maybe' ignored"),
    ],
    ids=["unknown_name", "bad_year", "unknown_country", "unknown_publisher", "bad_status"],
)
def test_figure_with_a_bad_parameter_raises_value_error_naming_it(warehouse, params, message):
    with pytest.raises(ValueError) as raised:
        charts.figure("annual_totals", **params)
    assert str(raised.value) == message


# --- every chart builds -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chart_id", list(charts.CHARTS))
def test_every_chart_builds_for_default_and_all_statuses(warehouse, chart_id):
    for p in (Params(), Params(status="all")):
        fig, df, line = charts.build(chart_id, p)
        assert isinstance(fig, go.Figure)
        assert fig.layout.title.text == charts.CHARTS[chart_id].title
        view = charts.context(chart_id, p).permalink_text
        assert fig.layout.annotations[-1].text == f"{line}<br>View: {view}"
        assert line.endswith(f"data as of 2026-01-03 (ETL run {run_id(warehouse)})")


@pytest.mark.parametrize("chart_id", ["recipients_map", "recipients_bar"])
def test_recipient_charts_build_for_measure_tiv(warehouse, chart_id):
    fig, _, line = charts.build(chart_id, Params(measure="tiv"))
    assert " · measure: SIPRI TIV (million) · " in line


def test_the_registry_lists_the_charts_of_the_design():
    assert list(charts.CHARTS) == [
        "annual_totals",
        "yoy_growth",
        "monthly",
        "destinations",
        "deal_timeline",
        "recipients_map",
        "recipients_bar",
        "firm_exports",
        "top100",
        "top100_ranks",
        "platform_matrix",
        "deliveries",
        "status_mix",
        "sipri_exporters",
        "sipri_trend",
        "sipri_recipients",
    ]
    assert [c for c, chart in charts.CHARTS.items() if chart.deal_based] == [
        "recipients_map",
        "recipients_bar",
        "platform_matrix",
        "deliveries",
        "status_mix",
    ]


# --- figure() and frame() agree -----------------------------------------------------------------------------------


def test_figure_shows_the_rows_of_frame(warehouse):
    fig = charts.figure("annual_totals", publisher="ssb", from_=2025)
    df = charts.frame("annual_totals", parse({"publisher": "ssb", "from": "2025"}))
    assert list(df[["year", "publisher", "scope", "value_usd_m"]].itertuples(index=False, name=None)) == [
        (2025, "ssb", "goods_services", 10054.0)
    ]
    assert [t.name for t in fig.data] == ["SSB — goods + services", "events"]
    assert (plain(fig.data[0].x), plain(fig.data[0].y)) == ([2025], [10054.0])
    assert (plain(fig.data[0].x), plain(fig.data[0].y)) == (df["year"].tolist(), df["value_usd_m"].tolist())
    assert fig.data[1].text == ("2025 exports pass $10 bn",)


def test_figure_takes_lists_and_start_like_the_url(warehouse):
    a = charts.figure("annual_totals", publisher=["ssb", "tim"], start=2024, to=2024)
    b = charts.figure("annual_totals", publisher="ssb,tim", from_=2024, to=2024)
    assert [(t.name, plain(t.y)) for t in a.data] == [("SSB — goods + services", [7154.0]), ("TİM — goods", [6734.0])]
    assert a == b


def test_frame_carries_the_source_columns(warehouse):
    df = charts.frame("annual_totals", Params(from_=2025))
    assert df[["source_publisher", "source_title", "source_published", "source_url"]].values.tolist() == [
        ["Outlet A", "Annual totals", "2026-01-03", "https://example.org/a"]
    ]


def test_monthly_defaults_to_ssb_and_marks_2025_incomplete(warehouse):
    fig = charts.figure("monthly")
    assert [(t.name, plain(t.x), plain(t.y)) for t in fig.data] == [
        ("2024 Jan–month", [11], [5733.0]),  # the revised vintage F005, not the first release 5761
        ("2025 (incomplete) month", [11], [747.0]),
        ("2025 (incomplete) Jan–month", [11], [7445.0]),
        # months with no published figure are marked, not left as silent gaps
        ("no published figure found", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12], [0] * 11),
    ]
    assert fig.data[2].marker.symbol == "circle-open"
    assert [a.text for a in fig.layout.annotations if a.text.startswith("<i>No published")] == [
        ("<i>No published monthly figure found for</i> 2025: Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Dec")
    ]


def test_monthly_asks_for_ssb_unless_a_publisher_is_given(monkeypatch):
    asked = []
    monkeypatch.setattr(data, "monthly", lambda p: asked.append(p.publisher) or EMPTY_MONTHLY)
    charts.frame("monthly", Params())
    charts.frame("monthly", Params(publisher=("tim",)))
    assert asked == [("ssb",), ("tim",)]


EMPTY_MONTHLY = pd.DataFrame(columns=["year", "month_to", "period_kind", "value_usd_m"])


# --- source line --------------------------------------------------------------------------------------------------


def test_source_line_names_figure_publishers_sources_and_data_as_of(warehouse):
    _, _, line = charts.build("annual_totals", Params())
    assert line == (
        "Source: SSB, TİM figures, as reported by Outlet A; Outlet C · compiled by defex · "
        f"data as of 2026-01-03 (ETL run {run_id(warehouse)})"
    )


def test_source_line_of_a_deal_chart_names_the_deal_sources_and_the_measure(warehouse):
    _, _, line = charts.build("recipients_map", Params(measure="units"))
    assert line == (
        "Source: Outlet A · measure: units (summed across categories: drones, vehicles, ships and pods "
        "counted alike) · compiled by defex · "
        f"data as of 2026-01-03 (ETL run {run_id(warehouse)})"
    )


def test_source_line_of_an_empty_selection_says_so(warehouse):
    _, df, line = charts.build("top100", Params())
    assert df.empty
    assert line.startswith("Source: none in this selection · compiled by defex · data as of 2026-01-03")


def test_meta_reports_the_run_and_data_as_of(warehouse):
    assert (data.meta()["data_as_of"], data.meta()["run_id"]) == ("2026-01-03", run_id(warehouse))


# --- status -------------------------------------------------------------------------------------------------------


def test_the_talks_stage_deal_is_left_out_by_default_and_counted(warehouse):
    assert data.excluded_by_status(Params()) == 1
    assert data.excluded_by_status(Params(country=("POL",))) == 0
    assert rows(warehouse, "SELECT deal_id, buyer_iso3, status FROM deals WHERE NOT confirmed") == [
        ("D0004", "PAK", "talks")
    ]


def test_recipients_respect_status(warehouse):
    columns = ["iso3", "confirmed", "deals"]
    assert charts.frame("recipients_map", Params())[columns].values.tolist() == [["PAK", True, 2], ["POL", True, 1]]
    assert charts.frame("recipients_map", Params(status="all"))[columns].values.tolist() == [
        ["PAK", True, 2],
        ["PAK", False, 1],
        ["POL", True, 1],
    ]


def test_status_mix_shows_talks_only_with_status_all(warehouse):
    assert [t.name for t in charts.build("status_mix", Params())[0].data] == ["delivered", "delivering"]
    assert [t.name for t in charts.build("status_mix", Params(status="all"))[0].data] == [
        "delivered",
        "delivering",
        "talks",
    ]


def test_recipients_map_counts_the_talks_deal_only_with_status_all(warehouse):
    by_default = charts.build("recipients_map", Params(measure="units"))[0].data[0]
    everything = charts.build("recipients_map", Params(measure="units", status="all"))[0].data[0]
    assert (list(by_default.locations), plain(by_default.z), list(map(list, by_default.customdata))) == (
        ["PAK", "POL"],
        [9, 24],
        [[2], [1]],
    )
    assert list(map(list, everything.customdata)) == [[3], [1]]


def test_deal_source_line_counts_follow_status(warehouse):
    assert data.deal_source_publishers(Params()) == {"Outlet A": 3}
    assert data.deal_source_publishers(Params(status="all")) == {"Outlet A": 4}


def test_annual_event_markers_respect_status(warehouse):
    def events(p):
        return [t for t in charts.build("annual_totals", p)[0].data if t.name == "events"][0]

    assert (plain(events(Params()).x), events(Params()).text) == ([2026], ("2025 exports pass $10 bn",))
    assert plain(events(Params(status="all")).x) == [2025, 2026]


# --- context: title, subtitle in words, permalink, citation (issue 12, item 7) ------------------------------------


def test_titles_say_turkiye_where_the_chart_is_about_its_exports():
    assert charts.get("annual_totals").title == "Türkiye's defence & aerospace exports by publisher"
    assert charts.get("recipients_bar").title == "Recipients of Türkiye's defence exports, ranked"
    assert charts.get("sipri_exporters").title == "Exporters of major arms ranked (SIPRI TIV)"  # all exporters
    about = [c.id for c in charts.CHARTS.values() if "Türkiye" not in c.title]
    assert about == ["sipri_exporters"]


def test_subtitle_says_the_range_and_filters_in_words(warehouse):
    p = Params(from_=2015, to=2025, country=("PAK",), firm=("baykar",), measure="units")
    assert charts.context("recipients_map", p).subtitle == (
        "2015–2025 · recipient: Pakistan · firm: Baykar · confirmed deals · measure: units"
    )
    assert charts.context("recipients_map", Params(status="talks,delivered", platform=("tb2", "akinci"))).subtitle == (
        "2021 · platforms: Bayraktar TB2, Akıncı · deals at stage: talks, delivered · measure: deals (count)"
    )
    assert charts.context("recipients_map", Params(status="talks")).subtitle == (
        "years not known · deals at stage: talks · measure: deals (count)"
    )  # its only deal has no order year


def test_subtitle_says_the_defaults_too_with_the_years_the_chart_covers(warehouse):
    assert charts.context("recipients_map", Params()).subtitle == (
        "2021–2022 · confirmed deals · measure: deals (count)"
    )
    assert charts.context("recipients_map", Params(status="all")).subtitle == (
        "2021–2022 · all deals, incl. talks · measure: deals (count)"
    )
    assert charts.context("annual_totals", Params()).subtitle == ("2024–2025 · publishers: SSB, TİM · confirmed events")
    assert charts.context("monthly", Params()).subtitle == "2024–2025 · publisher: SSB (default)"


def test_permalink_is_relative_unless_a_public_url_is_configured(warehouse, monkeypatch):
    p = Params(from_=2015, country=("PAK",))
    monkeypatch.delenv("DEFEX_PUBLIC_URL", raising=False)
    assert (charts.context("recipients_map", p).permalink, charts.context("recipients_map", p).permalink_text) == (
        "/countries?from=2015&country=PAK",
        "/countries?from=2015&country=PAK (relative to where the dashboard is served)",
    )
    monkeypatch.setenv("DEFEX_PUBLIC_URL", "https://defex.example.org/")
    assert (charts.context("recipients_map", p).permalink, charts.context("recipients_map", p).permalink_text) == (
        "https://defex.example.org/countries?from=2015&country=PAK",
        "https://defex.example.org/countries?from=2015&country=PAK",
    )


def test_figure_carries_title_subtitle_source_line_and_permalink(warehouse, monkeypatch):
    monkeypatch.delenv("DEFEX_PUBLIC_URL", raising=False)
    fig = charts.figure("recipients_map", from_=2015, country="PAK")
    assert fig.layout.title.text == "Where Türkiye's defence exports go"
    assert fig.layout.title.subtitle.text == (
        "2015–2022 · recipient: Pakistan · confirmed deals · measure: deals (count)"
    )
    caption = fig.layout.annotations[-1].text
    assert "compiled by defex" in caption
    assert caption.endswith("View: /countries?from=2015&country=PAK (relative to where the dashboard is served)")


def test_citation_is_one_sentence_with_title_publishers_dates_url_and_permalink(warehouse, monkeypatch):
    monkeypatch.setenv("DEFEX_PUBLIC_URL", "https://defex.example.org")
    assert charts.context("recipients_map", Params(country=("POL",))).citation == (
        "“Where Türkiye's defence exports go”, 2021 · recipient: Poland · confirmed deals · measure: deals (count); "
        "source: Outlet A, published 2026-01-03, https://example.org/a; data as of 2026-01-03; "
        "https://defex.example.org/countries?country=POL; compiled by defex."
    )
    assert charts.context("annual_totals", Params()).citation == (
        "“Türkiye's defence & aerospace exports by publisher”, 2024–2025 · publishers: SSB, TİM · confirmed events; "
        "source: SSB, TİM figures, as reported by Outlet A; Outlet C, published 2025-01-03 to 2026-01-03; "
        "data as of 2026-01-03; https://defex.example.org/; compiled by defex."
    )


def test_export_refuses_an_unknown_chart_id_before_writing_anything(warehouse, tmp_path):
    from dashboard import export

    with pytest.raises(SystemExit) as raised:
        export.main(["--out", str(tmp_path / "out"), "--charts", "annual_totals,nope"])
    assert str(raised.value).startswith("error: unknown chart(s) nope; charts: annual_totals, yoy_growth, ")
    assert not (tmp_path / "out").exists()
