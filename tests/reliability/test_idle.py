"""Idle and slow clients do not stall the server (issue 13, item 12).

Against the real server (`python -m dashboard`, 2 workers, 127.0.0.1 only): hold many connections that send
nothing, or one request and then idle, or a request whose body never arrives; meanwhile six normal requests must
each be answered (200). Before dashboard/asgi.py, with gunicorn's sync workers, 200 silent connections left all 6
unanswered for 40 s, 50 idle keep-alive clients delayed one by 40 s, 10 short bodies held requests 40 s.
Bounded: at most 200 sockets, every request with a socket timeout, all to 127.0.0.1.
"""

import pytest

from bench.mixed import beside_idle
from tests.reliability.conftest import serving

CASES = {"silent": 200, "one request then idle": 50, "short body": 10}  # idle client -> connections held


@pytest.fixture(scope="module")
def port(real_db, tmp_path_factory):
    log = tmp_path_factory.mktemp("idle") / "server.log"
    with serving(real_db, log, workers=2) as base:
        yield int(base.rsplit(":", 1)[1])
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


@pytest.mark.parametrize("case", list(CASES))
def test_normal_requests_are_answered_while_clients_idle(port, case, figures):
    outcomes = beside_idle(port, case, CASES[case], timeout=10)  # unanswered within 10 s: the error's name
    assert [status for status, _ in outcomes] == [200] * 6
    figures.setdefault("idle clients", {})[f"{case}: connections held"] = CASES[case]
