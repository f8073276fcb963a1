"""The table `make bench` prints (figure, value, baseline, ratio, target, met?), results.json and docs/bench.md."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Row:
    figure: str
    value: str
    baseline: str
    ratio: str
    target: str
    met: bool | None  # None: no target (context)

    @property
    def verdict(self) -> str:
        return {True: "yes", False: "NO", None: "—"}[self.met]


def ratio(value: float, baseline: float, suffix: str = "×") -> str:
    return f"{value / baseline:.2f}{suffix}" if baseline else "n/a"


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def text_table(rows: list[Row]) -> str:
    header = ("figure", "value", "baseline", "ratio", "target", "met?")
    cells = [header] + [(r.figure, r.value, r.baseline, r.ratio, r.target, r.verdict) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| figure | value | baseline | ratio | target | met? |", "|---|---|---|---|---|---|"]
    lines += [f"| {r.figure} | {r.value} | {r.baseline} | {r.ratio} | {r.target} | {r.verdict} |" for r in rows]
    return "\n".join(lines)


def machine_line(machine: dict) -> str:
    return (
        f"{machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB RAM; Python {machine['python']}, "
        f"DuckDB {machine['duckdb']}, pandas {machine['pandas']}, pandera {machine['pandera']}, "
        f"plotly {machine['plotly']}, Dash {machine['dash']}; {machine['date']}; load average "
        f"{machine['load_start']} at the start, {machine['load_end']} at the end; mode {machine['mode']}"
    )


CHANGES = [
    "SIPRI register written into the new warehouse in the pass that checks it (`etl/sources/sipri_register.py`, "
    "2026-12-02): one pass over the bytes for checksum, encoding and line ends (`etl/sources/sipri_file.py`), the "
    "file's lines into a one-column DuckDB table (a line's rowid is its place), every cell stripped, typed and looked "
    "up in views over it, one scan for the rows of the wrong width (broken records joined in Python) and the distinct "
    "values, then one INSERT into sipri_register that a guard stops at the first row breaking a rule of the pandera "
    "model SipriRegister or the shared cell rules (`etl/sqlcheck.py`); the full check then reports every failure in "
    "the same words, and the build is removed. Before: the typed file was materialised in memory (1.45 s at 1M "
    "records) and copied into the warehouse (0.9-1.0 s); 1M records 5.0-5.7 s -> 4.2-4.5 s, 5M 35.6 s -> 24 s. "
    "Before that, with pandas: 1M synthetic records 39.4 s and 1.85 GB; real register + curated 3.5 s.",
    "sipri_delivery_tiv written from the records as written, delivery years parsed once (a fast path for plain "
    "'2018; 2019' cells), then a checkpoint, while the curated files are still being checked; sipri_deliveries is "
    "a view of it (the same rows, stored once).",
    "No PRIMARY KEY / REFERENCES on the register's tables (the importer checks both): insert of 1M records 2.2 s -> "
    "1.35 s, file 106 MB -> 40 MB.",
    "Curated files (pandas, pandera) and SIPRI registers (DuckDB) are extracted in two threads; the registers' pass "
    "over their bytes runs before the threads start (beside the curated checks it waited on the interpreter lock: "
    "0.42 s instead of 0.19 s at 1M). The shared text rules screen each column's distinct values in plain Python "
    "before converting it for pandas' string methods (curated files 0.35 -> 0.24 s).",
    "`python -m etl`: the imported modules' objects are frozen for the collector (`gc.freeze`) after import and "
    "before exit (the last collection at exit took 0.14 s).",
    "Derived tables written at load, behind the same views: sipri_delivery_tiv (v_sipri_delivery_tiv; the "
    "recipients query on 1M records 120-360 ms -> 20 ms) and sipri_yearly (v_sipri_yearly; 9 -> 4 ms); the last "
    "SIPRI year is remembered per warehouse version.",
    "`dashboard/cache.py`: flask-caching SimpleCache per process, keys start with the warehouse version (a refresh "
    "is never served stale): query results (`dashboard/db.py`), and whole embed and API responses "
    "(`dashboard/api.py`). DEFEX_CACHE=0 turns it off (the cache-off rows above).",
    "`make bench` compiles the installed packages and the project to bytecode (this machine sets "
    "PYTHONDONTWRITEBYTECODE=1, and uv does not compile by default): `import etl.load` 2.1 s -> 0.6 s.",
]


def write(
    rows: list[Row], results: dict, machine: dict, json_path: Path, docs_path: Path | None, notes: list[str]
) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(
        json.dumps(
            {
                "machine": machine,
                "table": [asdict(r) | {"met": r.met} for r in rows],
                "results": results,
                "notes": notes,
            },
            indent=1,
            default=str,
        )
        + "\n"
    )
    if docs_path is None:
        return
    met = sum(r.met is True for r in rows)
    missed = [r for r in rows if r.met is False]
    body = [
        "# Benchmarks (`make bench`)",
        "",
        "Written by `python -m bench` (the `make bench` target); the numbers of the latest run, on this machine:",
        "",
        f"**Machine:** {machine_line(machine)}.",
        "",
        markdown_table(rows),
        "",
        f"{met} of {met + len(missed)} targets met"
        + (": not met — " + "; ".join(r.figure for r in missed) + "." if missed else "."),
        "",
        "## How each figure is measured",
        "",
        *[f"- {n}" for n in notes],
        "",
        "## What was changed for speed (issue 6)",
        "",
        *[f"- {n}" for n in CHANGES],
        "",
        "Timings are never asserted in tests; `tests/test_bench.py` only checks that the harness runs on tiny input.",
        "",
    ]
    docs_path.parent.mkdir(parents=True, exist_ok=True)
    docs_path.write_text("\n".join(body))
