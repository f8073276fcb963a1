"""ETL: wall time and peak memory of the project's import (curated data + a SIPRI folder) beside DuckDB's bare
read_csv of the same register (the floor) and a plain pandas -> pandera -> DuckDB pipeline, each run in a fresh
process, interleaved, on SIPRI's real register and on each synthetic size."""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIPELINES = ("project", "floor", "pandas")


def folder_for(register: Path, tiv_tables: list[Path], work: Path) -> Path:
    """A SIPRI folder as a user has it: the register and SIPRI's two TIV tables (symlinks, nothing copied)."""
    folder = work / f"sipri-{register.stem}"
    folder.mkdir(parents=True, exist_ok=True)
    for path in [register, *tiv_tables]:
        link = folder / path.name
        if not link.exists():
            link.symlink_to(path.resolve())
    return folder


def child(kind: str, source: Path, db: Path) -> dict:
    env = {**os.environ, "DEFEX_PROGRESS": "0"}
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "bench.pipelines", kind, str(source), str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench.pipelines {kind} {source} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - started
    return result


def measure(label: str, register: Path, folder: Path, work: Path, repeats: int, log) -> dict:
    """Each pipeline `repeats` times, interleaved; the median of each. Keeps the project's last warehouse."""
    runs = {kind: [] for kind in PIPELINES}
    warehouse = None
    for rep in range(repeats):
        for kind in PIPELINES:
            db = work / f"{label}-{kind}-{rep}" / "w.duckdb"
            db.parent.mkdir(parents=True, exist_ok=True)
            runs[kind].append(child(kind, folder if kind == "project" else register, db))
            log(
                f"  ETL {label} {kind} #{rep + 1}: {runs[kind][-1]['seconds']:.2f} s, "
                f"{runs[kind][-1]['peak_mb']:.0f} MB"
            )
            if kind == "project":
                warehouse = db
            else:
                for leftover in db.parent.glob("*"):
                    leftover.unlink()
    summary = {
        kind: {
            "seconds": statistics.median(r["seconds"] for r in rs),
            "peak_mb": max(r["peak_mb"] for r in rs),
            "rows": rs[-1]["rows"],
            "runs": [round(r["seconds"], 3) for r in rs],
        }
        for kind, rs in runs.items()
    }
    summary["warehouse"] = str(warehouse)
    summary["bytes"] = register.stat().st_size
    return summary


def command_time(folder: Path, work: Path, repeats: int) -> dict:
    """`python -m etl run` from process start to exit, beside `python -c pass` (interpreter start)."""

    def wall(args: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env={**os.environ, "DEFEX_PROGRESS": "0"},
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started

    interpreter, command = [], []
    for rep in range(repeats):
        interpreter.append(wall(["-c", "pass"]))
        command.append(
            wall(["-m", "etl", "run", "--sipri-dir", str(folder), "--db", str(work / f"command-{rep}" / "w.duckdb")])
        )
    start, total = statistics.median(interpreter), statistics.median(command)
    return {
        "interpreter_s": start,
        "command_s": total,
        "beyond_start_s": total - start,
        "runs": [round(c, 3) for c in command],
    }
