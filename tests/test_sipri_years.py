"""Issue 12, item 5a: SIPRI's years are honest — TIV views offer and draw only the years the TIV tables cover,
and every TIV chart says how far SIPRI's data go. Against the warehouse built from the real data."""

import pytest

from dashboard import charts, data
from dashboard.params import clamp_years, parse
from tests.conftest import needs_sipri

TIV_CHARTS = ("sipri_exporters", "sipri_trend", "sipri_recipients")


@pytest.fixture
def real(real_db, monkeypatch):
    monkeypatch.setenv("DEFEX_DB", str(real_db))
    return real_db


def test_clamp_years_says_where_the_data_end_and_keeps_years_inside():
    p = clamp_years(parse({"from": "2019", "to": "2025"}), (1950, 2023), "SIPRI data")
    assert (p.from_, p.to) == (2019, 2023)
    assert p.messages == ("SIPRI data end in 2023: 'to' 2025 is drawn as 2023",)
    both = clamp_years(parse({"from": "2024"}), (1950, 2023), "SIPRI data")
    assert (both.from_, both.to) == (2023, None)
    assert both.messages == ("SIPRI data end in 2023: 'from' 2024 is drawn as 2023",)
    inside = parse({"from": "2019", "to": "2023"})
    assert clamp_years(inside, (1950, 2023), "SIPRI data") == inside
    assert clamp_years(inside, (1950, 2023), "SIPRI data").messages == ()
    assert clamp_years(inside, None, "SIPRI data") == inside  # no TIV table loaded: nothing to clamp to


@needs_sipri
def test_the_tiv_tables_cover_1950_to_2023(real):
    assert data.sipri_years() == (1950, 2023)


@needs_sipri
@pytest.mark.parametrize(
    "chart_id, through",
    [
        ("sipri_exporters", "SIPRI register through 2024"),  # the register reaches 2024: SIPRI's latest window
        ("sipri_trend", "SIPRI data through 2023"),  # yearly: SIPRI's TIV tables only
        ("sipri_recipients", "SIPRI register through 2024"),
    ],
)
def test_every_tiv_chart_says_how_far_the_sipri_data_it_is_drawn_from_go(real, chart_id, through):
    fig, _, line = charts.build(chart_id, parse({}))
    assert f" · {through} · " in line
    assert any(through in a.text for a in fig.layout.annotations)  # embeds and exports carry it


@needs_sipri
def test_a_recipient_chart_in_tiv_says_sipri_data_through_2023(real):
    assert "SIPRI data through 2023" in charts.build("recipients_bar", parse({"measure": "tiv"}))[2]
    assert "SIPRI data through" not in charts.build("recipients_bar", parse({}))[2]


@needs_sipri
def test_a_tiv_chart_asked_for_2025_is_drawn_through_2023(real):
    p = parse({"from": "2020", "to": "2025", "country": "FRA"})
    _, trend, _ = charts.build("sipri_trend", p)
    assert sorted(trend["year"].unique().tolist()) == [2020, 2021, 2022, 2023]
    assert charts.tiv_params(p).messages == ("SIPRI data end in 2023: 'to' 2025 is drawn as 2023",)
    _, ranked, _ = charts.build("sipri_exporters", p)  # the ranking reaches the register's last year, from it
    assert (int(ranked["period_start"].iloc[0]), int(ranked["period_end"].iloc[0])) == (2020, 2024)
    assert set(ranked["basis"]) == {"register"}
    exporters = charts.get("sipri_exporters")
    assert charts.tiv_params(p, exporters).messages == ("SIPRI data end in 2024: 'to' 2025 is drawn as 2024",)
    _, ranked, _ = charts.build("sipri_exporters", parse({"from": "2019", "to": "2023"}))
    assert set(ranked["basis"]) == {"tables"}  # within the TIV tables' years: SIPRI's yearly figures


@needs_sipri
def test_the_entity_tiv_card_follows_the_years_and_stops_where_the_tables_end(real):
    assert data.entity_tiv("country", "PAK", parse({})) == {
        "tiv": pytest.approx(497.03),
        "through": 2023,
        "from": 1995,
        "to": 2023,
    }
    assert data.entity_tiv("country", "PAK", parse({"from": "2020", "to": "2025"})) == {
        "tiv": pytest.approx(226.15),
        "through": 2023,
        "from": 2020,
        "to": 2023,
    }


@needs_sipri
def test_compare_ranks_2020_24_from_the_2025_register_as_sipri_published_it(real):
    """The register of 13 Mar 2025 reaches 2024, the TIV tables of 13 Oct 2024 end in 2023: /compare ranks SIPRI's
    latest window, 2020-24, from the register. voz.us, 10 Mar 2025, on SIPRI's report of that day
    (https://voz.us/en/society/250310/21985/u-s-increases-its-lead-as-the-world-s-largest-arms-exporter.html):
    "the United States increased its share of global arms exports to 43% ... Russia (7.8% of global exports) fell
    to third place behind France (9.6%), while Italy (4.8%) moved up from 10th to sixth place ... China was the
    fourth largest arms exporter in 2020-24, with 5.9%". Each deal's TIV split evenly over its delivery years
    gives the same order and shares within 0.9 points (SIPRI weights the years by the units delivered in each)."""
    _, ranked, line = charts.build("sipri_exporters", parse({}), caption=False)
    top = [(r.iso3, int(r.rank), r.share_pct) for r in ranked.head(6).itertuples()]
    assert (int(ranked["period_start"].iloc[0]), int(ranked["period_end"].iloc[0])) == (2020, 2024)
    assert top == [("USA", 1, 42.15), ("FRA", 2, 9.83), ("RUS", 3, 7.96), ("CHN", 4, 5.94), ("DEU", 5, 5.61),
                   ("ITA", 6, 4.97)]  # fmt: skip
    published = {"USA": 43, "FRA": 9.6, "RUS": 7.8, "CHN": 5.9, "ITA": 4.8}
    assert max(abs(share - published[iso3]) for iso3, _, share in top if iso3 in published) < 0.9
    assert ranked.loc[ranked["iso3"] == "TUR", "rank"].tolist() == [11]
    assert " · SIPRI register through 2024 · " in line
