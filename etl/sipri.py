"""The SIPRI import: every CSV export in a folder, recognised by its header, extracted by its source module,
checked across files (one file per table and vintage), shaped into the warehouse's sipri_* tables.

A folder that does not exist means no SIPRI import (not an error); a CSV in it that is not a SIPRI export stops
the run (InputError, exit 2). Several vintages of a table may be imported side by side.
"""

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl.errors import Failure
from etl.harmonise import alias_key
from etl.readcsv import LINE
from etl.sources import sipri_file, sipri_register, sipri_tiv

SOURCES = {"register": sipri_register, "exports": sipri_tiv, "imports": sipri_tiv}  # Export.kind -> module
REGISTER_COLUMNS = list(sipri_register.SipriRegister.to_schema().columns)
TIV_COLUMNS = list(sipri_tiv.SipriTiv.to_schema().columns)


@dataclass
class SipriInputs:
    directory: Path | None = None  # set only when at least one file was imported
    register: list[pd.DataFrame] = field(default_factory=list)
    tiv: list[pd.DataFrame] = field(default_factory=list)
    checksums: dict[str, str] = field(default_factory=dict)  # file as shown -> sha256
    failures: list[Failure] = field(default_factory=list)


def files(directory: Path | None) -> list[Path]:
    if directory is None or not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() == ".csv")


def extract_dir(directory: Path | None) -> SipriInputs:
    """Extract every SIPRI export in the folder; InputError (exit 2) at the first file that is not readable."""
    inputs, seen = SipriInputs(), {}
    for path in files(directory):
        export = sipri_file.read(path)
        frame, vintage, failures = SOURCES[export.kind].parse(export)
        key = (export.kind, vintage)
        if vintage is not None and key in seen:
            rule = f"one file per SIPRI table and vintage: {seen[key]} is the same {export.kind} export"
            failures.append(Failure(export.name, 0, "Data generated", str(vintage), rule))
        seen.setdefault(key, export.name)
        inputs.failures += failures
        (inputs.register if export.kind == "register" else inputs.tiv).append(frame)
        inputs.checksums[export.name] = export.sha256
        inputs.directory = directory
    return inputs


def tables(inputs: SipriInputs) -> dict[str, pd.DataFrame]:
    """The warehouse's sipri_* tables (empty when nothing was imported). platform_id is linked in SQL after load."""
    register = _concat(inputs.register, REGISTER_COLUMNS + [LINE]).rename(columns={LINE: "line"})
    deliveries, _ = sipri_register.deliveries(register)
    keys = {d: alias_key(d) for d in register["designation"].dropna().unique()}
    register = register.assign(designation_key=register["designation"].map(keys), platform_id=None)
    tiv = _concat(inputs.tiv, TIV_COLUMNS)
    return {"sipri_register": register, "sipri_deliveries": deliveries, "sipri_tiv": tiv}


def codes(sipri_tables: dict[str, pd.DataFrame]) -> set[str]:
    register, tiv = sipri_tables["sipri_register"], sipri_tables["sipri_tiv"]
    return set(register["recipient_iso3"]) | set(register["supplier_iso3"]) | set(tiv["iso3"])


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat([f[columns] for f in frames], ignore_index=True)
