"""The ETL run: extract -> parse -> validate (every failure at once) -> build a new file -> publish.

load inputs   read every curated file (and SIPRI exports), type each column
validate      pandera models, references, names; raise ValidationFailed with every failure
save          write a new versioned DuckDB file, run the views, then swap it in atomically
"""

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl import fx, harmonise, interrupt, sidecar, sipri, sqlcheck, steps, warehouse
from etl.config import DEFAULT_DB, SQL_DIR
from etl.countries import is_derived, iso3_name, kind
from etl.errors import CoverageShrank, Failure, ValidationFailed, WarehouseUnwritable
from etl.readcsv import LINE, display, read_bytes
from etl.sources import curated, sipri_register
from etl.validate import check, parse, references

CONFIRMED_STATUSES = ("signed", "in_production", "delivering", "delivered")
TABLE_ORDER = [
    "publishers",
    "sources",
    "export_figures",
    "growth_quotes",
    "countries",
    "firms",
    "platforms",
    "aliases",
    "firm_figures",
    "deals",
    "deal_deliveries",
    "deal_steps",
    "events",
    "destination_figures",
    "sipri_register",
    "sipri_deliveries",
    "sipri_tiv",
    "raw_files",
]
ORDER_KEYS = {"sipri_tiv": "vintage, direction, country, year"}
STAGED = ("sipri_register", "sipri_deliveries")  # written by the register's importer as its files pass, not from frames
# tables of etl/sql/ that write() does not fill, and who does
WRITTEN_ELSEWHERE = {
    "sipri_delivery_tiv": "the register's importers",
    "sipri_deals": "etl/sources/sipri_per_delivery.py",
    "etl_runs": "run(), after the tables",
}
MEMORY_LIMIT = "512MB"  # DuckDB's buffer for the run; a large SIPRI register spills to a temporary folder
STAGE = "stage"  # the in-memory database the registers are read in (the warehouse file is attached beside it)
BUILDING = "building"  # the catalog of the new warehouse file, attached to the run's connection


@dataclass
class Inputs:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # table -> file as shown to the user
    checksums: dict[str, str] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    sipri_inputs: sipri.SipriInputs = field(default_factory=sipri.SipriInputs)
    provenance: list[dict] = field(default_factory=list)  # one row of raw_files per curated file (etl.sidecar)


def sha256(path: Path) -> str:
    return hashlib.sha256(read_bytes(path)).hexdigest()


def extract_all(
    raw_dir: Path, sipri_dir: Path | None, con: duckdb.DuckDBPyConnection, target: str | None = None
) -> Inputs:
    """Read, type and check every curated file and SIPRI export; InputError (exit 2) stops at an unreadable file.
    SIPRI registers are staged in `con` (its in-memory database) and, once they pass, written into the warehouse
    being built (`target`), in a second thread: DuckDB works there while pandas and pandera check the curated
    files, then SIPRI's TIV tables, here (2 cores, 2 tasks; Python work in one thread only, as the threads share
    one interpreter lock). The two share nothing: the register's records are linked to the curated platforms in
    the warehouse, by SQL (etl/sql/links/), once both are written."""
    inputs = Inputs()
    # Each register's pass over its bytes first, alone: that Python loop would otherwise wait on the interpreter
    # lock behind the curated files' checks, and every DuckDB step of the register comes after it.
    registers = sipri.scan(sipri_dir, sipri.REGISTERS)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sipri") as pool:
        staged = pool.submit(sipri.extract, registers, sipri_dir, con, target)
        try:
            _extract_curated(raw_dir, inputs)
            tiv = sipri.extract_dir(sipri_dir, None, sipri.TIV_TABLES)
            inputs.sipri_inputs = sipri.merge(_waited(staged, con), tiv)
        except BaseException:
            _waited(staged, con, raising=False)
            raise
    inputs.failures += inputs.sipri_inputs.failures
    inputs.checksums |= inputs.sipri_inputs.checksums
    return inputs


def _waited(future: Future, con: duckdb.DuckDBPyConnection, raising: bool = True):
    """The register thread's result; after Ctrl-C, each of its queries is interrupted as it starts, so that the
    thread stops at once instead of being waited for (con.interrupt() stops only the query running then)."""
    while not wait([future], timeout=0.05).done:
        interrupt.stop(con)
    return future.result() if raising else None


def _extract_curated(raw_dir: Path, inputs: Inputs) -> None:
    """Every curated file read, typed and checked."""
    for spec in curated.FILES:
        interrupt.check()
        path = raw_dir / spec.file
        frame, failures = curated.extract(path, spec.model)
        name = display(path)
        typed, parse_failures = parse(frame, spec.model, name)
        inputs.failures += failures + parse_failures + check(typed, frame, spec.model, name, parse_failures)
        inputs.tables[spec.table], inputs.files[spec.table] = typed, name
        inputs.checksums[name] = sha256(path)
        provenance, failures = sidecar.read(path)
        inputs.failures += failures
        inputs.provenance.append(
            {"file": name, "sha256": inputs.checksums[name], "sidecar": display(sidecar.path_of(path)), **provenance}
        )
    inputs.failures += references(inputs.tables, inputs.files, curated.REFERENCES)
    _harmonise(inputs)


def _harmonise(inputs: Inputs) -> None:
    t, f = inputs.tables, inputs.files
    t["deals"]["buyer_iso3"], failures = harmonise.buyers(t["deals"], f["deals"])
    inputs.failures += failures
    t["events"]["countries"], failures = harmonise.country_lists(t["events"], f["events"])
    inputs.failures += failures
    t["destination_figures"]["destination_iso3"], failures = harmonise.destinations(
        t["destination_figures"], f["destination_figures"]
    )
    inputs.failures += failures
    inputs.failures += steps.check(t["deal_steps"], t["deals"], f["deal_steps"], f["deals"])
    inputs.failures += harmonise.iso_codes(t["firms"], "country", f["firms"])
    firm_aliases, failures = harmonise.aliases(t["firms"], "firm", "firm_id", f["firms"])
    platform_aliases, more = harmonise.aliases(t["platforms"], "platform", "platform_id", f["platforms"])
    inputs.failures += failures + more
    t["aliases"] = pd.concat([firm_aliases, platform_aliases], ignore_index=True)


def prepare(inputs: Inputs, con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Shape validated frames into the warehouse tables (derived columns only; no value is changed)."""
    t = {name: frame.drop(columns=[LINE], errors="ignore") for name, frame in inputs.tables.items()}
    deals = t["deals"]
    for column in ("order_year_uncertain", "quantity_uncertain"):
        deals[column] = deals[column] == "true"
    deals["supplier_iso3"] = "TUR"
    deals["confirmed"] = deals["status"].isin(CONFIRMED_STATUSES) & (deals["confidence"] != "L")
    converted = _converted(deals, t["deal_steps"], t["sources"])
    deals[["value_usd_m_converted", "fx_rate", "fx_date", "fx_basis"]] = converted
    t["deal_deliveries"] = (
        deals[["deal_id", "delivery_years"]]
        .dropna()
        .assign(year=lambda d: d["delivery_years"].str.split(";"))
        .explode("year")
        .astype({"year": int})[["deal_id", "year"]]
        .drop_duplicates()
    )
    t |= sipri.tables(inputs.sipri_inputs)
    t["raw_files"] = pd.DataFrame(inputs.provenance, columns=sidecar.COLUMNS)
    codes = set(deals["buyer_iso3"]) | {c for cs in t["events"]["countries"] for c in cs} | set(t["firms"]["country"])
    codes |= set(t["destination_figures"]["destination_iso3"].dropna())
    codes |= {"TUR"} | sipri.codes(inputs.sipri_inputs, con, t["sipri_tiv"])
    t["countries"] = pd.DataFrame([(c, iso3_name(c), kind(c)) for c in sorted(codes)], columns=["iso3", "name", "kind"])
    return t


def _converted(deals: pd.DataFrame, deal_steps: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """A value in another currency converted to US$ at the ECB rate of the day the deal was signed (its first signed
    step), or else of the day its source published the value."""
    signed = deal_steps[deal_steps["status"] == "signed"].groupby("deal_id")["date"].min()
    published = deals["source_id"].map(sources.set_index("source_id")["published"])
    on_signing = deals["deal_id"].map(signed)
    dates = on_signing.fillna(published)
    basis = pd.Series("source published", index=deals.index).where(on_signing.isna(), "signed step")
    return fx.convert(deals, dates, basis)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in ("schema.sql", "sipri.sql"):
        con.execute((SQL_DIR / ddl).read_text())


def write(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame], registers: list) -> dict[str, int]:
    """Every table (created by create_tables; the registers' records are written already, as they passed), then
    the links between tables (etl/sql/links/) and the views."""
    _every_table_written(con, tables)
    counts = {}
    for name in TABLE_ORDER:
        interrupt.check()
        if name in STAGED:
            continue
        frame = tables[name]
        sqlcheck.same_columns(con, name, list(frame.columns), f"the frame built for it (etl/load.py, {name})")
        if len(frame):
            con.register("frame", frame)
            key = ORDER_KEYS.get(name, ", ".join(frame.columns[:2]))
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM frame ORDER BY {key}")
            con.unregister("frame")
        counts[name] = len(frame)
    counts |= _register_counts(con, registers)
    for statement in [*sorted((SQL_DIR / "links").glob("*.sql")), *sorted((SQL_DIR / "views").glob("*.sql"))]:
        con.execute(statement.read_text())
    return {name: counts[name] for name in TABLE_ORDER}


def _every_table_written(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> None:
    """ModelMismatch unless every table of etl/sql/ is written (TABLE_ORDER, or WRITTEN_ELSEWHERE) and every frame
    built has its place in TABLE_ORDER: a table left out of either was checked but never written, silently.
    (sipri_deliveries, in TABLE_ORDER for its count, is a view of etl/sql/sipri.sql.)"""
    declared = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() UNION "
            "SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal"
        ).fetchall()
    }
    written = set(TABLE_ORDER) | set(WRITTEN_ELSEWHERE)
    said = [
        f"{what}: {', '.join(sorted(names))}"
        for what, names in (
            ("declared in etl/sql/ but written by no step", declared - written),
            ("built but not in load.TABLE_ORDER", set(tables) - set(TABLE_ORDER)),
            ("in load.TABLE_ORDER but not declared in etl/sql/", written - declared),
        )
        if names
    ]
    if said:
        raise sqlcheck.ModelMismatch("the warehouse's tables and the ETL's steps differ: " + "; ".join(said))


def _register_counts(con: duckdb.DuckDBPyConnection, registers: list) -> dict[str, int]:
    """The register's tables are written by its importer as its files pass (etl.sources.sipri_register), their
    rows linked to platforms: their row counts."""
    deliveries = con.execute("SELECT count(*) FROM sipri_deliveries").fetchall()[0][0]
    return {"sipri_register": sum(s.count for s in registers), "sipri_deliveries": deliveries}


SHRINK = 0.5  # a table keeping less than this share of the published version's rows stops the run


def _from_published(
    con, previous: Path | None, counts: dict[str, int], sipri_dir: Path | None, allow_shrink: bool
) -> None:
    """The published warehouse, attached once: CoverageShrank (exit 1, nothing published) when a table would keep
    less than half the rows it has there (a SIPRI folder gone missing or emptied, a curated file cut short), unless
    `allow_shrink`; then its runs are copied into the new etl_runs."""
    if previous is None:
        return
    try:
        con.execute("ATTACH " + sqlcheck.literal(str(previous)) + " AS published (READ_ONLY)")
    except duckdb.Error:
        return  # not a warehouse this ETL can read: nothing to compare with, no history to copy
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
            registers = inputs.sipri_inputs.register
            counts = {n: len(tables[n]) for n in TABLE_ORDER if n not in STAGED}
            counts["sipri_register"] = sum(s.count for s in registers)
            counts["sipri_deliveries"] = sum(sipri_register.deliveries_count(con, s) for s in registers)
            return {"run_id": None, "row_counts": {n: counts[n] for n in TABLE_ORDER}, "warnings": warnings(tables)}
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
            counts = write(con, tables, sipri.registers(inputs.sipri_inputs))
            _from_published(con, warehouse.published(db), counts, inputs.sipri_inputs.directory, allow_shrink)
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
                    _shown(inputs.sipri_inputs.directory),
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
    return {"run_id": run_id, "row_counts": counts, "db": str(db), "version": version.name, "warnings": said}


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
