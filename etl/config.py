"""Paths and settings of the ETL. The only module of `etl` that reads the environment; imports only stdlib."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "raw"
SQL_DIR = Path(__file__).resolve().parent / "sql"
DEFAULT_DB = ROOT / "data" / "warehouse" / "defence_exports.duckdb"
SIPRI_API = "https://atbackend.sipri.org/api/p"  # the backend of SIPRI's web app (etl/fetch.py)
KEEP_VERSIONS = 3  # the published version and the two before it; older ones are deleted


def db_path() -> Path:
    return Path(os.environ.get("DEFEX_DB") or DEFAULT_DB)


def sipri_dir() -> Path:
    """$DEFEX_SIPRI_DIR, else data/raw/sipri (SIPRI's files, `make fetch`) when it holds a CSV, else the extract
    shipped in data/raw/sipri-extract (Türkiye's records and every exporter's 5-year totals)."""
    if os.environ.get("DEFEX_SIPRI_DIR"):
        return Path(os.environ["DEFEX_SIPRI_DIR"])
    full = RAW_DIR / "sipri"
    return full if any(full.glob("*.csv")) else RAW_DIR / "sipri-extract"


def progress_enabled() -> bool:
    """DEFEX_PROGRESS: 0 never, 1 always, auto (default) when stderr is a terminal."""
    setting = os.environ.get("DEFEX_PROGRESS", "auto")
    return sys.stderr.isatty() if setting == "auto" else setting != "0"
