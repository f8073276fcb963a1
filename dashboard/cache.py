"""A per-process cache of query results, figures and rendered responses (pages, embeds, API answers), keyed
by the warehouse version.

The warehouse is an immutable file per ETL run (dashboard/db.py follows the symlink to the version): a result
computed from one version is valid for as long as that version is published, so every key starts with the
version (and DEFEX_PUBLIC_URL, which links start with) and a refresh is never served stale. flask-caching's
SimpleCache (pickled values, so a caller can never change what the next one gets); in a multi-host setup the
same keys work with its Redis backend.
DEFEX_CACHE=0 turns it off (the benchmarks measure both).

One computation per key at a time: requests that ask for the same missing key while it is being computed
wait for it instead of computing it again (after a refresh, a crowd asking for one embed costs one render).
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pandas as pd
from flask import Response, g, has_request_context
from flask_caching.backends import SimpleCache

from dashboard import config
from dashboard.db import version

T = TypeVar("T")
ENTRIES = 1000  # per process; SimpleCache drops the oldest when full
_store = SimpleCache(threshold=ENTRIES, default_timeout=0)
_enabled = config.cache_enabled()


def disable() -> None:
    global _enabled
    _enabled = False


def enabled() -> bool:
    return _enabled


def cached(kind: str, key: tuple, compute: Callable[[], T]) -> T:
    """compute() once per warehouse version, kind and key (a tuple of plain values)."""
    if not _enabled:
        return _within_request(repr((kind, key)), compute)
    return _once(repr((version(), config.public_url(), kind, key)), compute, keep=lambda value: value)[0]


def _within_request(full: str, compute: Callable[[], T]) -> T:
    """With the cache off, nothing is kept between requests; within one, a value asked twice is computed once
    (a copy is handed out, so that one caller cannot change what the next one gets)."""
    if not has_request_context():
        return compute()
    memo = g.setdefault("defex_memo", {})
    if full not in memo:
        memo[full] = compute()
    value = memo[full]
    return value.copy() if isinstance(value, pd.DataFrame) else value


def clear() -> None:
    _store.clear()


def response(key: tuple | None, make: Callable[[], Response]) -> Response:
    """A whole response (body, status, headers) per warehouse version and key; only 200s are kept. key None:
    not cached."""
    if not _enabled or key is None:
        return make()
    made, hit = _once(repr((version(), config.public_url(), "response", key)), make, keep=_kept_response)
    if not hit:
        return made
    body, status, headers = made
    return Response(body, status=status, headers=headers)


def _kept_response(made: Response) -> tuple | None:
    """What is kept of a response: body, status and headers of a 200 (None: not kept)."""
    if made.status_code == 200 and not made.direct_passthrough:
        return made.get_data(), made.status_code, list(made.headers.items())
    return None


def _once(full: str, compute: Callable[[], T], keep: Callable[[T], object]) -> tuple:
    """(the stored value, True), or (compute()'s value, False) after storing keep(value) unless it is None;
    one compute per key at a time: the others asking for it meanwhile wait, then find it stored."""
    hit = _store.get(full)
    if hit is not None:
        return hit, True
    with _flight(full):
        hit = _store.get(full)  # computed by the request this one waited for
        if hit is not None:
            return hit, True
        value = compute()
        kept = keep(value)
        if kept is not None:
            _store.set(full, kept)
        return value, False


_flights: dict[str, threading.Lock] = {}
_flights_guard = threading.Lock()


@contextmanager
def _flight(full: str) -> Iterator[None]:
    """Held while one request computes a key; the others asking for it meanwhile wait here."""
    with _flights_guard:
        lock = _flights.setdefault(full, threading.Lock())
    with lock:
        try:
            yield
        finally:
            with _flights_guard:
                if _flights.get(full) is lock:
                    del _flights[full]


def entries(kind: str | None = None) -> int:
    """How many values the cache holds (of one kind: "query", "response"…; SimpleCache keeps them in a dict)."""
    return sum(kind is None or f", {kind!r}, " in key for key in _store._cache)
