"""Load during refresh: 50 concurrent clients for 60 s over pages, embeds and the API of the real server
(gunicorn, 2 workers, 127.0.0.1 only), while `python -m etl run` refreshes the warehouse 3 times.

Bounded: 50 clients, each with one request in flight at a time, for 60 s (longer only if a refresh is still
running then), all to 127.0.0.1. Every request must succeed (2xx, no connection error); the figures are
requests/s and latency percentiles. Served responses must switch to each new version without a restart.
"""

import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.reliability.conftest import LOOPBACK, serving
from tests.reliability.test_crash import etl_run, run_to_end

CLIENTS = 50
SECONDS = 60
REFRESHES = 3
REFRESH_AT = (3, 20, 37)  # seconds into the load; each refresh also waits for the one before
LIMIT = 150  # seconds: the load stops at SECONDS, or once the refreshes are done, but never after this


def router(pathname: str, search: str = "") -> str:
    """The body a browser posts to render a page (see test_hostile_params.ROUTER)."""
    return json.dumps({"output": ".._pages_content.children..._pages_store.data..",
                       "outputs": [{"id": "_pages_content", "property": "children"},
                                   {"id": "_pages_store", "property": "data"}],
                       "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                                  {"id": "_pages_location", "property": "search", "value": search}],
                       "changedPropIds": ["_pages_location.pathname", "_pages_location.search"]})


MIX = [  # (kind, method, path, body): what a browsing user, an embedding page and a script ask for
    ("page", "GET", "/", None), ("page", "GET", "/deals?status=all", None),
    ("page", "POST", "/_dash-update-component", router("/")),
    ("page", "POST", "/_dash-update-component", router("/", "?from=2015&status=all")),
    ("page", "POST", "/_dash-update-component", router("/countries", "?measure=tiv")),
    ("page", "POST", "/_dash-update-component", router("/deals")),
    ("page", "POST", "/_dash-update-component", router("/platforms", "?status=all")),
    ("page", "POST", "/_dash-update-component", router("/firms")),
    ("page", "POST", "/_dash-update-component", router("/compare", "?country=USA,RUS")),
    ("page", "POST", "/_dash-update-component", router("/sources")),
    ("page", "POST", "/_dash-update-component", router("/quality")),
    ("page", "POST", "/_dash-update-component", router("/country/PAK")),
    ("page", "POST", "/_dash-update-component", router("/firm/baykar")),
    ("page", "POST", "/_dash-update-component", router("/platform/tb2", "?from=2018")),
    ("embed", "GET", "/embed/annual_totals?publisher=ssb", None),
    ("embed", "GET", "/embed/recipients_map?measure=tiv", None),
    ("embed", "GET", "/embed/sipri_exporters", None),
    ("embed", "GET", "/embed/status_mix?status=all", None),
    ("api", "GET", "/api/v1/charts", None),
    ("api", "GET", "/api/v1/charts/recipients_bar.json?status=all", None),
    ("api", "GET", "/api/v1/charts/deliveries.csv", None),
    ("api", "GET", "/api/v1/charts/sipri_trend.json?country=USA,RUS", None),
    ("api", "GET", "/api/v1/charts/annual_totals.csv?from=2010", None),
]


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.kinds: dict[str, int] = {}
        self.failures: list[str] = []
        self.runs_served: list[tuple[float, str]] = []


def client(number: int, base: str, stop: threading.Event, tally: Tally, started: float) -> None:
    host, port = urlsplit(base).hostname, urlsplit(base).port
    assert host == LOOPBACK
    i = number
    while not stop.is_set():
        kind, method, path, body = MIX[i % len(MIX)]
        i += 1
        t0 = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(host, port, timeout=60)
            headers = {"Content-Type": "application/json"} if body else {}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            outcome = None if 200 <= response.status < 300 else f"{response.status} {method} {path}"
            run = response.getheader("X-Defex-Run")
        except (OSError, http.client.HTTPException) as exc:
            outcome, run = f"{type(exc).__name__}: {exc} {method} {path}", None
        elapsed = time.perf_counter() - t0
        with tally.lock:
            tally.latencies.append(elapsed)
            tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
            if outcome:
                tally.failures.append(outcome)
            if run:
                tally.runs_served.append((time.perf_counter() - started, run))


def refresher(db, started: float, done: list, errors: list) -> None:
    for at in REFRESH_AT[:REFRESHES]:
        time.sleep(max(0.0, started + at - time.perf_counter()))
        t0 = time.perf_counter() - started
        process = etl_run(db)
        _, err = process.communicate(timeout=LIMIT)
        if process.returncode != 0:
            errors.append(err.decode()[-1500:])
        done.append((round(t0, 1), round(time.perf_counter() - started, 1), db.resolve().name))


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


@pytest.mark.slow
def test_fifty_clients_during_three_refreshes(tmp_path, figures):
    db = tmp_path / "wh" / "defence_exports.duckdb"
    run_to_end(db)
    first = db.resolve().name
    with serving(db, tmp_path / "server.log", workers=2) as base:
        tally, stop, done, errors = Tally(), threading.Event(), [], []
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n, base, stop, tally, started), daemon=True)
                   for n in range(CLIENTS)]
        etl = threading.Thread(target=refresher, args=(db, started, done, errors), daemon=True)
        for thread in [*threads, etl]:
            thread.start()
        while time.perf_counter() - started < LIMIT and (time.perf_counter() - started < SECONDS or etl.is_alive()):
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(90)
        elapsed = time.perf_counter() - started
        etl.join(1)
    log = (tmp_path / "server.log").read_text()

    assert errors == [] and len(done) == REFRESHES, (errors, done)
    assert all(end <= elapsed for _, end, _ in done), done  # each refresh ran while the clients did
    assert tally.failures == [], tally.failures[:10]
    assert "Traceback" not in log, log[-3000:]
    served = [run for _, run in sorted(tally.runs_served)]
    versions = {first} | {name for _, _, name in done}
    assert {f"defence_exports-{run}.duckdb" for run in served} <= versions
    assert f"defence_exports-{served[-1]}.duckdb" == done[-1][2]  # the last refresh is served, no restart
    requests = len(tally.latencies)
    figures["load during refresh"] = {
        "clients": CLIENTS, "seconds": round(elapsed, 1), "refreshes": len(done), "requests": requests,
        "failed": len(tally.failures), "requests/s": round(requests / elapsed, 1),
        "p50 ms": round(1000 * percentile(tally.latencies, 50)),
        "p95 ms": round(1000 * percentile(tally.latencies, 95)),
        "max ms": round(1000 * max(tally.latencies)), "versions served": len(set(served)),
        "mix": dict(sorted(tally.kinds.items())), "refreshes (start s, end s)": [(a, b) for a, b, _ in done],
    }
