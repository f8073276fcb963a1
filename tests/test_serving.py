"""`python -m dashboard`: each worker is set up before it takes requests."""

import json
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json
import dashboard.app as shell
from dashboard.__main__ import Server
Server.__new__(Server).load()  # what gunicorn calls in each worker as it starts
print(json.dumps({"set up": shell.app._got_first_request["setup_server"],
                  "packages": sorted(shell.app.registered_paths)}))
"""


def test_each_worker_is_set_up_before_its_first_request(built):
    """Dash sets itself up on a process's first request, and marks that done before it is: the worker's other
    threads, answering the page's scripts meanwhile, found them unregistered and answered 404 (a blank page;
    seen in the browser tests: dash/deps/polyfill...js, 404, JSON). load() now makes that first request itself,
    before gunicorn hands the worker any."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DEFEX_DB": str(built)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state["set up"] is True
    assert {"dash", "dash_ag_grid", "dash_bootstrap_components"} <= set(state["packages"])
