"""What every SIPRI Arms Transfers Database CSV export shares: Latin-1 text, a free-text preamble whose length
differs between exports, "Data generated: …" (the vintage of every row), one header line, SIPRI's names.

`read(path)` recognises the file by its header: the trade register or a TIV table (exports or imports).
"""

import codecs
import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from etl import config
from etl.countries import kind, to_iso3
from etl.errors import Failure, InputError
from etl.readcsv import display

ENCODING = "latin-1"  # what SIPRI writes; a file re-saved as UTF-8 (with or without BOM) is read as UTF-8
MAX_PREAMBLE = 50  # lines searched for the header: 11 in the register, 9 in the TIV tables (2024-25 exports)
REGISTER_HEADER = "Recipient,Supplier,Year of order"  # how the trade register's header line starts
TIV_HEADER = re.compile(r"^(Exports by|Recipient),\d{4},")  # a TIV table's: its first column, then years
TIV_KINDS = {"Exports by": "exports", "Recipient": "imports"}
VINTAGE = re.compile(r"^Data generated:\s*(.*?)\s*$")
VINTAGE_FORMAT = "%d %b %Y %I:%M:%S %p"  # 13 Mar 2025 10:02:49 AM
MARKS = {"**": "organisation", "*": "non_state"}  # SIPRI's marker after a name -> the kind it must have here
MISSING_VINTAGE = "the preamble says when SIPRI generated the file ('Data generated: 13 Mar 2025 10:02:49 AM')"
UNKNOWN_NAME = "a SIPRI name known to pycountry (ISO 3166) or to etl/countries.py"
EXPECTED = ("a SIPRI CSV export: a trade register (header 'Recipient,Supplier,Year of order,…') or a TIV "
            "table (header 'Exports by,1950,…' or 'Recipient,1950,…')")


@dataclass(frozen=True)
class Export:
    name: str  # the path as shown to the user
    kind: str  # register | exports | imports (the last two are TIV tables)
    lines: list[str]  # physical lines, without "\n" ("\r" of CRLF files stays; csv drops it)
    header: int  # index of the header line in `lines`; its line number is header + 1
    sha256: str


def read(path: Path) -> Export:
    """The file's text and which SIPRI export it is; InputError (exit 2) when it is unreadable or not one."""
    name = display(path)
    data = _bytes(path, name)
    lines = _decode(data, name).split("\n")
    for index, line in enumerate(lines[: MAX_PREAMBLE + 1]):
        if line.startswith(REGISTER_HEADER):
            return Export(name, "register", lines, index, hashlib.sha256(data).hexdigest())
        if match := TIV_HEADER.match(line):
            return Export(name, TIV_KINDS[match[1]], lines, index, hashlib.sha256(data).hexdigest())
    raise InputError(f"{name}: no SIPRI header line in its first {MAX_PREAMBLE + 1} lines; expected {EXPECTED}")


def _bytes(path: Path, name: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise InputError(f"{name}: empty file; expected {EXPECTED}")
    return data


def _decode(data: bytes, name: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data[:200].count(0) > 20:
        raise InputError(f"{name}: UTF-16 text; SIPRI exports are Latin-1 (ISO-8859-1): download the file again "
                         "or save it as Latin-1 or UTF-8")
    if (nul := data.find(b"\x00")) >= 0:
        raise InputError(f"{name}: binary content (NUL byte at offset {nul}); expected {EXPECTED}")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(ENCODING)


def header(export: Export) -> list[str]:
    return next(csv.reader([export.lines[export.header]]))


def vintage(export: Export) -> tuple[pd.Timestamp | None, list[Failure]]:
    """When SIPRI generated the file ("Data generated: 13 Mar 2025 10:02:49 AM" in the preamble)."""
    for index, line in enumerate(export.lines[: export.header]):
        if match := VINTAGE.match(line.strip()):
            try:
                return pd.Timestamp(datetime.strptime(match[1], VINTAGE_FORMAT)), []
            except ValueError:
                return None, [Failure(export.name, index + 1, "Data generated", match[1],
                                      "a date and time like '13 Mar 2025 10:02:49 AM'")]
    return None, [Failure(export.name, 0, "Data generated", "(missing)", MISSING_VINTAGE)]


def rows(export: Export) -> tuple[list[list[str]], list[int]]:
    """The rows after the header, each with the physical line it starts on; empty lines are skipped."""
    reader = csv.reader(export.lines[export.header + 1:])
    first = export.header + 2
    records, starts, start = [], [], first
    for row in reader:
        if row:
            records.append(row)
            starts.append(start)
        start = first + reader.line_num
    return records, starts


def sipri_code(name: str) -> tuple[str | None, str]:
    """(code, '') for a SIPRI name, or (None, the rule it breaks). SIPRI's markers '*' (non-state party) and
    '**' (international organisation) are not part of the name; the kind etl/countries.py gives must agree."""
    base = name.rstrip("*")
    mark = name[len(base):]
    code = to_iso3(base.strip())
    if code is None:
        return None, UNKNOWN_NAME
    expected = MARKS.get(mark)
    if expected and kind(code) != expected:
        return None, f"SIPRI marks it '{mark}' ({expected}); etl/countries.py gives {code} kind {kind(code)!r}"
    return code, ""


def country_codes(names: pd.Series, lines: pd.Series, file: str, column: str) -> tuple[pd.Series, list[Failure]]:
    """The code of every name (looked up once per distinct name); a failure on each line of an unknown name."""
    known = {name: sipri_code(name) for name in names.dropna().unique()}
    codes = names.map({name: code for name, (code, _) in known.items()})
    bad = names.notna() & codes.isna()
    return codes, [Failure(file, int(lines[i]), column, names[i], known[names[i]][1]) for i in names.index[bad]]


def progress(name: str, steps: int) -> tqdm:
    """A progress bar on stderr when it is a terminal (DEFEX_PROGRESS=0 turns it off, 1 on)."""
    return tqdm(total=steps, desc=name, unit="step", disable=not config.progress_enabled(), leave=False)
