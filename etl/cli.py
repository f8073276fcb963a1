"""python -m etl run|check|status|due|fetch — exit 0 success, 1 the data failed validation, 2 bad usage or input."""

import argparse
import gc
import json
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from etl import config, warehouse
from etl.errors import CoverageShrank, InputError, ValidationFailed

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("run", "validate data/raw and rebuild the warehouse"),
        ("check", "validate only; writes nothing"),
    ):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--raw-dir", type=Path, default=config.RAW_DIR, help="curated CSVs (default: data/raw)")
        sub.add_argument(
            "--sipri-dir",
            type=Path,
            default=None,
            help="SIPRI CSV exports (default: $DEFEX_SIPRI_DIR or data/raw/sipri)",
        )
        sub.add_argument(
            "--db",
            type=Path,
            default=None,
            help="warehouse path (default: $DEFEX_DB or data/warehouse/defence_exports.duckdb)",
        )
        if name == "run":
            sub.add_argument(
                "--allow-shrink",
                action="store_true",
                help="publish even when a table keeps less than half the rows of the published warehouse",
            )
    status = commands.add_parser("status", help="runs, row counts and data as of")
    status.add_argument("--db", type=Path, default=None)
    text = "each source's latest period and when its next release is due"
    due = commands.add_parser("due", help=text, description=text)
    due.add_argument("--db", type=Path, default=None)
    text = "download SIPRI's trade register and TIV table of exports, each with a manifest"
    fetch = commands.add_parser("fetch", help=text, description=text)
    fetch.add_argument("source", choices=["sipri"])
    fetch.add_argument(
        "--sipri-dir", type=Path, default=None, help="where to write (default: $DEFEX_SIPRI_DIR or data/raw/sipri)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "fetch":
        return fetch(args.sipri_dir)
    db = args.db or config.db_path()
    if args.command == "status":
        return status(db)
    if args.command == "due":
        return due(db)
    from etl import interrupt

    before = warehouse.published(db) if args.command == "run" and not db.is_dir() else None
    with interrupt.handled():
        try:
            return _run(args, db)
        except BaseException:
            if not interrupt.requested.is_set():
                raise
            print(interrupted(db, before, args.command == "check"), file=sys.stderr)
            return INTERRUPTED


def fetch(folder: Path | None) -> int:
    """SIPRI's exports downloaded (etl.fetch); exit 2 with the reason, every file left as it was, when any fails."""
    from etl import fetch as fetcher

    try:
        fetcher.sipri(folder, say=lambda line: print(line, file=sys.stderr))
    except InputError as exc:
        print(f"error: {exc}; nothing in the SIPRI folder was changed", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; nothing in the SIPRI folder was changed", file=sys.stderr)
        return INTERRUPTED
    print("fetched; `make etl` imports them")
    return 0


def interrupted(db: Path, before: Path | None, check_only: bool) -> str:
    """The line for a run stopped by Ctrl-C (etl.interrupt): exactly what is published now."""
    from etl.readcsv import display

    if check_only:
        return "interrupted; nothing was written"
    now = warehouse.published(db)
    if now is None:
        return "interrupted; nothing was published"
    if now != before:
        return f"interrupted after the swap: {display(db)} -> {now.name} is published, the new warehouse complete"
    return f"interrupted; nothing was changed: {display(db)} -> {now.name} is still published"


def _run(args: argparse.Namespace, db: Path) -> int:
    try:
        from etl import load  # heavy imports only for the commands that need them

        gc.freeze()  # the modules' objects live to the end: the collector need not walk them again during the run

        started = time.perf_counter()
        result = load.run(
            args.raw_dir,
            db,
            args.sipri_dir or config.sipri_dir(),
            check_only=args.command == "check",
            allow_shrink=getattr(args, "allow_shrink", False),
        )
    except CoverageShrank as exc:
        print(exc.report(), file=sys.stderr)
        return exc.exit_code
    except ValidationFailed as exc:
        print(exc.report(), file=sys.stderr)
        return exc.exit_code
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    counts = ", ".join(f"{k} {v}" for k, v in result["row_counts"].items())
    for warning in result.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    if args.command == "check":
        print(f"check passed: {counts}")
    else:
        print(f"warehouse {db} -> {result['version']} (run {result['run_id']}, {time.perf_counter() - started:.2f} s)")
        print(f"rows: {counts}")
        if result.get("changes"):
            print(result["changes"])
    return 0


def _rows(db: Path, sql: str, what: str) -> list[tuple] | None:
    """The rows of one query of the warehouse, read-only; None, with the error said, when it cannot answer."""
    try:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()
    except duckdb.Error as exc:
        print(f"error: {db}: {what} ({type(exc).__name__}); rebuild it with `make etl`", file=sys.stderr)
        return None


def due(db: Path, today: date | None = None) -> int:
    """The release watch (v_release_watch): what to curate or fetch, the most overdue first."""
    today = today or datetime.now(UTC).date()
    rows = _rows(db, "SELECT source, latest_period, published, cadence, next_period, due FROM v_release_watch",
                 "no release watch in it")  # fmt: skip
    if rows is None:
        return 2
    for source, latest, published, cadence, following, when in rows:
        late = (today - when).days
        state = f"overdue by {late} days" if late > 0 else f"due in {-late} days" if late < 0 else "due today"
        print(f"{source}: latest {latest} (published {published}); {cadence}; next {following} due {when}, {state}")
    return 0


def status(db: Path) -> int:
    if not db.exists():
        print(f"error: no warehouse at {db}; build it with `make etl`", file=sys.stderr)
        return 2
    runs = _rows(
        db,
        "SELECT run_id, started_at, finished_at, outcome, row_counts, data_as_of "
        "FROM etl_runs ORDER BY started_at DESC",
        "not a readable warehouse",
    )
    if runs is None:
        return 2
    print(f"warehouse: {db} -> {db.resolve().name}")
    latest = runs[0]
    print(f"latest run: {latest[0]}  {latest[3]}  finished {latest[2]:%Y-%m-%d %H:%M:%S} UTC  data as of {latest[5]}")
    print("row counts:")
    for table, count in json.loads(latest[4]).items():
        print(f"  {table:<16} {count:>7}")
    print(f"runs recorded: {len(runs)}")
    for run in runs[:10]:
        print(f"  {run[0]}  {run[3]}")
    failed = db.with_name("runs.jsonl")
    if failed.exists():
        lines = failed.read_text(encoding="utf-8", errors="replace").splitlines()
        entries = [e for line in lines if (e := _entry(line))]  # a run killed while writing leaves half a line
        if entries:
            print(f"failed runs (warehouse left unchanged): {len(entries)}; latest: {entries[-1]['started_at']}")
    return 0


def _entry(line: str) -> dict | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) and "started_at" in entry else None
