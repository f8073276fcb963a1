"""SIPRI's TIV tables: totals and the world row are checked against the years (exit 1 when they disagree),
the years are loaded long; Türkiye's rank and totals from the real exports table."""

import os

import pytest

from etl.sources import sipri_file, sipri_tiv
from tests.conftest import SHARED_SIPRI, digest, etl, needs_sipri, rows

EXPORTS = SHARED_SIPRI / "tiv-exports_1950-2024_2024-10-13.csv"


def run_sipri(db, folder):
    return etl("run", "--raw-dir", str(db.parent.parent / "raw"), "--sipri-dir", str(folder), "--db", str(db))


def edit_tiv(sipri_dir, old, new):
    path = sipri_dir / "tiv-exports_test.csv"
    text = path.read_text(encoding="latin-1")
    assert old in text, f"fixture changed: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="latin-1")


def test_a_world_row_that_does_not_match_exits_1_naming_file_line_column_value_and_rule(built, sipri_dir, capsys):
    before, target = digest(built), os.readlink(built)
    edit_tiv(sipri_dir, "Total world export,1000,1250,1160,1670,1880,", "Total world export,1000,1250,1160,1670,1980,")
    capsys.readouterr()

    assert run_sipri(built, sipri_dir) == 1

    err = capsys.readouterr().err
    assert (
        "tiv-exports_test.csv:11: column '2023', value '1980': the world row: the sum of the column within "
        "rounding (the rows add up to 1880)"
    ) in err
    assert (
        "tiv-exports_test.csv:11: column '2019-2023', value '6960': the row's total: the sum of its years within "
        "rounding (they add up to 7060)"
    ) in err
    assert digest(built) == before and os.readlink(built) == target


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "Turkiye,100,200,,400,500,1200,",
            "Turkiye,100,200,,400,500,1300,",
            "tiv-exports_test.csv:8: column '2019-2023', value '1300': the row's total: the sum of its years "
            "within rounding",
        ),
        (
            "Poland,,50,60,70,80,260,3.7%",
            "Poland,,50,60,70,80,260,4.7%",
            "tiv-exports_test.csv:9: column 'Percentage', value '4.7%': the row's share of the world total "
            "within rounding (computed 3.74%)",
        ),
        (
            "Poland,,50,",
            "Poland,,5o,",
            "tiv-exports_test.csv:9: column '2020', value '5o': a TIV value (millions) ≥ 0, '0 ' (between 0 and 0.5) "
            "or empty",
        ),
        (
            "Poland,,50,",
            "Atlantis,,50,",
            "tiv-exports_test.csv:9: column 'Exports by', value 'Atlantis': a SIPRI name known to pycountry",
        ),
        (
            "United Nations**,",
            "United Nations*,",
            "tiv-exports_test.csv:10: column 'Exports by', value 'United Nations*': SIPRI marks it '*' (non_state); "
            "etl/countries.py gives XUN kind 'organisation'",
        ),
        (
            "Data generated: 2 Jan 2025 10:00:00 AM",
            "Data generated: 2025-01-02",
            "tiv-exports_test.csv:4: column 'Data generated', value '2025-01-02': a date and time like",
        ),
        (
            "Poland,,50,60,70,80,260,",
            "Poland,,50,60,70,80,260,,",
            "tiv-exports_test.csv:9: column '*', value '11 fields': every row has the header's 10 fields",
        ),
    ],
    ids=["row total", "percentage", "not a number", "unknown name", "marker disagrees", "vintage", "row width"],
)
def test_inconsistent_tiv_table_exits_1(built, sipri_dir, capsys, old, new, message):
    edit_tiv(sipri_dir, old, new)
    capsys.readouterr()
    assert run_sipri(built, sipri_dir) == 1
    assert message in capsys.readouterr().err


@needs_sipri
def test_a_truncated_tiv_table_exits_2_and_keeps_the_warehouse(built, tmp_path, capsys):
    before, target = digest(built), os.readlink(built)
    folder = tmp_path / "cut"
    folder.mkdir()
    data = (SHARED_SIPRI / "tiv-imports_1950-2024_2024-10-13.csv").read_bytes()
    (folder / "imports.csv").write_bytes(data[: data.index(b"\nTurkiye,") + 100])
    capsys.readouterr()
    assert run_sipri(built, folder) == 2
    assert "imports.csv:16: truncated file: the last row has 24 of the header's 80 fields" in capsys.readouterr().err
    assert digest(built) == before and os.readlink(built) == target


def test_a_tiv_table_without_its_world_row_exits_2(built, sipri_dir, capsys):
    edit_tiv(sipri_dir, "Total world export,1000,1250,1160,1670,1880,6960,100%,6960,\n", "")
    assert run_sipri(built, sipri_dir) == 2
    assert "tiv-exports_test.csv: no 'Total world …' row at the end (truncated?)" in capsys.readouterr().err


def test_wide_to_long_empty_cells_give_no_row_and_zero_is_below_half(built, sipri_dir):
    assert run_sipri(built, sipri_dir) == 0
    assert rows(
        built,
        "SELECT direction, country, iso3, year, tiv, below_half FROM sipri_tiv "
        "WHERE iso3 IN ('TUR', 'XUN') ORDER BY iso3, year",
    ) == [
        ("exports", "Turkiye", "TUR", 2019, 100.0, False),
        ("exports", "Turkiye", "TUR", 2020, 200.0, False),
        ("exports", "Turkiye", "TUR", 2022, 400.0, False),
        ("exports", "Turkiye", "TUR", 2023, 500.0, False),
        ("exports", "United Nations**", "XUN", 2021, 0.0, True),
    ]
    assert rows(built, "SELECT DISTINCT vintage::VARCHAR FROM sipri_tiv") == [("2025-01-02 10:00:00",)]


def test_ranking_share_and_rank_on_the_tiny_table(built, sipri_dir):
    assert run_sipri(built, sipri_dir) == 0
    assert rows(built, "SELECT supplier_iso3, tiv, rank, share_pct, world_tiv FROM v_sipri_exporter_ranking") == [
        ("USA", 5500.0, 1, 79.02, 6960.0),
        ("TUR", 1200.0, 2, 17.24, 6960.0),
        ("POL", 260.0, 3, 3.74, 6960.0),
        ("XUN", 0.0, 4, 0.0, 6960.0),
    ]


def test_turkiye_ranks_11th_among_exporters_in_2019_2023(sipri_db):
    # SIPRI: "Türkiye was the 11th largest exporter of major arms in 2019-23 (1.6% of world exports)"
    assert rows(
        sipri_db,
        "SELECT period_start, period_end, rank, tiv, share_pct FROM v_sipri_exporter_ranking "
        "WHERE supplier_iso3 = 'TUR' AND period_end = 2023",
    ) == [(2019, 2023, 11, 2172.0, 1.55)]
    assert rows(
        sipri_db, "SELECT supplier_iso3 FROM v_sipri_exporter_ranking WHERE period_end = 2023 AND rank <= 3"
    ) == [("USA",), ("FRA",), ("RUS",)]


def test_turkiye_1950_2024_total(sipri_db):
    table, failures = sipri_tiv.read_table(sipri_file.read(EXPORTS))
    turkiye = table.wide.index[table.wide["Exports by"] == "Turkiye"][0]
    stated = table.amounts.at[turkiye, "1950-2024"], table.wide.at[turkiye, "Percentage"]
    assert (stated, failures) == ((4251, "0.2%"), [])
    # SIPRI's stated total is 4251; its rounded years add up to 4252, within the rounding the import allows
    assert rows(sipri_db, "SELECT sum(tiv), count(*) FROM sipri_tiv WHERE direction = 'exports' AND iso3 = 'TUR'") == [
        (4252.0, 32)
    ]


def test_yearly_view_has_both_directions_of_the_latest_vintage(sipri_db):
    assert rows(
        sipri_db,
        "SELECT direction, year, tiv, world_tiv, share_pct FROM v_sipri_yearly "
        "WHERE iso3 = 'TUR' AND year = 2023 ORDER BY direction",
    ) == [("exports", 2023, 609.0, 29111.0, 2.09), ("imports", 2023, 936.0, 29108.0, 3.22)]
    assert rows(
        sipri_db, "SELECT direction, count(*), count(DISTINCT iso3) FROM v_sipri_yearly GROUP BY ALL ORDER BY ALL"
    ) == [("exports", 2668, 136), ("imports", 7976, 260)]
