"""The machine, not the data, fails the run (issue 13, item 8): a read-only warehouse folder, a full disk, `--db`
naming a folder, the published file deleted under the running app. Each is one message, exit 2 (the validation
report, exit 1, when the data is bad too), no traceback, and the published warehouse is left as it was (same
bytes, same link, no file added); the app answers 503 with a message, on its API as on its embeds.

The read-only folder and the full disk are real: a read-only bind mount and a 20 MB tmpfs, made in a user and
mount namespace of the child process (`unshare -rm`), so nothing is mounted outside it and nothing outlives it
(as root a chmod would not stop a write). Where namespaces are not allowed, those tests are skipped.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, etl

CHILD_TIMEOUT = 120  # seconds; a child runs the ETL once or twice on the tiny files (~3 s each)
TMPFS = "20m"  # holds one 13 MB warehouse of the tiny files, not a second one beside it


def _namespaces() -> bool:
    if shutil.which("unshare") is None:
        return False
    return (
        subprocess.run(
            ["unshare", "-rm", "mount", "-t", "tmpfs", "tmpfs", "/mnt"], capture_output=True, timeout=30
        ).returncode
        == 0
    )


needs_namespaces = pytest.mark.skipif(not _namespaces(), reason="user and mount namespaces are not allowed here")

# In the child, after its mounts: publish first when asked, then one `etl run`, with what the folder held around it.
CHILD = """
import json, subprocess, sys
from tests.reliability.test_hostile_files import snapshot
from pathlib import Path
db, raw, publish = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
run = [sys.executable, "-m", "etl", "run", "--db", str(db)]
if publish:
    subprocess.run(run + ["--raw-dir", "tests/fixtures/raw"], check=True, capture_output=True)
before = snapshot(db)
done = subprocess.run(run + ["--raw-dir", raw], capture_output=True, text=True)
print(json.dumps({"before": before, "after": snapshot(db), "code": done.returncode, "err": done.stderr}))
"""


def in_namespace(mounts: str, folder: Path, db: Path, raw: Path, publish: bool) -> dict:
    """`mounts` (shell, $0 is `folder`) in a private mount namespace, then CHILD; what it saw."""
    script = f'{mounts} && exec "$@"'
    done = subprocess.run(
        [
            "unshare",
            "-rm",
            "sh",
            "-c",
            script,
            str(folder),
            sys.executable,
            "-c",
            CHILD,
            str(db),
            str(raw),
            "1" if publish else "0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout)
    seen["before"], seen["after"] = tuple(map(tuple, seen["before"])), tuple(map(tuple, seen["after"]))
    return seen


READ_ONLY = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0"'


@pytest.fixture
def published(tmp_path) -> Path:
    db = tmp_path / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(FIXTURES / "raw"), "--db", str(db)) == 0
    return db


@needs_namespaces
def test_a_read_only_warehouse_folder_is_a_message(published, raw):
    seen = in_namespace(READ_ONLY, published.parent, published, raw, publish=False)

    assert seen["code"] == 2, seen["err"][-3000:]
    assert seen["err"].splitlines() == [
        f"error: {published.parent}: cannot write the warehouse there (Read-only "
        "file system); the published warehouse was not changed"
    ]
    assert seen["after"] == seen["before"]


@needs_namespaces
def test_bad_input_in_a_read_only_folder_still_prints_the_report(published, raw):
    path = raw / "deals.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",delivered,M,src_a,", ",delivered,Z,src_a,", 1), encoding="utf-8")

    seen = in_namespace(READ_ONLY, published.parent, published, raw, publish=False)

    assert seen["code"] == 1, seen["err"][-3000:]
    assert seen["err"].splitlines() == [
        "validation failed: 1 problem(s); the warehouse was not changed",
        f"  {raw}/deals.csv:2: column 'confidence', value 'Z': must be one of ['H', 'M', 'L']",
    ]
    assert seen["after"] == seen["before"]


@needs_namespaces
def test_a_full_disk_a_20_mb_tmpfs_is_a_message(tmp_path, raw):
    folder = tmp_path / "disk"
    folder.mkdir()
    db = folder / "wh" / "w.duckdb"

    seen = in_namespace(f'mount -t tmpfs -o size={TMPFS} tmpfs "$0"', folder, db, raw, publish=True)

    assert seen["code"] == 2, seen["err"][-3000:]
    assert seen["err"].splitlines() == [
        f"error: {db.parent}: cannot write the new warehouse (No space left on "
        "device); the published warehouse was not changed"
    ]
    assert seen["after"] == seen["before"]


def test_db_naming_a_folder_is_refused_and_leaves_nothing(tmp_path, raw, capsys):
    folder = tmp_path / "wh"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    capsys.readouterr()

    assert etl("run", "--raw-dir", str(raw), "--db", str(folder)) == 2

    assert capsys.readouterr().err.splitlines() == [
        f"error: --db {folder}: a folder, not a warehouse file; give the file's path, e.g. "
        f"{folder}/defence_exports.duckdb"
    ]
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # no version file, no link, no lock beside it


def test_the_published_file_deleted_under_the_app_is_503_everywhere(published, monkeypatch):
    """The app in-process, serving the warehouse; its published file is deleted; the chart API, JSON and CSV,
    answers 503 with the message the embeds give (it was a 500 with a traceback)."""
    monkeypatch.setenv("DEFEX_DB", str(published))
    from dashboard.app import server

    client = server.test_client()
    assert client.get("/api/v1/charts/annual_totals.csv").status_code == 200
    published.resolve().unlink()
    message = f"no warehouse at {published}: build it with `make etl`"

    for kind in ("csv", "json"):
        response = client.get(f"/api/v1/charts/annual_totals.{kind}?from=2020")
        assert (response.status_code, response.get_json()) == (503, {"error": message}), kind
    embed = client.get("/embed/annual_totals")
    assert (embed.status_code, embed.get_data(as_text=True)) == (503, f"<!doctype html><p id='error'>{message}</p>")
