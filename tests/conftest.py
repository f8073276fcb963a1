import hashlib
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# SIPRI's real exports, read where they are and never copied (SIPRI's terms): ../shared/data/sipri beside a
# development checkout, or the folder DEFEX_TEST_SIPRI_DIR names. A clone without them runs every other test;
# the tests on them skip, saying why (the register's file decides whether they are here).
SHARED_SIPRI = Path(os.environ.get("DEFEX_TEST_SIPRI_DIR") or ROOT.parent / "shared" / "data" / "sipri")
HAVE_SIPRI = (SHARED_SIPRI / "trade-register_2025-03-13.csv").is_file()
NO_SIPRI = (
    f"SIPRI's real exports are not in {SHARED_SIPRI} (SIPRI's terms keep them out of the repository; "
    "set DEFEX_TEST_SIPRI_DIR to a folder holding trade-register_2025-03-13.csv and the TIV tables "
    "of 2024-10-13)"
)
needs_sipri = pytest.mark.skipif(not HAVE_SIPRI, reason=NO_SIPRI)
SIPRI_FIXTURES = FIXTURES / "sipri"  # tiny invented files in SIPRI's layouts


def etl(*args: str) -> int:
    """Run the real command line in-process: `python -m etl ARGS`."""
    return main(list(args))


def digest(path: Path) -> str:
    return hashlib.sha256(path.resolve().read_bytes()).hexdigest()


@pytest.fixture
def raw(tmp_path) -> Path:
    """A private copy of the tiny hand-written raw files, to mutate."""
    target = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", target)
    return target


@pytest.fixture(autouse=True)
def no_ambient_sipri(tmp_path, monkeypatch):
    """SIPRI exports are imported only where a test passes --sipri-dir, not from $DEFEX_SIPRI_DIR or data/raw/sipri."""
    monkeypatch.setenv("DEFEX_SIPRI_DIR", str(tmp_path / "no-sipri"))


@pytest.fixture
def sipri_dir(tmp_path) -> Path:
    """A private copy of the tiny SIPRI-layout test files, to mutate."""
    target = tmp_path / "sipri"
    shutil.copytree(SIPRI_FIXTURES, target)
    return target


@pytest.fixture(scope="session")
def sipri_db(tmp_path_factory) -> Path:
    """The warehouse built from the tiny curated files and SIPRI's real exports, once per session."""
    if not HAVE_SIPRI:
        pytest.skip(NO_SIPRI)
    db = tmp_path_factory.mktemp("sipri") / "w.duckdb"
    assert etl("run", "--raw-dir", str(FIXTURES / "raw"), "--sipri-dir", str(SHARED_SIPRI), "--db", str(db)) == 0
    return db


@pytest.fixture
def built(tmp_path, raw) -> Path:
    """A published warehouse built from the tiny raw files; returns its path (the symlink)."""
    db = tmp_path / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(raw), "--db", str(db)) == 0
    return db


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    """The warehouse built from the project's own data/raw and SIPRI's real exports (without them when they are
    not here: the tests of SIPRI's figures are marked needs_sipri), once per session."""
    db = tmp_path_factory.mktemp("real") / "defence_exports.duckdb"
    sipri = SHARED_SIPRI if HAVE_SIPRI else db.parent / "no-sipri"  # a folder that does not exist: no import
    assert etl("run", "--db", str(db), "--sipri-dir", str(sipri)) == 0
    return db


# recipient, supplier, year of order: the first line of a record of SIPRI's trade register
RECORD_START = re.compile(rb"^[^,]+,[^,]+,\(?\d{4}")


def edited_sql(tmp_path, monkeypatch, file: str, edit) -> Path:
    """etl/sql/ copied, one of its files edited as a contributor would (`edit`: old text -> new), and the ETL
    pointed at the copy."""
    from etl import load

    target = tmp_path / "sql"
    shutil.copytree(ROOT / "etl" / "sql", target)
    ddl = target / file
    text = ddl.read_text()
    ddl.write_text(edit(text))
    assert ddl.read_text() != text
    monkeypatch.setattr(load, "SQL_DIR", target)
    return target


def page_module(name: str):
    """A page's module as Dash loaded it (pages.<name>): importing dashboard.pages.<name> would register its path a
    second time, and every later router request in this process would fail on the duplicate path."""
    import sys

    import dash

    import dashboard.app  # noqa: F401  (registers the pages)

    return sys.modules[dash.page_registry[f"pages.{name}"]["module"]]


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()
