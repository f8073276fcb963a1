"""The ETL run: extract -> parse -> validate (every failure at once) -> build a new file -> publish.

load inputs   read every curated file (and SIPRI exports), type each column
validate      pandera models, references, names; raise ValidationFailed with every failure
save          write a new versioned DuckDB file, run the views, then swap it in atomically
"""

import contextlib
import json
import os
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl import changes, interrupt, sipri, sqlcheck, warehouse
from etl.config import DEFAULT_DB, SQL_DIR
from etl.countries import is_derived, iso3_name, kind
from etl.errors import CoverageShrank, Failure, ValidationFailed, WarehouseUnwritable
from etl.readcsv import display
from etl.sources import Extracted, Run, curated, sipri_extract, sipri_register

# The run's sources, in the order it calls them: the registers first (they read their bytes, then go on in DuckDB
# in the second thread while the others are read in this one). A new source is declared in its module and listed here.
SOURCES = (sipri.REGISTER_SOURCE, curated.SOURCE, sipri.TIV_SOURCE, sipri_extract.SOURCE)
OWN = ("countries", "etl_runs", "etl_changes")  # the tables the run itself writes: every source's codes, its record
HISTORY = ("etl_runs", "etl_changes")  # every run's, copied from the published warehouse: not written nor counted
ORDER_KEYS = {
    "sipri_tiv": "vintage, direction, country, year",
    "sipri_window_totals": "vintage, period_end, supplier_iso3",
}
MEMORY_LIMIT = "512MB"  # DuckDB's buffer for the run; a large SIPRI register spills to a temporary folder
STAGE = "stage"  # the in-memory database the registers are read in (the warehouse file is attached beside it)
BUILDING = "building"  # the catalog of the new warehouse file, attached to the run's connection

Inputs = Extracted  # every source's extract, added up


def extract_all(
    raw_dir: Path, sipri_dir: Path | None, con: duckdb.DuckDBPyConnection, target: str | None = None
) -> Inputs:
    """Every source read, typed and checked (SOURCES, in order); InputError (exit 2) stops at an unreadable file.
    SIPRI registers are staged in `con` (its in-memory database) and, once they pass, written into the warehouse
    being built (`target`), in a second thread: DuckDB works there while pandas and pandera check the curated
    files, then SIPRI's TIV tables, here (2 cores, 2 tasks; Python work in one thread only, as the threads share
    one interpreter lock). The sources share nothing: SIPRI's records are linked to the curated platforms in the
    warehouse, by SQL (etl/sql/links/), once both are written."""
    parts: list[Extracted] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sipri") as pool:
        run = Run(raw_dir, sipri_dir, con, target, pool)
        try:
            for source in SOURCES:
                interrupt.check()
                parts.append(source.extract(run))
            parts = [_waited(part.later, con) if part.later else part for part in parts]
        except BaseException:
            for part in parts:
                if part.later:
                    _waited(part.later, con, raising=False)
            raise
    return sum(parts, Extracted())


def _waited(future: Future, con: duckdb.DuckDBPyConnection, raising: bool = True):
    """The register thread's result; after Ctrl-C, each of its queries is interrupted as it starts, so that the
    thread stops at once instead of being waited for (con.interrupt() stops only the query running then)."""
    while not wait([future], timeout=0.05).done:
        interrupt.stop(con)
    return future.result() if raising else None


def prepare(inputs: Inputs, con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The validated frames as the warehouse's tables: each source's shape (derived columns and tables only; no
    value is changed), then the countries of every code any source uses."""
    t = dict(inputs.tables)
    for source in SOURCES:
        if source.shape is not None:
            t |= source.shape(t)
    deals = t["deals"]
    codes = set(deals["buyer_iso3"]) | {c for cs in t["events"]["countries"] for c in cs} | set(t["firms"]["country"])
    codes |= set(t["destination_figures"]["destination_iso3"].dropna())
    codes |= {"TUR"} | sipri.codes(inputs.staged, con, t["sipri_tiv"]) | set(t["sipri_window_totals"]["supplier_iso3"])
    t["countries"] = pd.DataFrame([(c, iso3_name(c), kind(c)) for c in sorted(codes)], columns=["iso3", "name", "kind"])
    return t


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """etl/sql/schema.sql, sipri_register from its column table, then etl/sql/sipri.sql."""
    con.execute((SQL_DIR / "schema.sql").read_text())
    con.execute(sipri_register.ddl())
    con.execute((SQL_DIR / "sipri.sql").read_text())


def declared(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables (and views) of etl/sql/*.sql in the current database, in the order they were created: an order
    in which every table comes after the tables it references."""
    return [
        r[0]
        for r in con.execute(
            "SELECT name FROM (SELECT table_name AS name, table_oid AS oid FROM duckdb_tables() "
            "WHERE database_name = current_database() UNION ALL SELECT view_name, view_oid FROM duckdb_views() "
            "WHERE database_name = current_database() AND NOT internal) ORDER BY oid"
        ).fetchall()
    ]


def table_order() -> list[str]:
    """The tables the sources write, in the order of etl/sql/ (the order they are written and counted in)."""
    con = duckdb.connect()
    try:
        create_tables(con)
        return [name for name in declared(con) if name not in HISTORY]
    finally:
        con.close()


def write(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Every table from its frame, in the order of etl/sql/ (created by create_tables; the registers' tables are
    written already, as they passed), then the links between tables (etl/sql/links/) and the views; the rows
    of every table the sources write."""
    order = _every_table_written(con, tables)
    for name in order:
        interrupt.check()
        if name not in tables:  # written by its source in SQL
            continue
        frame = tables[name]
        sqlcheck.same_columns(con, name, list(frame.columns), f"the frame built for it ({_source_of(name)})")
        if len(frame):
            con.register("frame", frame)
            key = ORDER_KEYS.get(name, ", ".join(frame.columns[:2]))
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM frame ORDER BY {key}")
            con.unregister("frame")
    for statement in [*sorted((SQL_DIR / "links").glob("*.sql")), *sorted((SQL_DIR / "views").glob("*.sql"))]:
        con.execute(statement.read_text())
    return {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in order}


def _source_of(table: str) -> str:
    return next((s.name for s in SOURCES if table in s.tables), "etl/load.py")


def _every_table_written(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> list[str]:
    """The tables to write and count, in the order of etl/sql/; ModelMismatch unless every table of etl/sql/ is
    written by one source (or the run: OWN) and every frame built is a table of etl/sql/: a table left out of
    either was checked but never written, silently."""
    tables_in_sql = declared(con)
    by_sources = [t for s in SOURCES for t in s.tables] + list(OWN)
    twice = {t for t in by_sources if by_sources.count(t) > 1}
    said = [
        f"{what}: {', '.join(sorted(names))}"
        for what, names in (
            ("declared in etl/sql/ but written by no source", set(tables_in_sql) - set(by_sources)),
            ("built but written by no source", set(tables) - set(by_sources)),
            ("written by a source but not declared in etl/sql/", set(by_sources) - set(tables_in_sql)),
            ("written by two sources", twice),
        )
        if names
    ]
    if said:
        raise sqlcheck.ModelMismatch("the warehouse's tables and the ETL's sources differ: " + "; ".join(said))
    return [name for name in tables_in_sql if name not in HISTORY]


def _would_write(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame], staged: list) -> dict[str, int]:
    """A check-only run's row counts: the frames', and the staged registers' (sipri_deliveries: of every vintage)."""
    deliveries = sum(sipri_register.deliveries_count(con, s) for s in staged)
    in_sql = {
        "sipri_register": sum(s.count for s in staged),
        "sipri_delivery_tiv": deliveries,
        "sipri_deliveries": deliveries,
        "sipri_deals": sum(s.deals for s in staged),
    }
    return {name: len(tables[name]) if name in tables else in_sql[name] for name in table_order()}


SHRINK = 0.5  # a table keeping less than this share of the published version's rows stops the run


def _from_published(
    con, previous: Path | None, counts: dict[str, int], sipri_dir: Path | None, allow_shrink: bool, run_id: str
) -> list[tuple]:
    """The published warehouse, attached once: CoverageShrank (exit 1, nothing published) when a table would keep
    less than half the rows it has there (a SIPRI folder gone missing or emptied, a curated file cut short), unless
    `allow_shrink`; then its runs and changes are copied into the new etl_runs and etl_changes, and what this run
    changes is recorded (etl.changes). Returns those changes."""
    if previous is None:
        return []
    try:
        con.execute("ATTACH " + sqlcheck.literal(str(previous)) + " AS published (READ_ONLY)")
    except duckdb.Error:
        return []  # not a warehouse this ETL can read: nothing to compare with, no history to copy
    try:
        try:
            row = con.execute("SELECT row_counts FROM published.etl_runs ORDER BY started_at DESC LIMIT 1").fetchone()
        except duckdb.Error:
            row = None
        before = json.loads(row[0]) if row and row[0] else {}
        lost = [(table, n, counts[table]) for table, n in before.items()
                if table in counts and n and counts[table] < SHRINK * n]  # fmt: skip
        if lost and not allow_shrink:
            raise CoverageShrank(lost, _shown(sipri_dir))
        with contextlib.suppress(duckdb.Error):  # an older layout: its history stays readable in that file
            con.execute("INSERT INTO etl_runs BY NAME SELECT * FROM published.etl_runs")  # an older file: no warnings
        changes.copy_history(con)
        return changes.record(con, run_id, datetime.now(UTC).replace(tzinfo=None))
    finally:
        con.execute("DETACH published")


def run(
    raw_dir: Path, db: Path, sipri_dir: Path | None = None, check_only: bool = False, allow_shrink: bool = False
) -> dict:
    if not check_only and db.is_dir():
        raise WarehouseUnwritable(
            f"--db {display(db)}: a folder, not a warehouse file; give the file's path, "
            f"e.g. {display(db / DEFAULT_DB.name)}"
        )
    started = datetime.now(UTC).replace(tzinfo=None)
    run_id = started.strftime("%Y%m%dT%H%M%S%fZ")
    # DuckDB creates its spill folder only when it needs it (a large register): nothing is left in the temporary
    # folder by a run that was killed before.
    spill = Path(tempfile.gettempdir()) / f"defex-etl-{os.getpid()}-{run_id}"
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill)})
    con.execute(f"ATTACH ':memory:' AS {STAGE}")
    con.execute(f"USE {STAGE}")
    interrupt.watch(con)
    try:
        interrupt.check()
        if check_only:
            inputs = _validated(raw_dir, sipri_dir, con, None)
            tables = prepare(inputs, con)
            counts = _would_write(con, tables, inputs.staged)
            return {"run_id": None, "row_counts": counts, "warnings": warnings(tables)}
        reason = warehouse.unwritable(db.parent)
        if reason:  # nothing can be built there; the data is checked all the same, and a report comes first
            _validated(raw_dir, sipri_dir, con, None)
            raise WarehouseUnwritable(
                f"{display(db.parent)}: cannot write the warehouse there ({reason}); {unchanged(db)}"
            )
        with warehouse.lock(db):
            return _build(con, db, run_id, started, raw_dir, sipri_dir, allow_shrink)
    finally:
        interrupt.unwatch(con)
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _validated(raw_dir: Path, sipri_dir: Path | None, con, target: str | None, failed=None) -> Inputs:
    """Every input extracted and checked; ValidationFailed with every failure (after `failed`, to record it)."""
    inputs = extract_all(raw_dir, sipri_dir, con, target)
    if inputs.failures:
        if failed:
            failed(inputs.failures)
        raise ValidationFailed(inputs.failures)
    return inputs


def _build(con, db, run_id, started, raw_dir, sipri_dir, allow_shrink=False) -> dict:
    """A new version file, attached to the run's connection before anything is read: the registers' records go
    into it as they pass their checks. Published only when every input passed; removed otherwise."""
    building = warehouse.building_path(db, run_id)
    version = warehouse.version_path(db, run_id)
    try:
        con.execute("ATTACH " + sqlcheck.literal(str(building)) + f" AS {BUILDING}")
        try:
            con.execute(f"USE {BUILDING}")
            create_tables(con)
            con.execute(f"USE {STAGE}")
            inputs = _validated(
                raw_dir, sipri_dir, con, BUILDING, lambda failures: log_failure(db, run_id, started, failures)
            )
            interrupt.check()
            tables = prepare(inputs, con)
            con.execute(f"USE {BUILDING}")
            counts = write(con, tables)
            changed = _from_published(con, warehouse.published(db), counts, inputs.directory, allow_shrink, run_id)
            as_of = con.execute("SELECT max(published) FROM export_figures").fetchone()[0]
            said = warnings(tables)
            con.execute(
                "INSERT INTO etl_runs (run_id, started_at, finished_at, outcome, raw_dir, sipri_dir, inputs, "
                "row_counts, data_as_of, warnings) VALUES (?, ?, ?, 'success', ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    started,
                    datetime.now(UTC).replace(tzinfo=None),
                    display(raw_dir),
                    _shown(inputs.directory),
                    json.dumps(inputs.checksums, sort_keys=True),
                    json.dumps(counts),
                    as_of,
                    json.dumps(said),
                ],
            )
            con.execute(f"CHECKPOINT {BUILDING}")
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # a file invalidated by a failed write cannot be used, only closed
                con.execute(f"USE {STAGE}")
                con.execute(f"DETACH {BUILDING}")
            raise
        con.execute(f"USE {STAGE}")
        con.execute(f"DETACH {BUILDING}")
        warehouse.fsync(building)
        interrupt.check()  # the last moment at which Ctrl-C leaves the published warehouse as it was
        os.replace(building, version)
        warehouse.publish(db, version)
    except BaseException as exc:
        leftovers = [building, building.with_name(building.name + ".wal")]
        if warehouse.published(db) != version.resolve():  # renamed, then the swap failed: no orphaned version
            leftovers.append(version)
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        reason = cannot_write(exc, db.parent)
        if reason:
            raise WarehouseUnwritable(
                f"{display(db.parent)}: cannot write the new warehouse ({reason}); {unchanged(db)}"
            ) from None
        raise
    warehouse.prune(db)
    interrupt.check()  # Ctrl-C after the swap: etl.cli says the new version is published
    return {
        "run_id": run_id,
        "row_counts": counts,
        "db": str(db),
        "version": version.name,
        "warnings": said,
        "changes": changes.summary(changed),
    }


def warnings(tables: dict[str, pd.DataFrame]) -> list[str]:
    """What the run imported but says (not a failure): SIPRI's non-state parties new to etl/countries.py, each with
    the code derived for it."""
    new = [(iso3_name(c), c) for c in tables["countries"]["iso3"] if is_derived(c)]
    if not new:
        return []
    listed = ", ".join(f"{name} ({code})" for name, code in sorted(new))
    return [
        f"{len(new)} part{'y' if len(new) == 1 else 'ies'} new to etl/countries.py, imported as non-state "
        f"(SIPRI marks them '*'): {listed}"
    ]


def unchanged(db: Path) -> str:
    """What a run that stopped before its swap leaves published."""
    return "the published warehouse was not changed" if warehouse.published(db) else "nothing was published"


def cannot_write(exc: BaseException, folder: Path) -> str | None:
    """The reason ('No space left on device', 'Read-only file system' ...) when `exc` is a failed write of a file in
    the warehouse's folder, by Python or by DuckDB; None for anything else."""
    if isinstance(exc, OSError) and exc.filename and Path(exc.filename).parent == folder:
        return exc.strerror or type(exc).__name__
    if isinstance(exc, duckdb.IOException) and str(folder) in str(exc):
        return str(exc).rsplit(": ", 1)[-1].strip() or "an I/O error"
    return None


def _shown(directory: Path | None) -> str | None:
    """The SIPRI folder as recorded in etl_runs: only when something was imported from it."""
    return display(directory) if directory is not None else None


def log_failure(db: Path, run_id: str, started: datetime, failures: list[Failure]) -> None:
    """Failed runs leave the warehouse alone, so they are recorded beside it, in runs.jsonl (when the folder takes
    a write: a full disk must not keep the report from being printed)."""
    entry = {
        "run_id": run_id,
        "started_at": started.isoformat(),
        "outcome": "failed validation",
        "failures": len(failures),
        "first": [str(f) for f in sorted(failures)[:5]],
    }
    with contextlib.suppress(OSError), open(db.with_name("runs.jsonl"), "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
