"""Raw files that are not what they seem (issue 13, items 5 and 6): a named pipe, a link to /dev/zero, a folder, a
file over the size limit, a header 100,000 columns wide. Each is refused with exit 2 and a one-line message,
before its content is read, and the published warehouse is left as it was (same bytes, same link, no file added).

The pipe and the device are run in a child process with a timeout and a memory cap: if the ETL tried to read
them, the test fails instead of hanging or eating the machine's memory.
"""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl.readcsv import MAX_BYTES
from tests.conftest import FIXTURES, ROOT, digest, etl

CHILD_TIMEOUT = 60  # seconds; a refused file takes ~2 s (the interpreter's start-up and imports)
CHILD_MEMORY = 2 * 1024**3  # bytes of address space the child may map: reading /dev/zero stops here, not at OOM


def snapshot(db: Path) -> tuple:
    """What 'the published warehouse is untouched' means: the same bytes behind the same link, nothing added."""
    return digest(db), os.readlink(db), sorted(p.name for p in db.parent.iterdir() if p.name != "runs.jsonl")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("files") / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(FIXTURES / "raw"), "--db", str(db)) == 0
    return db


def _cap_memory():
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def child_run(*args: str) -> tuple[int, str]:
    """`python -m etl run ARGS` in a child process that cannot hang the test nor take the machine's memory."""
    done = subprocess.run(
        [sys.executable, "-m", "etl", "run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        preexec_fn=_cap_memory,
    )
    return done.returncode, done.stderr


def test_a_named_pipe_is_refused_unread(published, raw):
    before = snapshot(published)
    (raw / "deals.csv").unlink()
    os.mkfifo(raw / "deals.csv")  # nobody writes to it: opening it for reading would block for ever

    code, err = child_run("--raw-dir", str(raw), "--db", str(published))

    assert code == 2, err[-2000:]
    assert err.splitlines() == [
        f"error: {raw}/deals.csv: not a regular file (a named pipe); raw files are read from regular files only"
    ]
    assert snapshot(published) == before


def test_a_link_to_dev_zero_is_refused_unread(published, raw):
    before = snapshot(published)
    (raw / "events.csv").unlink()
    (raw / "events.csv").symlink_to("/dev/zero")  # endless bytes: reading it whole runs out of memory

    code, err = child_run("--raw-dir", str(raw), "--db", str(published))

    assert code == 2, err[-2000:]
    assert err.splitlines() == [
        f"error: {raw}/events.csv: not a regular file (a character device, /dev/zero); "
        "raw files are read from regular files only"
    ]
    assert snapshot(published) == before


def test_a_sipri_export_linked_to_dev_zero_is_refused_unread(published, raw, tmp_path):
    before = snapshot(published)
    sipri = tmp_path / "sipri"
    sipri.mkdir()
    (sipri / "trade-register.csv").symlink_to("/dev/zero")

    code, err = child_run("--raw-dir", str(raw), "--sipri-dir", str(sipri), "--db", str(published))

    assert code == 2, err[-2000:]
    assert err.splitlines() == [
        f"error: {sipri}/trade-register.csv: not a regular file (a character device, "
        "/dev/zero); raw files are read from regular files only"
    ]
    assert snapshot(published) == before


def test_a_folder_in_place_of_a_file_is_refused(published, raw, capsys):
    before = snapshot(published)
    (raw / "firms.csv").unlink()
    (raw / "firms.csv").mkdir()
    capsys.readouterr()

    assert etl("run", "--raw-dir", str(raw), "--db", str(published)) == 2

    assert capsys.readouterr().err.splitlines() == [
        f"error: {raw}/firms.csv: not a regular file (a folder); raw files are read from regular files only"
    ]
    assert snapshot(published) == before


def test_a_file_over_the_size_limit_is_refused_unread(published, raw, capsys):
    before = snapshot(published)
    with open(raw / "sources.csv", "r+b") as handle:  # sparse: no byte of it is on disk, none is read
        handle.truncate(MAX_BYTES + 1)
    capsys.readouterr()

    assert etl("run", "--raw-dir", str(raw), "--db", str(published)) == 2

    assert capsys.readouterr().err.splitlines() == [
        f"error: {raw}/sources.csv: 67,108,865 bytes, over the limit of 67,108,864 bytes (64 MiB) for a raw file"
    ]
    assert snapshot(published) == before


def test_a_header_of_100000_columns_is_refused_before_parsing(published, raw, capsys, figures):
    before = snapshot(published)
    path = raw / "deals.csv"
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(header + "".join(f",extra_{i}" for i in range(100_000 - 19)) + "\n" + rest, encoding="utf-8")
    capsys.readouterr()

    started = time.perf_counter()
    code = etl("run", "--raw-dir", str(raw), "--db", str(published))
    seconds = time.perf_counter() - started

    assert code == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {raw}/deals.csv:1: the header has 100,000 columns; this file has 19, and at most 10 more are "
        "reported one by one: refused before its rows are read"
    ]
    assert snapshot(published) == before
    figures["wide header"] = {"columns": 100_000, "refused in (s)": round(seconds, 2)}
