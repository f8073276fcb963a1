"""Versioned warehouse files: build beside the published one, then publish by swapping a symlink atomically.

`defence_exports.duckdb` is a symlink to `defence_exports-<run_id>.duckdb`. Readers resolve the link and keep
reading the version they opened; a failed build never touches the link or the file it points to.
"""

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path

from etl.config import KEEP_VERSIONS


def version_path(db: Path, run_id: str) -> Path:
    return db.with_name(f"{db.stem}-{run_id}{db.suffix}")


def building_path(db: Path, run_id: str) -> Path:
    return version_path(db, run_id).with_name(version_path(db, run_id).name + ".building")


def published(db: Path) -> Path | None:
    """The file readers get now, or None when nothing was published yet."""
    return db.resolve() if db.exists() else None


def unwritable(folder: Path) -> str | None:
    """Why no file can be written in `folder` (a read-only file system, no permission ...), or None: found by
    trying (an unnamed temporary file, which leaves nothing behind), as access() cannot tell a read-only mount."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


@contextlib.contextmanager
def lock(db: Path):
    """One build at a time per warehouse; a second `etl run` waits for the first."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(f".{db.name}.lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(db: Path, version: Path) -> None:
    """Point `db` at `version` in one rename; readers see the old or the new file, never a half of either."""
    temporary = db.with_name(f".{db.name}.{os.getpid()}.link")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    os.symlink(version.name, temporary)
    try:
        os.replace(temporary, db)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()  # no stray link is left by a swap that did not happen
        raise
    fsync(db.parent)


def leftovers(db: Path) -> list[Path]:
    """What interrupted builds leave: a .building file with its .wal (and DuckDB's .tmp spill folder), a
    temporary link of publish(). Only safe to delete under lock(): no build is running then."""
    return sorted([*db.parent.glob(f"{db.stem}-*{db.suffix}.building*"), *db.parent.glob(f".{db.name}.*.link")])


def prune(db: Path) -> list[Path]:
    """Delete versions older than the newest KEEP_VERSIONS and leftovers of interrupted builds (under lock())."""
    current = published(db)
    versions = sorted(db.parent.glob(f"{db.stem}-*{db.suffix}"))
    removed = [v for v in versions[:-KEEP_VERSIONS] if v != current] + leftovers(db)
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    return removed
