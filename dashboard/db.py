"""Read-only access to the published warehouse, following its symlink to the newest version.

Each process keeps one read-only connection per warehouse version and hands out a cursor per query; when
`make etl` publishes a new version, the next query opens it. Nothing here writes, and nothing here caches:
dashboard.data.query puts dashboard/cache.py in front of run().
"""

import os
import threading

import duckdb
import pandas as pd

from dashboard import config


class WarehouseMissing(RuntimeError):
    pass


_lock = threading.Lock()
_connections: dict[str, duckdb.DuckDBPyConnection] = {}


def version() -> str:
    """The file the warehouse symlink points at now (the version a query will read)."""
    path = config.db_path()
    if not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}: build it with `make etl`")
    return os.path.realpath(path)


def _connection() -> duckdb.DuckDBPyConnection:
    current = version()
    with _lock:
        con = _connections.get(current)
        if con is None:
            # one thread per query: the server runs many requests at once, one per core already, and on tables
            # this size DuckDB's parallel plan costs more than it saves (uncached API CSV: 58 -> 94-115 req/s)
            # (SET, not connect's config: another connection to the same file in this process, a test's, must
            # not have to pass the same config)
            con = duckdb.connect(current, read_only=True)
            con.execute("SET threads = 1")
            _connections[current] = con
            for old in [v for v in _connections if v != current][:-1]:  # keep the previous one for in-flight reads
                _connections.pop(old).close()
        return con


def run(sql: str, params: dict | None = None) -> pd.DataFrame:
    """Run one read-only query with bound parameters ($name) on a cursor of its own."""
    cursor = _connection().cursor()
    try:
        return cursor.execute(sql, params or {}).df()
    finally:
        cursor.close()
