"""SIPRI trade register: one record per deal, every supplier to every recipient. Constants + extract(path).

The quirks of SIPRI's export (see ../shared/data/sipri/README.md): Latin-1; a preamble of varying length; three
columns named " " holding '?' for the column before each; years written 2022, 2022? or (2025); "Year(s) of
delivery" a "; "-separated list; records broken over two physical lines by an unquoted line break in Comments.

The register is read, typed and checked inside DuckDB (a 5M-record file never becomes a pandas frame). Only the
file's lines are stored (a one-column table: a line's place in it is its place in the file); every cell is
stripped, typed, looked up and checked in views over them, and only what fails and the few broken records come
back to Python. The pandera model SipriRegister is applied as SQL (etl.sqlcheck). Given the warehouse being
built (`target`), the records are written into its sipri_register in the pass that checks them: the insert
stops at the first row that breaks a rule, and the full check then reports every failure (a clean file is
read twice, never copied).
"""

import contextlib
import enum
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from etl import sqlcheck, validate
from etl.errors import Failure, InputError
from etl.schemas import SipriRegister
from etl.sources import sipri_file


@dataclass(frozen=True)
class Column:
    """One column of sipri_register, declared once. `header`: SIPRI's name of the cell it is read from (None: the
    importer derives it, with `sql`); `read`: how that cell is typed (text, year, count or number: WRITTEN_YEAR,
    WRITTEN_COUNT or "a number" is the rule a cell that does not parse breaks); `uncertain`: a column named " "
    follows it in the file, holding '?' for an uncertain value, and {name}_uncertain is written beside it. `sql`:
    the value over the views of stage() (c: the cells, r and s: the recipient's and supplier's codes, k: the
    designation's key; {vintage} and {source_file} are the file's). The rules of its values are the pandera model
    etl/schemas.py SipriRegister's (applied as SQL by etl.sqlcheck)."""

    name: str
    type: str  # in the warehouse (DuckDB)
    comment: str = ""
    header: str | None = None
    read: str = "text"
    uncertain: bool = False
    null: bool = False  # the warehouse column may be NULL
    sql: str | None = None
    shown_as: str | None = None  # a derived column's name in the file's terms, in error messages

    @property
    def select(self) -> str:
        if self.sql is not None:
            return self.sql
        return f"nullif({self.name}, '')" if self.read == "text" else f"v_{self.name}"


# sipri_register's columns in the warehouse's order (the file's cells come in the same order): the header check,
# the importer's column lists, the records' SELECT and the table's DDL (ddl()) are generated from it.
REGISTER = (
    Column("vintage", "TIMESTAMP", '"Data generated" of the export', sql="{vintage}"),
    Column("record_no", "INTEGER", "the record's place in the file, from 1 (broken records joined)", sql="record_no"),
    Column("line", "INTEGER", "physical line of the file the record starts on", sql="line"),
    Column("recipient", "VARCHAR", "as written by SIPRI; '*' marks a non-state party, '**' an organisation",
           header="Recipient"),
    Column("recipient_iso3", "VARCHAR", "in countries", sql="r.iso3", shown_as="Recipient"),
    Column("supplier", "VARCHAR", header="Supplier"),
    Column("supplier_iso3", "VARCHAR", "in countries", sql="s.iso3", shown_as="Supplier"),
    Column("order_year", "SMALLINT", "SIPRI's '?' flag, or the year written 2022? or (2022): order_year_uncertain",
           header="Year of order", read="year", uncertain=True),
    Column("quantity", "INTEGER", "Number ordered; empty: not yet known to SIPRI", header="Number ordered",
           read="count", uncertain=True, null=True),
    Column("designation", "VARCHAR", "Weapon designation", header="Weapon designation"),
    Column("description", "VARCHAR", "Weapon description", header="Weapon description", null=True),
    Column("delivered", "INTEGER", "Number delivered", header="Number delivered", read="count", uncertain=True,
           null=True),
    Column("delivery_years", "VARCHAR", 'Year(s) of delivery as written ("2018; 2019"); parsed in sipri_deliveries',
           header="Year(s) of delivery", null=True),
    Column("status", "VARCHAR", "New | Second hand | Second hand but modernized", header="status"),
    Column("comments", "VARCHAR", header="Comments", null=True),
    Column("tiv_per_unit", "DOUBLE", header="SIPRI TIV per unit", read="number", null=True),
    Column("tiv_total_order", "DOUBLE", "empty: number ordered or TIV per unit not available",
           header="SIPRI TIV for total order", read="number", null=True),
    Column("tiv_delivered", "DOUBLE", "TIV of delivered weapons, per deal (not per year); 0: between 0 and 0.5",
           header="SIPRI TIV of delivered weapons", read="number", null=True),
    Column("source_file", "VARCHAR", sql="{source_file}"),
    Column("designation_key", "VARCHAR", "designation folded like aliases.alias_key (etl.harmonise.alias_key)",
           sql="k.designation_key", null=True),
    Column("platform_id", "VARCHAR", "curated platform whose alias designation_key is (etl/sql/links/)",
           sql="NULL::VARCHAR", null=True),
)  # fmt: skip
READ = [c for c in REGISTER if c.header is not None]  # the columns read from the file's cells
HEADER = [h for c in READ if c.header is not None for h in ([c.header, " "] if c.uncertain else [c.header])]
COLUMNS = [n for c in READ for n in ([c.name, f"{c.name}_flag"] if c.uncertain else [c.name])]  # cells, as staged
FLAGGED = {c.name: f"{c.name}_flag" for c in READ if c.uncertain}
TIV = [c.name for c in READ if c.read == "number"]
# The file's name of each column, for error messages; the flags are named after the column they qualify.
IN_FILE: dict[str, str] = (
    {c.name: c.header for c in READ if c.header is not None}
    | {f"{c.name}_flag": f"' ' after {c.header}" for c in READ if c.uncertain}
    | {f"{c.name}_uncertain": c.header for c in READ if c.uncertain and c.header is not None}
    | {c.name: c.shown_as for c in REGISTER if c.shown_as is not None}
)


def ddl(columns: tuple[Column, ...] | None = None) -> str:
    """CREATE TABLE sipri_register, from REGISTER (etl.load.create_tables runs it before etl/sql/sipri.sql)."""
    lines = []
    for c in REGISTER if columns is None else columns:
        for name, type_, comment in [(c.name, c.type, c.comment)] + (
            [(f"{c.name}_uncertain", "BOOLEAN", "")] if c.uncertain else []
        ):
            lines.append((f"    {name} {type_}{'' if c.null and name == c.name else ' NOT NULL'}", comment))
    body = [f"{sql},".ljust(41) + (f"-- {comment}" if comment else "") for sql, comment in lines[:-1]]
    body.append(lines[-1][0].ljust(41) + (f"-- {lines[-1][1]}" if lines[-1][1] else ""))
    return (
        "-- generated from etl/sources/sipri_register.py REGISTER: one row per record of SIPRI's trade register;\n"
        "-- unique: (vintage, record_no)\n"
        "CREATE TABLE sipri_register (\n" + "\n".join(line.rstrip() for line in body) + "\n);"
    )


UNCERTAIN = "?"  # SIPRI's mark of an uncertain value, in a flag column or after a year
FLAGGED = {"order_year": "order_year_flag", "quantity": "quantity_flag", "delivered": "delivered_flag"}
YEARS = r"\d{4}"
COUNT = r"\d+"
# 2022, 2022? or (2025): a '?' or parentheses mark the value uncertain (RE2 syntax: no conditionals)
WRITTEN = r"^(\()?({value})(\?)?(\))?(\?)?$"
PARTS = ["open", "value", "mark", "close", "after"]
WRITTEN_YEAR = "a year, or one marked uncertain: 2022? or (2025)"
WRITTEN_COUNT = "a whole number, or one marked uncertain: 12? or (12)"
TIV = ["tiv_per_unit", "tiv_total_order", "tiv_delivered"]
STEPS = 4  # read, join broken records, type, validate: the progress bar's steps
BROKEN = (
    "every record has the header's 16 fields (a record broken over lines by a line break in Comments "
    "is joined when its parts add up to 16)"
)
DELIVERY_RULE = f"years separated by '; ', each {WRITTEN_YEAR}"
# Columns with few distinct values (names, codes, status): their value-only rules are checked once per value
FEW_VALUES = (
    "recipient",
    "recipient_iso3",
    "supplier",
    "supplier_iso3",
    "designation",
    "description",
    "status",
    "source_file",
)
EXTRA = "extra"  # a 17th column: set only on a row with more fields than the header
IRREGULAR = "_irregular"  # a row's column: it has fewer or more fields than the header
KEPT = "rid, _line"  # the columns of a raw row that typed() keeps beside its cells
GUARD = "a row breaks a rule of the SIPRI register"  # the error that stops the insert: the full check reports


def _space_class() -> str:
    """What Python's str.strip() strips, as an RE2 character class (SIPRI cells are stripped like that)."""
    spaces = [c for c in map(chr, range(0x3001)) if c.isspace()]
    ranges, start = [], spaces[0]
    for before, c in zip(spaces, spaces[1:] + ["\U0010ffff"], strict=True):
        if ord(c) != ord(before) + 1:
            ranges.append(f"\\x{{{ord(start):x}}}" + ("" if start == before else f"-\\x{{{ord(before):x}}}"))
            start = c
    return "[" + "".join(ranges) + "]"


SPACE = _space_class()
EDGE = f"(^|,){SPACE}|{SPACE}(,|$)"  # a line with whitespace at the edge of a cell: its cells are stripped


class Outcome(enum.Enum):
    """How stage() went through a register file."""

    ONE_PASS = "checked and written in one pass: the guarded insert met no row that breaks a rule"
    AFTER_CHECK = "checked in full, then written: the guard stopped the first insert, the full check found nothing"
    CHECKED = "checked only: no warehouse being built, or a failure to report"


@dataclass(frozen=True)
class Staged:
    """One register file typed and checked in DuckDB: `records` (a view, the sipri_register columns, in file order)
    and `deliveries` (a view: one row per record and delivery year). `written`: the catalog whose sipri_register
    holds the records already (stage() with a target), or None."""

    name: str
    vintage: pd.Timestamp | None
    records: str
    deliveries: str
    count: int
    codes: str  # a table: each distinct recipient and supplier name with its code (iso3, NULL when unknown)
    written: str | None = None
    deals: int = 0  # rows for sipri_deals (SIPRI's per-delivery layout only)
    outcome: Outcome = Outcome.CHECKED


@dataclass(frozen=True)
class Survey:
    """What one scan of every row finds: the rows of the wrong width, and each column's distinct values (of the
    rows of the header's width: the records but the broken ones)."""

    irregular: list[dict]
    values: dict[str, set[str]]


def extract(
    path: Path, con: duckdb.DuckDBPyConnection | None = None
) -> tuple[pd.DataFrame, pd.Timestamp | None, list[Failure]]:
    """Every record typed (as a frame: for small files and tests), the file's vintage, and every failure."""
    export = sipri_file.read(path)
    if export.kind != "register":
        raise InputError(f"{export.name}: a SIPRI TIV table ({export.kind}), not the trade register")
    con = con or duckdb.connect()
    staged, failures = stage(export, con, "register")
    return con.execute(f"SELECT * FROM {staged.records}").df(), staged.vintage, failures


def parse(
    export: sipri_file.Export, con: duckdb.DuckDBPyConnection, table: str, target: str | None = None
) -> tuple[Staged, pd.Timestamp | None, list[Failure]]:
    staged, failures = stage(export, con, table, target)
    return staged, staged.vintage, failures


def stage(
    export: sipri_file.Export, con: duckdb.DuckDBPyConnection, table: str, target: str | None = None
) -> tuple[Staged, list[Failure]]:
    """Read the file's rows (views named after `table`), join broken records, type every column, check every rule;
    returns the staged relations and every failure, in the file's terms. With `target` (an attached catalog with
    the warehouse's tables) a file that passes is written into target.sipri_register, in the pass that checks it,
    platform_id empty: etl/sql/links/ links Türkiye's records to the curated platforms once both are written."""
    with sipri_file.progress(f"SIPRI register {export.name}", STEPS) as bar:
        _check_header(export)
        vintage, failures = sipri_file.vintage(export)
        rows = _read(export, con, table)
        bar.update()
        survey = _survey(con, table)
        fixes, dropped, more = _join(export, survey.irregular, rows)
        failures += more
        _fix(con, table, survey.irregular, fixes)
        bar.update()
        gone = sorted(dropped - set(fixes))  # every other row of the wrong width
        if rows == len(gone):
            raise InputError(f"{export.name}: no records after the header on line {export.header + 1} (truncated?)")
        values = _values(survey, fixes, export.name)
        known = _records(export, con, table, gone, vintage, values)
        if any(code is None for code, _ in known.values()):
            failures += _codes(con, table, export.name)
        bar.update()
        checks = _checks(con, values)
        outcome, count = Outcome.CHECKED, None
        with _unordered(con):
            if target and not failures:
                count = _write(con, table, export.name, target, checks)
                if count is not None:
                    outcome = Outcome.ONE_PASS
            _deliveries(con, table, _timestamp(vintage), target if outcome is Outcome.ONE_PASS else None, export.name)
            if outcome is Outcome.CHECKED:
                failures += _check(con, table, export.name, failures, checks)
                if target and not failures:
                    count = _write(con, table, export.name, target, None)
                    if count is not None:
                        outcome = Outcome.AFTER_CHECK
            if target is not None and outcome is not Outcome.CHECKED:
                _write_deliveries(con, table, target)
        if count is None:
            count = con.execute(f"SELECT count(*) FROM {table}_cells").fetchall()[0][0]
        bar.update()
    written = target if outcome is not Outcome.CHECKED else None
    staged = Staged(
        export.name, vintage, f"{table}_records", f"{table}_deliveries", count, f"{table}_codes", written, 0, outcome
    )
    return staged, [_in_file_terms(f) for f in failures]


def _check_header(export: sipri_file.Export) -> None:
    found = sipri_file.header(export)
    if found != HEADER:
        raise InputError(
            f"{export.name}:{export.header + 1}: not the trade register's header: expected "
            f"{','.join(HEADER)!r}, found {','.join(found)!r}"
        )


# -- read: every physical row, a view of its cells stripped and typed ------------------------------------------


def _read(export: sipri_file.Export, con: duckdb.DuckDBPyConnection, table: str) -> int:
    """{table}_src: every physical row after the header as raw cells c01…c17, its place `rid` (from 0), its line
    `_line` and whether it has the header's width; the view {table}_raw: its cells stripped and typed (typed()).
    Returns how many rows there are."""
    if export.plain:
        # No quote, "\r" only before "\n": every physical line is one row and every comma splits a field. DuckDB
        # reads the lines (one column, in parallel: nothing to guess where a line starts, unlike a reader that
        # must tell quoted line breaks from real ones) into {table}_lines, whose rowid is the line's place; the
        # view splits them. An empty line is a row of one empty field. "\r\n" as the line end reads a file of
        # mixed ends right; a file of "\n" only is read with "\n" (the parallel reader refused "\r\n" on a
        # 5M-record file without any "\r"); if it refuses, it reads alone.
        for parallel in ("true", "false"):
            try:
                lines = con.execute(
                    f"CREATE OR REPLACE TABLE {table}_lines AS SELECT l FROM "
                    f"{_lines(export, parallel)}; SELECT count(*) FROM {table}_lines"
                ).fetchall()[0][0]
            except duckdb.NotImplementedException:
                continue
            if lines == export.data_lines:
                con.execute(
                    f"CREATE OR REPLACE VIEW {table}_src AS {_cells(export, f'{table}_lines')}; "
                    f"CREATE OR REPLACE VIEW {table}_raw AS {typed(f'{table}_src', keep=KEPT, edge='_edge')}"
                )
                return export.data_lines
            break
        # not one row per line (not seen in any test): read the file again with Python's csv module, slower but exact
    rows, starts = sipri_file.rows(export)  # quotes (or odd line ends): Python's csv module, lines kept
    table_of(con, f"{table}_src", _frame(rows, range(len(rows)), starts))
    con.execute(f"CREATE OR REPLACE VIEW {table}_raw AS {typed(f'{table}_src', keep=KEPT)}")
    return len(rows)


def _lines(export: sipri_file.Export, parallel: str) -> str:
    """DuckDB's reader of the file's lines after the header, one column `l`."""
    line_end = "\\r\\n" if export.crlf else "\\n"
    return (
        f"read_csv({sqlcheck.literal(str(export.path))}, columns = {{'l': 'VARCHAR'}}, header = false, "
        f"skip = {export.header + 1}, delim = '\\0', quote = '', escape = '', new_line = '{line_end}', "
        f"auto_detect = false, strict_mode = false, encoding = {sqlcheck.literal(export.encoding)}, "
        f"parallel = {parallel})"
    )


def _cells(export: sipri_file.Export, lines: str) -> str:
    """The raw cells c01…c17 of each stored line split at its commas, its place, line and width, and _edge: the
    line has whitespace at a cell's edge."""
    width = len(HEADER)
    cells = ", ".join(f"f[{i}] AS c{i:02d}" for i in range(1, width + 1))
    return (
        f"SELECT {cells}, CASE WHEN len(f) > {width} THEN array_to_string(f[{width + 1}:], ',') END "
        f"AS c{width + 1:02d}, rowid AS rid, {export.header + 2} + rowid AS _line, "
        f"len(f) <> {width} AS {IRREGULAR}, regexp_matches(l, {sqlcheck.literal(EDGE)}) AS _edge "
        f"FROM (SELECT rowid, l, string_split(coalesce(l, ''), ',') AS f FROM {lines})"
    )


def _frame(rows: list[list[str]], rids, lines) -> pd.DataFrame:
    """Rows of fields as the raw cells c01…c17 (c17: what lies beyond the header's width), with place, line and
    width, as _cells() has them."""
    width = len(HEADER)
    cells = {f"c{i + 1:02d}": [row[i] if i < len(row) else None for row in rows] for i in range(width)}
    cells[f"c{width + 1:02d}"] = [",".join(row[width:]) if len(row) > width else None for row in rows]
    return pd.DataFrame(cells, dtype=object).assign(
        rid=list(rids), _line=list(lines), **{IRREGULAR: [len(row) != width for row in rows]}
    )


def step(expr: str, thresholds: list[int]) -> str:
    """SQL counting the thresholds (sorted) that are ≤ expr: a balanced CASE tree, log2(n) comparisons a row."""
    if not thresholds:
        return "0"
    if len(thresholds) == 1:
        return f"(CASE WHEN {expr} >= {thresholds[0]} THEN 1 ELSE 0 END)"
    middle = len(thresholds) // 2
    return (
        f"(CASE WHEN {expr} >= {thresholds[middle]} THEN {middle} + {step(expr, thresholds[middle:])} "
        f"ELSE {step(expr, thresholds[:middle])} END)"
    )


def _strip(column: str, edge: str | None = None) -> str:
    """SQL of the cell stripped as str.strip() would, where `edge` (SQL) says it may need it: by default where
    the cell itself starts or ends with whitespace."""
    edge = edge or f"regexp_matches({column}, '^{SPACE}|{SPACE}$')"
    return f"CASE WHEN {edge} THEN regexp_replace({column}, '^{SPACE}+|{SPACE}+$', '', 'g') ELSE {column} END"


def written(text: str, value: str) -> tuple[str, str]:
    """SQL of (value, marked uncertain) for a number written 12, 12? or (12); NULL value when it does not
    parse (or is empty). Plain digits take a fast path; the rest goes through the pattern."""
    parts = f"regexp_extract({text}, {sqlcheck.literal(WRITTEN.format(value=value))}, {PARTS})"
    plain = f"regexp_full_match({text}, {sqlcheck.literal(value)})"
    number = (
        f"CASE WHEN {plain} THEN TRY_CAST({text} AS BIGINT) WHEN {text} = '' THEN NULL "
        f"WHEN ({parts}.open = '') = ({parts}.close = '') AND {parts}.value <> '' "
        f"THEN TRY_CAST({parts}.value AS BIGINT) END"
    )
    uncertain = (
        f"CASE WHEN {plain} OR {text} = '' THEN false "
        f"ELSE {parts}.open <> '' OR {parts}.mark <> '' OR {parts}.after <> '' END"
    )
    return number, uncertain


def _number(text: str) -> str:
    """A decimal as pandas.to_numeric reads it (no '_' separators, 'nan' is not a number)."""
    cast = f"TRY_CAST({text} AS DOUBLE)"
    return f"CASE WHEN {text} = '' OR contains({text}, '_') OR isnan({cast}) THEN NULL ELSE {cast} END"


def typed(source: str, keep: str = "", edge: str | None = None) -> str:
    """SELECT over a source of raw cells c01…c17: each cell stripped (NULL: the row had fewer fields), the
    numbers parsed (v_…) with their written uncertainty (w_…). `edge`: SQL true on a row whose cells may need
    stripping (a column of the source: rows without whitespace at any cell's edge take their cells as they are);
    by default each cell is tested."""
    width = len(HEADER)
    stripped = ", ".join(f"{_strip(f'c{i + 1:02d}', edge)} AS {name}" for i, name in enumerate(COLUMNS))
    parsed = []
    for column in FLAGGED:
        number, uncertain = written(column, YEARS if column == "order_year" else COUNT)
        parsed += [f"{number} AS v_{column}", f"{uncertain} AS w_{column}"]
    parsed += [f"{_number(column)} AS v_{column}" for column in TIV]
    return (
        f"SELECT *, {', '.join(parsed)} FROM (SELECT {stripped}, c{width + 1:02d} AS {EXTRA}"
        f"{', ' + keep if keep else ''} FROM {source})"
    )


# -- survey and join: records broken over two lines -----------------------------------------------------------


def _survey(con, table: str) -> Survey:
    """One scan of the raw cells ({table}_src): the rows of the wrong width (few), and the distinct values of the
    columns whose rules are checked once per value (FEW_VALUES) in the other rows, stripped."""
    width = len(HEADER)
    columns = {c: f"c{i + 1:02d}" for i, c in enumerate(COLUMNS) if c in FEW_VALUES}
    cells = ", ".join(f"c{i + 1:02d}" for i in range(width))
    found = con.execute(
        "SELECT list(r) FILTER (WHERE r IS NOT NULL), "
        + ", ".join(f"list(DISTINCT {c}) FILTER (WHERE NOT {IRREGULAR})" for c in columns.values())
        + f" FROM (SELECT *, CASE WHEN {IRREGULAR} THEN {{'rid': rid, 'line': _line, 'cells': [{cells}], "
        f"'extra': c{width + 1:02d}}} END AS r FROM {table}_src)"
    ).fetchall()[0]
    return Survey(
        sorted(found[0] or [], key=lambda r: r["rid"]),
        {c: {v.strip() for v in vs or []} for c, vs in zip(columns, found[1:], strict=True)},
    )


def _join(
    export, irregular: list[dict], count: int
) -> tuple[dict[int, tuple[int, list[str]]], set[int], list[Failure]]:
    """Join the broken records among the rows of the wrong width (raw cells: typed() strips them), in Python.
    Returns the joined records (line and fields) by the place of their first part, the places dropped, and the
    failures."""
    if not irregular:
        return {}, set(), []
    long_rows = {r["line"] for r in irregular if r["extra"] is not None}
    exact = _fields_of_lines(export, long_rows) if long_rows and export.plain else {}
    rows = {}
    for r in irregular:
        fields = [c for c in r["cells"] if c is not None]
        if r["extra"] is not None:
            fields = exact.get(r["line"]) or fields + r["extra"].split(",")
        rows[r["rid"]] = (r["line"], fields)
    joined, dropped, failures = join_broken(rows, count, export.name)
    return {rid: (rows[rid][0], fields) for rid, fields in joined.items()}, dropped, failures


def _fields_of_lines(export: sipri_file.Export, lines: set[int]) -> dict[int, list[str]]:
    """The fields of a few physical lines, read again from the file (only for rows longer than the header)."""
    found = {}
    with open(export.path, encoding=export.encoding, newline="") as handle:
        for number, text in enumerate(handle, start=1):
            if number in lines:
                found[number] = text.rstrip("\r\n").split(",")
                if len(found) == len(lines):
                    break
    return found


def join_broken(rows: dict[int, tuple[int, list[str]]], count: int, name: str) -> tuple[dict, set, list[Failure]]:
    """`rows`: the rows of the wrong width, by their place among the file's `count` rows, with (line, fields).
    Join each short row with the short rows after it while their fields add up to no more than the header's;
    the two halves of the broken cell are joined by a space. A short last record means a truncated file."""
    width = len(HEADER)
    joined, dropped, failures = {}, set(), []
    for i in sorted(rows):
        at, fields = rows[i]
        if i in dropped or not any(cell.strip() for cell in fields):
            dropped.add(i)
            continue
        merged, j = fields, i
        while len(merged) < width and j + 1 < count and j + 1 in rows and len(rows[j + 1][1]) < width:
            j += 1
            more = rows[j][1]
            merged = merged[:-1] + [f"{merged[-1].rstrip()} {more[0].lstrip()}".strip()] + more[1:]
            dropped.add(j)
        if len(merged) == width:
            joined[i] = merged
            continue
        if len(merged) < width and j + 1 == count:
            raise InputError(
                f"{name}:{at}: truncated file: the last record has {len(merged)} of the header's {width} fields"
            )
        failures.append(Failure(name, at, "*", f"{len(fields)} fields", BROKEN))
        dropped.add(i)
    return joined, dropped, failures


def _fix(con, table: str, irregular: list[dict], fixes: dict[int, tuple[int, list[str]]]) -> None:
    """The view {table}: the rows of {table}_raw of the header's width, and each joined record in the place of its
    first part. (The rows of the wrong width are left out by their places, {table}_irregular: testing each row's
    width again would split every line a second time.)"""
    places = f"SELECT unnest([{', '.join(str(r['rid']) for r in irregular)}]::BIGINT[]) AS rid"
    regular = f"SELECT * FROM {table}_raw WHERE rid NOT IN (SELECT rid FROM {table}_irregular)"
    if not fixes:
        con.execute(
            f"CREATE OR REPLACE TABLE {table}_irregular AS {places}; CREATE OR REPLACE VIEW {table} AS {regular}"
        )
        return
    lines, fields = zip(*fixes.values(), strict=True)
    con.register("_register_fixes", _frame(list(fields), fixes, lines))
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {table}_irregular AS {places}; "
            f"CREATE OR REPLACE TABLE {table}_fixes AS {typed('_register_fixes', keep=KEPT)}; "
            f"CREATE OR REPLACE VIEW {table} AS {regular} UNION ALL SELECT * FROM {table}_fixes"
        )
    finally:
        con.unregister("_register_fixes")


def _values(survey: Survey, fixes: dict[int, tuple[int, list[str]]], name: str) -> dict[str, set[str]]:
    """Each FEW_VALUES column's distinct values among the records (as the records view has them: no empty text)."""
    values = {c: set(v) for c, v in survey.values.items()}
    for _, fields in fixes.values():
        for column, cell in zip(COLUMNS, fields, strict=True):
            if column in values:
                values[column].add(cell.strip())
    values = {c: {v for v in vs if v} for c, vs in values.items()}
    values["source_file"] = {name}
    return values


# -- records: the sipri_register columns, in file order ------------------------------------------------------


def _records(
    export, con, table: str, gone: list[int], vintage: pd.Timestamp | None, values: dict[str, set[str]]
) -> dict[str, tuple[str | None, str]]:
    """The views {table}_cells and {table}_records: every record (joined ones in the place of their first part,
    dropped rows left out) with its number, line, typed values, codes and designation key. Returns each recipient
    and supplier name with its code (or None and the rule it breaks); adds the codes to `values`. In no
    particular order (the codes are joined): every reader orders or aggregates."""
    known = _names(con, table, values)
    con.execute(f"""CREATE OR REPLACE VIEW {table}_cells AS
        SELECT t._line AS line, t.rid + 1 - {step("t.rid", [d + 1 for d in gone])} AS record_no, t.*
        FROM {table} AS t;
        CREATE OR REPLACE VIEW {table}_records AS
        SELECT {_selected(vintage, export.name)},
               {", ".join(f"c.{c} AS {c}_text" for c in COLUMNS)}
        FROM {table}_cells AS c
        LEFT JOIN {table}_codes AS r ON r.name = c.recipient
        LEFT JOIN {table}_codes AS s ON s.name = c.supplier
        LEFT JOIN {table}_keys AS k ON k.written = c.designation""")
    for column in ("recipient", "supplier"):
        values[f"{column}_iso3"] = {code for v in values[column] if (code := known[v][0]) is not None}
    return known


def _selected(vintage: pd.Timestamp | None, source_file: str) -> str:
    """The SELECT list of sipri_register's columns (REGISTER) over the records' cells, codes and keys."""
    values = {"vintage": _timestamp(vintage), "source_file": sqlcheck.literal(source_file)}
    selected = []
    for c in REGISTER:
        selected.append(f"{c.select.format(**values)} AS {c.name}")
        if c.uncertain:
            selected.append(f"w_{c.name} OR {c.name}_flag = '{UNCERTAIN}' AS {c.name}_uncertain")
    return ", ".join(selected)


def _timestamp(vintage: pd.Timestamp | None) -> str:
    return f"TIMESTAMP '{vintage}'" if vintage is not None else "NULL::TIMESTAMP"


def _names(con, table: str, values: dict[str, set[str]]) -> dict[str, tuple[str | None, str]]:
    """Each distinct name and designation goes once through Python (etl.countries, etl.harmonise), into the tables
    {table}_codes (name, iso3: NULL when unknown, rule) and {table}_keys (written, designation_key: folded like an
    alias, which etl/sql/links/ matches with the platforms' aliases). Returns each name's (code, rule)."""
    from etl.harmonise import alias_key

    names = sorted(values["recipient"] | values["supplier"])
    designations = sorted(values["designation"])
    known = {name: sipri_file.sipri_code(name) for name in names}
    keys = [alias_key(d) for d in designations]
    frames = {
        "codes": pd.DataFrame(
            {"name": names, "iso3": [known[n][0] for n in names], "rule": [known[n][1] for n in names]}, dtype=object
        ),
        "keys": pd.DataFrame(
            {"written": designations, "designation_key": keys},
            dtype=object,
        ),
    }
    for kind, frame in frames.items():
        table_of(con, f"{table}_{kind}", frame)
    return known


def _codes(con, table: str, name: str) -> list[Failure]:
    rows = con.execute(f"""
        SELECT c.line, column_name, value, k.rule FROM (
            SELECT line, 'recipient' AS column_name, recipient AS value FROM {table}_cells
            UNION ALL SELECT line, 'supplier', supplier FROM {table}_cells) AS c
        JOIN {table}_codes AS k ON k.name = c.value WHERE k.iso3 IS NULL""").fetchall()
    return [Failure(name, int(line), column, value, rule) for line, column, value, rule in rows]


# -- write: the records into the warehouse being built -------------------------------------------------------


@contextlib.contextmanager
def _unordered(con):
    """Inserts in no particular order (every reader sorts or aggregates): millions of rows insert faster in
    parallel without it."""
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute("RESET preserve_insertion_order")


def _write(con, table: str, name: str, target: str, checks: "Checks | None") -> int | None:
    """INSERT the records into target.sipri_register; how many. With `checks`, the insert stops at the first row
    that breaks a rule, and nothing is written: None (the full check then reports). Also None when a unique
    column of the model has a duplicate among the rows written (they are left in the build, which then fails)."""
    guard = f" WHERE CASE WHEN {checks.guard} THEN error({sqlcheck.literal(GUARD)}) ELSE true END" if checks else ""
    sqlcheck.same_columns(
        con,
        f"{target}.sipri_register",
        register_columns(),
        "etl/sources/sipri_register.py REGISTER",
    )
    try:  # by name: a column declared in another place than the select's cannot shift the others
        count = con.execute(
            f"INSERT INTO {target}.sipri_register BY NAME {records_sql(f'{table}_records')}{guard}"
        ).fetchall()[0][0]
    except duckdb.InvalidInputException as exc:
        if GUARD not in str(exc):
            raise
        return None
    mine = f"{target}.sipri_register WHERE source_file = {sqlcheck.literal(name)}"
    unique = con.execute(
        "SELECT "
        + ", ".join(f"count(*) = count(DISTINCT {c})" for c in sqlcheck.unique_columns(SipriRegister))
        + f" FROM {mine}"
    ).fetchall()[0]
    return count if all(unique) else None


def _write_deliveries(con, table: str, target: str) -> None:
    """{table}_deliveries into target.sipri_delivery_tiv, each record's delivered TIV split over its delivery years
    (etl/sql/sipri.sql), platform_id empty until etl/sql/links/ links it; then a
    checkpoint: the register's tables are on disk while the other inputs are still being read."""
    sqlcheck.same_columns(con, f"{target}.sipri_delivery_tiv", DELIVERY_TIV_COLUMNS, "_write_deliveries")
    con.execute(f"""INSERT INTO {target}.sipri_delivery_tiv BY NAME SELECT {", ".join(DELIVERY_TIV_COLUMNS)}
                    FROM (SELECT *, tiv_delivered / delivery_years AS tiv FROM {table}_deliveries);
                    CHECKPOINT {target}""")


# -- deliveries and checks ------------------------------------------------------------------------------------


def _years(text: str) -> str:
    """SQL of a "Year(s) of delivery" cell parsed: a list of {year, uncertain} (a NULL year: did not parse). Only
    for cells off the fast path (_plain_years: 2018; 2019, most of them)."""
    year, uncertain = written("x", YEARS)
    return f"""list_transform(
                   list_transform(regexp_split_to_array({text}, ';{SPACE}*'), lambda y: {_strip("y")}),
                   lambda x: {{'year': {year}, 'uncertain': {uncertain}}})"""


def _plain_years(text: str) -> str:
    return f"regexp_full_match({text}, '{YEARS}(; {YEARS})*')"


def _bad_year(years: str = "years") -> str:
    """SQL: a delivery year of the parsed list (_years) did not parse."""
    return f"list_bool_or(list_transform({years}, lambda d: d.year IS NULL))"


def _deliveries(con, table: str, vintage: str, source: str | None, name: str) -> None:
    """{table}_years: each record's delivery years parsed; {table}_deliveries: one row per record and delivery year
    (deduplicated) with what sipri_delivery_tiv needs (supplier, recipient, TIV delivered, how many delivery
    years, platform_id: empty until etl/sql/links/). Views, over the records as written to the catalog `source`
    (its sipri_register) or, when not written, over {table}_records."""
    records = (
        f"(SELECT * FROM {source}.sipri_register WHERE source_file = {sqlcheck.literal(name)})"
        if source
        else f"{table}_records"
    )
    con.execute(f"""CREATE OR REPLACE VIEW {table}_years AS
        SELECT record_no, line, delivery_years, supplier_iso3, recipient_iso3, tiv_delivered, designation,
               platform_id, plain, CASE WHEN NOT plain THEN {_years("delivery_years")} END AS years
        FROM (SELECT *, {_plain_years("delivery_years")} AS plain FROM {records} WHERE delivery_years IS NOT NULL);
        CREATE OR REPLACE VIEW {table}_deliveries AS
        SELECT vintage, record_no, d.year::SMALLINT AS year, d.uncertain AS year_uncertain, supplier_iso3,
               recipient_iso3, tiv_delivered, delivery_years, designation, platform_id
        FROM (SELECT *, len(distinct_years) AS delivery_years, unnest(distinct_years) AS d FROM (
            SELECT {vintage} AS vintage, record_no, supplier_iso3, recipient_iso3, tiv_delivered, designation,
                   platform_id,
                   CASE WHEN plain THEN list_transform(list_sort(list_distinct(string_split(delivery_years, '; ')
                                                                                ::BIGINT[])),
                                                       lambda x: {{'year': x, 'uncertain': false}})
                   ELSE list_sort(list_filter(years, lambda d, i:
                       list_position(list_transform(years, lambda e: e.year), d.year) = i)) END AS distinct_years
            FROM {table}_years WHERE plain OR NOT {_bad_year()}))""")


def deliveries_count(con, staged: Staged) -> int:
    """Rows of sipri_deliveries the staged file gives (what etl.load's check-only run reports)."""
    return con.execute(f"SELECT count(*) FROM {staged.deliveries}").fetchall()[0][0]


@dataclass(frozen=True)
class Checks:
    """Every per-row rule as SQL over {table}_records, and `anywhere`: a cheaper condition true on every row that
    breaks one (and few others), to select the rows first."""

    rules: list[sqlcheck.Rule]
    anywhere: str

    @property
    def guard(self) -> str:
        """True on a row that breaks a rule: a cell, or a delivery year that does not parse."""
        text = "delivery_years_text"
        return (
            f"(({self.anywhere}) AND ({' OR '.join(f'({r.failing})' for r in self.rules)})) "
            f"OR ({text} <> '' AND NOT {_plain_years(text)} AND {_bad_year(_years(text))})"
        )


def _checks(con, values: dict[str, set[str]]) -> Checks:
    """The rules: cells that do not parse, flags other than '?', then the pandera model SipriRegister and the rules
    every table shares (etl.validate), both as SQL."""
    rules = []
    for column, flag in FLAGGED.items():
        rule = WRITTEN_YEAR if column == "order_year" else WRITTEN_COUNT
        rules += [
            sqlcheck.Rule(column, f"{column}_text <> '' AND {column} IS NULL", f"{column}_text", rule, "parse"),
            sqlcheck.Rule(
                flag,
                f"{flag}_text NOT IN ('', '{UNCERTAIN}')",
                f"{flag}_text",
                f"'{UNCERTAIN}' (uncertain) or empty",
                "parse",
            ),
        ]
    rules += [sqlcheck.Rule(c, f"{c}_text <> '' AND {c} IS NULL", f"{c}_text", "a number", "parse") for c in TIV]
    texts = {c: f"{c}_text" for c in COLUMNS}
    model = sqlcheck.rules(SipriRegister, texts)
    rules += model
    coarse: list[tuple[str | None, str]] = [(None, f"({r.failing})") for r in rules if r.kind == "parse"]
    coarse += [(r.column, r.failing) for r in model]
    shared = validate.sql_rules(SipriRegister)
    rules += [
        sqlcheck.Rule(c, condition, texts.get(c, f'CAST("{c}" AS VARCHAR)'), rule, "shared")
        for c, condition, rule in shared
    ]
    # The text rules' patterns run on every text cell: one regex (their union) per cell selects the rows
    patterns = {test for _, test, _ in validate.shared_rules(SipriRegister)} - {"long", "finite", "future"}
    for column in dict.fromkeys(c for c, test, _ in validate.shared_rules(SipriRegister) if test in patterns):
        coarse.append((column, f'coalesce(regexp_matches("{column}", {sqlcheck.literal(validate.SUSPECT)}), false)'))
    coarse += [(c, condition) for c, condition, _ in shared if "regexp_matches" not in condition]
    return Checks(rules, " OR ".join(_per_row(con, values, coarse)))


def _check(con, table: str, name: str, already: list[Failure], checks: Checks) -> list[Failure]:
    """Every failure, in one scan for every cell rule. As etl.validate.check does, a cell is reported once: model
    rules skip cells a parse rule reported, shared rules report the first rule a cell breaks and skip cells
    reported already."""
    rows = con.execute(sqlcheck.failing_rows(f"{table}_records", "line", checks.rules, checks.anywhere)).fetchall()
    cells = [(int(line), f) for line, failures in rows for f in failures]
    bad_years = con.execute(
        f"SELECT line, delivery_years FROM {table}_years WHERE NOT plain AND {_bad_year()}"
    ).fetchall()
    found = [Failure(name, line, f["column"], f["value"] or "", f["rule"]) for line, f in cells if f["kind"] == "parse"]
    found += [Failure(name, int(line), "delivery_years", text, DELIVERY_RULE) for line, text in bad_years]
    seen = {(f.line, f.column) for f in already + found}
    model = [Failure(name, line, f["column"], f["value"] or "", f["rule"]) for line, f in cells if f["kind"] == "model"]
    for column in sqlcheck.unique_columns(SipriRegister):
        model += [
            Failure(name, int(line), column, value, sqlcheck.UNIQUE)
            for line, value in con.execute(sqlcheck.duplicates(f"{table}_records", "line", column)).fetchall()
        ]
    model = [f for f in model if (f.line, f.column) not in seen]
    seen |= {(f.line, f.column) for f in model}
    shared = []
    for line, f in cells:
        if f["kind"] == "shared" and (line, f["column"]) not in seen:
            shared.append(Failure(name, line, f["column"], f["value"] or "", f["rule"]))
            seen.add((line, f["column"]))
    return found + model + shared


def _per_row(con, values: dict[str, set[str]], conditions: list[tuple[str | None, str]]) -> list[str]:
    """Conditions selecting the rows to check, each (column it reads alone, or None; SQL). Those on a column of
    FEW_VALUES that are false on NULL (coalesce(…, false)) are evaluated once per distinct value (`values`, found
    as the file was surveyed): they become `column IN (the values that break one)`, or nothing. (1M records: a
    regex on each of a million codes took ~0.15 s a column; their ~200 distinct values take nothing.)"""
    grouped: dict[str, list[str]] = {}
    per_row = []
    for column, sql in conditions:
        if column in FEW_VALUES and sql.startswith("coalesce("):
            grouped.setdefault(column, []).append(sql)
        else:
            per_row.append(sql)
    if grouped:
        found = con.execute(
            "SELECT "
            + ", ".join(
                f'list_filter(${i + 1}::VARCHAR[], lambda "{column}": {" OR ".join(sqls)})'
                for i, (column, sqls) in enumerate(grouped.items())
            ),
            [sorted(values[c]) for c in grouped],
        ).fetchall()[0]
        per_row += [
            f'"{column}" IN ({", ".join(sqlcheck.literal(v) for v in bad)})'
            for column, bad in zip(grouped, found, strict=True)
            if bad
        ]
    return per_row or ["false"]


def _in_file_terms(failure: Failure) -> Failure:
    return replace(failure, column=IN_FILE.get(failure.column, failure.column))


def register_columns() -> list[str]:
    """The columns written into sipri_register, in order (REGISTER)."""
    return [n for c in REGISTER for n in ([c.name, f"{c.name}_uncertain"] if c.uncertain else [c.name])]


# what _write_deliveries writes into sipri_delivery_tiv (tiv: each record's delivered TIV over its delivery years)
DELIVERY_TIV_COLUMNS = (
    "vintage",
    "record_no",
    "supplier_iso3",
    "recipient_iso3",
    "year",
    "year_uncertain",
    "tiv",
    "delivery_years",
    "tiv_delivered",
    "designation",
    "platform_id",
)


def table_of(con, name: str, frame: pd.DataFrame) -> None:
    """A DuckDB table `name` holding the frame's rows (replacing one of that name)."""
    con.register("_frame", frame)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


def records_sql(records: str) -> str:
    """SELECT of the sipri_register columns from a relation of records ({table}_records), for the warehouse."""
    return f"SELECT {', '.join(register_columns())} FROM {records}"
