"""Issue 15, item 3: each run records what it changed against the warehouse it replaced (etl_changes), `make etl`
prints it, /quality lists it, /api/v1/changes.json and .atom publish it."""

from xml.etree import ElementTree as ET

import pytest

from tests.conftest import etl, rows

ATOM = "{http://www.w3.org/2005/Atom}"
RECORDED = "SELECT change, table_name, item, key, field, old, new, vintage, text FROM etl_changes ORDER BY ALL"


def run(raw, db) -> int:
    return etl("run", "--raw-dir", str(raw), "--db", str(db))


def revise_and_add_a_step(raw):
    figures = raw / "export_figures.csv"
    text = figures.read_text()
    assert "F002,ssb,goods_services,2025,1,12,10054," in text
    figures.write_text(
        text.replace("F002,ssb,goods_services,2025,1,12,10054,", "F002,ssb,goods_services,2025,1,12,10100,")
    )
    with open(raw / "deal_steps.csv", "a") as steps:
        steps.write("D0001,2023-03-01,month,delivering,src_a,a step found later\n")


@pytest.fixture
def client(built, monkeypatch):
    monkeypatch.setenv("DEFEX_DB", str(built))
    from dashboard.app import server

    return server.test_client()


def test_a_run_over_the_same_data_records_no_change(built, raw, capsys):
    capsys.readouterr()
    assert run(raw, built) == 0
    assert "changes:" not in capsys.readouterr().out
    assert rows(built, "SELECT count(*) FROM etl_changes") == [(0,)]


def test_a_revised_figure_and_a_new_deal_step_are_the_two_changes_recorded_printed_and_published(
    built, raw, capsys, client, monkeypatch
):
    revise_and_add_a_step(raw)
    capsys.readouterr()

    assert run(raw, built) == 0

    assert capsys.readouterr().out.splitlines()[-1] == (
        "changes: 1 export figure revised, 1 deal step added (export figure F002 revised: value_usd_m 10054.0 -> "
        "10100.0; deal step D0001/2023-03-01/delivering added)"
    )
    assert rows(built, RECORDED) == [
        ("added", "deal_steps", "deal step", "D0001/2023-03-01/delivering", None, None, None, "2023-03-01",
         "deal step D0001/2023-03-01/delivering added"),
        ("revised", "export_figures", "export figure", "F002", "value_usd_m", "10054.0", "10100.0", "2026-01-03",
         "export figure F002 revised: value_usd_m 10054.0 -> 10100.0"),
    ]  # fmt: skip
    listed = client.get("/api/v1/changes.json").get_json()["changes"]
    assert sorted(c["text"] for c in listed) == [
        "deal step D0001/2023-03-01/delivering added",
        "export figure F002 revised: value_usd_m 10054.0 -> 10100.0",
    ]
    monkeypatch.setenv("DEFEX_PUBLIC_URL", "https://defex.example.org")
    answer = client.get("/api/v1/changes.atom", headers={"Host": "evil.example"})
    assert answer.mimetype == "application/atom+xml"
    feed = ET.fromstring(answer.get_data())
    entries = feed.findall(f"{ATOM}entry")
    assert sorted(e.find(f"{ATOM}title").text for e in entries) == sorted(c["text"] for c in listed)
    assert {e.find(f"{ATOM}link").get("href") for e in entries} == {"https://defex.example.org/quality#changes"}
    assert b"evil.example" not in answer.get_data()
    again = ET.fromstring(client.get("/api/v1/changes.atom").get_data())
    assert [e.find(f"{ATOM}id").text for e in again.findall(f"{ATOM}entry")] == [
        e.find(f"{ATOM}id").text for e in entries
    ]  # stable ids: a feed reader shows each change once


def test_the_history_of_changes_is_kept_by_the_next_runs(built, raw):
    revise_and_add_a_step(raw)
    assert run(raw, built) == 0
    assert run(raw, built) == 0  # nothing new
    assert rows(built, "SELECT count(*), count(DISTINCT run_id) FROM etl_changes") == [(2, 1)]


def test_a_new_sipri_vintage_is_recorded_with_the_one_it_replaced(built, raw, sipri_dir):
    assert etl("run", "--raw-dir", str(raw), "--sipri-dir", str(sipri_dir), "--db", str(built)) == 0
    register = sipri_dir / "trade-register_test.csv"
    text = register.read_bytes()
    assert b"Data generated: 1 Jan 2025 09:00:00 AM" in text
    register.write_bytes(
        text.replace(b"Data generated: 1 Jan 2025 09:00:00 AM", b"Data generated: 1 Mar 2026 09:00:00 AM")
    )

    assert etl("run", "--raw-dir", str(raw), "--sipri-dir", str(sipri_dir), "--db", str(built)) == 0

    latest = "run_id = (SELECT max(run_id) FROM etl_changes)"
    assert rows(built, f"SELECT change, item, key FROM etl_changes WHERE {latest} ORDER BY ALL") == [
        ("added", "SIPRI register", "2026-03-01 09:00:00"),
        ("removed", "SIPRI register", "2025-01-01 09:00:00"),
    ]


def test_quality_lists_the_changes_with_links_to_the_feeds(built, raw, client):
    revise_and_add_a_step(raw)
    assert run(raw, built) == 0
    page = client.get("/quality")
    assert page.status_code == 200
    from tests.conftest import page_module

    text = str(page_module("quality").layout())
    assert "2 changes recorded by the latest runs" in text
    assert "export figure F002 revised: value_usd_m 10054.0 -> 10100.0" in text
    assert "/api/v1/changes.atom" in text


# --- issue 15, item 4: the release watch ----------------------------------------------------------------------


def test_due_lists_each_sources_latest_period_and_when_its_next_release_is_due(built, capsys):
    from datetime import date

    from etl import cli

    capsys.readouterr()
    assert cli.due(built, today=date(2026, 3, 1)) == 0

    assert capsys.readouterr().out.splitlines() == [  # the most overdue first
        "TİM: latest 2024 (published 2025-01-03); monthly, in the first days of the next month; next Jan 2025 due "
        "2025-02-03, overdue by 391 days",
        "SSB: latest 2025 (published 2026-01-03); monthly, early in the next month; next Jan 2026 due 2026-02-03, "
        "overdue by 26 days",
    ]
    assert cli.due(built, today=date(2026, 2, 1)) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("next Jan 2026 due 2026-02-03, due in 2 days")


def test_due_without_a_warehouse_exits_2(tmp_path, capsys):
    assert etl("due", "--db", str(tmp_path / "none.duckdb")) == 2
    assert "no release watch in it" in capsys.readouterr().err
