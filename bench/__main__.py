"""python -m bench [--full]: every benchmark of `make bench`, each beside its baseline in the same run, on the same
data; prints one table, writes bench/results.json and docs/bench.md.

Quick mode (default): SIPRI's real register, synthetic registers of 100k and 1M records. --full (BENCH=full)
adds 5M records, and the chart queries run on the 5M warehouse instead of the 1M one.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import etl_bench, http_bench, mixed, synth
from bench.report import Row, ratio, seconds, text_table, write

ROOT = Path(__file__).resolve().parent.parent
QUERY_P95_REAL_MS, QUERY_P95_5M_MS = 20, 150
QUERY_RUNS = 100
PAGE_S, EXPORT_S, IMPORT_S = 1.5, 1.0, 1.5
MIXED_P95_MS, IDLE_S = 500, 1.0
MEMORY_MB = 1024


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def wait_for_quiet(limit_s: float) -> list[float]:
    """Other work on the machine distorts timings: wait (up to limit_s) for the 1-minute load to fall to 1.0."""
    seen = [load_average()]
    waited = 0
    while seen[-1] > 1.0 and waited < limit_s:
        log(f"load average {seen[-1]} > 1.0: waiting 60 s for the machine to be quiet ({waited:.0f} s so far)")
        time.sleep(60)
        waited += 60
        seen.append(load_average())
    return seen


def machine(mode: str) -> dict:
    import dash
    import duckdb
    import pandas
    import pandera
    import plotly

    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else (platform.processor())
    )
    memory = (
        next(
            (
                int(line.split()[1])
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            ),
            0,
        )
        if Path("/proc/meminfo").exists()
        else 0
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory / 1024 / 1024, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "pandera": pandera.__version__,
        "plotly": plotly.__version__,
        "dash": dash.__version__,
        "os": platform.platform(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": mode,
    }


def sipri_folder() -> Path | None:
    """SIPRI's real exports, found as `make etl` finds them."""
    for candidate in (
        os.environ.get("DEFEX_SIPRI_DIR"),
        ROOT / "data" / "raw" / "sipri",
        ROOT.parent / "shared" / "data" / "sipri",
    ):
        if candidate and any(Path(candidate).glob("*.csv")):
            return Path(candidate)
    return None


def run_json(args: list[str], env: dict | None = None, timeout: float = 900) -> dict:
    out = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def etl_rows(etl: dict, sizes: list[str], largest: str) -> list[Row]:
    rows = []
    if "real" in etl:
        command = etl["real_command"]
        rows.append(
            Row(
                "ETL real register + curated: `python -m etl run` beyond interpreter start",
                seconds(command["beyond_start_s"]),
                f"interpreter start {seconds(command['interpreter_s'])}",
                "—",
                f"≤ {IMPORT_S} s",
                command["beyond_start_s"] <= IMPORT_S,
            )
        )
    for label in ["real", *sizes]:
        if label not in etl:
            continue
        e = etl[label]
        p, f, d = e["project"], e["floor"], e["pandas"]
        name = "real register" if label == "real" else f"{label} synthetic"
        gate = label == "1m"
        rows.append(
            Row(
                f"ETL {name}: project import vs DuckDB read_csv (floor)",
                seconds(p["seconds"]),
                f"floor {seconds(f['seconds'])}",
                ratio(p["seconds"], f["seconds"]),
                "≤ 3× floor" if gate else "—",
                p["seconds"] <= 3 * f["seconds"] if gate else None,
            )
        )
        rows.append(
            Row(
                f"ETL {name}: project import vs pandas→pandera→DuckDB",
                seconds(p["seconds"]),
                f"pandas {seconds(d['seconds'])}",
                ratio(d["seconds"], p["seconds"], "× faster"),
                "≥ 3× faster" if gate else "—",
                d["seconds"] >= 3 * p["seconds"] if gate else None,
            )
        )
        gate = label == "5m"
        rows.append(
            Row(
                f"ETL {name}: peak memory of the import",
                f"{p['peak_mb']:.0f} MB",
                f"floor {f['peak_mb']:.0f} MB, pandas {d['peak_mb']:.0f} MB",
                ratio(p["peak_mb"], f["peak_mb"]),
                f"≤ {MEMORY_MB} MB at 5M" if gate else "—",
                p["peak_mb"] <= MEMORY_MB if gate else None,
            )
        )
    return rows


def query_rows(real: dict, big: dict | None, big_label: str) -> list[Row]:
    rows = []
    floor = real["floor"]
    for chart, q in real["charts"].items():
        rows.append(
            Row(
                f"query {chart} (real data)",
                f"p50 {q['p50_ms']:.1f} / p95 {q['p95_ms']:.1f} ms",
                f"round trip of SELECT 1: p95 {floor['p95_ms']:.1f} ms",
                ratio(q["p95_ms"], floor["p95_ms"]),
                f"p95 ≤ {QUERY_P95_REAL_MS} ms",
                q["p95_ms"] <= QUERY_P95_REAL_MS,
            )
        )
    if "figure" in real:
        f = real["figure"]
        rows.append(
            Row(
                "figure: an empty figure in the house template",
                f"p50 {f['project']['p50_ms']:.1f} ms",
                f"plotly's template string: p50 {f['plotly']['p50_ms']:.1f} ms",
                ratio(f["plotly"]["p50_ms"], f["project"]["p50_ms"], "× faster"),
                "—",
                None,
            )
        )
    if big:
        full = big_label == "5m"
        for chart, q in big["charts"].items():
            base = real["charts"][chart]
            rows.append(
                Row(
                    f"query {chart} ({big_label} warehouse)",
                    f"p50 {q['p50_ms']:.1f} / p95 {q['p95_ms']:.1f} ms",
                    f"real data: p95 {base['p95_ms']:.1f} ms",
                    ratio(q["p95_ms"], base["p95_ms"]),
                    f"p95 ≤ {QUERY_P95_5M_MS} ms" + ("" if full else " (target at 5M)"),
                    q["p95_ms"] <= QUERY_P95_5M_MS if full else None,
                )
            )
    return rows


def http_rows(h: dict) -> list[Row]:
    def cell(r):
        return f"{r['rps']:.0f} req/s, p95 {r['p95_ms']:.1f} ms"

    static, ds = h["static"], h["datasette"]
    rows = [
        Row("HTTP static file, same server (the ceiling)", cell(static), "—", "—", "—", None),
        Row("HTTP Datasette JSON, same rows from SQLite", cell(ds), "—", "—", "—", None),
        Row(
            "HTTP embed /embed/platform_matrix",
            cell(h["embed"]),
            f"static {static['rps']:.0f} req/s",
            ratio(h["embed"]["rps"], static["rps"]),
            "≥ 0.5× static",
            h["embed"]["rps"] >= 0.5 * static["rps"],
        ),
    ]
    for name, label in (("api_csv", "CSV"), ("api_json", "JSON")):
        r = h[name]
        rows.append(
            Row(
                f"HTTP API {label} /api/v1/charts/platform_matrix",
                cell(r),
                f"Datasette {ds['rps']:.0f} req/s",
                ratio(r["rps"], ds["rps"]),
                "≥ 1× Datasette",
                r["rps"] >= ds["rps"],
            )
        )
    for name, label, base, base_label in (
        ("embed_nocache", "embed", static, "static"),
        ("api_csv_nocache", "API CSV", ds, "Datasette"),
        ("api_json_nocache", "API JSON", ds, "Datasette"),
    ):
        r = h[name]
        rows.append(
            Row(
                f"HTTP {label}, cache off (DEFEX_CACHE=0)",
                cell(r),
                f"{base_label} {base['rps']:.0f} req/s",
                ratio(r["rps"], base["rps"]),
                "—",
                None,
            )
        )
    return rows


def serving_rows(m: dict) -> list[Row]:
    asgi, sync = m["asgi"], m["sync"]
    label = f"{m['clients']} clients on pages, embeds and API during {m['refreshes']} refreshes"
    rows = [
        Row(
            f"serving: {label}",
            f"p95 {asgi['p95_ms']} ms, {asgi['rps']:.0f} req/s, {asgi['failed']} failed",
            f"sync workers: p95 {sync['p95_ms']} ms, {sync['rps']:.0f} req/s, {sync['failed']} failed",
            ratio(asgi["p95_ms"], sync["p95_ms"]),
            f"p95 ≤ {MIXED_P95_MS} ms, 0 failed",
            asgi["p95_ms"] <= MIXED_P95_MS and asgi["failed"] == 0,
        )
    ]
    alone = max(asgi["alone"])
    for kind, count in m["held"].items():
        a, b = asgi[kind], sync[kind]
        rows.append(
            Row(
                f"serving: 6 requests beside {count} idle clients ({kind}), slowest",
                f"{a['max_s']:.2f} s, {a['answered']} of 6 answered",
                f"alone {alone:.2f} s; sync workers {b['answered']} of 6 answered",
                "—",
                f"≤ {IDLE_S} s, 6 of 6",
                a["answered"] == 6 and a["max_s"] <= IDLE_S,
            )
        )
    return rows


def browser_rows(b: dict) -> list[Row]:
    embed = b.pop("/embed/annual_totals", None)
    rows = []
    for path, r in b.items():
        rows.append(
            Row(
                f"page {path}: first {r['what']} drawn",
                f"{r['median_s']:.2f} s (max {r['max_s']:.2f})",
                f"embed page {embed['median_s']:.2f} s" if embed else "—",
                ratio(r["median_s"], embed["median_s"]) if embed else "—",
                f"≤ {PAGE_S} s",
                r["max_s"] <= PAGE_S,
            )
        )
    return rows


def export_rows(x: dict) -> list[Row]:
    return [
        Row(
            "static export: seconds per chart, Chromium warm (median)",
            seconds(x["median_s"]),
            f"one-point figure {seconds(x['floor_median_s'])}",
            ratio(x["median_s"], x["floor_median_s"]),
            f"≤ {EXPORT_S} s",
            x["median_s"] <= EXPORT_S,
        ),
        Row(
            "static export: slowest chart, Chromium warm",
            seconds(x["max_s"]),
            f"first chart (cold Chromium) {seconds(x['first_s'])}",
            "—",
            f"≤ {EXPORT_S} s",
            x["max_s"] <= EXPORT_S,
        ),
    ]


NOTES = [
    "ETL: each pipeline runs in a fresh process, interleaved with the others, median of the repeats; time is the "
    "work after imports (imports are in the first row), memory the process's peak RSS. *project*: `etl.load.run` "
    "on data/raw plus a SIPRI folder holding the register and SIPRI's two TIV tables (symlinks), building a new "
    "warehouse file; *floor*: `CREATE TABLE AS SELECT * FROM read_csv(register, skip, encoding, quote, "
    "null_padding, strict_mode=false)` (the fewest options that read SIPRI's file) and CHECKPOINT, DuckDB's default "
    "parallel reader (the project reads a file without quotes in parallel too, as lines, each split at its commas: "
    "a reader guessing where quoted rows start split a row of the 5M file in two now and then); "
    "*pandas*: `pandas.read_csv` → typed columns → "
    "`SipriRegister.validate(lazy=True)` → drop failing rows → DuckDB table. The project does more than either "
    "(broken records joined, deliveries table, every "
    "failure with file/line/column/value/rule, curated files, views).",
    "Synthetic registers: `bench/synth.py`, seeded, written to bench/data/ (git-ignored), named synthetic-… and "
    "saying so in their first line; never loaded into the real warehouse.",
    "Queries: `dashboard.charts.frame(chart, default parameters)` with the cache off, 100 runs after one warm-up "
    "(p95 of 30 runs was the second-slowest run: one hiccup of a shared machine decided it), "
    "in a fresh process on the warehouse built from the real data (and from the largest synthetic register); "
    "the baseline is a `SELECT 1` through the same path (`dashboard.data.query`).",
    "HTTP: the server as `python -m dashboard` runs it (gunicorn's asyncio worker, 2 processes, the WSGI app in "
    "a2wsgi's threads: dashboard/asgi.py) on 127.0.0.1; load from a separate process "
    "(`bench.loadgen`: 4 threads, keep-alive, bounded in time and count), after a warm-up of 20 requests. Datasette "
    "(from PyPI) serves a SQLite copy of the same tables and answers the SQL of chart platform_matrix "
    "(`?sql=…&_shape=array`, the same 205 rows) in the same run. Cache-off rows: a second server with DEFEX_CACHE=0.",
    "Serving: `bench.mixed` (the requests of tests/reliability/test_load: pages through Dash's router, embeds, API), "
    "50 clients one request at a time for 20 s while `python -m etl run` refreshes the warehouse at 3 s and 11 s, "
    "after every request twice as warm-up; then 6 requests of /api/v1/charts alone and beside 200 silent "
    "connections, 50 that sent one request and idle, 10 whose body never ends (5 s socket timeout). Baseline in "
    "the same run: gunicorn's sync workers (2) on `dashboard.app:server`, the model before issue 13.",
    "Browser: Debian's Chromium through Playwright, warm; time from `goto` to the first plotly trace drawn "
    "(first grid row on /deals, /sources, /quality), median of 3; baseline: an embed page drawing one chart.",
    "Static export: `dashboard.export.export` (HTML, PNG, SVG, CSV per chart) with its kaleido server started; "
    "the first chart pays for Chromium's first page and is reported apart; baseline: the same three files of a "
    "one-point figure.",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--full", action="store_true", help="add the 5M-record register (BENCH=full)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "bench.md")
    parser.add_argument(
        "--wait",
        type=float,
        default=None,
        help="seconds to wait at most for a quiet machine (load average ≤ 1.0) before measuring; "
        "default $BENCH_WAIT, else 600 with --full and 0 in quick mode",
    )
    parser.add_argument("--only", default="etl,queries,http,serving,browser,export", help="sections to run")
    args = parser.parse_args(argv)
    mode = "full" if args.full else "quick"
    sections = set(args.only.split(","))
    sizes = {"100k": 100_000, "1m": 1_000_000} | ({"5m": 5_000_000} if args.full else {})
    largest = list(sizes)[-1]
    started = time.perf_counter()
    info = machine(mode)
    log(f"bench ({mode}): {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB")
    for label, rows in sizes.items():
        log(f"synthetic register {label}: {synth.write(rows)}")
    wait = args.wait if args.wait is not None else float(os.environ.get("BENCH_WAIT", 600 if args.full else 0))
    info["load_waited"] = wait_for_quiet(wait)
    info["load_start"] = load_average()
    work = Path(tempfile.mkdtemp(prefix="defex-bench-"))
    results, rows = {"mode": mode}, []
    try:
        real = sipri_folder()
        tiv = sorted(p for p in real.glob("*.csv") if not p.name.startswith("trade-register")) if real else []
        etl: dict = {}
        # ETL always runs: it builds the warehouses the other sections read
        if real:
            register = next(real.glob("trade-register*.csv"))
            etl["real"] = etl_bench.measure("real", register, real, work, 3, log)
            etl["real_command"] = etl_bench.command_time(real, work, 3)
        for label, count in sizes.items():
            path = synth.path_for(count)
            folder = etl_bench.folder_for(path, tiv, work)
            repeats = 3 if count <= 1_000_000 else 1
            etl[label] = etl_bench.measure(label, path, folder, work, repeats, log)
        results["etl"] = etl
        rows += etl_rows(etl, list(sizes), largest)
        warehouse = Path(etl["real"]["warehouse"]) if "real" in etl else Path(etl[largest]["warehouse"])

        def queries():
            log("queries: real data")
            q_real = run_json(["-m", "bench.queries", str(QUERY_RUNS)], {"DEFEX_DB": str(warehouse)})
            log(f"queries: {largest} warehouse")
            q_big = run_json(["-m", "bench.queries", str(QUERY_RUNS)], {"DEFEX_DB": etl[largest]["warehouse"]})
            results["queries"] = {"real": q_real, largest: q_big}
            return query_rows(q_real, q_big, largest)

        def http():
            log("http: gunicorn, static file, Datasette")
            results["http"] = http_bench.run(warehouse, work)
            return http_rows(results["http"])

        def serving():
            log("serving: the mixed crowd during refreshes, and idle clients, beside the sync workers")
            results["serving"] = mixed.bench(work, real, log=log)
            return serving_rows(results["serving"])

        def browser():
            log("browser: every page in headless Chromium")
            port = http_bench.free_port()
            with http_bench.gunicorn(warehouse, port, True, work / "browser-gunicorn.log"):
                results["browser"] = run_json(["-m", "bench.browser", f"http://127.0.0.1:{port}", "3"])
            return browser_rows(dict(results["browser"]))

        def export():
            log("static export")
            results["export"] = run_json(
                ["-m", "bench.export_bench", str(work / "export")], {"DEFEX_DB": str(warehouse)}
            )
            return export_rows(results["export"])

        for name, section in (
            ("queries", queries),
            ("http", http),
            ("serving", serving),
            ("browser", browser),
            ("export", export),
        ):
            if name not in sections:
                continue
            try:
                rows += section()
            except Exception as exc:  # a section that cannot run (no Chromium…) is reported, not fatal
                log(f"{name}: not run: {exc}")
                results[f"{name}_error"] = str(exc)[-2000:]
                rows.append(Row(f"{name}: not run", str(exc).splitlines()[0][:80], "—", "—", "—", False))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    info["load_end"] = load_average()
    info["seconds"] = round(time.perf_counter() - started, 1)
    print(text_table(rows))
    met = [r for r in rows if r.met is not None]
    print(
        f"\n{sum(r.met for r in met)} of {len(met)} targets met; machine: {info['cpu']}, {info['cores']} cores, "
        f"{info['memory_gb']} GB, load {info['load_start']} → {info['load_end']}; {info['seconds']} s; "
        f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}"
    )
    write(rows, results, info, args.out, args.docs, NOTES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
