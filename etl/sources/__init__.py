"""The ETL's sources: one `Source` each, declared in its module and listed in etl.load.SOURCES, which the run loops
over. A source reads its inputs and checks them (`extract`: read → check, every failure with file, line, column,
value and rule), then, once every source passed, shapes the rows it writes (`shape`); `tables` names the tables
of etl/sql/ it writes, and the run stops (ModelMismatch) when a declared table has no source or the reverse.
"""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from etl.errors import Failure


@dataclass
class Run:
    """What every source is given: the folders, the run's DuckDB connection (its in-memory stage database in use),
    the catalog of the warehouse being built (None in a check-only run) and one worker thread for DuckDB work
    beside the main thread's Python work."""

    raw_dir: Path
    sipri_dir: Path | None
    con: duckdb.DuckDBPyConnection
    target: str | None
    pool: ThreadPoolExecutor


@dataclass
class Extracted:
    """What a source read: frames by table, each table's file as shown, each file's checksum (sha256), one
    provenance row per curated file (raw_files), every failure; `staged`: SIPRI registers typed and checked in
    DuckDB (etl.sources.sipri_register.Staged), written into the warehouse as they passed; `directory`: the SIPRI
    folder when something was imported from it; `later`: work still running in Run.pool, an Extracted to come."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)
    provenance: list[dict] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    staged: list[Any] = field(default_factory=list)
    directory: Path | None = None
    later: "Future[Extracted] | None" = None

    def __add__(self, other: "Extracted") -> "Extracted":
        return Extracted(
            self.tables | other.tables,
            self.files | other.files,
            self.checksums | other.checksums,
            self.provenance + other.provenance,
            self.failures + other.failures,
            self.staged + other.staged,
            self.directory or other.directory,
        )


@dataclass(frozen=True, kw_only=True)
class Source:
    """A source, declared once. `extract(run)` reads and checks; `shape(tables)`, called only when every source
    passed, returns the frames it adds or changes (derived columns and tables; no value changed); `tables`: the
    tables of etl/sql/ it writes (from its frames, or itself in SQL)."""

    name: str
    tables: tuple[str, ...]
    extract: Callable[[Run], Extracted]
    shape: Callable[[dict[str, pd.DataFrame]], dict[str, pd.DataFrame]] | None = None
