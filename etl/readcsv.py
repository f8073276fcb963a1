"""Read a curated CSV as text, keeping each record's physical line number for error reports.

What is refused here, before any value is looked at: bytes that are not UTF-8 text (binary content, UTF-16/32,
Latin-1), an empty file or one with a header and no rows, malformed quoting (a quoted field never closed: a
truncated file), the same column twice in the header. A UTF-8 byte-order mark at the very start is accepted and
dropped: it is what Excel's "CSV UTF-8" writes, it carries no data, and refusing it would only send users
round in circles. A byte-order mark anywhere else is an invisible character in a value or a column name, and
is reported as such (etl/validate.py, or as a column missing from the header).
"""

import codecs
import csv
import io
import os
import stat
from pathlib import Path

import pandas as pd

from etl.errors import Failure, InputError

MAX_BYTES = 64 * 1024**2  # bytes in one raw file (the largest curated file has 0.2 MB): a bigger one is refused unread
EXTRA_COLUMNS = 10  # columns beyond a file's schema that are each reported (exit 1); a wider header: exit 2
LINE = "_line"  # column holding the physical line number of each record
UTF8_BOM = "\ufeff"
WIDE_BOMS = {  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}
# The csv module refuses fields over 131,072 characters with an error that names no line. The file is in memory
# already, so read any field and let the length rule (etl/validate.py, MAX_TEXT) report it with its line.
csv.field_size_limit(2**31 - 1)


def display(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
    stat.S_IFSOCK: "a socket",
}


def regular(path: Path, limit: int = MAX_BYTES) -> os.stat_result:
    """The file's status once it is known to be a regular file (links resolved) of at most `limit` bytes;
    InputError (exit 2) otherwise, before anything is opened: a pipe would block the run (holding the build lock)
    and a device such as /dev/zero would never end."""
    name = display(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{name}: file not found") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    refuse_irregular(path, status)
    if status.st_size > limit:
        raise InputError(
            f"{name}: {status.st_size:,} bytes, over the limit of {limit:,} bytes "
            f"({limit // 1024**2} MiB) for a raw file"
        )
    return status


def refuse_irregular(path: Path, status: os.stat_result) -> None:
    if stat.S_ISREG(status.st_mode):
        return
    kind = KINDS.get(stat.S_IFMT(status.st_mode), "not a file")
    target = f", {path.resolve()}" if path.is_symlink() else ""
    raise InputError(
        f"{display(path)}: not a regular file ({kind}{target}); raw files are read from regular files only"
    )


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The file's bytes, at most `limit` of them: regular() first, then opened without blocking (a file swapped for
    a pipe in between does not hang the run) and checked again on what was opened."""
    regular(path, limit)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise InputError(f"{display(path)}: cannot read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        refuse_irregular(path, os.fstat(fd))
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(f"{display(path)}: cannot read ({exc.strerror})") from None
    if len(data) > limit:
        raise InputError(f"{display(path)}: over the limit of {limit:,} bytes ({limit // 1024**2} MiB) for a raw file")
    return data


def read_text(path: Path, encoding: str = "utf-8") -> str:
    data = read_bytes(path)
    for bom, name in WIDE_BOMS.items():
        if data.startswith(bom):
            raise InputError(
                f"{display(path)}: {name} text (byte-order mark {bom.hex(' ').upper()}); "
                f"save the file as {encoding.upper()}"
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        raise InputError(
            f"{display(path)}: binary content (NUL byte on line {line}, offset {nul}); expected a CSV text file"
        )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{display(path)}:{line}: not valid {encoding.upper()} (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save the file as {encoding.upper()}"
        ) from None


def read_csv(path: Path, columns: int | None = None) -> tuple[pd.DataFrame, list[Failure]]:
    """Every cell as text (None when empty) plus the failures of the file's shape (ragged rows, no rows). With
    `columns` (the schema's), a header wider than that plus EXTRA_COLUMNS is refused before any row is parsed:
    each extra column is one failure, and 100,000 of them would take minutes to report."""
    text = read_text(path)
    name = display(path)
    text = text.removeprefix(UTF8_BOM)  # Excel's "CSV UTF-8": see the module's docstring
    if not text.strip():
        raise InputError(f"{name}: empty file; expected a header row and data")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, lines, failures = [], [], []
    try:
        header = [h.strip() for h in next(reader)]
        if columns is not None and len(header) > columns + EXTRA_COLUMNS:
            raise InputError(
                f"{name}:1: the header has {len(header):,} columns; this file has {columns}, and at "
                f"most {EXTRA_COLUMNS} more are reported one by one: refused before its rows are read"
            )
        start = reader.line_num
        for row in reader:
            if not any(cell.strip() for cell in row):
                start = reader.line_num
                continue
            line = start + 1
            if len(row) != len(header):
                rule = f"every row has the header's {len(header)} fields"
                failures.append(Failure(name, line, "*", f"{len(row)} fields", rule))
            else:
                records.append([cell.strip() or None for cell in row])
                lines.append(line)
            start = reader.line_num
    except csv.Error as exc:
        raise InputError(
            f"{name}:{reader.line_num}: malformed CSV ({exc}); a quoted field must end with a quote "
            "followed by a comma or the end of the line (a file cut short ends inside one)"
        ) from None
    if not records and not failures:
        failures.append(Failure(name, 1, "*", "(no rows)", "a curated file has at least one data row after the header"))
    frame = pd.DataFrame(records, columns=range(len(header)), dtype=object)
    keep = _first_of_each_name(header)
    failures += [
        Failure(name, 1, header[i], "(twice)", "each column appears once in the header")
        for i in range(len(header))
        if i not in keep
    ]
    frame = frame[keep].set_axis([header[i] for i in keep], axis=1)
    frame[LINE] = lines
    return frame, failures


def _first_of_each_name(header: list[str]) -> list[int]:
    seen: set[str] = set()
    keep = []
    for i, column in enumerate(header):
        if column not in seen:
            seen.add(column)
            keep.append(i)
    return keep
