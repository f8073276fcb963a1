"""HTTP: requests/s and p95 of an embed page and the API (CSV, JSON) as `python -m dashboard` serves them (2
workers, loopback), beside a static file from the same server (the ceiling) and Datasette's JSON API answering the
same query on a SQLite copy of the same tables, all in the same run; load from a separate process (bench.loadgen).
"""

import contextlib
import json
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import duckdb

from bench.serving import free_port, serve

ROOT = Path(__file__).resolve().parent.parent
SQLITE_TABLES = ("deals", "platforms", "countries", "firms", "sources")
# The rows of chart platform_matrix with status=all, in SQLite's SQL: what Datasette is asked.
PLATFORM_MATRIX = """SELECT pl.platform_id, pl.name AS platform, c.iso3, c.name AS country, count(*) AS deals,
  sum(d.quantity) AS units, sum(d.value_usd_m) AS value_usd_m
FROM deals AS d JOIN platforms AS pl USING (platform_id) JOIN countries AS c ON c.iso3 = d.buyer_iso3
GROUP BY pl.platform_id, pl.name, c.iso3, c.name ORDER BY platform, country"""
QUERY = "status=all"
ENDPOINTS = {  # name -> path on our server
    "static": "/assets/VENDORED.md",
    "embed": f"/embed/platform_matrix?{QUERY}",
    "api_csv": f"/api/v1/charts/platform_matrix.csv?{QUERY}",
    "api_json": f"/api/v1/charts/platform_matrix.json?{QUERY}",
}


def to_sqlite(warehouse: Path, target: Path) -> None:
    """The tables behind the compared query, copied from DuckDB to SQLite (lists as JSON text)."""
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    lite = sqlite3.connect(target)
    try:
        for table in SQLITE_TABLES:
            frame = con.execute(f"SELECT * FROM {table}").df()
            for column in frame.columns:
                if frame[column].map(lambda v: isinstance(v, (list, tuple))).any():
                    frame[column] = frame[column].map(json.dumps)
            frame.to_sql(table, lite, index=False)
        lite.commit()
    finally:
        lite.close()
        con.close()


def gunicorn(warehouse: Path, port: int, cache: bool, log: Path, model: str = "asgi"):
    """The server on 127.0.0.1:port. model "asgi": as `python -m dashboard` serves (gunicorn's asyncio worker,
    dashboard/asgi.py); "sync": gunicorn's sync workers on dashboard.app:server, the model before (a baseline)."""
    env = {"DEFEX_DB": str(warehouse), "DEFEX_CACHE": "1" if cache else "0"}
    if model == "asgi":
        command = [sys.executable, "-m", "dashboard"]
        env |= {"DEFEX_HOST": "127.0.0.1", "DEFEX_PORT": str(port), "DEFEX_WORKERS": "2"}
    else:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "dashboard.app:server",
        ]
    return serve(command, env, f"http://127.0.0.1:{port}/api/v1/charts", log)


def datasette(sqlite_db: Path, port: int, log: Path):
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(sqlite_db),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "5000",
    ]
    return serve(command, {}, f"http://127.0.0.1:{port}/-/versions.json", log)


def datasette_path(name: str) -> str:
    return f"/{name}.json?" + urllib.parse.urlencode({"sql": PLATFORM_MATRIX, "_shape": "array"})


def load(url: str, seconds: float, threads: int, warm: int = 20) -> dict:
    """Warm the server (both workers' caches), then measure from a separate process."""
    for _ in range(warm):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=30).read()
    out = subprocess.run(
        [sys.executable, "-m", "bench.loadgen", url, "--threads", str(threads), "--seconds", str(seconds)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout)


def run(warehouse: Path, work: Path, seconds: float = 4, threads: int = 4) -> dict:
    lite = work / "defex.sqlite"
    to_sqlite(warehouse, lite)
    results = {"threads": threads, "seconds": seconds, "query": QUERY}
    port = free_port()
    with gunicorn(warehouse, port, True, work / "gunicorn.log"):
        for name, path in ENDPOINTS.items():
            results[name] = load(f"http://127.0.0.1:{port}{path}", seconds, threads)
    port = free_port()
    with gunicorn(warehouse, port, False, work / "gunicorn-nocache.log"):
        for name in ("embed", "api_csv", "api_json"):
            results[f"{name}_nocache"] = load(f"http://127.0.0.1:{port}{ENDPOINTS[name]}", seconds, threads)
    port = free_port()
    with datasette(lite, port, work / "datasette.log"):
        url = f"http://127.0.0.1:{port}{datasette_path(lite.stem)}"
        results["datasette_rows"] = len(json.loads(urllib.request.urlopen(url, timeout=30).read()))
        results["datasette"] = load(url, seconds, threads)
    return results


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), Path(sys.argv[2])), indent=1))
