"""The SIPRI import: every CSV export in a folder, recognised by its header, extracted by its source module,
checked across files (one file per table and vintage), shaped into the warehouse's sipri_* tables.

A folder that does not exist means no SIPRI import (not an error); a CSV in it that is not a SIPRI export stops
the run (InputError, exit 2). Several vintages of a table may be imported side by side.
"""

from pathlib import Path

import duckdb
import pandas as pd

from etl import interrupt, readcsv
from etl.errors import Failure
from etl.sources import Extracted, Run, Source, sipri_file, sipri_per_delivery, sipri_register, sipri_tiv

TIV_COLUMNS = list(sipri_tiv.SipriTiv.to_schema().columns)


def files(directory: Path | None) -> list[Path]:
    if directory is None or not directory.is_dir():
        return []
    found = sorted(p for p in directory.iterdir() if p.suffix.lower() == ".csv")
    for path in found:  # a pipe, a device or a folder named *.csv is refused (exit 2), not skipped nor read
        readcsv.regular(path, MAX_BYTES)
    return found


MAX_BYTES = 4 * 1024**3  # bytes in one SIPRI export, read in chunks (SIPRI's real register is 3.8 MB; `make bench`
# BENCH=full writes a synthetic one of 5M records)
REGISTERS = (
    "register",
    "per_delivery",
    None,
)  # a file that is no SIPRI export goes with the registers: read() refuses it
TIV_TABLES = ("exports", "imports")


def scan(directory: Path | None, kinds: tuple) -> list[sipri_file.Export]:
    """Every SIPRI export in the folder of the given kinds, read once (sipri_file.read: checksum, encoding, line
    ends, header); InputError (exit 2) at the first file that is not readable."""
    return [sipri_file.read(path) for path in files(directory) if sipri_file.kind_of(path) in kinds]


def extract(exports: list[sipri_file.Export], directory: Path | None, run: Run | None = None) -> Extracted:
    """The exports of a folder (scan()) extracted by their source modules, checked across files: one file per table
    and vintage (either layout of the register counts as one table). Registers need `run` (its connection to stage
    them in, its target to write them into)."""
    out = Extracted()
    seen: dict = {}
    tiv = []
    for export in exports:
        interrupt.check()
        if export.kind in REGISTERS:  # either layout of the register, each staged in DuckDB by its module
            if run is None:  # a register needs its stage
                raise ValueError(f"{export.name}: a SIPRI register is staged in DuckDB; no connection was given")
            module = sipri_per_delivery if export.kind == "per_delivery" else sipri_register
            frame, vintage, failures = module.parse(export, run.con, f"register_{len(out.staged)}", run.target)
            out.staged.append(frame)
        else:
            frame, vintage, failures = sipri_tiv.parse(export)
            tiv.append(frame)
        key = ("register" if export.kind in REGISTERS else export.kind, vintage)
        if vintage is not None and key in seen:
            rule = f"one file per SIPRI table and vintage: {seen[key]} is the same {export.kind} export"
            failures.append(Failure(export.name, 0, "Data generated", str(vintage), rule))
        seen.setdefault(key, export.name)
        out.failures += failures
        out.checksums[export.name] = export.sha256
        out.directory = directory
    if tiv:
        out.tables["sipri_tiv"] = _concat(tiv, TIV_COLUMNS)
    return out


def extract_registers(run: Run) -> Extracted:
    """The trade registers of the SIPRI folder, either layout: each read in this thread first, alone (that Python
    pass over the bytes would otherwise wait on the interpreter lock behind the curated files' checks), then
    staged, checked and written by DuckDB in Run.pool, while the other sources are read here."""
    exports = scan(run.sipri_dir, REGISTERS)
    return Extracted(later=run.pool.submit(extract, exports, run.sipri_dir, run))


def extract_tiv(run: Run) -> Extracted:
    """SIPRI's TIV tables (exports and imports by year) of the folder, as a frame: they are small."""
    out = extract(scan(run.sipri_dir, TIV_TABLES), run.sipri_dir)
    out.tables.setdefault("sipri_tiv", _concat([], TIV_COLUMNS))  # empty when there is none
    return out


REGISTER_SOURCE = Source(
    name="SIPRI trade registers",
    tables=("sipri_register", "sipri_delivery_tiv", "sipri_deliveries", "sipri_deals"),  # written in DuckDB
    extract=extract_registers,
)
TIV_SOURCE = Source(name="SIPRI TIV tables", tables=("sipri_tiv",), extract=extract_tiv)


def codes(staged: list[sipri_register.Staged], con: duckdb.DuckDBPyConnection, tiv: pd.DataFrame) -> set[str]:
    found = set(tiv["iso3"])
    for one in staged:
        found |= {code for (code,) in con.execute(f"SELECT iso3 FROM {one.codes} WHERE iso3 IS NOT NULL").fetchall()}
    return found


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat([f[columns] for f in frames], ignore_index=True)
