"""kill -9 of `python -m etl run` at random moments, while the dashboard serves the warehouse.

After each kill: the published warehouse is the file it was (same sha256, same link) or, when the kill came
after the swap, the new complete version; it opens read-only and the running server answers from it. Then the
next run succeeds, and leaves no partial file of the killed one behind (.building, its .wal, a temporary link).

The moments are seeded: one in each tenth of a full run's duration (so start-up, reading, validating,
building and publishing all get hit), then five more inside the build itself (after its .building file
appears), where a kill is most likely to leave something half-written.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from etl import warehouse
from etl.config import KEEP_VERSIONS
from tests.conftest import ROOT, SHARED_SIPRI, digest, needs_sipri
from tests.reliability.conftest import serving

SEED = 20261122
SPREAD = 10  # kills spread over a run's duration
IN_BUILD = 5  # kills once the build has started writing


def etl_run(db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "etl",
            "run",
            "--raw-dir",
            str(ROOT / "data" / "raw"),
            "--sipri-dir",
            str(SHARED_SIPRI),
            "--db",
            str(db),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def run_to_end(db: Path) -> float:
    started = time.perf_counter()
    process = etl_run(db)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()[-2000:]
    return time.perf_counter() - started


def served_run(base: str) -> str:
    with urllib.request.urlopen(base + "/api/v1/charts/annual_totals.json", timeout=30) as response:
        assert response.status == 200
        return json.load(response)["run_id"]


def intact(db: Path) -> str:
    """The published version opens read-only, has its data and records itself in etl_runs; its run id."""
    run_id = db.resolve().stem.removeprefix(db.stem + "-")
    con = duckdb.connect(str(db.resolve()), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM deals").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM sipri_register").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM etl_runs WHERE run_id = ?", [run_id]).fetchone()[0] == 1
    finally:
        con.close()
    return run_id


def phase(db: Path, before_link: str, before_files: set[str]) -> str:
    """Where the kill landed, from what it left."""
    if os.readlink(db) != before_link:
        return "after the swap"
    new = {p.name for p in db.parent.iterdir()} - before_files
    if any(".building" in n for n in new):
        return "while building"
    if any(n.endswith(db.suffix) for n in new):
        return "between rename and swap"
    return "before writing"


def kill_at(db: Path, delay: float | None, rng: random.Random) -> subprocess.Popen:
    process = etl_run(db)
    if delay is None:  # inside the build: wait for its .building file, then a little more
        deadline = time.monotonic() + 120
        while not warehouse.leftovers(db) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.4))
    else:
        time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    return process


@needs_sipri
@pytest.mark.slow
def test_kill_9_loses_nothing(tmp_path, figures):
    db = tmp_path / "wh" / "defence_exports.duckdb"
    run_to_end(db)
    duration = run_to_end(db)  # a run like the ones killed: a warehouse to replace, SIPRI's files to read
    rng = random.Random(SEED)
    moments = [(i + rng.random()) / SPREAD * duration for i in range(SPREAD)] + [None] * IN_BUILD
    phases: dict[str, int] = {}
    with serving(db, tmp_path / "server.log") as base:
        assert served_run(base) == intact(db)
        for delay in moments:
            link, published, files = os.readlink(db), digest(db), {p.name for p in db.parent.iterdir()}
            process = kill_at(db, delay, rng)
            while process.returncode == 0:  # the run was quicker than the moment drawn: draw an earlier one
                delay = None if delay is None else delay * 0.8
                link, published, files = os.readlink(db), digest(db), {p.name for p in db.parent.iterdir()}
                process = kill_at(db, delay, rng)
            where = phase(db, link, files)
            phases[where] = phases.get(where, 0) + 1
            if os.readlink(db) == link:
                assert digest(db) == published, where
            assert served_run(base) == intact(db), where

            run_to_end(db)  # the next run succeeds ...
            assert warehouse.leftovers(db) == [], where  # ... and clears what the killed one left
            assert len(list(db.parent.glob(f"{db.stem}-*{db.suffix}"))) <= KEEP_VERSIONS
            assert served_run(base) == intact(db)
    assert "Traceback" not in (tmp_path / "server.log").read_text()
    names = {p.name for p in db.parent.iterdir()}
    assert names <= {db.name, f".{db.name}.lock", "runs.jsonl"} | {p.name for p in db.parent.glob("*-*.duckdb")}
    figures["crashes"] = {
        "kill -9 mid-run": len(moments),
        "warehouse intact and served": len(moments),
        "next run succeeded": len(moments),
        "stray files left": 0,
        "run (s)": round(duration, 1),
        "landed": "; ".join(f"{k} {v}" for k, v in sorted(phases.items())),
    }


def test_the_next_run_clears_every_kind_of_leftover(built, raw):
    """What a kill can leave, made by hand: a .building file and its .wal, DuckDB's spill folder, the temporary
    link of a swap; the next run deletes them all (under the build lock), and keeps the published version."""
    from tests.conftest import etl

    folder = built.parent
    old = "w-20200101T000000000000Z.duckdb.building"
    made = [folder / old, folder / f"{old}.wal", folder / f"{old}.tmp", folder / ".w.duckdb.4242.link"]
    made[0].write_bytes(b"half a database")
    made[1].write_bytes(b"half a log")
    made[2].mkdir()
    (made[2] / "spill.block").write_bytes(b"x")
    made[3].symlink_to(built.resolve().name)
    assert sorted(warehouse.leftovers(built)) == sorted(made)
    assert etl("run", "--raw-dir", str(raw), "--db", str(built)) == 0
    assert warehouse.leftovers(built) == [] and not any(p.exists() or p.is_symlink() for p in made)
    assert built.resolve().exists()


def test_status_reads_past_a_half_written_failure_log(built, capsys):
    from tests.conftest import etl

    half = '{"run_id": "a", "started_at": "2026-01-01T00:00:00"}\n{"run_id": "b", "sta'
    (built.parent / "runs.jsonl").write_text(half, encoding="utf-8")
    assert etl("status", "--db", str(built)) == 0
    assert "failed runs (warehouse left unchanged): 1; latest: 2026-01-01T00:00:00" in capsys.readouterr().out


def test_status_of_a_file_that_is_not_a_warehouse_exits_2(tmp_path, capsys):
    from tests.conftest import etl

    bogus = tmp_path / "w.duckdb"
    bogus.write_bytes(b"not a database at all" * 100)
    assert etl("status", "--db", str(bogus)) == 2
    assert "not a readable warehouse" in capsys.readouterr().err
