"""Settings of the dashboard. The only module of `dashboard` that reads the environment; imports only stdlib.

An empty value (`DEFEX_HOST=`) means the default, as if unset; a value that is not valid raises ConfigError, which
`python -m dashboard` prints as one line and exit code 2.
"""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "warehouse" / "defence_exports.duckdb"
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?$")


class ConfigError(ValueError):
    """A setting in the environment that cannot be used; the message names it and what it must be."""


def _get(name: str, default: str) -> str:
    return (os.environ.get(name) or "").strip() or default


def _number(name: str, default: int, low: int, high: int, what: str) -> int:
    text = _get(name, str(default))
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise ConfigError(f"{name} must be {what} from {low} to {high}; got {text[:40]!r}")
    return int(text)


def db_path() -> Path:
    return Path(_get("DEFEX_DB", str(DEFAULT_DB)))


def host() -> str:
    return _get("DEFEX_HOST", "127.0.0.1")


def port() -> int:
    return _number("DEFEX_PORT", 8050, 1, 65535, "a port number")


def workers() -> int:
    return _number("DEFEX_WORKERS", 2, 1, 64, "a number of workers")


def cache_enabled() -> bool:
    """DEFEX_CACHE=0 turns off the per-process cache of query results and pages (dashboard/cache.py)."""
    return _get("DEFEX_CACHE", "1") != "0"


def public_url() -> str:
    """DEFEX_PUBLIC_URL, the origin the dashboard is published at (https://defex.example.org, maybe with a path),
    without a trailing slash; absolute links (share links, iframe snippets, permalinks in exports) are built from
    it, never from a request's Host header. Unset or empty: '' (links stay relative)."""
    text = _get("DEFEX_PUBLIC_URL", "")
    if text and not ORIGIN.match(text):
        raise ConfigError(
            "DEFEX_PUBLIC_URL must be an http(s) origin such as https://defex.example.org, without "
            f"query or fragment; got {text[:80]!r}"
        )
    return text.rstrip("/")


def check() -> None:
    """Read every setting once: ConfigError for the first that is not valid."""
    host(), port(), workers(), db_path(), cache_enabled(), public_url()
