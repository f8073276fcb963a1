import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_SIPRI = ROOT.parent / "shared" / "data" / "sipri"  # SIPRI's real exports: read here, never copied
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
    """The warehouse built from the project's own data/raw and SIPRI's real exports, once per session."""
    db = tmp_path_factory.mktemp("real") / "defence_exports.duckdb"
    assert etl("run", "--db", str(db), "--sipri-dir", str(SHARED_SIPRI)) == 0
    return db


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()
