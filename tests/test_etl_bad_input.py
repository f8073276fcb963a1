"""Bad input: exit 1 (data) or 2 (unreadable), a message naming file, line, column, value and rule, and the
published warehouse byte-for-byte as it was."""

import os

import pytest

from tests.conftest import digest, etl


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = [
    (
        "negative amount",
        "export_figures.csv",
        "F003,tim,goods,2024,1,12,6734,",
        "F003,tim,goods,2024,1,12,-6734,",
        "export_figures.csv:4: column 'value_usd_m', value '-6734': must be > 0",
    ),
    (
        "unknown country",
        "deals.csv",
        "D0003,Poland,",
        "D0003,Polandia,",
        "deals.csv:4: column 'buyer', value 'Polandia': a country name known to pycountry",
    ),
    (
        "duplicate key",
        "deals.csv",
        "D0002,Pakistan,akinci",
        "D0001,Pakistan,akinci",
        "deals.csv:3: column 'deal_id', value 'D0001': duplicate key: must be unique",
    ),
    (
        "non-number",
        "export_figures.csv",
        "2025,11,11,747,",
        "2025,11,11,7x47,",
        "export_figures.csv:7: column 'value_usd_m', value '7x47': must be a number",
    ),
    (
        "missing column",
        "sources.csv",
        ",language,quote\n",
        ",language,quot\n",
        "sources.csv:1: column 'quote', value '(missing)': required column is missing from the header",
    ),
    (
        "unknown source",
        "export_figures.csv",
        "5733,src_b,",
        "5733,src_zz,",
        "export_figures.csv:6: column 'source_id', value 'src_zz': must exist in sources.source_id",
    ),
    (
        "month 13",
        "export_figures.csv",
        "F007,ssb,goods,2025,1,11,",
        "F007,ssb,goods,2025,1,13,",
        "export_figures.csv:8: column 'month_to', value '13': must be ≤ 12",
    ),
    (
        "delivered more than ordered",
        "deals.csv",
        "24,false,24,2022",
        "24,false,25,2022",
        "deals.csv:4: column 'delivered', value '25': delivered ≤ quantity ordered",
    ),
    (
        "delivery before order",
        "deals.csv",
        "2021,false,24,false,24,2022;",
        "2023,false,24,false,24,2022;",
        "deals.csv:4: column 'delivery_years', value '2022;2023;2024': every delivery year ≥ order year",
    ),
    (
        "year-to-date below a month",
        "export_figures.csv",
        "F007,ssb,goods,2025,1,11,7445,",
        "F007,ssb,goods,2025,1,11,700,",
        "export_figures.csv:8: column 'value_usd_m', value '700': a year-to-date total ≥ each published month",
    ),
    (
        "figure after its publication",
        "export_figures.csv",
        "F002,ssb,goods_services,2025,",
        "F002,ssb,goods_services,2027,",
        "export_figures.csv:3: column 'year', value '2027': the period ends no later than the month it was published",
    ),
]


@pytest.mark.parametrize("name, file, old, new, message", CASES, ids=[c[0] for c in CASES])
def test_bad_value_exits_1_names_it_and_keeps_the_warehouse(built, raw, capsys, name, file, old, new, message):
    before, target = digest(built), os.readlink(built)
    capsys.readouterr()
    edit(raw / file, old, new)

    assert etl("run", "--raw-dir", str(raw), "--db", str(built)) == 1

    err = capsys.readouterr().err
    assert message in err
    assert "the warehouse was not changed" in err
    assert digest(built) == before and os.readlink(built) == target


def test_every_failure_is_reported_at_once(built, raw, capsys):
    edit(raw / "export_figures.csv", "2025,11,11,747,", "2025,11,11,7x47,")
    edit(raw / "deals.csv", "D0003,Poland,", "D0003,Polandia,")
    capsys.readouterr()
    assert etl("run", "--raw-dir", str(raw), "--db", str(built)) == 1
    err = capsys.readouterr().err
    assert "validation failed: 2 problem(s)" in err
    assert "'7x47'" in err and "'Polandia'" in err


def test_wrong_encoding_exits_2_naming_file_and_line(built, raw, capsys):
    before = digest(built)
    (raw / "deals.csv").write_bytes((raw / "deals.csv").read_bytes().replace(b"Poland", b"Pol\xe4nd"))
    capsys.readouterr()
    assert etl("run", "--raw-dir", str(raw), "--db", str(built)) == 2
    err = capsys.readouterr().err
    assert "deals.csv:4: not valid UTF-8 (byte 0xe4" in err
    assert digest(built) == before


@pytest.mark.parametrize("content, words", [(b"", "empty file"), (b"a,b\n\x00\x01,2\n", "binary content")])
def test_empty_or_binary_file_exits_2(built, raw, capsys, content, words):
    before = digest(built)
    (raw / "events.csv").write_bytes(content)
    capsys.readouterr()
    assert etl("run", "--raw-dir", str(raw), "--db", str(built)) == 2
    assert f"events.csv: {words}" in capsys.readouterr().err
    assert digest(built) == before


def test_missing_file_exits_2(built, raw, capsys):
    (raw / "firms.csv").unlink()
    assert etl("run", "--raw-dir", str(raw), "--db", str(built)) == 2
    assert "firms.csv: file not found" in capsys.readouterr().err


def test_ragged_row_names_its_line(built, raw, capsys):
    edit(raw / "firms.csv", "tusas,TUSAŞ,", "tusas,TUSAŞ,extra,")
    assert etl("run", "--raw-dir", str(raw), "--db", str(built)) == 1
    assert "firms.csv:3: column '*', value '7 fields': every row has the header's 6 fields" in capsys.readouterr().err


def test_bad_usage_exits_2():
    with pytest.raises(SystemExit) as exc:
        etl("frobnicate")
    assert exc.value.code == 2


def test_failed_run_is_logged_beside_the_warehouse(built, raw):
    edit(raw / "deals.csv", "D0003,Poland,", "D0003,Polandia,")
    etl("run", "--raw-dir", str(raw), "--db", str(built))
    log = (built.parent / "runs.jsonl").read_text(encoding="utf-8")
    assert '"outcome": "failed validation"' in log and "Polandia" in log


def test_check_validates_without_writing(tmp_path, raw, capsys):
    db = tmp_path / "none" / "w.duckdb"
    assert etl("check", "--raw-dir", str(raw), "--db", str(db)) == 0
    assert "check passed" in capsys.readouterr().out
    assert not db.exists()
    edit(raw / "deals.csv", "D0003,Poland,", "D0003,Polandia,")
    assert etl("check", "--raw-dir", str(raw), "--db", str(db)) == 1
    assert not db.parent.exists() or not any(db.parent.iterdir())


def test_the_format_characters_written_out_are_unicodes_category_cf():
    """etl.validate lists them as ranges (finding them at import cost 80 ms a run): the same as this Python's
    unicodedata, so that a newer Unicode's format characters are not missed silently."""
    import unicodedata

    from etl.validate import FORMAT_CHARACTERS

    assert FORMAT_CHARACTERS == [c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
    assert len(FORMAT_CHARACTERS) == 163
