"""A server on loopback for the benchmarks and the tests: started as a subprocess, ready when a URL answers,
stopped on exit. One place for what bench/http_bench.py, tests/browser and tests/reliability all need."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(command: list[str], env: dict, ready: str, log: Path, wait_s: float = 30) -> Iterator[subprocess.Popen]:
    """Run `command` (environment: os.environ + env, output to `log`) until `ready` answers; yield the process;
    terminate it on exit (kill after 15 s). RuntimeError with the log's end if it exits before it is ready."""
    with open(log, "w") as handle:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    urllib.request.urlopen(ready, timeout=2).read()
                    break
                except OSError:
                    if process.poll() is not None:
                        raise RuntimeError(f"server exited: {log.read_text()[-3000:]}") from None
                    if time.monotonic() > deadline:
                        tail = log.read_text()[-3000:]
                        raise RuntimeError(f"server not ready after {wait_s:.0f} s: {tail}") from None
                    time.sleep(0.1)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


@contextlib.contextmanager
def dashboard(db: Path, log: Path, workers: int = 2, **env: str) -> Iterator[str]:
    """`python -m dashboard` (gunicorn) on a free loopback port serving the warehouse `db`; yields its base URL.
    The log stays in `log` for the caller to read."""
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    env = {"DEFEX_DB": str(db), "DEFEX_PORT": str(port), "DEFEX_HOST": LOOPBACK, "DEFEX_WORKERS": str(workers), **env}
    with serve([sys.executable, "-m", "dashboard"], env, base + "/_dash-layout", log):
        yield base
