"""What every SIPRI Arms Transfers Database CSV export shares: Latin-1 text, a free-text preamble whose length
differs between exports, "Data generated: …" (the vintage of every row), one header line, SIPRI's names.

`read(path)` recognises the file by its header: the trade register or a TIV table (exports or imports).
"""

import codecs
import csv
import functools
import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from etl import config, validate
from etl.countries import kind, new_non_state, to_iso3
from etl.errors import Failure, InputError
from etl.readcsv import display

ENCODING = "latin-1"  # what SIPRI writes; a file re-saved as UTF-8 (with or without BOM) is read as UTF-8
MAX_PREAMBLE = 50  # lines searched for the header: 11 in the register, 9 in the TIV tables (2024-25 exports)
REGISTER_HEADER = "Recipient,Supplier,Year of order"  # how the trade register's header line starts
PER_DELIVERY_HEADER = "SIPRI AT Database ID,Supplier,Recipient"  # the register as SIPRI's web app exports it today
TIV_HEADER = re.compile(r"^(Exports by|Recipient),[0-9]{4},")  # a TIV table's: its first column, then years
TIV_KINDS = {"Exports by": "exports", "Recipient": "imports"}
VINTAGE = re.compile(r"^Data generated:\s*(.*?)\s*$")
VINTAGE_FORMAT = "%d %b %Y %I:%M:%S %p"  # 13 Mar 2025 10:02:49 AM
MARKS = {"**": "organisation", "*": "non_state"}  # SIPRI's marker after a name -> the kind it must have here
MISSING_VINTAGE = "the preamble says when SIPRI generated the file ('Data generated: 13 Mar 2025 10:02:49 AM')"
UNKNOWN_NAME = "a SIPRI name known to pycountry (ISO 3166) or to etl/countries.py"
EXPECTED = (
    "a SIPRI CSV export: a trade register (header 'Recipient,Supplier,Year of order,…' or, one row per delivery, "
    "'SIPRI AT Database ID,Supplier,Recipient,…') or a TIV table (header 'Exports by,1950,…' or 'Recipient,1950,…')"
)


CHUNK = 8 << 20  # bytes read at a time when scanning a file (a 5M-record register is ~650 MB)


@dataclass(frozen=True)
class Export:
    name: str  # the path as shown to the user
    kind: str  # register | exports | imports (the last two are TIV tables)
    path: Path
    head: list[str]  # the physical lines up to the header line, without "\n"
    header: int  # index of the header line in `head`; its line number is header + 1
    sha256: str
    encoding: str  # utf-8 (a UTF-8 BOM is skipped) or latin-1, what SIPRI writes
    plain: bool  # no quote character, no "\r" but in "\r\n": every physical line is one CSV row
    data_lines: int = 0  # physical lines after the header (empty ones too)
    crlf: bool = False  # some lines end in "\r\n"

    @functools.cached_property
    def lines(self) -> list[str]:
        """Every physical line, without "\n" ("\r" of CRLF files stays; csv drops it). Read on first use: the
        TIV tables are small; the register is read by DuckDB (sipri_register.stage) unless it is not plain."""
        data = self.path.read_bytes()
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        return data.decode(self.encoding).split("\n")


@dataclass
class _Scan:
    """What one pass over the bytes finds: checksum, encoding, quotes, line ends."""

    sha256: str = ""
    utf8: bool = True
    quotes: bool = False
    lf: int = 0
    cr: int = 0
    crlf: int = 0
    final_newline: bool = True


def read(path: Path) -> Export:
    """The file's head and which SIPRI export it is; InputError (exit 2) when it is unreadable or not one.
    The file is scanned once in chunks (checksum, encoding, line ends), never held whole in memory."""
    name = display(path)
    raw_lines, index, kind = _find_header(_head(path, name))
    scan = _scan(path, name)
    if kind is None:
        raise InputError(_not_read(name, raw_lines))
    if raw_lines[index].rstrip(b"\r").endswith(b";"):
        raise InputError(
            f"{name}:{index + 1}: its lines end in ';' padding, as a spreadsheet writes when it re-saves a CSV: "
            "download the file from SIPRI again, or save it as CSV without the padding"
        )
    encoding = "utf-8" if scan.utf8 else ENCODING
    lines = [line.decode(encoding, errors="replace") for line in raw_lines[: index + 1]]
    plain = not scan.quotes and scan.cr == scan.crlf  # "\r" only before "\n" (SIPRI's register has both ends)
    rows = scan.lf - index - 1 + (not scan.final_newline)  # physical lines after the header
    return Export(name, kind, path, lines, index, scan.sha256, encoding, plain, rows, scan.crlf > 0)


SEMICOLONS = re.compile(rb"^(Recipient|Exports by);")  # a SIPRI header with ';' between its fields
# a header line of another SIPRI table: words only (SIPRI AT Database ID,Supplier,…), or words then years (Region,
# 1950,…); a record starts with names and numbers instead
OTHER_HEADER = re.compile(rb"^[^,\d]+(,[^,\d]*){3,}\r?$|^[^,\d]+,\d{4},\d{4},")


def _not_read(name: str, lines: list[bytes]) -> str:
    """Why a file with no header this importer reads is refused: a spreadsheet's re-save with ';' between the
    fields, a SIPRI export of another kind (its header named), or no SIPRI export at all."""
    for place, line in enumerate(lines, 1):
        if SEMICOLONS.match(line):
            return (
                f"{name}:{place}: ';' between the fields, as a spreadsheet writes when it re-saves a CSV: "
                "download the file from SIPRI again, or save it as CSV with commas"
            )
    if any(b"SIPRI" in line for line in lines):
        found = next((n for n, line in enumerate(lines) if OTHER_HEADER.match(line)), None)
        if found is not None:
            header = lines[found].decode(ENCODING).rstrip("\r")
            shown = header if len(header) <= 80 else header[:80] + "…"
            return (
                f"{name}:{found + 1}: a SIPRI table this importer does not read (header {shown!r}); it reads "
                f"{EXPECTED.removeprefix('a SIPRI CSV export: ')}"
            )
    return f"{name}: no SIPRI header line in its first {MAX_PREAMBLE + 1} lines; expected {EXPECTED}"


def kind_of(path: Path) -> str | None:
    """register | exports | imports from the file's first lines only (None: not a SIPRI export, or unreadable:
    read() says why)."""
    try:
        return _find_header(_head(path, display(path)))[2]
    except InputError:
        return None


def _find_header(head: bytes) -> tuple[list[bytes], int, str | None]:
    """The first lines of the file's head (a UTF-8 BOM skipped), and (index, kind) of the header line among
    them; the header is ASCII, so it is found the same in any encoding."""
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    lines = head[bom:].split(b"\n")[: MAX_PREAMBLE + 1]
    for index, line in enumerate(lines):
        text = line.decode(ENCODING)
        if text.startswith(REGISTER_HEADER):
            return lines, index, "register"
        if text.startswith(PER_DELIVERY_HEADER):
            return lines, index, "per_delivery"
        if match := TIV_HEADER.match(text):
            return lines, index, TIV_KINDS[match[1]]
    return lines, -1, None


def _head(path: Path, name: str) -> bytes:
    """The first MAX_PREAMBLE + 2 physical lines, as bytes; InputError for a file that is not readable text."""
    try:
        with open(path, "rb") as handle:
            data = b"".join(handle.readline() for _ in range(MAX_PREAMBLE + 2))
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data[:200].count(0) > 20:
        raise InputError(
            f"{name}: UTF-16 text; SIPRI exports are Latin-1 (ISO-8859-1): download the file again "
            "or save it as Latin-1 or UTF-8"
        )
    return data


def _scan(path: Path, name: str) -> _Scan:
    """One pass over the bytes: checksum, NUL bytes, UTF-8 or not, quotes, line ends. (Whitespace at the edge of
    a cell and empty lines are found by DuckDB as it reads: sipri_register._read.)"""
    scan, digest, decoder = _Scan(), hashlib.sha256(), codecs.getincrementaldecoder("utf-8-sig")()
    offset, tail, content = 0, b"", False
    # The checksum is computed beside the other tests, in order, by one more thread (hashlib lets go of the
    # interpreter lock on large buffers): 0.065 s of 0.19 s for 1M records.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256") as hasher, open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            hasher.submit(digest.update, chunk)
            if (nul := chunk.find(b"\x00")) >= 0:
                raise InputError(f"{name}: binary content (NUL byte at offset {offset + nul}); expected {EXPECTED}")
            if scan.utf8 and (not chunk.isascii() or decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    scan.utf8 = False
            scan.quotes = scan.quotes or b'"' in chunk
            content = content or bool(chunk.strip())
            scan.lf += chunk.count(b"\n")
            cr = chunk.count(b"\r") if b"\r" in chunk else 0  # most registers have no "\r" or few chunks with one
            if cr or tail == b"\r":  # a "\r\n" may straddle two chunks
                scan.cr += cr
                scan.crlf += chunk.count(b"\r\n") + (tail == b"\r" and chunk.startswith(b"\n"))
            offset += len(chunk)
            tail = chunk[-1:]
    if scan.utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            scan.utf8 = False
    if not content:
        raise InputError(f"{name}: empty file; expected {EXPECTED}")
    scan.sha256 = digest.hexdigest()
    scan.final_newline = tail == b"\n"
    return scan


def header(export: Export) -> list[str]:
    return next(csv.reader([export.head[export.header]]))


def vintage(export: Export) -> tuple[pd.Timestamp | None, list[Failure]]:
    """When SIPRI generated the file ("Data generated: 13 Mar 2025 10:02:49 AM" in the preamble)."""
    for index, line in enumerate(export.head[: export.header]):
        if match := VINTAGE.match(line.strip()):
            try:
                generated = pd.Timestamp(datetime.strptime(match[1], VINTAGE_FORMAT))
            except ValueError:
                return None, [
                    Failure(
                        export.name,
                        index + 1,
                        "Data generated",
                        match[1],
                        "a date and time like '13 Mar 2025 10:02:49 AM'",
                    )
                ]
            if generated.date() > validate.today():
                return generated, [Failure(export.name, index + 1, "Data generated", match[1], validate.future_date())]
            return generated, []
    return None, [Failure(export.name, 0, "Data generated", "(missing)", MISSING_VINTAGE)]


def rows(export: Export) -> tuple[list[list[str]], list[int]]:
    """The rows after the header, each with the physical line it starts on; empty lines are skipped."""
    reader = csv.reader(export.lines[export.header + 1 :])
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
    mark = name[len(base) :]
    code = to_iso3(base.strip())
    if code is None and mark == "*":  # SIPRI adds non-state parties every year: imported, and said (a warning)
        return new_non_state(base.strip()), ""
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
