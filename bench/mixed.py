"""What a crowd of users asks the server, and idle clients beside them: shared by `make bench` (section
`serving`) and tests/reliability (test_load, test_idle). Loopback only, bounded in clients, time and sockets.
"""

import http.client
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"


ROUTER = {
    "output": ".._pages_content.children..._pages_store.data..",
    "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
    "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
    "parsedChangedPropsIds": ["_pages_location.pathname", "_pages_location.search"],
}


def router_request(pathname, search) -> dict:
    """The body Chromium posts when a page opens (captured from a real session): the path and the query."""
    return {
        **ROUTER,
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
    }


def router(pathname: str, search: str = "") -> str:
    """router_request as the text of a request body."""
    return json.dumps(router_request(pathname, search))


MIX = [  # (kind, method, path, body): what a browsing user, an embedding page and a script ask for
    ("page", "GET", "/", None),
    ("page", "GET", "/deals?status=all", None),
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


def ask(host: str, port: int, method: str, path: str, body: str | None) -> tuple[str | None, str | None]:
    """One request on a new connection: (None if 2xx else what failed, the X-Defex-Run it was served from)."""
    try:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        headers = {"Content-Type": "application/json"} if body else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        outcome = None if 200 <= response.status < 300 else f"{response.status} {method} {path}"
        return outcome, response.getheader("X-Defex-Run")
    except (OSError, http.client.HTTPException) as exc:
        return f"{type(exc).__name__}: {exc} {method} {path}", None


def client(number: int, base: str, stop: threading.Event, tally: Tally, started: float) -> None:
    """One user: the requests of MIX in turn (starting at its number), one at a time, until `stop`."""
    host, port = urlsplit(base).hostname, urlsplit(base).port
    assert host == LOOPBACK
    i = number
    while not stop.is_set():
        kind, method, path, body = MIX[i % len(MIX)]
        i += 1
        t0 = time.perf_counter()
        outcome, run = ask(host, port, method, path, body)
        elapsed = time.perf_counter() - t0
        with tally.lock:
            tally.latencies.append(elapsed)
            tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
            if outcome:
                tally.failures.append(outcome)
            if run:
                tally.runs_served.append((time.perf_counter() - started, run))


def etl_run(db: Path, sipri_dir: Path | None) -> subprocess.Popen:
    """`python -m etl run` on data/raw (and SIPRI's folder) into `db`: a refresh of the served warehouse."""
    sipri = ["--sipri-dir", str(sipri_dir)] if sipri_dir else []
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "run", "--raw-dir", str(ROOT / "data" / "raw"), *sipri, "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def refresher(
    db: Path, sipri_dir: Path | None, at: tuple, started: float, done: list, errors: list, limit: float = 150
) -> None:
    """Refresh `db` at each of the seconds `at` after `started` (each after the one before has finished)."""
    for second in at:
        time.sleep(max(0.0, started + second - time.perf_counter()))
        t0 = time.perf_counter() - started
        process = etl_run(db, sipri_dir)
        _, err = process.communicate(timeout=limit)
        if process.returncode != 0:
            errors.append(err.decode()[-1500:])
        done.append((round(t0, 1), round(time.perf_counter() - started, 1), db.resolve().name))


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def crowd(
    base: str,
    clients: int,
    seconds: float,
    db: Path | None = None,
    sipri_dir: Path | None = None,
    refresh_at: tuple = (),
    limit: float = 150,
) -> tuple[Tally, list, list, float]:
    """`clients` users on MIX for `seconds` (longer while a refresh still runs, never past `limit`), `db`
    refreshed at `refresh_at`. Returns the tally, the refreshes done (start s, end s, version), their errors and
    the seconds it took."""
    tally, stop, done, errors = Tally(), threading.Event(), [], []
    started = time.perf_counter()
    threads = [
        threading.Thread(target=client, args=(n, base, stop, tally, started), daemon=True) for n in range(clients)
    ]
    etl = (
        threading.Thread(target=refresher, args=(db, sipri_dir, refresh_at, started, done, errors, limit), daemon=True)
        if refresh_at
        else None
    )
    for thread in threads + ([etl] if etl else []):
        thread.start()
    while time.perf_counter() - started < limit and (
        time.perf_counter() - started < seconds or (etl is not None and etl.is_alive())
    ):
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(90)
    elapsed = time.perf_counter() - started
    if etl:
        etl.join(1)
    return tally, done, errors, elapsed


def summary(tally: Tally, elapsed: float) -> dict:
    requests = len(tally.latencies)
    return {
        "requests": requests,
        "failed": len(tally.failures),
        "rps": round(requests / elapsed, 1),
        "p50_ms": round(1000 * percentile(tally.latencies, 50)),
        "p95_ms": round(1000 * percentile(tally.latencies, 95)),
        "max_ms": round(1000 * max(tally.latencies)),
    }


IDLE_FIRST = {  # what each idle client sends, then nothing
    "silent": b"",
    "one request then idle": b"GET /api/v1/charts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "short body": (
        b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"output":'
    ),
}


def normal_requests(port: int, count: int = 6, timeout: float = 10) -> list:
    """(status or the error's name, seconds) of `count` GET /api/v1/charts, one after the other."""
    outcomes = []
    for _ in range(count):
        connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
        t0 = time.perf_counter()
        try:
            connection.request("GET", "/api/v1/charts")
            response = connection.getresponse()
            response.read()
            outcomes.append((response.status, time.perf_counter() - t0))
        except (OSError, http.client.HTTPException) as exc:
            outcomes.append((type(exc).__name__, time.perf_counter() - t0))
        finally:
            connection.close()
    return outcomes


def beside_idle(port: int, kind: str, held: int, count: int = 6, timeout: float = 10) -> list:
    """normal_requests while `held` connections that sent IDLE_FIRST[kind] stay open (closed afterwards)."""
    sockets = []
    try:
        for _ in range(held):
            sock = socket.create_connection((LOOPBACK, port), timeout=timeout)
            if IDLE_FIRST[kind]:
                sock.sendall(IDLE_FIRST[kind])
            sockets.append(sock)
        time.sleep(1)  # the idle clients are in place
        return normal_requests(port, count, timeout)
    finally:
        for sock in sockets:
            sock.close()


def bench(
    work: Path,
    sipri_dir: Path | None,
    clients: int = 50,
    seconds: float = 20,
    refresh_at: tuple = (3, 11),
    idle_timeout: float = 5,
    log=print,
) -> dict:
    """`make bench` section serving: for the server as served (asgi) and the sync workers before it (the
    baseline), in the same run on the same data: `clients` users on MIX for `seconds` while the warehouse is
    refreshed at `refresh_at`; then six normal requests alone and beside each kind of idle client."""
    from bench.http_bench import gunicorn
    from bench.serving import free_port

    held = {"silent": 200, "one request then idle": 50, "short body": 10}
    results: dict = {"clients": clients, "seconds": seconds, "refreshes": len(refresh_at), "held": held}
    for model in ("asgi", "sync"):
        db = work / f"serving-{model}" / "defence_exports.duckdb"
        process = etl_run(db, sipri_dir)
        _, err = process.communicate(timeout=300)
        if process.returncode != 0:
            raise RuntimeError(err.decode()[-2000:])
        port = free_port()
        base = f"http://{LOOPBACK}:{port}"
        with gunicorn(db, port, True, work / f"serving-{model}.log", model=model):
            log(f"serving ({model}): {clients} clients, {seconds:.0f} s, refreshes at {refresh_at}")
            for _ in range(2):  # every request twice (both workers), so both models start with warm caches
                for _, method, path, body in MIX:
                    ask(LOOPBACK, port, method, path, body)
            tally, done, errors, elapsed = crowd(base, clients, seconds, db, sipri_dir, refresh_at)
            row = summary(tally, elapsed) | {"refresh_errors": len(errors), "refreshes_done": len(done)}
            row["alone"] = [round(s, 3) for _, s in normal_requests(port, 6, idle_timeout)]
            for kind, count in held.items():
                outcomes = beside_idle(port, kind, count, 6, idle_timeout)
                row[kind] = {
                    "answered": sum(status == 200 for status, _ in outcomes),
                    "max_s": round(max(s for _, s in outcomes), 3),
                }
            results[model] = row
    return results
