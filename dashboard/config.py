"""Settings of the dashboard. The only module of `dashboard` that reads the environment; imports only stdlib."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "warehouse" / "defence_exports.duckdb"


def db_path() -> Path:
    return Path(os.environ.get("DEFEX_DB") or DEFAULT_DB)


def host() -> str:
    return os.environ.get("DEFEX_HOST", "127.0.0.1")


def port() -> int:
    return int(os.environ.get("DEFEX_PORT", "8050"))


def workers() -> int:
    return int(os.environ.get("DEFEX_WORKERS", "2"))


def cache_enabled() -> bool:
    """DEFEX_CACHE=0 turns off the per-process cache of query results and pages (dashboard/cache.py)."""
    return os.environ.get("DEFEX_CACHE", "1") != "0"
