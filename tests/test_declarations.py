"""Issue 14: what the ETL writes and what etl/sql/ declares are held together; a table left out of either stops
the run (ModelMismatch) instead of being checked and never written, silently."""

import os

import pytest

from etl import load
from etl.sources import curated
from etl.sqlcheck import ModelMismatch
from tests.conftest import digest, edited_sql, etl


def run(raw, db):
    return etl("run", "--raw-dir", str(raw), "--db", str(db))


def test_a_table_left_out_of_the_table_order_stops_the_run_and_publishes_nothing(built, raw, monkeypatch):
    before, target = digest(built), os.readlink(built)
    monkeypatch.setattr(load, "TABLE_ORDER", [t for t in load.TABLE_ORDER if t != "events"])

    with pytest.raises(ModelMismatch) as raised:
        run(raw, built)

    assert str(raised.value) == (
        "the warehouse's tables and the ETL's steps differ: declared in etl/sql/ but "
        "written by no step: events; built but not in load.TABLE_ORDER: events"
    )
    assert digest(built) == before and os.readlink(built) == target


def test_a_table_declared_in_etl_sql_that_no_step_writes_stops_the_run(built, raw, tmp_path, monkeypatch):
    edited_sql(
        tmp_path,
        monkeypatch,
        "schema.sql",
        lambda text: text + "\nCREATE TABLE notes (note_id VARCHAR PRIMARY KEY, text VARCHAR);\n",
    )

    with pytest.raises(ModelMismatch, match=r"declared in etl/sql/ but written by no step: notes$"):
        run(raw, built)


def test_every_curated_file_has_its_table_in_the_order_and_its_references_among_the_curated_tables():
    tables = [spec.table for spec in curated.FILES]
    assert len(set(tables)) == len(tables) == 11
    assert set(tables) <= set(load.TABLE_ORDER)
    assert {(t, target) for t, _, target, _ in curated.REFERENCES} <= {(a, b) for a in tables for b in tables}
