"""SIPRI's trade register: a file that cannot be read exits 2 and leaves the warehouse as it was; every record of
the real export is imported, broken records joined; flags and years parsed (tiny invented file)."""

import os

import pytest

from tests.conftest import RECORD_START, SHARED_SIPRI, digest, etl, needs_sipri, rows

REGISTER = SHARED_SIPRI / "trade-register_2025-03-13.csv"


def run_sipri(db, folder):
    return etl("run", "--raw-dir", str(db.parent.parent / "raw"), "--sipri-dir", str(folder), "--db", str(db))


def fixture_text(sipri_dir):
    return (sipri_dir / "trade-register_test.csv").read_bytes().decode("latin-1")


@needs_sipri
def test_truncated_register_exits_2_naming_file_and_line(built, tmp_path, capsys):
    before, target = digest(built), os.readlink(built)
    folder = tmp_path / "cut"
    folder.mkdir()
    data = REGISTER.read_bytes()
    (folder / "register.csv").write_bytes(data[: data.index(b"\n", 2_000_000) + 40])  # cut inside a record
    capsys.readouterr()

    assert run_sipri(built, folder) == 2

    err = capsys.readouterr().err
    assert "register.csv:15512: truncated file: the last record has 11 of the header's 16 fields" in err
    assert digest(built) == before and os.readlink(built) == target


@pytest.mark.parametrize(
    "mangle, words",
    [
        (lambda text: text.encode("utf-16"), "register.csv: UTF-16 text; SIPRI exports are Latin-1"),
        (
            lambda text: "\n".join(line for line in text.split("\n") if not line.startswith("Recipient,")).encode(
                "latin-1"
            ),
            "register.csv: no SIPRI header line in its first 51 lines",
        ),
        (
            lambda text: text[: text.index("Pakistan")].encode("latin-1"),
            "register.csv: no records after the header on line 5",
        ),
        (
            lambda text: text.rsplit("\n", 3)[0].encode("latin-1"),
            "register.csv:9: truncated file: the last record has 13 of the header's 16 fields",
        ),
    ],
    ids=["utf-16", "no header", "no rows", "truncated in a broken record"],
)
def test_unreadable_register_exits_2_and_keeps_the_warehouse(built, sipri_dir, capsys, mangle, words):
    before, target = digest(built), os.readlink(built)
    (sipri_dir / "register.csv").write_bytes(mangle(fixture_text(sipri_dir)))
    (sipri_dir / "trade-register_test.csv").unlink()
    capsys.readouterr()

    assert run_sipri(built, sipri_dir) == 2

    assert words in capsys.readouterr().err
    assert digest(built) == before and os.readlink(built) == target


def test_bad_cells_exit_1_naming_file_line_column_value_and_rule(built, sipri_dir, capsys):
    text = fixture_text(sipri_dir).replace("Poland,Turkiye,2022?,,24,,", "Poland,Turkiye,2022?,x,24?),,")
    text = text.replace("2011; 2012,Second hand but", "2011; 20l2,Second hand but")
    (sipri_dir / "trade-register_test.csv").write_bytes(text.encode("latin-1"))
    before = digest(built)
    capsys.readouterr()

    assert run_sipri(built, sipri_dir) == 1

    err = capsys.readouterr().err
    assert "validation failed: 3 problem(s)" in err
    assert "trade-register_test.csv:7: column \"' ' after Year of order\", value 'x': '?' (uncertain) or empty" in err
    assert (
        "trade-register_test.csv:7: column 'Number ordered', value '24?)': a whole number, or one marked "
        "uncertain: 12? or (12)"
    ) in err
    assert (
        "trade-register_test.csv:11: column 'Year(s) of delivery', value '2011; 20l2': years separated by '; ', "
        "each a year, or one marked uncertain: 2022? or (2025)"
    ) in err
    assert digest(built) == before


def test_a_row_of_the_wrong_width_exits_1(built, sipri_dir, capsys):
    text = fixture_text(sipri_dir).replace("test row: planned,10,60,", "test row: planned,10,60,,extra")
    (sipri_dir / "trade-register_test.csv").write_bytes(text.encode("latin-1"))
    assert run_sipri(built, sipri_dir) == 1
    assert "trade-register_test.csv:8: column '*', value '17 fields': every record has the header's 16 fields" in (
        capsys.readouterr().err
    )


def test_uncertain_flags_and_years_written_with_marks(built, sipri_dir):
    assert run_sipri(built, sipri_dir) == 0
    assert rows(
        built,
        "SELECT record_no, line, order_year, order_year_uncertain, quantity, quantity_uncertain, "
        "delivered, delivered_uncertain, delivery_years FROM sipri_register ORDER BY record_no",
    ) == [
        (1, 6, 2021, True, 9, True, 9, False, "2022; 2023"),  # the ' ' columns hold '?'
        (2, 7, 2022, True, 24, False, 12, True, "2023; (2025)"),  # written 2022?
        (3, 8, 2025, True, 6, False, None, False, None),  # written (2025)
        (4, 9, 2015, True, None, False, 10, True, "2016"),
        (5, 11, 2010, False, 2, False, 2, False, "2011; 2012"),
    ]
    assert rows(
        built, "SELECT record_no, year, year_uncertain FROM sipri_deliveries WHERE record_no <= 2 ORDER BY ALL"
    ) == [(1, 2022, False), (1, 2023, False), (2, 2023, False), (2, 2025, True)]


def test_a_record_broken_over_two_lines_is_joined(built, sipri_dir):
    assert run_sipri(built, sipri_dir) == 0
    assert rows(
        built,
        "SELECT line, recipient, recipient_iso3, supplier_iso3, status, comments, tiv_per_unit, "
        "tiv_total_order, tiv_delivered FROM sipri_register WHERE record_no = 4",
    ) == [(9, "Houthi rebels (Yemen)*", "QMR", "XUS", "Second hand", "test row: broken over two lines", 0.1, None, 1.0)]


def test_designations_link_to_platforms_of_turkish_exports_only(built, sipri_dir):
    assert run_sipri(built, sipri_dir) == 0
    assert rows(built, "SELECT record_no, designation, platform_id FROM sipri_register ORDER BY record_no") == [
        (1, "Bayraktar TB2", "tb2"),
        (2, "TB2", "tb2"),
        (3, "Akinci", "akinci"),
        (4, "Test-1", None),
        (5, "Test-2", None),
    ]


def test_empty_lines_mixed_line_ends_and_spaces_at_cell_edges(built, sipri_dir, capsys):
    """DuckDB reads such a file line by line (no quotes): an empty line is no record but still counts as a line;
    a cell is stripped as Python's str.strip() would (a no-break space too); a failure names the right line."""
    lines = fixture_text(sipri_dir).split("\n")
    lines[5] = lines[5].replace("Pakistan,Turkiye,2021,?,9,", "\xa0Pakistan ,Turkiye, 2021\t,?, 9 ,") + "\r"
    lines[6:6] = ["", "  "]  # an empty line and a line of spaces after record 1: lines 7 and 8
    text = "\n".join(lines)
    (sipri_dir / "trade-register_test.csv").write_bytes(text.encode("latin-1"))

    assert run_sipri(built, sipri_dir) == 0
    assert rows(
        built,
        "SELECT record_no, line, recipient, recipient_iso3, order_year, quantity, tiv_delivered "
        "FROM sipri_register ORDER BY record_no",
    ) == [
        (1, 6, "Pakistan", "PAK", 2021, 9, 45.0),
        (2, 9, "Poland", "POL", 2022, 24, 60.0),
        (3, 10, "Qatar", "QAT", 2025, 6, None),
        (4, 11, "Houthi rebels (Yemen)*", "QMR", 2015, None, 1.0),
        (5, 13, "NATO**", "XNA", 2010, 2, 6.0),
    ]

    (sipri_dir / "trade-register_test.csv").write_bytes(text.replace("2011; 2012,", "2011; 20l2,").encode("latin-1"))
    capsys.readouterr()
    assert run_sipri(built, sipri_dir) == 1
    assert "trade-register_test.csv:13: column 'Year(s) of delivery', value '2011; 20l2'" in capsys.readouterr().err


@pytest.mark.parametrize("encoding", ["latin-1", "utf-8-sig", "utf-8"])
def test_latin_1_as_sipri_writes_it_or_the_file_saved_again_as_utf_8(built, sipri_dir, encoding):
    text = fixture_text(sipri_dir).replace("Test-2,", "Test-2 Ümit,")
    (sipri_dir / "trade-register_test.csv").write_bytes(text.encode(encoding))
    assert run_sipri(built, sipri_dir) == 0
    assert rows(built, "SELECT designation FROM sipri_register WHERE record_no = 5") == [("Test-2 Ümit",)]


def test_every_record_of_the_real_register_is_in_the_warehouse(sipri_db):
    lines = REGISTER.read_bytes().split(b"\n")
    header = next(i for i, line in enumerate(lines) if line.startswith(b"Recipient,Supplier,Year of order"))
    data_lines = [line for line in lines[header + 1 :] if line.strip()]
    continuations = [line for line in data_lines if not RECORD_START.match(line)]
    assert (header + 1, len(data_lines), len(continuations)) == (12, 29519, 4)
    assert rows(sipri_db, "SELECT count(*), count(DISTINCT line), min(line), max(line) FROM sipri_register") == [
        (29519 - 4, 29515, 13, 29531)
    ]


def test_turkiye_supplies_244_records(sipri_db):
    assert rows(sipri_db, "SELECT count(*) FROM sipri_register WHERE supplier_iso3 = 'TUR'") == [(244,)]
    assert rows(sipri_db, "SELECT DISTINCT supplier FROM sipri_register WHERE supplier_iso3 = 'TUR'") == [("Turkiye",)]


def test_the_four_broken_records_of_the_real_register_are_joined(sipri_db):
    assert rows(
        sipri_db,
        "SELECT line FROM sipri_register WHERE line IN (5432, 5433, 21488, 21489, 25178, 25179, "
        "27955, 27956) ORDER BY line",
    ) == [(5432,), (21488,), (25178,), (27955,)]
    assert rows(
        sipri_db,
        "SELECT recipient, supplier, order_year, quantity, designation, delivered, status, comments, "
        "tiv_per_unit, tiv_total_order, tiv_delivered FROM sipri_register WHERE line = 5432",
    ) == [
        (
            "Cote d'Ivoire",
            "United States",
            2024,
            12,
            "vehicle engine",
            0,
            "New",
            "Cummins (275hp) diesel engine for 12 Puma M-36 APC from South Africa",
            0.03,
            0.36,
            0.0,
        )
    ]


def test_vintage_flags_and_deliveries_of_the_real_register(sipri_db):
    assert rows(sipri_db, "SELECT DISTINCT vintage::VARCHAR FROM sipri_register") == [("2025-03-13 10:02:49",)]
    assert rows(
        sipri_db,
        "SELECT count(*) FILTER (order_year_uncertain), count(*) FILTER (quantity_uncertain), "
        "count(*) FILTER (delivered_uncertain), count(*) FILTER (quantity IS NULL) "
        "FROM sipri_register",
    ) == [(15581, 12310, 2595, 280)]
    assert rows(sipri_db, "SELECT count(*), min(year), max(year) FROM sipri_deliveries") == [(60066, 1950, 2024)]


def test_python_csv_reads_the_file_when_duckdb_rows_are_not_its_lines(sipri_dir):
    """The fast read (DuckDB, one row per line) is checked against the scan's line count; on a mismatch the file
    is read again with Python's csv module, and the records are the same."""
    import dataclasses

    import duckdb

    from etl.sources import sipri_file, sipri_register

    export = sipri_file.read(sipri_dir / "trade-register_test.csv")
    assert (export.plain, export.data_lines) == (True, 6)
    con = duckdb.connect()
    fast, _ = sipri_register.stage(export, con, "fast")
    slow, _ = sipri_register.stage(dataclasses.replace(export, data_lines=7), con, "slow")
    records = [
        con.execute(f"SELECT * EXCLUDE (source_file) FROM {s.records} ORDER BY record_no").fetchall()
        for s in (fast, slow)
    ]
    assert records[0] == records[1] and [r[1:3] for r in records[0]] == [(1, 6), (2, 7), (3, 8), (4, 9), (5, 11)]
    stored = [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE suffix(table_name, "
            "'_lines') OR suffix(table_name, '_src') ORDER BY 1"
        ).fetchall()
    ]
    assert stored == ["fast_lines", "slow_lines", "slow_src"]
    # DuckDB read both files' lines; only the second went on to the csv module's rows (slow_src)


def test_the_register_is_read_by_one_thread_when_the_parallel_reader_refuses(sipri_dir):
    """DuckDB's parallel CSV reader refuses some files ("does not support a full read"): then it reads alone."""
    import duckdb

    from etl.sources import sipri_file, sipri_register

    class Refusing:  # the staging connection, refusing the first parallel read as DuckDB does
        def __init__(self, con):
            self.con, self.statements = con, []

        def execute(self, sql, *args):
            self.statements.append(sql)
            if "parallel = true" in sql:
                raise duckdb.NotImplementedException("The Parallel CSV Reader currently does not support a full read")
            return self.con.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.con, name)

    con = Refusing(duckdb.connect())
    staged, failures = sipri_register.stage(sipri_file.read(sipri_dir / "trade-register_test.csv"), con, "r")
    assert failures == [] and staged.count == 5
    assert sum("parallel = false" in sql for sql in con.statements) == 1
    tables = [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE suffix(table_name, "
            "'_lines') OR suffix(table_name, '_src') ORDER BY 1"
        ).fetchall()
    ]
    assert tables == ["r_lines"]  # DuckDB's lines, not the csv module's rows (r_src)


def _staging(target: bool):
    """A connection as etl.load has it: the staging catalog in use, and (with `target`) a warehouse catalog `w`
    holding the warehouse's tables."""
    import duckdb

    from etl import load

    con = duckdb.connect()
    if target:
        con.execute("ATTACH ':memory:' AS w")
        con.execute("USE w")
        load.create_tables(con)
        con.execute("USE memory")
    return con


def test_a_bad_cell_stops_the_write_and_the_full_check_reports_every_failure(sipri_dir):
    """The insert that checks as it writes stops at the first row breaking a rule and writes nothing; the failures
    reported are those of the check alone, every one of them."""
    from etl.sources import sipri_file, sipri_register

    text = fixture_text(sipri_dir).replace("Poland,Turkiye,2022?,,24,,", "Poland,Turkiye,2022?,x,24?),,")
    text = text.replace("2011; 2012,Second hand but", "2011; 20l2,Second hand but")
    (sipri_dir / "trade-register_test.csv").write_bytes(text.encode("latin-1"))
    export = sipri_file.read(sipri_dir / "trade-register_test.csv")
    reported = []
    for target in (True, False):
        con = _staging(target)
        staged, failures = sipri_register.stage(export, con, "r", "w" if target else None)
        reported.append([(f.line, f.column, f.value) for f in failures])
        assert staged.written is None and staged.outcome is sipri_register.Outcome.CHECKED
        if target:
            assert con.execute("SELECT count(*) FROM w.sipri_register").fetchall() == [(0,)]
    assert (
        reported[0]
        == reported[1]
        == [
            (7, "' ' after Year of order", "x"),
            (7, "Number ordered", "24?)"),
            (11, "Year(s) of delivery", "2011; 20l2"),
        ]
    )


@needs_sipri
def test_the_real_register_is_written_as_it_is_checked_and_equals_its_checked_records():
    """SIPRI's real register passes: its records are written in the checking pass, and they are the records the
    check-only path reads (broken records joined, the same numbers, lines and values)."""
    from etl.sources import sipri_file, sipri_register

    export = sipri_file.read(REGISTER)
    written_con, checked_con = _staging(True), _staging(False)
    written, failures = sipri_register.stage(export, written_con, "r", "w")
    assert failures == [] and written.written == "w" and written.count == 29515
    assert written.outcome is sipri_register.Outcome.ONE_PASS
    checked, failures = sipri_register.stage(export, checked_con, "r")
    assert failures == [] and checked.written is None and checked.count == 29515
    assert checked.outcome is sipri_register.Outcome.CHECKED
    in_warehouse = written_con.execute(
        "SELECT * EXCLUDE (platform_id) FROM w.sipri_register ORDER BY record_no"
    ).fetchall()
    as_checked = checked_con.execute(
        f"SELECT * EXCLUDE (platform_id) FROM ({sipri_register.records_sql('r_records')}) ORDER BY record_no"
    ).fetchall()
    assert len(in_warehouse) == 29515 and in_warehouse == as_checked
    # the first broken record (lines 5432-5433) and the one after it: number and line, as before this import
    assert [r[1:3] for r in in_warehouse[5419:5421]] == [(5420, 5432), (5421, 5434)]
    deliveries = [
        con.execute(f"SELECT count(*), sum(year), count(DISTINCT record_no) FROM {s.deliveries}").fetchall()
        for con, s in ((written_con, written), (checked_con, checked))
    ]
    assert deliveries[0] == deliveries[1] == [(60066, 119527046, 28349)]


# --- the register's columns written by name (issue 14, item 2) ------------------------------------------------


def test_the_register_is_written_by_column_name_whatever_the_order_of_its_declaration(built, sipri_dir, monkeypatch):
    """The insert matched columns by position: with designation_key and platform_id declared the other way round
    (both text) it exited 0 with each written into the other's column."""
    from etl.sources import sipri_register

    *before, key, platform = sipri_register.REGISTER
    assert (key.name, platform.name) == ("designation_key", "platform_id")
    ddl = sipri_register.ddl
    monkeypatch.setattr(sipri_register, "ddl", lambda: ddl((*before, platform, key)))  # the table's order only

    assert run_sipri(built, sipri_dir) == 0

    register = str(sipri_dir / "trade-register_test.csv")
    assert rows(built, "SELECT DISTINCT source_file FROM sipri_register") == [(register,)]
    assert rows(
        built,
        "SELECT record_no, recipient_iso3, designation, designation_key, platform_id "
        "FROM sipri_register ORDER BY record_no LIMIT 1",
    ) == [(1, "PAK", "Bayraktar TB2", "bayraktartb2", "tb2")]


def test_a_register_column_in_the_table_but_not_in_its_declaration_stops_the_run_and_publishes_nothing(
    built, sipri_dir, monkeypatch
):
    """A column added to the table and nowhere else would be left empty in every row."""
    from etl.sources import sipri_register
    from etl.sqlcheck import ModelMismatch

    before, target = digest(built), os.readlink(built)
    ddl, extra = sipri_register.ddl, sipri_register.Column("armament_category", "VARCHAR", null=True)
    monkeypatch.setattr(sipri_register, "ddl", lambda: ddl((*sipri_register.REGISTER, extra)))  # the table only

    with pytest.raises(ModelMismatch) as raised:
        run_sipri(built, sipri_dir)

    assert str(raised.value) == (
        "sipri_register: the columns of etl/sql/ and of etl/sources/sipri_register.py REGISTER differ; in the table "
        "but not written: armament_category"
    )
    assert digest(built) == before and os.readlink(built) == target


def test_a_column_added_to_the_register_declaration_is_created_selected_and_written(built, sipri_dir, monkeypatch):
    """One edit: a row of REGISTER gives the column its DDL, its SELECT and its place in every list."""
    from etl.sources import sipri_register
    from etl.sources.sipri_register import Column

    extra = Column("comment_length", "INTEGER", "characters in Comments", sql="length(c.comments)", null=True)
    monkeypatch.setattr(sipri_register, "REGISTER", (*sipri_register.REGISTER, extra))

    assert run_sipri(built, sipri_dir) == 0

    assert rows(built, "SELECT record_no, comments, comment_length FROM sipri_register ORDER BY record_no") == [
        (1, "test row", 8),
        (2, "test row: years marked uncertain in the cell", 44),
        (3, "test row: planned", 17),
        (4, "test row: broken over two lines", 31),
        (5, "test row", 8),
    ]


def test_the_pandera_model_of_the_register_checks_every_column_read_or_derived_but_the_links():
    from etl.schemas import SipriRegister
    from etl.sources import sipri_register

    written = sipri_register.register_columns()
    assert [c for c in written if c not in SipriRegister.to_schema().columns] == [
        "line",
        "designation_key",
        "platform_id",
    ]
    assert set(SipriRegister.to_schema().columns) < set(written)
    assert sipri_register.HEADER[:4] == ["Recipient", "Supplier", "Year of order", " "]
    assert len(sipri_register.HEADER) == 16
