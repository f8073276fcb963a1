"""Shared by the reliability tests: the real server on loopback, and the figures the tests measure.

Each test adds what it measured to FIGURES (cases tried, crashes survived, requests/s, p95, payloads tried …);
the run ends with them printed under "reliability figures" and written to tests/artifacts/reliability.json,
the numbers docs/reliability.md reports.
"""

import json

import pytest

from bench.serving import dashboard as serving  # noqa: F401 (the tests import it from here)
from tests.conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
LOOPBACK = "127.0.0.1"  # every request of these tests goes here and nowhere else
FIGURES: dict[str, dict] = {}


@pytest.fixture(scope="session")
def figures() -> dict[str, dict]:
    return FIGURES


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for name, values in FIGURES.items():
        terminalreporter.write_line(f"{name}: " + ", ".join(f"{k} {v}" for k, v in values.items()))
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "reliability.json"
    known = json.loads(target.read_text()) if target.exists() else {}
    target.write_text(json.dumps(known | FIGURES, indent=2, ensure_ascii=False) + "\n")
