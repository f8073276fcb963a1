"""The SIPRI import: every CSV export in a folder, recognised by its header, extracted by its source module,
checked across files (one file per table and vintage), shaped into the warehouse's sipri_* tables.

A folder that does not exist means no SIPRI import (not an error); a CSV in it that is not a SIPRI export stops
the run (InputError, exit 2). Several vintages of a table may be imported side by side.
"""

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl import interrupt, readcsv
from etl.errors import Failure
from etl.sources import sipri_file, sipri_per_delivery, sipri_register, sipri_tiv

TIV_COLUMNS = list(sipri_tiv.SipriTiv.to_schema().columns)


@dataclass
class SipriInputs:
    directory: Path | None = None  # set only when at least one file was imported
    register: list[sipri_register.Staged] = field(default_factory=list)  # typed in DuckDB, not in pandas
    tiv: list[pd.DataFrame] = field(default_factory=list)
    checksums: dict[str, str] = field(default_factory=dict)  # file as shown -> sha256
    failures: list[Failure] = field(default_factory=list)


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


def extract_dir(
    directory: Path | None,
    con: duckdb.DuckDBPyConnection | None,
    kinds: tuple = REGISTERS + TIV_TABLES,
    target: str | None = None,
) -> SipriInputs:
    """Extract every SIPRI export in the folder (of the given kinds: sipri_file.kind_of); InputError (exit 2) at
    the first file that is not readable. Registers are staged in `con` (views register_<n>…) and, with `target`
    (the catalog of the warehouse being built), written into its sipri_register once they pass; TIV tables are
    small and come back as frames."""
    return extract(scan(directory, kinds), directory, con, target)


def scan(directory: Path | None, kinds: tuple) -> list[sipri_file.Export]:
    """Every SIPRI export in the folder of the given kinds, read once (sipri_file.read: checksum, encoding, line
    ends, header); InputError (exit 2) at the first file that is not readable."""
    return [sipri_file.read(path) for path in files(directory) if sipri_file.kind_of(path) in kinds]


def extract(
    exports: list[sipri_file.Export],
    directory: Path | None,
    con: duckdb.DuckDBPyConnection | None,
    target: str | None = None,
) -> SipriInputs:
    """The exports of a folder (scan()) extracted by their source modules, checked across files."""
    inputs = SipriInputs()
    seen: dict = {}
    for export in exports:
        interrupt.check()
        if export.kind in REGISTERS:  # either layout of the register, each staged in DuckDB by its module
            if con is None:  # extract_dir(…, None, TIV_TABLES) reads no register: a register needs its stage
                raise ValueError(f"{export.name}: a SIPRI register is staged in DuckDB; no connection was given")
            module = sipri_per_delivery if export.kind == "per_delivery" else sipri_register
            frame, vintage, failures = module.parse(export, con, f"register_{len(inputs.register)}", target)
        else:
            frame, vintage, failures = sipri_tiv.parse(export)
        key = ("register" if export.kind in REGISTERS else export.kind, vintage)  # either layout: one register
        if vintage is not None and key in seen:
            rule = f"one file per SIPRI table and vintage: {seen[key]} is the same {export.kind} export"
            failures.append(Failure(export.name, 0, "Data generated", str(vintage), rule))
        seen.setdefault(key, export.name)
        inputs.failures += failures
        (inputs.register if export.kind in REGISTERS else inputs.tiv).append(frame)
        inputs.checksums[export.name] = export.sha256
        inputs.directory = directory
    return inputs


def merge(first: SipriInputs, second: SipriInputs) -> SipriInputs:
    """The inputs of two extract_dir calls on the same folder (of different kinds) as one."""
    return SipriInputs(
        first.directory or second.directory,
        first.register + second.register,
        first.tiv + second.tiv,
        first.checksums | second.checksums,
        first.failures + second.failures,
    )


def tables(inputs: SipriInputs) -> dict[str, pd.DataFrame]:
    """The sipri_tiv table (empty when nothing was imported). The register's tables stay in DuckDB (staged by
    etl.sources.sipri_register; etl/sql/links/ links Türkiye's records to platforms once the aliases are written)."""
    return {"sipri_tiv": _concat(inputs.tiv, TIV_COLUMNS)}


def registers(inputs: SipriInputs) -> list[sipri_register.Staged]:
    """The staged register files in the order they are loaded: by vintage (then name), as ORDER BY vintage,
    record_no would put them."""
    return sorted(inputs.register, key=lambda s: (s.vintage is None, s.vintage or 0, s.name))


def codes(inputs: SipriInputs, con: duckdb.DuckDBPyConnection, tiv: pd.DataFrame) -> set[str]:
    found = set(tiv["iso3"])
    for staged in inputs.register:
        found |= {code for (code,) in con.execute(f"SELECT iso3 FROM {staged.codes} WHERE iso3 IS NOT NULL").fetchall()}
    return found


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat([f[columns] for f in frames], ignore_index=True)
