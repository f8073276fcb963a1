"""The project's own curated data: builds, carries the published figures, and cites a source for each row."""

import csv

import pytest
import yaml

from tests.conftest import ROOT, rows

RAW = ROOT / "data" / "raw"
CSVS = sorted(p.name for p in RAW.glob("*.csv"))


def test_ssb_annual_totals_and_like_for_like_growth(real_db):
    assert rows(
        real_db,
        "SELECT year, value_usd_m, growth_pct FROM v_yoy_growth "
        "WHERE publisher = 'ssb' AND scope = 'goods_services' AND year >= 2024 ORDER BY year",
    ) == [(2024, 7154.0, 30.1), (2025, 10054.0, 40.5)]
    assert rows(
        real_db,
        "SELECT value_usd_m, base_value_usd_m, growth_pct FROM v_ytd_growth "
        "WHERE publisher = 'ssb' AND year = 2025 AND through_month = 11",
    ) == [(7445.0, 5733.0, 29.9)]


def test_tim_and_ssb_2024_side_by_side(real_db):
    assert rows(
        real_db,
        "SELECT publisher_a, scope_a, value_a_usd_m, publisher_b, scope_b, value_b_usd_m, "
        "difference_usd_m FROM v_reconciliation WHERE year = 2024 AND period_kind = 'year'",
    ) == [("ssb", "goods_services", 7154.0, "tim", "goods", 6734.0, -420.0)]


def test_the_quoted_48_percent_for_2025_is_flagged(real_db):
    assert rows(
        real_db,
        "SELECT quoted_pct, computed_pct, verdict FROM v_growth_check "
        "WHERE year = 2025 AND month_from = 1 AND month_to = 12",
    ) == [(48.0, 40.5, "inconsistent")]


def test_pakistan_items_are_all_there(real_db):
    found = rows(
        real_db,
        "SELECT platform_id, order_year, status FROM deals WHERE buyer_iso3 = 'PAK' "
        "AND platform_id IN ('tb2', 'akinci', 'milgem', 'f16_upgrade', 'drone_plant') ORDER BY platform_id",
    )
    assert found == [
        ("akinci", 2022, "delivering"),
        ("drone_plant", None, "talks"),
        ("f16_upgrade", 2009, "delivered"),
        ("milgem", 2018, "delivering"),
        ("tb2", 2021, "delivered"),
    ]


def test_minimum_content(real_db):
    counts = dict(
        rows(
            real_db,
            "SELECT 'deals', count(*) FROM deals UNION ALL SELECT 'events', count(*) FROM events "
            "UNION ALL SELECT 'annual', count(DISTINCT year) FROM v_annual_totals",
        )
    )
    assert counts["deals"] >= 80 and counts["events"] >= 15 and counts["annual"] >= 18
    platforms = {r[0] for r in rows(real_db, "SELECT DISTINCT platform_id FROM deals")}
    assert {"tb2", "akinci", "anka", "aksungur", "milgem", "kirpi", "cobra", "t129", "kaan", "hurjet"} <= platforms


@pytest.mark.parametrize("name", CSVS)
def test_every_raw_file_has_a_provenance_sidecar(name):
    sidecar = yaml.safe_load((RAW / name).with_suffix(".yml").read_text(encoding="utf-8"))
    assert {"producer", "title", "urls", "retrieved", "licence"} <= set(sidecar)


def test_every_source_has_url_date_and_quote():
    with open(RAW / "sources.csv", encoding="utf-8") as handle:
        sources = list(csv.DictReader(handle))
    assert len(sources) >= 30
    for source in sources:
        assert source["url"].startswith(("https://", "http://")), source["source_id"]
        assert source["published"] and source["quote"], source["source_id"]


# --- issue 11: the published record, as a user checks it ------------------------------------------------------------


def test_every_month_of_2021_to_2025_is_published_or_listed_as_not_found(real_db):
    assert rows(
        real_db,
        "SELECT status, count(*) FROM v_monthly_coverage WHERE year BETWEEN 2021 AND 2025 GROUP BY ALL ORDER BY 1",
    ) == [("no published figure found", 17), ("published", 43)]
    assert rows(
        real_db, "SELECT label FROM v_monthly_coverage WHERE year = 2024 AND status <> 'published' ORDER BY month"
    ) == [("Jan 2024",), ("Apr 2024",), ("Sep 2024",), ("Dec 2024",)]


def test_the_figures_the_issue_named_are_there_with_their_sources(real_db):
    assert rows(
        real_db,
        """SELECT year, month_from, month_to, value_usd_m, f.source_id FROM export_figures AS f
                            WHERE publisher = 'ssb' AND kind = 'period' AND year = 2024
                              AND (month_from, month_to) IN ((1, 2), (7, 7), (1, 7))
                            ORDER BY month_to, month_from""",
    ) == [
        (2024, 1, 2, 632.783, "anews_2024_03_02"),
        (2024, 1, 7, 3335.0, "yeniakit_2024_08"),
        (2024, 7, 7, 431.0, "yeniakit_2024_08"),
    ]
    assert rows(
        real_db,
        "SELECT kind, strftime(as_of, '%Y-%m-%d'), value_usd_m FROM export_figures "
        "WHERE kind = 'running_total' AND year = 2025",
    ) == [("running_total", "2025-12-20", 8600.0)]
    assert rows(
        real_db,
        "SELECT value_usd_m, share_pct FROM destination_figures WHERE destination = 'EU, NATO and US' AND year = 2025",
    ) == [(5600.0, 56.0)]


def test_exports_to_the_united_states_by_year_as_tim_published_them(real_db):
    assert rows(
        real_db,
        "SELECT year, value_usd_m FROM v_destinations WHERE destination_iso3 = 'USA' "
        "AND month_from = 1 AND month_to = 12 AND value_usd_m IS NOT NULL ORDER BY year",
    ) == [(2014, 547.678), (2016, 587.24), (2018, 726.7), (2019, 816.5), (2020, 784.2), (2021, 1127.861)]


def test_pakistan_reads_as_a_timeline(real_db):
    assert rows(
        real_db,
        "SELECT deal_id, platform_id, string_agg(DISTINCT status, '>' ORDER BY status) FROM "
        "v_deal_timeline WHERE buyer_iso3 = 'PAK' AND deal_id IN ('D0150', 'D0154', 'D0161', 'D0242') "
        "GROUP BY ALL ORDER BY deal_id",
    ) == [
        ("D0150", "akinci", "delivering>signed"),
        ("D0154", "milgem", "delivering>in_production>signed"),
        ("D0161", "tb2", "delivered>delivering>signed"),
        ("D0242", "drone_plant", "talks"),
    ]
    assert rows(
        real_db, "SELECT strftime(date, '%Y-%m-%d'), status FROM v_deal_timeline WHERE deal_id = 'D0154' AND is_latest"
    ) == [("2025-12-21", "delivering")]  # PNS Khaibar commissioned


def test_hurjet_for_spain_is_converted_at_the_signing_day_and_marked(real_db):
    assert rows(
        real_db,
        "SELECT value, currency, value_usd_m, value_usd_m_converted, fx_rate, "
        "strftime(fx_date, '%Y-%m-%d'), fx_basis FROM deals WHERE deal_id = 'D0244'",
    ) == [(2600.0, "EUR", None, 3059.16, 1.1766, "2025-12-29", "signed step")]


def test_press_deals_of_2015_to_2026_beyond_the_register(real_db):
    assert rows(
        real_db,
        "SELECT count(*) FROM deals WHERE source_id <> 'sipri_trade_register_2025_03_13' "
        "AND (order_year >= 2015 OR order_year IS NULL)",
    ) == [(56,)]  # 51 new, 5 from before
