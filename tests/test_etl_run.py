"""A good run: the warehouse, its views (literal values on the tiny fixtures), idempotence, status, versions."""

import os

import duckdb

from tests.conftest import etl, rows

DATA_TABLES = [
    "publishers",
    "sources",
    "export_figures",
    "growth_quotes",
    "countries",
    "firms",
    "platforms",
    "aliases",
    "firm_figures",
    "deals",
    "deal_deliveries",
    "events",
]


def test_yoy_growth_compares_like_with_like(built):
    assert rows(
        built, "SELECT publisher, scope, year, value_usd_m, base_value_usd_m, growth_pct FROM v_yoy_growth"
    ) == [("ssb", "goods_services", 2025, 10054.0, 7154.0, 40.5)]


def test_ytd_growth_uses_the_latest_vintage_of_the_base(built):
    assert rows(
        built, "SELECT year, through_month, value_usd_m, base_value_usd_m, growth_pct, base_figure_id FROM v_ytd_growth"
    ) == [(2025, 11, 7445.0, 5733.0, 29.9, "F005")]


def test_revisions_are_kept_and_counted(built):
    assert rows(built, "SELECT figure_id, revisions FROM v_latest_figures WHERE year = 2024 AND month_to = 11") == [
        ("F005", 1)
    ]
    assert rows(built, "SELECT count(*) FROM export_figures WHERE year = 2024 AND month_to = 11") == [(2,)]


def test_reconciliation_puts_publishers_side_by_side(built):
    assert rows(
        built,
        "SELECT publisher_a, value_a_usd_m, publisher_b, value_b_usd_m, difference_usd_m, ratio_b_to_a, "
        "scope_note FROM v_reconciliation",
    ) == [("ssb", 7154.0, "tim", 6734.0, -420.0, 0.9413, "different scopes: SSB = goods + services; TİM = goods")]


def test_growth_check_flags_quotes_that_do_not_match_the_totals(built):
    assert rows(built, "SELECT quote_id, quoted_pct, computed_pct, verdict FROM v_growth_check ORDER BY quote_id") == [
        ("Q001", 48.0, 40.5, "inconsistent"),
        ("Q002", 30.0, 29.9, "consistent"),
        ("Q003", 22.0, None, "unverifiable"),
    ]


def test_exports_by_country_counts_units_and_values_only_where_known(built):
    assert rows(
        built,
        "SELECT key, order_year, confirmed, deals, units_ordered, deals_units_unknown, units_delivered, "
        "value_usd_m FROM v_exports_by WHERE dimension = 'country' ORDER BY key, order_year",
    ) == [
        ("PAK", 2021, True, 1, 9, 0, 9, None),
        ("PAK", 2022, True, 1, None, 1, 3, None),
        ("PAK", None, False, 1, None, 1, None, None),
        ("POL", 2021, True, 1, 24, 0, 24, 268.0),
    ]


def test_names_are_harmonised(built):
    assert rows(built, "SELECT iso3, name, kind FROM countries ORDER BY iso3") == [
        ("AZE", "Azerbaijan", "country"),  # a destination of destination_figures.csv
        ("GBR", "United Kingdom", "country"),
        ("PAK", "Pakistan", "country"),
        ("POL", "Poland", "country"),
        ("TUR", "Türkiye", "country"),
        ("USA", "United States", "country"),
    ]
    assert rows(built, "SELECT entity_id FROM aliases WHERE alias_key = 'tai'") == [("tusas",)]
    assert rows(built, "SELECT deal_id, year FROM deal_deliveries WHERE deal_id = 'D0002' ORDER BY year") == [
        ("D0002", 2023),
        ("D0002", 2024),
    ]


def test_cagr(built):
    assert rows(built, "SELECT span, start_year, end_year, cagr_pct FROM v_cagr") == [("full", 2024, 2025, 40.5)]


def test_two_runs_give_identical_tables(built, raw):
    def snapshot():
        con = duckdb.connect(str(built), read_only=True)
        try:
            return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in DATA_TABLES}
        finally:
            con.close()

    first = snapshot()
    assert etl("run", "--raw-dir", str(raw), "--db", str(built)) == 0
    assert snapshot() == first
    assert rows(built, "SELECT count(*), count(DISTINCT run_id) FROM etl_runs") == [(2, 2)]


def test_publish_swaps_a_symlink_and_keeps_three_versions(built, raw):
    first = os.readlink(built)
    for _ in range(4):
        assert etl("run", "--raw-dir", str(raw), "--db", str(built)) == 0
    assert os.readlink(built) != first
    versions = sorted(p.name for p in built.parent.glob("w-*.duckdb"))
    assert len(versions) == 3 and os.readlink(built) == versions[-1]
    assert not list(built.parent.glob("*.building*")) and not list(built.parent.glob("*.wal"))


def test_status_shows_the_run_and_row_counts(built, capsys):
    capsys.readouterr()
    assert etl("status", "--db", str(built)) == 0
    out = capsys.readouterr().out
    assert "success" in out and "data as of 2026-01-03" in out
    assert "  deals                  4" in out and "  export_figures         7" in out


def test_status_without_a_warehouse_exits_2(tmp_path, capsys):
    assert etl("status", "--db", str(tmp_path / "missing.duckdb")) == 2
    assert "no warehouse" in capsys.readouterr().err


def test_db_from_environment(tmp_path, raw, monkeypatch):
    db = tmp_path / "env" / "x.duckdb"
    monkeypatch.setenv("DEFEX_DB", str(db))
    assert etl("run", "--raw-dir", str(raw)) == 0
    assert db.is_symlink() and rows(db, "SELECT count(*) FROM deals") == [(4,)]


def test_each_raw_files_provenance_is_in_the_warehouse(built, raw):
    """Issue 13, item 7: the sidecar <file>.yml of every curated file, checked, with the CSV's sha256."""
    import hashlib

    assert rows(built, "SELECT count(*) FROM raw_files") == [(11,)]
    deals = hashlib.sha256((raw / "deals.csv").read_bytes()).hexdigest()
    assert rows(
        built,
        "SELECT file, sha256, sidecar, producer, title, licence, urls, retrieved, notes FROM raw_files "
        "WHERE file LIKE '%/deals.csv' OR file LIKE '%/sources.csv' ORDER BY file",
    ) == [
        (
            f"{raw}/deals.csv",
            deals,
            f"{raw}/deals.yml",
            "defex tests",
            "deals, a tiny hand-written test fixture",
            "Invented test rows in the curated layout, MIT-licensed with the project",
            ["https://example.org/a", "https://example.org/b"],
            "2026-11-22",
            "Not data; the tests mutate these files to check what the ETL refuses.",
        ),
        (
            f"{raw}/sources.csv",
            hashlib.sha256((raw / "sources.csv").read_bytes()).hexdigest(),
            f"{raw}/sources.yml",
            "defex tests",
            "sources, a tiny hand-written test fixture",
            "Invented test rows in the curated layout, MIT-licensed with the project",
            ["see the url column of sources.csv"],
            "2026-11-22",
            "Not data; the tests mutate these files to check what the ETL refuses.",
        ),
    ]


def test_the_projects_own_sidecars_are_in_the_warehouse(real_db):
    assert rows(real_db, "SELECT count(*), count(DISTINCT licence) > 1 FROM raw_files") == [(11, True)]
    assert rows(real_db, "SELECT urls[1], retrieved FROM raw_files WHERE file = 'data/raw/deals.csv'") == [
        ("https://www.sipri.org/databases/armstransfers", "2026-11-22")
    ]
