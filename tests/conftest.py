import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_SIPRI = ROOT.parent / "shared" / "data" / "sipri"


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


@pytest.fixture
def built(tmp_path, raw) -> Path:
    """A published warehouse built from the tiny raw files; returns its path (the symlink)."""
    db = tmp_path / "wh" / "w.duckdb"
    assert etl("run", "--raw-dir", str(raw), "--db", str(db)) == 0
    return db


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    """The warehouse built from the project's own data/raw, once per session."""
    db = tmp_path_factory.mktemp("real") / "defence_exports.duckdb"
    assert etl("run", "--db", str(db)) == 0
    return db


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()
