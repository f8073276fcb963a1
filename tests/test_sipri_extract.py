"""Issue 15, item 2: a fresh clone shows SIPRI's comparison from the extract shipped in data/raw/sipri-extract
(Türkiye's records of the 2026 register, every exporter's 5-year totals), within SIPRI's terms."""

import filecmp

from etl import config
from etl.sources import sipri_extract
from tests.conftest import RECORD_START, ROOT, etl, rows
from tests.test_sipri_newer import REGISTER_2026, needs_newer

SHIPPED = ROOT / "data" / "raw" / "sipri-extract"


def test_a_fresh_clone_ranks_turkiye_11th_in_2021_25_from_the_shipped_extract(built, monkeypatch):
    """No SIPRI file but what the repository ships: the same ranking as from SIPRI's full register (test_sipri_newer:
    11th, 1.83%, as SIPRI published 11th and 1.8%), and the same recipients, each chart saying it is the extract."""
    raw = str(built.parent.parent / "raw")
    assert etl("run", "--raw-dir", raw, "--sipri-dir", str(SHIPPED), "--db", str(built)) == 0
    assert rows(built, "SELECT count(*), count(*) FILTER (WHERE supplier_iso3 = 'TUR') FROM sipri_register") == [
        (277, 277)
    ]
    monkeypatch.setenv("DEFEX_DB", str(built))
    from dashboard import charts
    from dashboard.params import parse

    _, ranked, line = charts.build("sipri_exporters", parse({}), caption=False)
    row = ranked[ranked["iso3"] == "TUR"].iloc[0]
    assert (int(row["period_start"]), int(row["period_end"]), int(row["rank"]), row["share_pct"], row["basis"]) == (
        2021, 2025, 11, 1.83, "register extract",
    )  # fmt: skip
    assert ranked["iso3"].head(3).tolist() == ["USA", "FRA", "RUS"]
    assert "SIPRI register through 2025 (the extract shipped with defex" in line
    _, recipients, _ = charts.build("sipri_recipients", parse({}), caption=False)
    shares = dict(zip(recipients["iso3"], recipients["share_pct"], strict=True))
    assert (shares["PAK"], shares["ARE"], shares["UKR"]) == (16.3, 11.5, 8.4)  # as from the full register
    _, custom, _ = charts.build("sipri_exporters", parse({"from": "2019", "to": "2025"}), caption=False)
    assert custom.empty  # the extract has 5-year windows only: nothing is made up for other periods


def test_the_extract_is_under_a_tenth_of_the_register():
    lines = (SHIPPED / "trade-register_turkiye_2026-05-18.csv").read_bytes().split(b"\n")
    records = [line for line in lines[12:] if RECORD_START.match(line)]  # after the header, line 12
    assert len(records) == 277 and 277 / 29_916 < 0.01
    assert lines[0].startswith(b"Extract of SIPRI's trade register for defex: the 277 records with Turkiye")
    assert b"Source: SIPRI Arms Transfers Database (c) SIPRI." in lines[9]


def test_a_shipped_total_whose_code_is_not_its_names_stops_the_run(built, tmp_path, capsys):
    folder = tmp_path / "extract"
    (folder / "aggregates").mkdir(parents=True)
    (folder / "aggregates" / "exporter-windows_2026-05-18.csv").write_text(
        "vintage,period_start,period_end,supplier_iso3,supplier,tiv\n2026-05-18,2021,2025,FRA,Turkiye,2798.95\n"
    )
    raw = str(built.parent.parent / "raw")

    assert etl("run", "--raw-dir", raw, "--sipri-dir", str(folder), "--db", str(built)) == 1

    assert (
        "exporter-windows_2026-05-18.csv:2: column 'supplier_iso3', value 'FRA': the code of 'Turkiye' as SIPRI's "
        "names are read: TUR"
    ) in capsys.readouterr().err


def test_without_sipri_files_the_etl_reads_the_extract(tmp_path, monkeypatch):
    monkeypatch.delenv("DEFEX_SIPRI_DIR")
    monkeypatch.setattr(config, "RAW_DIR", tmp_path)
    assert config.sipri_dir() == tmp_path / "sipri-extract"
    (tmp_path / "sipri").mkdir()
    (tmp_path / "sipri" / "trade-register.csv").write_text("downloaded")
    assert config.sipri_dir() == tmp_path / "sipri"
    monkeypatch.setenv("DEFEX_SIPRI_DIR", "")  # empty: the default
    assert config.sipri_dir() == tmp_path / "sipri"


@needs_newer
def test_the_extract_is_made_again_byte_for_byte_from_sipris_register(tmp_path):
    made = sipri_extract.make(REGISTER_2026, tmp_path)
    for path in made:
        assert filecmp.cmp(path, SHIPPED / path.relative_to(tmp_path), shallow=False), path.name
