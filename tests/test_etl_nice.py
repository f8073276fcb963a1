"""`python -m etl run` yields the CPU to the dashboard it feeds; check and status keep their priority."""

import os
import subprocess
import sys

from etl import cli
from tests.conftest import ROOT


def test_a_run_lowers_its_priority_by_ten_and_check_does_not(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "nice", lambda step: calls.append(step))
    cli.yield_cpu(["check", "--raw-dir", "x"])
    cli.yield_cpu([])
    assert calls == []
    cli.yield_cpu(["run", "--db", "x"])
    assert calls == [10]


def test_a_real_process_is_ten_steps_nicer_after_it():
    probe = ("import os; from etl.cli import yield_cpu; before = os.nice(0); yield_cpu(['run']); "
             "print(os.nice(0) - before)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "10", out.stderr


def test_the_command_line_entry_yields_before_it_runs():
    entry = (ROOT / "etl" / "__main__.py").read_text()
    assert entry.index("yield_cpu(sys.argv[1:])") < entry.index("code = main()")
