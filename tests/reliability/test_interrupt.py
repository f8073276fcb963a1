"""Ctrl-C (SIGINT) during `python -m etl run` (issue 13, item 9): never a traceback, one line saying exactly what is
published, exit 130 (128 + SIGINT, as a shell reports it). Before the swap the published warehouse is the file it
was (same bytes, same link, no file added); after it, the new complete version, and the line says so.

The fast cases send a real SIGINT at a chosen point of an in-process run: inside a DuckDB query of the build
(DuckDB made the signal a RuntimeError('Query interrupted'), a traceback) and right after the swap. The slow one
sends it to the real command on real data at seeded moments spread over a run, then inside its build.
"""

import os
import random
import signal
import threading
import time

import pytest

from etl import load, warehouse
from tests.conftest import FIXTURES, digest, etl, needs_sipri, rows
from tests.reliability.test_crash import etl_run, intact, run_to_end
from tests.reliability.test_hostile_files import snapshot

SEED = 20261203
TRIES = 8  # SIGINTs to the real command, one in each eighth of a run's duration ...
IN_BUILD = 4  # ... then some once its build file exists (where an unhandled signal once hung the run)


def sigint_soon(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


@pytest.fixture
def published(tmp_path):
    db = tmp_path / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(FIXTURES / "raw"), "--db", str(db)) == 0
    return db


def test_ctrl_c_inside_a_duckdb_query_of_the_build(published, raw, monkeypatch, capsys):
    """The signal lands while DuckDB works (a long query added to the build for the test): DuckDB raises
    RuntimeError('Query interrupted'), which was a traceback."""
    before = snapshot(published)
    create_tables = load.create_tables

    def busy(con):
        create_tables(con)
        timer = sigint_soon(0.2)
        try:
            con.execute("SELECT count(*) FROM range(3000000000) t(x) WHERE x % 7 = 3").fetchall()
        finally:
            timer.cancel()

    monkeypatch.setattr(load, "create_tables", busy)
    capsys.readouterr()

    assert etl("run", "--raw-dir", str(raw), "--db", str(published)) == 130

    assert capsys.readouterr().err.splitlines() == [
        f"interrupted; nothing was changed: {published} -> {os.readlink(published)} is still published"
    ]
    assert snapshot(published) == before


def test_ctrl_c_right_after_the_swap_says_the_new_version_is_published(published, raw, monkeypatch, capsys):
    """The signal lands just after the link was swapped (while old versions are pruned): the new version is
    published, and the line said "the published warehouse was not changed"."""
    old = os.readlink(published)

    def interrupted_prune(db):
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(warehouse, "prune", interrupted_prune)
    capsys.readouterr()

    assert etl("run", "--raw-dir", str(raw), "--db", str(published)) == 130

    new = os.readlink(published)
    assert new != old
    assert capsys.readouterr().err.splitlines() == [
        f"interrupted after the swap: {published} -> {new} is published, the new warehouse complete"
    ]
    run_id = new.removeprefix("w-").removesuffix(".duckdb")
    assert rows(published, "SELECT outcome FROM etl_runs WHERE run_id = ?", [run_id]) == [("success",)]


@needs_sipri
@pytest.mark.slow
def test_ctrl_c_at_twelve_moments_of_a_real_run(tmp_path, figures):
    db = tmp_path / "wh" / "defence_exports.duckdb"
    run_to_end(db)
    duration = run_to_end(db)
    rng = random.Random(SEED)
    landed: dict[str, int] = {}
    stopped: list[float] = []
    for i in range(TRIES + IN_BUILD):
        link, published = os.readlink(db), digest(db)
        process = etl_run(db)
        if i < TRIES:
            time.sleep((i + rng.random()) / TRIES * duration)
        else:
            deadline = time.monotonic() + 120
            while not warehouse.leftovers(db) and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.5))
        signalled = time.perf_counter()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)  # stopped within seconds, never hung
        stopped.append(time.perf_counter() - signalled)
        err = err.decode()
        assert "Traceback" not in err, err[-3000:]
        if process.returncode == 0:  # it ended before the signal
            landed["after the end"] = landed.get("after the end", 0) + 1
            continue
        assert process.returncode == 130, err[-3000:]
        if os.readlink(db) == link:
            assert err.splitlines() == [f"interrupted; nothing was changed: {db} -> {link} is still published"]
            assert digest(db) == published
            landed["before the swap"] = landed.get("before the swap", 0) + 1
        else:
            assert err.splitlines() == [
                f"interrupted after the swap: {db} -> {os.readlink(db)} is published, the new warehouse complete"
            ]
            landed["after the swap"] = landed.get("after the swap", 0) + 1
        intact(db)
        assert warehouse.leftovers(db) == []
    figures["ctrl-c"] = {
        "SIGINTs": TRIES + IN_BUILD,
        "tracebacks": 0,
        "run (s)": round(duration, 1),
        "stopped within (s)": round(max(stopped), 2),
        "landed": "; ".join(f"{k} {v}" for k, v in sorted(landed.items())),
    }
