"""Ctrl-C (SIGINT) during a run, as a request the run honours at safe points, never an exception at a random one.

Python's default handler raises KeyboardInterrupt wherever the main thread happens to be: inside an import (a
module lock left held, the register's thread then waits on it for ever), inside DuckDB (which makes it
RuntimeError('Query interrupted'), a traceback), inside a Future's bookkeeping. Here SIGINT only sets `requested`
and interrupts the running DuckDB queries; the run stops at its next check() (between files, tables and steps,
and right after the swap) with Interrupted, and etl.cli says in one line what is published.
"""

import contextlib
import signal
import threading

import duckdb

requested = threading.Event()
_connections: list[duckdb.DuckDBPyConnection] = []


class Interrupted(KeyboardInterrupt):
    """Raised by check() once Ctrl-C was pressed."""


def _handle(_signum, _frame) -> None:
    requested.set()
    for con in list(_connections):
        con.interrupt()


@contextlib.contextmanager
def handled():
    """SIGINT sets `requested` while inside (main thread only); the previous handler comes back after."""
    requested.clear()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, _handle)
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def watch(con: duckdb.DuckDBPyConnection) -> None:
    """Ctrl-C interrupts the queries `con` runs (in any thread) from now on, until unwatch(con)."""
    _connections.append(con)


def unwatch(con: duckdb.DuckDBPyConnection) -> None:
    if con in _connections:
        _connections.remove(con)


def check() -> None:
    if requested.is_set():
        raise Interrupted


def stop(con: duckdb.DuckDBPyConnection) -> None:
    """Interrupt `con`'s query again (a query that started after the signal was not stopped by it)."""
    if requested.is_set():
        con.interrupt()
