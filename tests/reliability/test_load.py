"""Load during refresh: 50 concurrent clients for 60 s over pages, embeds and the API of the real server
(gunicorn, 2 workers, 127.0.0.1 only), while `python -m etl run` refreshes the warehouse 3 times.

Bounded: 50 clients, each with one request in flight at a time, for 60 s (longer only if a refresh is still
running then), all to 127.0.0.1. Every request must succeed (2xx, no connection error); the figures are
requests/s and latency percentiles. Served responses must switch to each new version without a restart.
"""

import pytest

from bench.mixed import crowd, percentile
from tests.conftest import needs_sipri
from tests.reliability.conftest import serving
from tests.reliability.test_crash import SHARED_SIPRI, run_to_end

CLIENTS = 50
SECONDS = 60
REFRESHES = 3
REFRESH_AT = (3, 20, 37)  # seconds into the load; each refresh also waits for the one before
LIMIT = 150  # seconds: the load stops at SECONDS, or once the refreshes are done, but never after this


@needs_sipri
@pytest.mark.slow
def test_fifty_clients_during_three_refreshes(tmp_path, figures):
    db = tmp_path / "wh" / "defence_exports.duckdb"
    run_to_end(db)
    first = db.resolve().name
    with serving(db, tmp_path / "server.log", workers=2) as base:
        tally, done, errors, elapsed = crowd(base, CLIENTS, SECONDS, db, SHARED_SIPRI, REFRESH_AT[:REFRESHES], LIMIT)
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
        "clients": CLIENTS,
        "seconds": round(elapsed, 1),
        "refreshes": len(done),
        "requests": requests,
        "failed": len(tally.failures),
        "requests/s": round(requests / elapsed, 1),
        "p50 ms": round(1000 * percentile(tally.latencies, 50)),
        "p95 ms": round(1000 * percentile(tally.latencies, 95)),
        "max ms": round(1000 * max(tally.latencies)),
        "versions served": len(set(served)),
        "mix": dict(sorted(tally.kinds.items())),
        "refreshes (start s, end s)": [(a, b) for a, b, _ in done],
    }
