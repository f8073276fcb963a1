"""SIPRI trade register: one record per deal, every supplier to every recipient. Constants + extract(path).

The quirks of SIPRI's export (see ../shared/data/sipri/README.md): Latin-1; a preamble of varying length; three
columns named " " holding '?' for the column before each; years written 2022, 2022? or (2025); "Year(s) of
delivery" a "; "-separated list; records broken over two physical lines by an unquoted line break in Comments.

The register is read, typed and checked inside DuckDB (a 5M-record file never becomes a pandas frame): the
records land in a staging table of the ETL's connection, and only what fails and the few broken records come
back to Python. The pandera model SipriRegister is applied as SQL (etl.sqlcheck).
"""

from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from etl import sqlcheck, validate
from etl.errors import Failure, InputError
from etl.schemas import SipriRegister
from etl.sources import sipri_file

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
YEARS = r"\d{4}"
COUNT = r"\d+"
# 2022, 2022? or (2025): a '?' or parentheses mark the value uncertain (RE2 syntax: no conditionals)
WRITTEN = r"^(\()?({value})(\?)?(\))?(\?)?$"
PARTS = ["open", "value", "mark", "close", "after"]
WRITTEN_YEAR = "a year, or one marked uncertain: 2022? or (2025)"
WRITTEN_COUNT = "a whole number, or one marked uncertain: 12? or (12)"
TIV = ["tiv_per_unit", "tiv_total_order", "tiv_delivered"]
STEPS = 4  # read, join broken records, type, validate: the progress bar's steps
BROKEN = ("every record has the header's 16 fields (a record broken over lines by a line break in Comments "
          "is joined when its parts add up to 16)")
DELIVERY_RULE = f"years separated by '; ', each {WRITTEN_YEAR}"
# Columns with few distinct values (names, codes, status): their value-only rules are checked once per value
FEW_VALUES = ("recipient", "recipient_iso3", "supplier", "supplier_iso3", "designation", "description", "status",
              "source_file")
EXTRA = "extra"  # a 17th column: set only on a row with more fields than the header


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


@dataclass(frozen=True)
class Staged:
    """One register file typed and checked in DuckDB: `records` (a view, the sipri_register columns, in file order)
    and `deliveries` (a view: one row per record and delivery year)."""
    name: str
    vintage: pd.Timestamp | None
    records: str
    deliveries: str
    count: int
    codes: str  # a table: each distinct recipient and supplier name with its code (iso3, NULL when unknown)


def extract(path: Path, con: duckdb.DuckDBPyConnection | None = None) -> tuple[pd.DataFrame, pd.Timestamp | None,
                                                                                   list[Failure]]:
    """Every record typed (as a frame: for small files and tests), the file's vintage, and every failure."""
    export = sipri_file.read(path)
    if export.kind != "register":
        raise InputError(f"{export.name}: a SIPRI TIV table ({export.kind}), not the trade register")
    con = con or duckdb.connect()
    staged, failures = stage(export, con, "register")
    return con.execute(f"SELECT * FROM {staged.records}").df(), staged.vintage, failures


def parse(export: sipri_file.Export, con: duckdb.DuckDBPyConnection, table: str) -> tuple[
        Staged, pd.Timestamp | None, list[Failure]]:
    staged, failures = stage(export, con, table)
    return staged, staged.vintage, failures


def stage(export: sipri_file.Export, con: duckdb.DuckDBPyConnection, table: str) -> tuple[Staged, list[Failure]]:
    """Read the file into `table` (one row per physical row), join broken records, type every column, check every
    rule; returns the staged relations and every failure, in the file's terms."""
    with sipri_file.progress(f"SIPRI register {export.name}", STEPS) as bar:
        _check_header(export)
        vintage, failures = sipri_file.vintage(export)
        line = _read(export, con, table)
        bar.update()
        fixes, dropped, more = _join(export, con, table, line)
        failures += more
        bar.update()
        count = _records(export, con, table, line, fixes, dropped, vintage)
        if not count:
            raise InputError(f"{export.name}: no records after the header on line {export.header + 1} (truncated?)")
        bar.update()
        failures += _codes(con, table, export.name)
        _deliveries(con, table, _timestamp(vintage))
        failures += _check(con, table, export.name, failures)
        bar.update()
    staged = Staged(export.name, vintage, f"{table}_records", f"{table}_deliveries", count, f"{table}_codes")
    return staged, [_in_file_terms(f) for f in failures]


def _check_header(export: sipri_file.Export) -> None:
    found = sipri_file.header(export)
    if found != HEADER:
        raise InputError(f"{export.name}:{export.header + 1}: not the trade register's header: expected "
                         f"{','.join(HEADER)!r}, found {','.join(found)!r}")


# -- read: every physical row into `table`, cells stripped and typed --------------------------------------------

def _read(export: sipri_file.Export, con: duckdb.DuckDBPyConnection, table: str) -> str:
    """Create `table` (rowid = the row's place in the file); return the SQL of each row's line number."""
    if export.plain:
        # No quote, "\r" only before "\n": every physical line is one row and every comma splits a field. DuckDB
        # reads the lines (one column, in parallel: nothing to guess where a line starts, unlike a reader that
        # must tell quoted line breaks from real ones) and splits them; an empty line is a row of one empty field.
        # "\r\n" as the line end reads a file of mixed ends right; a file of "\n" only is read with "\n" (the
        # parallel reader refused "\r\n" on a 5M-record file without any "\r"); if it refuses, it reads alone.
        for parallel in ("true", "false"):
            try:
                con.execute(f"CREATE OR REPLACE TABLE {table} AS {typed(_lines(export, parallel), edge='_edge')}")
            except duckdb.NotImplementedException:
                continue
            if con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == export.data_lines:
                return f"({export.header + 2} + t.rowid)"
            break
        # not one row per line (not seen in any test): read the file again with Python's csv module, slower but exact
    rows, starts = sipri_file.rows(export)  # quotes (or odd line ends): Python's csv module, lines kept
    width = len(HEADER)
    cells = {f"c{i + 1:02d}": [row[i] if i < len(row) else None for row in rows] for i in range(width)}
    cells[f"c{width + 1:02d}"] = [",".join(row[width:]) if len(row) > width else None for row in rows]
    frame = pd.DataFrame(cells, dtype=object).assign(_line=starts)
    con.register("_register_rows", frame)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {typed('_register_rows', keep='_line')}")
    finally:
        con.unregister("_register_rows")
    return "t._line"


def _lines(export: sipri_file.Export, parallel: str) -> str:
    """The raw cells c01…c17 of a plain file's rows, and _edge: the line has whitespace at a cell's edge."""
    line_end = "\\r\\n" if export.crlf else "\\n"
    lines = (f"read_csv({sqlcheck.literal(str(export.path))}, columns = {{'l': 'VARCHAR'}}, header = false, "
             f"skip = {export.header + 1}, delim = '\\0', quote = '', escape = '', new_line = '{line_end}', "
             f"auto_detect = false, strict_mode = false, encoding = {sqlcheck.literal(export.encoding)}, "
             f"parallel = {parallel})")
    width = len(HEADER)
    cells = ", ".join(f"f[{i}] AS c{i:02d}" for i in range(1, width + 1))
    return (f"(SELECT {cells}, CASE WHEN len(f) > {width} THEN array_to_string(f[{width + 1}:], ',') END "
            f"AS c{width + 1:02d}, regexp_matches(l, {sqlcheck.literal(EDGE)}) AS _edge "
            f"FROM (SELECT l, string_split(coalesce(l, ''), ',') AS f FROM {lines}))")


def step(expr: str, thresholds: list[int]) -> str:
    """SQL counting the thresholds (sorted) that are ≤ expr: a balanced CASE tree, log2(n) comparisons a row."""
    if not thresholds:
        return "0"
    if len(thresholds) == 1:
        return f"(CASE WHEN {expr} >= {thresholds[0]} THEN 1 ELSE 0 END)"
    middle = len(thresholds) // 2
    return (f"(CASE WHEN {expr} >= {thresholds[middle]} THEN {middle} + {step(expr, thresholds[middle:])} "
            f"ELSE {step(expr, thresholds[:middle])} END)")


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
    number = (f"CASE WHEN {plain} THEN TRY_CAST({text} AS BIGINT) WHEN {text} = '' THEN NULL "
              f"WHEN ({parts}.open = '') = ({parts}.close = '') AND {parts}.value <> '' "
              f"THEN TRY_CAST({parts}.value AS BIGINT) END")
    uncertain = (f"CASE WHEN {plain} OR {text} = '' THEN false "
                 f"ELSE {parts}.open <> '' OR {parts}.mark <> '' OR {parts}.after <> '' END")
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
    return (f"SELECT *, {', '.join(parsed)} FROM (SELECT {stripped}, c{width + 1:02d} AS {EXTRA}"
            f"{', ' + keep if keep else ''} FROM {source})")


# -- join: records broken over two lines --------------------------------------------------------------------

def _join(export, con, table: str, line: str) -> tuple[dict[int, list[str]], set[int], list[Failure]]:
    """The rows of the wrong width (few): join broken records in Python. Returns the joined records by the rowid
    of their first part, the rowids dropped, and the failures."""
    width = len(HEADER)
    irregular = con.execute(f"SELECT t.rowid, {line}, {', '.join(COLUMNS)}, {EXTRA} FROM {table} AS t "
                            f"WHERE tiv_delivered IS NULL OR {EXTRA} IS NOT NULL ORDER BY t.rowid").fetchall()
    if not irregular:
        return {}, set(), []
    count = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    long_rows = {r[1] for r in irregular if r[-1] is not None}
    exact = _fields_of_lines(export, long_rows) if long_rows and export.plain else {}
    rows = {}
    for rowid, at, *cells in irregular:
        fields = [c for c in cells[:width] if c is not None]
        if cells[-1] is not None:
            fields = exact.get(at) or fields + cells[-1].split(",")
        rows[rowid] = (at, fields)
    return join_broken(rows, count, export.name)


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
            raise InputError(f"{name}:{at}: truncated file: the last record has {len(merged)} of the "
                             f"header's {width} fields")
        failures.append(Failure(name, at, "*", f"{len(fields)} fields", BROKEN))
        dropped.add(i)
    return joined, dropped, failures


# -- records: the sipri_register columns, in file order ------------------------------------------------------

def _records(export, con, table: str, line: str, fixes: dict[int, list[str]], dropped: set[int],
             vintage: pd.Timestamp | None) -> int:
    """The view {table}_records: every record (joined ones written over their first part, dropped rows left out)
    with its number, line and typed values; returns how many there are. No join: the rows stay in file order."""
    if fixes:
        _fix(con, table, fixes)
    gone = sorted(dropped - set(fixes))  # every other row of the wrong width
    con.execute(f"""CREATE OR REPLACE VIEW {table}_cells AS
        SELECT {line} AS line, t.rowid + 1 - {step('t.rowid', [d + 1 for d in gone])} AS record_no, t.*
        FROM {table} AS t
        WHERE t.tiv_delivered IS NOT NULL AND t.{EXTRA} IS NULL""")
    codes, keys = _names(con, table)
    con.execute(f"""CREATE OR REPLACE VIEW {table}_records AS
        SELECT {_timestamp(vintage)} AS vintage, record_no, line,
               nullif(recipient, '') AS recipient, {codes.format('recipient')} AS recipient_iso3,
               nullif(supplier, '') AS supplier, {codes.format('supplier')} AS supplier_iso3,
               v_order_year AS order_year, w_order_year OR order_year_flag = '{UNCERTAIN}' AS order_year_uncertain,
               v_quantity AS quantity, w_quantity OR quantity_flag = '{UNCERTAIN}' AS quantity_uncertain,
               nullif(designation, '') AS designation, nullif(description, '') AS description,
               v_delivered AS delivered, w_delivered OR delivered_flag = '{UNCERTAIN}' AS delivered_uncertain,
               nullif(delivery_years, '') AS delivery_years, nullif(status, '') AS status,
               nullif(comments, '') AS comments,
               v_tiv_per_unit AS tiv_per_unit, v_tiv_total_order AS tiv_total_order, v_tiv_delivered AS tiv_delivered,
               {sqlcheck.literal(export.name)} AS source_file, {keys.format('designation')} AS designation_key,
               NULL::VARCHAR AS platform_id, {', '.join(f'{c} AS {c}_text' for c in COLUMNS)}
        FROM {table}_cells""")
    return con.execute(f"SELECT count(*) FROM {table}_cells").fetchall()[0][0]


def _fix(con, table: str, fixes: dict[int, list[str]]) -> None:
    """Write each joined record over the row of its first part (an UPDATE keeps the rows in file order)."""
    width = len(HEADER)
    cells = {f"c{i + 1:02d}": [fields[i] for fields in fixes.values()] for i in range(width)}
    cells[f"c{width + 1:02d}"] = [None] * len(fixes)
    frame = pd.DataFrame(cells, dtype=object).assign(rid=list(fixes))
    con.register("_register_fixes", frame)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table}_fixes AS {typed('_register_fixes', keep='rid')}")
    finally:
        con.unregister("_register_fixes")
    columns = [r[0] for r in con.execute(f"DESCRIBE {table}_fixes").fetchall() if r[0] != "rid"]
    assignments = ", ".join(f"{c} = f.{c}" for c in columns)
    con.execute(f"UPDATE {table} SET {assignments} FROM {table}_fixes AS f WHERE {table}.rowid = f.rid")


def _timestamp(vintage: pd.Timestamp | None) -> str:
    return f"TIMESTAMP '{vintage}'" if vintage is not None else "NULL::TIMESTAMP"


def _names(con, table: str) -> tuple[str, str]:
    """Each distinct name and designation goes once through Python (etl.countries, etl.harmonise). Returns SQL
    templates looking up a column's code and designation key: an ENUM of the distinct values indexes a list
    (a join would lose the file order of millions of rows); {table}_codes keeps the names that have no code."""
    from etl.harmonise import alias_key

    lookups = []
    for kind, sql in (("names", f"SELECT recipient FROM {table}_cells UNION SELECT supplier FROM {table}_cells"),
                      ("designations", f"SELECT designation FROM {table}_cells")):
        con.execute(f"CREATE TYPE {table}_{kind} AS ENUM (SELECT DISTINCT v FROM ({sql}) AS d(v) "
                    f"WHERE v <> '' ORDER BY v)")
        values = con.execute(f"SELECT unnest(enum_range(NULL::{table}_{kind}))").fetchall()
        lookups.append(([v for (v,) in values], f"{table}_{kind}"))
    (names, names_type), (designations, designations_type) = lookups
    known = {name: sipri_file.sipri_code(name) for name in names}
    codes = pd.DataFrame({"name": names, "iso3": [known[n][0] for n in names],
                          "rule": [known[n][1] for n in names]}, dtype=object)
    con.register("_codes", codes)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table}_codes AS SELECT * FROM _codes")
    finally:
        con.unregister("_codes")

    def lookup(values: list, enum: str) -> str:
        return (f"([{', '.join('NULL' if v is None else sqlcheck.literal(v) for v in values)}]::VARCHAR[])"
                f"[enum_code(nullif({{0}}, '')::{enum}) + 1]")

    return (lookup([known[n][0] for n in names], names_type),
            lookup([alias_key(d) for d in designations], designations_type))


def _codes(con, table: str, name: str) -> list[Failure]:
    rows = con.execute(f"""
        SELECT c.line, column_name, value, k.rule FROM (
            SELECT line, 'recipient' AS column_name, recipient AS value FROM {table}_cells
            UNION ALL SELECT line, 'supplier', supplier FROM {table}_cells) AS c
        JOIN {table}_codes AS k ON k.name = c.value WHERE k.iso3 IS NULL""").fetchall()
    return [Failure(name, int(line), column, value, rule) for line, column, value, rule in rows]


# -- deliveries and checks ------------------------------------------------------------------------------------

def _deliveries(con, table: str, vintage: str) -> None:
    """{table}_years: each record's delivery years parsed (a NULL year: did not parse); {table}_deliveries: a view,
    one row per record and delivery year (deduplicated) with what sipri_delivery_tiv needs (supplier, recipient,
    TIV delivered, how many delivery years): computed once, as etl.load writes it."""
    year, uncertain = written("x", YEARS)
    con.execute("SET preserve_insertion_order = false")  # parallel, in no particular order: load.write sorts nothing
    plain = f"regexp_full_match(delivery_years_text, '{YEARS}(; {YEARS})*')"  # most: 2018; 2019 (fast path)
    con.execute(f"""CREATE OR REPLACE TABLE {table}_years AS
        SELECT record_no, line, delivery_years_text, supplier_iso3, recipient_iso3, tiv_delivered, designation,
            designation_key, CASE WHEN {plain}
            THEN list_transform(string_split(delivery_years_text, '; '),
                                lambda x: {{'year': x::BIGINT, 'uncertain': false}})
            ELSE list_transform(
                   list_transform(regexp_split_to_array(delivery_years_text, ';{SPACE}*'), lambda y: {_strip('y')}),
                   lambda x: {{'year': {year}, 'uncertain': {uncertain}}}) END AS years
        FROM {table}_records WHERE delivery_years IS NOT NULL""")
    con.execute("RESET preserve_insertion_order")
    good = "NOT list_bool_or(list_transform(years, lambda d: d.year IS NULL))"
    con.execute(f"""CREATE OR REPLACE VIEW {table}_deliveries AS
        SELECT vintage, record_no, d.year::SMALLINT AS year, d.uncertain AS year_uncertain, supplier_iso3,
               recipient_iso3, tiv_delivered, delivery_years, designation, designation_key
        FROM (SELECT *, len(distinct_years) AS delivery_years, unnest(distinct_years) AS d FROM (
            SELECT {vintage} AS vintage, record_no, supplier_iso3, recipient_iso3, tiv_delivered, designation,
                   designation_key,
                   list_sort(list_filter(years, lambda d, i:
                       list_position(list_transform(years, lambda e: e.year), d.year) = i)) AS distinct_years
            FROM {table}_years WHERE {good}))""")


def deliveries_count(con, staged: Staged) -> int:
    """Rows of sipri_deliveries the staged file gives (what etl.load's check-only run reports)."""
    return con.execute(f"SELECT count(*) FROM {staged.deliveries}").fetchall()[0][0]


def _check(con, table: str, name: str, already: list[Failure]) -> list[Failure]:
    """One scan for every rule: cells that do not parse, flags other than '?', then the pandera model
    SipriRegister and the rules every table shares (etl.validate), both as SQL. As etl.validate.check does, a
    cell is reported once: model rules skip cells a parse rule reported, shared rules report the first rule a
    cell breaks and skip cells reported already."""
    rules = []
    for column, flag in FLAGGED.items():
        rule = WRITTEN_YEAR if column == "order_year" else WRITTEN_COUNT
        rules += [sqlcheck.Rule(column, f"{column}_text <> '' AND {column} IS NULL", f"{column}_text", rule, "parse"),
                  sqlcheck.Rule(flag, f"{flag}_text NOT IN ('', '{UNCERTAIN}')", f"{flag}_text",
                                f"'{UNCERTAIN}' (uncertain) or empty", "parse")]
    rules += [sqlcheck.Rule(c, f"{c}_text <> '' AND {c} IS NULL", f"{c}_text", "a number", "parse") for c in TIV]
    values = {c: f"{c}_text" for c in COLUMNS}
    model = sqlcheck.rules(SipriRegister, values)
    rules += model
    coarse = [(None, f"({r.failing})") for r in rules if r.kind == "parse"] + [(r.column, r.failing) for r in model]
    shared = validate.sql_rules(SipriRegister)
    rules += [sqlcheck.Rule(c, condition, values.get(c, f'CAST("{c}" AS VARCHAR)'), rule, "shared")
              for c, condition, rule in shared]
    # The text rules' patterns run on every text cell: one regex (their union) per cell selects the rows
    patterns = {test for _, test, _ in validate.shared_rules(SipriRegister)} - {"long", "finite", "future"}
    for column in dict.fromkeys(c for c, test, _ in validate.shared_rules(SipriRegister) if test in patterns):
        coarse.append((column, f"coalesce(regexp_matches(\"{column}\", {sqlcheck.literal(validate.SUSPECT)}), false)"))
    coarse += [(c, condition) for c, condition, _ in shared if "regexp_matches" not in condition]
    anywhere = " OR ".join(_per_row(con, f"{table}_records", coarse))
    rows = con.execute(sqlcheck.failing_rows(f"{table}_records", "line", rules, anywhere)).fetchall()
    cells = [(int(line), f) for line, failures in rows for f in failures]
    bad_years = con.execute(f"SELECT line, delivery_years_text FROM {table}_years "
                            f"WHERE list_bool_or(list_transform(years, lambda d: d.year IS NULL))").fetchall()
    found = [Failure(name, line, f["column"], f["value"] or "", f["rule"]) for line, f in cells if f["kind"] == "parse"]
    found += [Failure(name, int(line), "delivery_years", text, DELIVERY_RULE) for line, text in bad_years]
    seen = {(f.line, f.column) for f in already + found}
    model = [Failure(name, line, f["column"], f["value"] or "", f["rule"]) for line, f in cells if f["kind"] == "model"]
    for column in sqlcheck.unique_columns(SipriRegister):
        model += [Failure(name, int(line), column, value, sqlcheck.UNIQUE) for line, value in
                  con.execute(sqlcheck.duplicates(f"{table}_records", "line", column)).fetchall()]
    model = [f for f in model if (f.line, f.column) not in seen]
    seen |= {(f.line, f.column) for f in model}
    shared = []
    for line, f in cells:
        if f["kind"] == "shared" and (line, f["column"]) not in seen:
            shared.append(Failure(name, line, f["column"], f["value"] or "", f["rule"]))
            seen.add((line, f["column"]))
    return found + model + shared


def _per_row(con, relation: str, conditions: list[tuple[str | None, str]]) -> list[str]:
    """Conditions selecting the rows to check, each (column it reads alone, or None; SQL). Those on a column of
    FEW_VALUES that are false on NULL (coalesce(…, false)) are evaluated once per distinct value, in one scan:
    they become `column IN (the values that break one)`, or nothing. (1M records: a regex on each of a
    million codes took ~0.15 s a column; their ~200 distinct values take nothing.)"""
    grouped: dict[str, list[str]] = {}
    per_row = []
    for column, sql in conditions:
        if column in FEW_VALUES and sql.startswith("coalesce("):
            grouped.setdefault(column, []).append(sql)
        else:
            per_row.append(sql)
    if grouped:
        found = con.execute("SELECT " + ", ".join(
            f'list_filter(list(DISTINCT "{column}"), lambda "{column}": {" OR ".join(sqls)})'
            for column, sqls in grouped.items()) + f" FROM {relation}").fetchone()
        per_row += [f'"{column}" IN ({", ".join(sqlcheck.literal(v) for v in bad)})'
                    for column, bad in zip(grouped, found, strict=True) if bad]
    return per_row or ["false"]


def _in_file_terms(failure: Failure) -> Failure:
    return replace(failure, column=IN_FILE.get(failure.column, failure.column))


def records_sql(staged: Staged, catalog: str = "") -> str:
    """SELECT of the sipri_register columns of a staged file, for the warehouse."""
    columns = list(SipriRegister.to_schema().columns)
    columns.insert(2, "line")
    return f"SELECT {', '.join(columns)}, designation_key, platform_id FROM {catalog}{staged.records}"

