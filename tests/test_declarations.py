"""Issue 14: what the ETL writes and what etl/sql/ declares are held together; a table left out of either stops
the run (ModelMismatch) instead of being checked and never written, silently."""

import os
from dataclasses import replace

import pytest

from etl import load
from etl.sources import curated
from etl.sqlcheck import ModelMismatch
from tests.conftest import digest, edited_sql, etl


def run(raw, db):
    return etl("run", "--raw-dir", str(raw), "--db", str(db))


def test_a_table_left_out_of_its_sources_declaration_stops_the_run_and_publishes_nothing(built, raw, monkeypatch):
    before, target = digest(built), os.readlink(built)
    without_events = replace(curated.SOURCE, tables=tuple(t for t in curated.SOURCE.tables if t != "events"))
    monkeypatch.setattr(load, "SOURCES", tuple(without_events if s is curated.SOURCE else s for s in load.SOURCES))

    with pytest.raises(ModelMismatch) as raised:
        run(raw, built)

    assert str(raised.value) == (
        "the warehouse's tables and the ETL's sources differ: declared in etl/sql/ but "
        "written by no source: events; built but written by no source: events"
    )
    assert digest(built) == before and os.readlink(built) == target


def test_a_table_two_sources_write_stops_the_run(built, raw, monkeypatch):
    also_tiv = replace(curated.SOURCE, tables=(*curated.SOURCE.tables, "sipri_tiv"))
    monkeypatch.setattr(load, "SOURCES", tuple(also_tiv if s is curated.SOURCE else s for s in load.SOURCES))

    with pytest.raises(ModelMismatch, match=r"differ: written by two sources: sipri_tiv$"):
        run(raw, built)


def test_the_tables_are_written_and_counted_in_the_order_of_etl_sql():
    assert load.table_order() == [
        "publishers", "sources", "export_figures", "growth_quotes", "countries", "firms", "platforms", "aliases",
        "firm_figures", "deals", "deal_deliveries", "deal_steps", "events", "destination_figures", "raw_files",
        "sipri_register", "sipri_delivery_tiv", "sipri_deliveries", "sipri_deals", "sipri_tiv", "sipri_window_totals",
    ]  # fmt: skip


def test_a_table_declared_in_etl_sql_that_no_step_writes_stops_the_run(built, raw, tmp_path, monkeypatch):
    edited_sql(
        tmp_path,
        monkeypatch,
        "schema.sql",
        lambda text: text + "\nCREATE TABLE notes (note_id VARCHAR PRIMARY KEY, text VARCHAR);\n",
    )

    with pytest.raises(ModelMismatch, match=r"declared in etl/sql/ but written by no source: notes$"):
        run(raw, built)


def test_every_curated_file_has_its_table_in_etl_sql_and_its_references_among_the_curated_tables():
    tables = [spec.table for spec in curated.FILES]
    assert len(set(tables)) == len(tables) == 11
    assert set(tables) <= set(load.table_order())
    assert {(t, target) for t, _, target, _ in curated.REFERENCES} <= {(a, b) for a in tables for b in tables}
