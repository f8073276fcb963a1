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
