"""Read a curated CSV as text, keeping each record's physical line number for error reports."""

import csv
import io
from pathlib import Path

import pandas as pd

from etl.errors import Failure, InputError

LINE = "_line"  # column holding the physical line number of each record


def display(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_text(path: Path, encoding: str = "utf-8") -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{display(path)}: file not found") from None
    except OSError as exc:
        raise InputError(f"{display(path)}: cannot read ({exc.strerror})") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{display(path)}: binary content (NUL byte at offset {nul}); expected a CSV text file")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{display(path)}:{line}: not valid {encoding.upper()} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            f"save the file as {encoding.upper()}"
        ) from None


def read_csv(path: Path) -> tuple[pd.DataFrame, list[Failure]]:
    """Every cell as text (None when empty) plus the failures of the file's shape (ragged rows)."""
    text = read_text(path)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError(f"{display(path)}: empty file; expected a header row and data")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    name = display(path)
    records, lines, failures = [], [], []
    start = reader.line_num
    for row in reader:
        if not any(cell.strip() for cell in row):
            start = reader.line_num
            continue
        line = start + 1
        if len(row) != len(header):
            failures.append(Failure(name, line, "*", f"{len(row)} fields", f"every row has the header's {len(header)} fields"))
        else:
            records.append([cell.strip() or None for cell in row])
            lines.append(line)
        start = reader.line_num
    frame = pd.DataFrame(records, columns=[h.strip() for h in header], dtype=object)
    frame[LINE] = lines
    return frame, failures
