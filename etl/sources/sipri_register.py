"""SIPRI trade register: one record per deal, every supplier to every recipient. Constants + extract(path).

The quirks of SIPRI's export (see ../shared/data/sipri/README.md): Latin-1; a preamble of varying length; three
columns named " " holding '?' for the column before each; years written 2022, 2022? or (2025); "Year(s) of
delivery" a "; "-separated list; records broken over two physical lines by an unquoted line break in Comments.
"""

from dataclasses import replace
from pathlib import Path

import pandas as pd

from etl.errors import Failure, InputError
from etl.readcsv import LINE
from etl.schemas import SipriRegister
from etl.sources import sipri_file
from etl.validate import check

HEADER = ["Recipient", "Supplier", "Year of order", " ", "Number ordered", " ", "Weapon designation",
          "Weapon description", "Number delivered", " ", "Year(s) of delivery", "status", "Comments",
          "SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons"]
COLUMNS = ["recipient", "supplier", "order_year", "order_year_flag", "quantity", "quantity_flag", "designation",
           "description", "delivered", "delivered_flag", "delivery_years", "status", "comments", "tiv_per_unit",
           "tiv_total_order", "tiv_delivered"]
# The file's name of each column, for error messages; the flags are named after the column they qualify.
IN_FILE = dict(zip(COLUMNS, HEADER, strict=True)) | {
    "order_year_flag": "' ' after Year of order", "quantity_flag": "' ' after Number ordered",
    "delivered_flag": "' ' after Number delivered",
    "order_year_uncertain": "Year of order", "quantity_uncertain": "Number ordered",
    "delivered_uncertain": "Number delivered", "recipient_iso3": "Recipient", "supplier_iso3": "Supplier",
}
UNCERTAIN = "?"  # SIPRI's mark of an uncertain value, in a flag column or after a year
FLAGGED = {"order_year": "order_year_flag", "quantity": "quantity_flag", "delivered": "delivered_flag"}
YEARS = "(?P<value>\\d{4})"
COUNT = "(?P<value>\\d+)"
# 2022, 2022? or (2025): a '?' or parentheses mark the value uncertain (RE2 syntax: no conditionals)
WRITTEN = r"^(?P<open>\()?{value}(?P<mark>\?)?(?P<close>\))?(?P<after>\?)?$"
WRITTEN_YEAR = "a year, or one marked uncertain: 2022? or (2025)"
WRITTEN_COUNT = "a whole number, or one marked uncertain: 12? or (12)"
YEAR_SEPARATOR = r";\s*"  # "2018; 2019"
TIV = ["tiv_per_unit", "tiv_total_order", "tiv_delivered"]
STEPS = 4  # read, join broken records, parse, validate: the progress bar's steps
BROKEN = ("every record has the header's 16 fields (a record broken over lines by a line break in Comments "
          "is joined when its parts add up to 16)")


def extract(path: Path) -> tuple[pd.DataFrame, pd.Timestamp | None, list[Failure]]:
    """Every record typed, the file's vintage, and every failure; InputError for a file that cannot be read."""
    export = sipri_file.read(path)
    if export.kind != "register":
        raise InputError(f"{export.name}: a SIPRI TIV table ({export.kind}), not the trade register")
    return parse(export)


def parse(export: sipri_file.Export) -> tuple[pd.DataFrame, pd.Timestamp | None, list[Failure]]:
    with sipri_file.progress(f"SIPRI register {export.name}", STEPS) as bar:
        _check_header(export)
        vintage, failures = sipri_file.vintage(export)
        bar.update()
        raw, more = records(export)
        failures += more
        bar.update()
        frame, more = typed(raw, vintage, export.name)
        failures += more
        bar.update()
        failures += check(frame, raw, SipriRegister, export.name, failures)
        bar.update()
    return frame, vintage, [_in_file_terms(f) for f in failures]


def _check_header(export: sipri_file.Export) -> None:
    found = sipri_file.header(export)
    if found != HEADER:
        raise InputError(f"{export.name}:{export.header + 1}: not the trade register's header: expected "
                         f"{','.join(HEADER)!r}, found {','.join(found)!r}")


def records(export: sipri_file.Export) -> tuple[pd.DataFrame, list[Failure]]:
    """The records as text (missing for an empty cell), numbered from 1, with the line each starts on."""
    rows, starts = sipri_file.rows(export)
    rows, starts, failures = join_broken(rows, starts, export.name)
    if not rows:
        raise InputError(f"{export.name}: no records after the header on line {export.header + 1} (truncated?)")
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype="str")  # pyarrow-backed: vectorised str methods
    frame = frame.apply(lambda column: column.str.strip())
    frame = frame.where(frame != "")
    frame.insert(0, "record_no", range(1, len(frame) + 1))
    frame[LINE] = starts
    return frame, failures


def join_broken(rows: list[list[str]], starts: list[int], name: str) -> tuple[list, list, list[Failure]]:
    """Join each short row with the short rows after it while their fields add up to no more than the header's;
    the two halves of the broken cell are joined by a space. A short last record means a truncated file."""
    width = len(HEADER)
    short = [i for i, row in enumerate(rows) if len(row) != width]
    joined, dropped, failures = {}, set(), []
    for i in short:
        if i in dropped or not any(cell.strip() for cell in rows[i]):
            dropped.add(i)
            continue
        merged, j = rows[i], i
        while len(merged) < width and j + 1 < len(rows) and len(rows[j + 1]) < width:
            j += 1
            merged = merged[:-1] + [f"{merged[-1].rstrip()} {rows[j][0].lstrip()}".strip()] + rows[j][1:]
            dropped.add(j)
        if len(merged) == width:
            joined[i] = merged
            continue
        if len(merged) < width and j + 1 == len(rows):
            raise InputError(f"{name}:{starts[i]}: truncated file: the last record has {len(merged)} of the "
                             f"header's {width} fields")
        failures.append(Failure(name, starts[i], "*", f"{len(rows[i])} fields", BROKEN))
        dropped.add(i)
    keep = [i for i in range(len(rows)) if i not in dropped]
    return [joined.get(i, rows[i]) for i in keep], [starts[i] for i in keep], failures


def typed(raw: pd.DataFrame, vintage: pd.Timestamp | None, name: str) -> tuple[pd.DataFrame, list[Failure]]:
    """Parse every column (vectorised); a cell that does not parse is a failure and becomes empty."""
    frame = pd.DataFrame({"vintage": vintage, "record_no": raw["record_no"]}, index=raw.index)
    failures = []
    for column in ("recipient", "supplier"):
        frame[column] = raw[column]
        frame[f"{column}_iso3"], more = sipri_file.country_codes(raw[column], raw[LINE], name, column)
        failures += more
    for column, flag in FLAGGED.items():
        year = column == "order_year"
        value, uncertain, bad = flagged(raw[column], YEARS if year else COUNT)
        failures += _failures(raw, bad, column, name, WRITTEN_YEAR if year else WRITTEN_COUNT)
        wrong_flag = raw[flag].notna() & (raw[flag] != UNCERTAIN)
        failures += _failures(raw, wrong_flag, flag, name, f"'{UNCERTAIN}' (uncertain) or empty")
        frame[column], frame[f"{column}_uncertain"] = value, uncertain | (raw[flag] == UNCERTAIN)
    for column in ("designation", "description", "delivery_years", "status", "comments"):
        frame[column] = raw[column]
    for column in TIV:
        frame[column] = pd.to_numeric(raw[column], errors="coerce")
        failures += _failures(raw, raw[column].notna() & frame[column].isna(), column, name, "a number")
    frame["source_file"] = name
    frame = frame[list(SipriRegister.to_schema().columns)].assign(**{LINE: raw[LINE]})
    _, bad = deliveries(frame)
    failures += _failures(raw, bad, "delivery_years", name, f"years separated by '; ', each {WRITTEN_YEAR}")
    return frame, failures


def flagged(text: pd.Series, value: str = COUNT) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Whole numbers written 12, 12? or (12): the value, whether it is marked uncertain, and what did not parse.
    Each distinct spelling is parsed once."""
    codes, spellings = pd.factorize(text)
    parts = pd.Series(spellings, dtype="str").str.extract(WRITTEN.format(value=value))
    balanced = parts["open"].isna() == parts["close"].isna()
    number = pd.to_numeric(parts["value"].where(balanced)).astype("Int64")
    uncertain = parts["open"].notna() | parts["mark"].notna() | parts["after"].notna()
    number = number.reindex(codes).set_axis(text.index)  # code -1 (an empty cell) -> <NA>
    uncertain = uncertain.reindex(codes, fill_value=False).set_axis(text.index).astype(bool)
    return number, uncertain, text.notna() & number.isna()


def deliveries(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """One row per record and delivery year (vintage, record_no, year, year_uncertain), and the mask of the
    records whose "Year(s) of delivery" does not parse."""
    items = frame["delivery_years"].str.split(YEAR_SEPARATOR, regex=True).explode().dropna()
    year, uncertain, bad = flagged(items.str.strip(), YEARS)
    rows = frame.loc[items.index]
    table = pd.DataFrame({"vintage": rows["vintage"].to_numpy(), "record_no": rows["record_no"].to_numpy(),
                          "year": year.to_numpy(), "year_uncertain": uncertain.to_numpy()})[~bad.to_numpy()]
    table = table.drop_duplicates(["vintage", "record_no", "year"]).reset_index(drop=True)
    return table, frame.index.isin(items.index[bad])


def _failures(raw: pd.DataFrame, mask, column: str, name: str, rule: str) -> list[Failure]:
    return [Failure(name, int(raw.at[i, LINE]), column, str(raw.at[i, column]), rule) for i in raw.index[mask]]


def _in_file_terms(failure: Failure) -> Failure:
    return replace(failure, column=IN_FILE.get(failure.column, failure.column))
