"""Issue 17: SIPRI's exports as users download them today (../shared/data/sipri-newer): the parties SIPRI adds
every year are imported, with a warning; the 2026 register imports whole."""

import json
import os

import duckdb
import pytest

from etl import countries
from etl.sources.sipri_file import sipri_code
from tests.conftest import RECORD_START, ROOT, SHARED_SIPRI, digest, etl, needs_sipri, page_module, rows
from tests.test_sipri_register import run_sipri

NEWER = ROOT.parent / "shared" / "data" / "sipri-newer"
REGISTER_2026 = NEWER / "trade-register_2026-05-18.csv"
needs_newer = pytest.mark.skipif(not REGISTER_2026.is_file(), reason=f"SIPRI's newer exports are not in {NEWER}")


def test_a_non_state_party_new_to_the_tables_gets_a_code_derived_from_its_name():
    assert sipri_code("RSF (Sudan)*") == ("QYZ", "")  # the same in every run: a hash of the folded name
    assert countries.derived_code("rsf  (SUDAN)") == "QYZ"
    assert (countries.kind("QYZ"), countries.iso3_name("QYZ")) == ("non_state", "RSF (Sudan)")
    assert all("QTA" <= countries.derived_code(f"party {i}") <= "QZZ" for i in range(500))
    curated = {code for code, what, _ in countries.NON_ISO.values() if what == "non_state"}
    assert max(curated) < "QTA"  # curated codes and derived ones never meet
    # without SIPRI's '*' an unknown name still fails, as do the curated files' names
    assert sipri_code("RSF (Sudan)") == (None, "a SIPRI name known to pycountry (ISO 3166) or to etl/countries.py")
    assert countries.to_iso3("RSF (Sudan)") is None


def test_a_register_naming_a_new_party_imports_with_a_warning_in_the_output_and_in_etl_runs(built, sipri_dir, capsys):
    register = sipri_dir / "trade-register_test.csv"
    register.write_bytes(register.read_bytes().replace(b"Qatar,Turkiye,", b"RSF (Sudan)*,Turkiye,"))
    capsys.readouterr()

    assert run_sipri(built, sipri_dir) == 0

    warning = "1 party new to etl/countries.py, imported as non-state (SIPRI marks them '*'): RSF (Sudan) (QYZ)"
    assert f"warning: {warning}\n" in capsys.readouterr().err
    assert rows(built, "SELECT recipient, recipient_iso3 FROM sipri_register WHERE designation = 'Akinci'") == [
        ("RSF (Sudan)*", "QYZ")
    ]
    assert rows(built, "SELECT name, kind FROM countries WHERE iso3 = 'QYZ'") == [("RSF (Sudan)", "non_state")]
    latest = rows(built, "SELECT warnings FROM etl_runs ORDER BY started_at DESC LIMIT 1")[0][0]
    assert json.loads(latest) == [warning]


def test_a_new_name_without_the_mark_still_fails_and_keeps_the_warehouse(built, sipri_dir, capsys):
    before, target = digest(built), os.readlink(built)
    register = sipri_dir / "trade-register_test.csv"
    register.write_bytes(register.read_bytes().replace(b"Qatar,Turkiye,", b"RSF (Sudan),Turkiye,"))
    capsys.readouterr()

    assert run_sipri(built, sipri_dir) == 1

    assert (
        "trade-register_test.csv:8: column 'Recipient', value 'RSF (Sudan)': a SIPRI name known to pycountry "
        "(ISO 3166) or to etl/countries.py"
    ) in capsys.readouterr().err
    assert digest(built) == before and os.readlink(built) == target


@needs_newer
def test_the_2026_register_imports_whole_with_its_three_new_parties_as_warnings(built, tmp_path, capsys):
    folder = tmp_path / "newer"
    folder.mkdir()
    (folder / REGISTER_2026.name).symlink_to(REGISTER_2026)  # read where it is: SIPRI's terms
    lines = REGISTER_2026.read_bytes().split(b"\n")
    header = next(i for i, line in enumerate(lines) if line.startswith(b"Recipient,Supplier,Year of order"))
    records = sum(1 for line in lines[header + 1 :] if RECORD_START.match(line))
    capsys.readouterr()

    assert run_sipri(built, folder) == 0

    assert records == 29916
    assert rows(built, "SELECT count(*) FROM sipri_register") == [(records,)]
    assert rows(built, "SELECT count(*) FROM sipri_register WHERE supplier_iso3 = 'TUR'") == [(277,)]
    assert (
        "warning: 3 parties new to etl/countries.py, imported as non-state (SIPRI marks them '*'): "
        "House of Representatives (Libya) (QTO), Palestinian Islamic Jihad (Israel/Palestine) (QUM), "
        "RSF (Sudan) (QYZ)\n"
    ) in capsys.readouterr().err
    assert rows(built, "SELECT count(*) FROM sipri_register WHERE 'QTO' IN (supplier_iso3, recipient_iso3)") == [(39,)]


def test_quality_shows_the_latest_runs_warnings(built, sipri_dir, monkeypatch):
    register = sipri_dir / "trade-register_test.csv"
    register.write_bytes(register.read_bytes().replace(b"Qatar,Turkiye,", b"RSF (Sudan)*,Turkiye,"))
    assert run_sipri(built, sipri_dir) == 0
    monkeypatch.setenv("DEFEX_DB", str(built))
    quality = page_module("quality")
    page = json.dumps(quality.layout().to_plotly_json(), default=str)
    assert "Imported with a warning: " in page
    assert "1 party new to etl/countries.py, imported as non-state (SIPRI marks them '*'): RSF (Sudan) (QYZ)" in page


@needs_newer
@needs_sipri
def test_two_registers_side_by_side_are_read_as_the_newest_alone(built, tmp_path):
    """Item 3: sipri_deliveries read every vintage: with the 2025 and 2026 registers loaded it listed 120,855 delivery
    years, twice the newest register's."""
    raw = str(built.parent.parent / "raw")
    both, newest = tmp_path / "both", tmp_path / "newest"
    for folder, files in (
        (both, [REGISTER_2026, SHARED_SIPRI / "trade-register_2025-03-13.csv"]),
        (newest, [REGISTER_2026]),
    ):
        folder.mkdir()
        for file in files:
            (folder / file.name).symlink_to(file)
    alone = tmp_path / "alone" / "w.duckdb"
    assert etl("run", "--raw-dir", raw, "--sipri-dir", str(newest), "--db", str(alone)) == 0
    assert etl("run", "--raw-dir", raw, "--sipri-dir", str(both), "--db", str(built)) == 0

    assert rows(built, "SELECT count(*) FROM sipri_register") == [(29916 + 29515,)]  # both kept, side by side
    for sql in (
        "SELECT count(*), min(vintage) FROM sipri_deliveries",
        "SELECT count(*), round(sum(tiv)) FROM v_sipri_delivery_tiv",
        "SELECT count(*), round(sum(tiv)) FROM v_sipri_recipients",  # summed in no fixed order: whole TIV
        "SELECT count(*) FROM v_sipri_reconciliation",
    ):
        assert rows(built, sql) == rows(alone, sql)
    assert rows(built, "SELECT count(*) FROM sipri_deliveries") == [(60789,)]


def _refused(built, sipri_dir, capsys, data: bytes, name: str = "register.csv") -> str:
    for old in sipri_dir.iterdir():
        old.unlink()
    (sipri_dir / name).write_bytes(data)
    before, target = digest(built), os.readlink(built)
    capsys.readouterr()
    assert run_sipri(built, sipri_dir) == 2
    assert digest(built) == before and os.readlink(built) == target
    return capsys.readouterr().err


def test_a_register_padded_with_semicolons_is_named_as_a_spreadsheets_resave(built, sipri_dir, capsys):
    """Item 5: each line padded with ';' failed cell by cell (exit 1, a TIV of '45;;;;' not a number)."""
    text = (sipri_dir / "trade-register_test.csv").read_bytes()
    padded = b"\n".join(line + b";;;;" if line else line for line in text.split(b"\n"))
    assert _refused(built, sipri_dir, capsys, padded).endswith(
        "register.csv:5: its lines end in ';' padding, as a spreadsheet writes when it re-saves a CSV: download the "
        "file from SIPRI again, or save it as CSV without the padding\n"
    )
    semicolons = text.replace(b",", b";")
    assert _refused(built, sipri_dir, capsys, semicolons).endswith(
        "register.csv:5: ';' between the fields, as a spreadsheet writes when it re-saves a CSV: download the file "
        "from SIPRI again, or save it as CSV with commas\n"
    )


def test_a_sipri_table_the_importer_does_not_read_is_named_by_its_header(built, sipri_dir, capsys):
    """Item 5: a SIPRI table of another kind (a regional one, say) was 'no SIPRI header line', as for any file."""
    regional = (
        b"TIV of arms exports by region (TEST DATA: invented, in the shape of a SIPRI table)\n"
        b"Source: SIPRI Arms Transfers Database\nData generated: 1 Jan 2025 09:00:00 AM\n"
        b"Region,2019,2020,2021,Total\nAfrica,1,2,3,6\n"
    )
    assert _refused(built, sipri_dir, capsys, regional, "regional.csv").endswith(
        "regional.csv:4: a SIPRI table this importer does not read (header 'Region,2019,2020,2021,Total'); it reads "
        "a trade register (header 'Recipient,Supplier,Year of order,…' or, one row per delivery, 'SIPRI AT Database "
        "ID,Supplier,Recipient,…') or a TIV table (header 'Exports by,1950,…' or 'Recipient,1950,…')\n"
    )
    plain = b"name,value\nfoo,1\n"
    assert _refused(built, sipri_dir, capsys, plain, "other.csv").endswith(
        "other.csv: no SIPRI header line in its first 51 lines; expected a SIPRI CSV export: a trade register "
        "(header 'Recipient,Supplier,Year of order,…' or, one row per delivery, 'SIPRI AT Database ID,Supplier,"
        "Recipient,…') or a TIV table (header 'Exports by,1950,…' or 'Recipient,1950,…')\n"
    )


def test_a_run_that_would_lose_most_of_a_table_stops_unless_told(built, sipri_dir, tmp_path, capsys):
    """Item 4: a SIPRI folder gone missing published a warehouse without SIPRI, exit 0."""
    raw = str(built.parent.parent / "raw")
    assert etl("run", "--raw-dir", raw, "--sipri-dir", str(sipri_dir), "--db", str(built)) == 0
    before, target = digest(built), os.readlink(built)
    capsys.readouterr()

    assert etl("run", "--raw-dir", raw, "--sipri-dir", str(tmp_path / "gone"), "--db", str(built)) == 1

    assert capsys.readouterr().err == (
        "coverage shrank: sipri_register: 0 rows, 5 published; sipri_delivery_tiv: 0 rows, 7 published; "
        "sipri_deliveries: 0 rows, 7 published; sipri_tiv: 0 rows, 14 published (no SIPRI export was read); the "
        "published warehouse was not changed. Run with --allow-shrink to publish it all the same\n"
    )
    assert digest(built) == before and os.readlink(built) == target
    assert (
        etl("run", "--raw-dir", raw, "--sipri-dir", str(tmp_path / "gone"), "--db", str(built), "--allow-shrink") == 0
    )
    assert rows(built, "SELECT count(*) FROM sipri_register") == [(0,)]


def test_a_curated_file_cut_to_less_than_half_stops_the_run_too(built, raw, capsys):
    figures = raw / "export_figures.csv"
    figures.write_bytes(b"\n".join(figures.read_bytes().split(b"\n")[:4]) + b"\n")  # 3 of its 7 figures
    capsys.readouterr()

    assert etl("run", "--raw-dir", str(raw), "--db", str(built)) == 1

    assert capsys.readouterr().err.startswith("coverage shrank: export_figures: 3 rows, 7 published (no SIPRI export")


# --- item 2: the per-delivery layout ------------------------------------------------------------------------------

PER_DELIVERY = NEWER / "trade-register-per-delivery_1990-2023_2024-04-13.csv"
PREAMBLE = (
    b"Transfers of major conventional arms (TEST DATA: invented rows in SIPRI's per-delivery layout)\n"
    b"Source: invented test data in the layout of the SIPRI Arms Transfers Database.\n"
    b"Data generated: 2 Jan 2025 09:00:00 AM\n"
    b"SIPRI AT Database ID,Supplier,Recipient,Designation,Description,Armament category,Order date,"
    b"Order date is estimate,Numbers delivered,Numbers delivered is estimate,Delivery year,"
    b"Delivery year is estimate,Status,SIPRI estimate,TIV deal unit,TIV delivery values,Local production\n"
)
DEAL_ROWS = (
    b"101,Turkiye,Pakistan,Bayraktar TB2,armed UAV,Aircraft,2021,Yes,4,No,2022,No,New,5,5,20,No\n"
    b"101,Turkiye,Pakistan,Bayraktar TB2,armed UAV,Aircraft,2021,Yes,5,Yes,2023,No,New,5,5,25,No\n"
    b"102,Germany,Poland,Test-3,transport aircraft,Aircraft,2010,No,2,No,2011,Yes,Second hand,3,3,6,Yes\n"
)


def _per_delivery(folder, rows: bytes):
    for old in folder.iterdir():
        old.unlink()
    (folder / "per-delivery.csv").write_bytes(PREAMBLE + rows)


def test_the_per_delivery_layout_maps_onto_the_register_with_sipris_tiv_per_year(built, sipri_dir):
    _per_delivery(sipri_dir, DEAL_ROWS)
    assert run_sipri(built, sipri_dir) == 0

    assert rows(
        built,
        "SELECT record_no, line, supplier_iso3, recipient_iso3, order_year, order_year_uncertain, "
        "quantity, delivered, delivered_uncertain, delivery_years, tiv_per_unit, tiv_delivered, "
        "platform_id FROM sipri_register ORDER BY record_no",
    ) == [
        (1, 5, "TUR", "PAK", 2021, True, None, 9, True, "2022; 2023", 5.0, 45.0, "tb2"),
        (2, 7, "DEU", "POL", 2010, False, None, 2, False, "2011", 3.0, 6.0, None),
    ]
    # SIPRI's TIV of each year, not 45 split evenly (22.5 + 22.5)
    assert rows(
        built, "SELECT record_no, year, year_uncertain, tiv, delivery_years FROM sipri_delivery_tiv ORDER BY ALL"
    ) == [(1, 2022, False, 20.0, 2), (1, 2023, False, 25.0, 2), (2, 2011, True, 6.0, 1)]
    assert rows(
        built,
        "SELECT record_no, sipri_deal_id, armament_category, local_production, sipri_estimate "
        "FROM sipri_deals ORDER BY 1",
    ) == [(1, 101, "Aircraft", False, 5.0), (2, 102, "Aircraft", True, 3.0)]


@pytest.mark.parametrize(
    "old, new, failure",
    [
        (
            b",2021,Yes,4,",
            b",2021,Maybe,4,",
            "per-delivery.csv:5: column 'Order date is estimate', value 'Maybe': Yes or No",
        ),
        (
            b",2023,No,New,",
            b",20x3,No,New,",
            "per-delivery.csv:6: column 'Delivery year', value '20x3': a year from 1900 to 2100",
        ),
        (
            b"5,Yes,2023,No,New,5,5,25",
            b"5,Yes,2023,No,Second hand,5,5,25",
            "per-delivery.csv:6: column 'Status', value 'Second hand': the same for every row of deal 101 (SIPRI AT "
            "Database ID)",
        ),
        (
            b",5,5,20,No",
            b",5,5,-20,No",
            "per-delivery.csv:5: column 'TIV delivery values', value '-20': a number of at least 0, or empty",
        ),
        (
            b"102,Germany,Poland",
            b"102,Germania,Poland",
            "per-delivery.csv:7: column 'Supplier', value 'Germania': a SIPRI "
            "name known to pycountry (ISO 3166) or to etl/countries.py",
        ),
    ],
    ids=["flag", "year", "deal disagrees", "negative TIV", "unknown name"],
)
def test_a_bad_cell_of_the_per_delivery_layout_is_named_and_keeps_the_warehouse(
    built, sipri_dir, capsys, old, new, failure
):
    assert old in DEAL_ROWS
    _per_delivery(sipri_dir, DEAL_ROWS.replace(old, new, 1))
    before, target = digest(built), os.readlink(built)
    capsys.readouterr()

    assert run_sipri(built, sipri_dir) == 1

    assert failure in capsys.readouterr().err
    assert digest(built) == before and os.readlink(built) == target


@pytest.mark.skipif(not PER_DELIVERY.is_file(), reason=f"SIPRI's newer exports are not in {NEWER}")
def test_sipris_per_delivery_export_imports_every_row(built, tmp_path):
    import csv

    folder = tmp_path / "per-delivery"
    folder.mkdir()
    (folder / PER_DELIVERY.name).symlink_to(PER_DELIVERY)
    lines = PER_DELIVERY.read_text(encoding="latin-1").split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("SIPRI AT Database ID,"))
    read = list(csv.DictReader([line for line in lines[header:] if line.strip()]))
    uae = sum(
        float(r["TIV delivery values"])
        for r in read
        if r["Supplier"] == "Turkiye" and r["Recipient"] == "UAE" and 2019 <= int(r["Delivery year"]) <= 2023
    )

    assert run_sipri(built, folder) == 0

    assert (len(read), len({r["SIPRI AT Database ID"] for r in read})) == (27838, 13893)
    assert rows(built, "SELECT count(*) FROM sipri_deliveries") == [(len(read),)]
    assert rows(built, "SELECT count(*) FROM sipri_register") == [(13893,)]
    assert rows(built, "SELECT count(*) FROM sipri_register WHERE supplier_iso3 = 'TUR'") == [(181,)]
    assert rows(
        built,
        "SELECT round(sum(tiv), 2) FROM v_sipri_delivery_tiv WHERE supplier_iso3 = 'TUR' AND "
        "recipient_iso3 = 'ARE' AND year BETWEEN 2019 AND 2023",
    ) == [(round(uae, 2),)]
    assert round(uae, 2) == 328.0


@needs_newer
def test_the_2026_register_reproduces_what_sipri_published_for_2021_25(built, tmp_path, monkeypatch):
    """Item 6. Hürriyet Daily News, 9 Mar 2026, on SIPRI's report of that day
    (https://www.hurriyetdailynews.com/turkiyes-share-in-global-arms-exports-rises-between-2021-25-219759):
    "Türkiye ranked 11th among the world's largest arms suppliers during the 2021–2025 period ... Türkiye's share of
    global arms exports rose from 0.9 percent in 2016–2020 to 1.8 percent in 2021–2025 ... a 122 percent increase
    ... the top three recipients of Türkiye's arms exports were Pakistan, the United Arab Emirates and Ukraine,
    accounting for 16 percent, 12 percent and 8.4 percent". From the register alone (each deal's TIV split over its
    delivery years), no TIV table loaded."""
    folder = tmp_path / "newer"
    folder.mkdir()
    (folder / REGISTER_2026.name).symlink_to(REGISTER_2026)
    assert run_sipri(built, folder) == 0

    ranked = (
        "SELECT rank, share_pct, tiv FROM v_sipri_register_exporters WHERE supplier_iso3 = 'TUR' AND period_end = ?"
    )
    ((rank, share, tiv),) = rows(built, ranked, [2025])
    ((_, share_before, tiv_before),) = rows(built, ranked, [2020])
    assert (rank, round(share, 1), round(share_before, 1)) == (11, 1.8, 0.9)
    assert round(100 * (tiv / tiv_before - 1)) == 122
    # the recipients chart, with no TIV table loaded, takes the register's last five years: 2021-25
    monkeypatch.setenv("DEFEX_DB", str(built))
    from dashboard import charts
    from dashboard.params import Params

    _, frame, line = charts.build("sipri_recipients", Params(), caption=False)
    shares = dict(zip(frame["iso3"], frame["share_pct"], strict=True))
    assert (frame["period_start"].iloc[0], frame["period_end"].iloc[0]) == (2021, 2025)
    assert (round(shares["PAK"]), round(shares["ARE"]), shares["UKR"]) == (16, 12, 8.4)
    assert list(frame["iso3"][:4]) == ["PAK", "ARE", "QAT", "UKR"]  # Qatar ties Ukraine at 8.4% here, just above
    assert " · SIPRI register through 2025 · " in line


@needs_newer
def test_two_builds_of_the_same_register_give_the_same_totals(built, tmp_path):
    """The register views summed each window's TIV as doubles, in parallel: the order of the terms changed from one
    build to the next, and the 2026 register's v_sipri_recipients differed in 83 rows between two builds of the same
    files (TIV 0.01 apart once rounded, and ranks with it). Summed as decimals, every build gives the same rows."""
    folder = tmp_path / "newer"
    folder.mkdir()
    (folder / REGISTER_2026.name).symlink_to(REGISTER_2026)
    again = tmp_path / "again" / "w.duckdb"
    raw = str(built.parent.parent / "raw")
    for db in (built, again):
        assert etl("run", "--raw-dir", raw, "--sipri-dir", str(folder), "--db", str(db)) == 0
    con = duckdb.connect()
    con.execute(f"ATTACH '{built}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{again}' AS b (READ_ONLY)")
    for view in ("v_sipri_recipients", "v_sipri_register_exporters"):
        differ = f"SELECT count(*) FROM (SELECT * FROM {{}}.{view} EXCEPT ALL SELECT * FROM {{}}.{view})"
        assert [con.execute(differ.format(*pair)).fetchall() for pair in ("ab", "ba")] == [[(0,)], [(0,)]], view
    assert con.execute("SELECT count(*) FROM a.v_sipri_recipients").fetchall() == [(46_826,)]


@needs_newer
@needs_sipri
def test_compare_ranks_2021_25_from_the_2026_register_beside_tiv_tables_that_end_in_2023(built, tmp_path, monkeypatch):
    """Item 6: SIPRI publishes its register before its TIV tables. With the 2026 register (deliveries through 2025)
    beside TIV tables downloaded in October 2024 (through 2023), /compare ranked 2019-23 from the tables; it now
    ranks SIPRI's latest window, 2021-25, from the register (as SIPRI published it, see the test above), and a
    period that ends within the tables' years still comes from the tables: one basis for a whole period."""
    folder = tmp_path / "both"
    folder.mkdir()
    for path in [REGISTER_2026, *sorted(SHARED_SIPRI.glob("tiv-*.csv"))]:
        (folder / path.name).symlink_to(path)
    assert run_sipri(built, folder) == 0
    monkeypatch.setenv("DEFEX_DB", str(built))
    from dashboard import charts
    from dashboard.params import parse

    def turkiye(query: dict) -> tuple:
        _, ranked, line = charts.build("sipri_exporters", parse(query), caption=False)
        row = ranked[ranked["iso3"] == "TUR"].iloc[0]
        through = line.split(" · ")[1]
        return (
            int(row["period_start"]),
            int(row["period_end"]),
            int(row["rank"]),
            row["share_pct"],
            row["basis"],
            through,
        )

    assert turkiye({}) == (2021, 2025, 11, 1.83, "register", "SIPRI register through 2025")
    assert turkiye({"to": "2023"}) == (2019, 2023, 11, 1.55, "tables", "SIPRI data through 2023")
    assert turkiye({"to": "2030"})[:2] == (2021, 2025)  # asked beyond every source: drawn through 2025
    _, recipients, _ = charts.build("sipri_recipients", parse({}), caption=False)
    assert (int(recipients["period_start"].iloc[0]), int(recipients["period_end"].iloc[0])) == (2021, 2025)
    page = str(page_module("compare").layout())
    assert (
        "SIPRI Arms Transfers Database, 2021–2025. The ranking is drawn from SIPRI's trade register, each deal's TIV "
        "over its delivery years: the TIV tables loaded end in 2023."
    ) in page
