"""Turn text tables into typed, checked tables, collecting every failure (lazy) before anything is written.

Besides each model's own rules (etl/schemas.py), every table gets the same rules on every cell (cell_rules):
text is plain text (no control, bidi or invisible characters, no HTML tags, no spreadsheet formula, at most
MAX_TEXT characters), numbers are finite, dates and years are not in the future.
"""

import re
import unicodedata
from datetime import date

import pandas as pd
import pandera.pandas as pa

from etl.errors import Failure
from etl.readcsv import LINE
from etl.schemas import ROW_RULES

NUMBER_KINDS = {"f": "a number", "i": "a whole number"}
MISSING = "(missing)"  # the value of the failure that reports a column missing from the header
# Columns holding one value per file (SIPRI's "Data generated"): checked once where they are read, not per row.
FILE_LEVEL = ("vintage",)
# How numbers are written: ASCII digits, one optional decimal point, an optional exponent. Nothing else, so
# that a Turkish "1.234,5", "1,234.5", "1_000", "٣", "0x1A", "NaN" and "inf" are refused rather than misread.
NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
NUMBER_HINT = "digits with a decimal point, no thousands separator: 1234.5, not 1.234,5 or 1,234.5"
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
FIRST_DAY = pd.Timestamp("1900-01-01")  # no date of this field's data is older; 0000-01-01 is no date at all
LAST_DAY = pd.Timestamp("2200-12-31")
DATE_RULE = "a date written YYYY-MM-DD, from 1900-01-01 on"
SAFE_INTEGER = 2**53  # beyond it a whole number read as a float is no longer exact: refused by its range rule
MAX_TEXT = 10_000  # characters in any one text cell; the longest real one (a SIPRI comment) has ~1,100


def _ranges(codes: list[int]) -> str:
    """Code points as the body of a character class, consecutive ones as ranges (the characters themselves, so
    that Python and RE2 read the class alike)."""
    out, start = [], None
    for i, code in enumerate(codes):
        if start is None:
            start = code
        if i + 1 == len(codes) or codes[i + 1] != code + 1:
            out.append(chr(start) if start == code else f"{chr(start)}-{chr(code)}")
            start = None
    return "".join(out)


# Control characters (C0 but tab and line breaks, DEL, C1), the line and paragraph separators, and every format
# character (Unicode category Cf: zero-width and bidi controls such as U+061C, U+200E/F, U+202A-202E, U+2066-2069,
# the byte-order mark, the invisible tag characters U+E0001 and U+E0020-E007F ...).
# Written out rather than found at import (a walk over 1.1M code points cost 80 ms of every ETL run); the test
# tests/test_etl_bad_input.py holds it equal to unicodedata's category Cf of the running Python.
FORMAT_RANGES = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
FORMAT_CHARACTERS = [c for start, end in FORMAT_RANGES for c in range(start, end + 1)]
INVISIBLE = (
    "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029" + _ranges([c for c in FORMAT_CHARACTERS if c > 0x9F]) + "]"
)
TAG = "<[A-Za-z!/?]"  # the start of an HTML/XML tag, comment or declaration
# What a spreadsheet runs: '=…', or '+', '-', '@' before a function call or a DDE link ('+HYPERLINK(', '-cmd|').
# '-12.4% (bianet)' and '+41%' stay: notes and quotes start with signed percentages.
FORMULA = "^=|^[+@-].*?[A-Za-z_][A-Za-z0-9_.]*[(|]"
# The rules every table shares (the patterns are Python and RE2 alike, so DuckDB can run them: sql_rules).
TEXT_RULES = [
    (INVISIBLE, "plain text: no control, zero-width, bidi or other invisible format characters"),
    (TAG, "plain text: no HTML or XML tags"),
    (FORMULA, "must not start like a spreadsheet formula ('=…', or +, -, @ before a function)"),
]
LONG = f"at most {MAX_TEXT:,} characters"
FINITE = "must be a finite number"
SUSPECT = "|".join(pattern for pattern, _ in TEXT_RULES)
SUSPECT_RE = re.compile(SUSPECT)


def today() -> date:
    return date.today()


def future_date() -> str:
    """The rule a date after today breaks (publication, retrieval, as-of, event and SIPRI vintage dates)."""
    return f"a date not in the future (today is {today():%Y-%m-%d})"


def _kind(dtype) -> str:
    text = str(dtype).lower()
    if "datetime" in text:
        return "date"
    if "int" in text:
        return "i"
    if "float" in text:
        return "f"
    return "text"


def parse(frame: pd.DataFrame, model: type[pa.DataFrameModel], file: str) -> tuple[pd.DataFrame, list[Failure]]:
    """Parse each column to its model type; a cell that does not parse is a failure and becomes empty. Digits in
    numbers, dates and patterned text (ids, delivery_years) are ASCII: 'D000٣' and '２０２４' are refused by name."""
    failures: list[Failure] = []
    out = frame.copy()
    for name, column in model.to_schema().columns.items():
        if name not in out:  # reported here, then present but empty, so that later steps need not guard
            failures.append(Failure(file, 1, name, MISSING, "required column is missing from the header"))
            out[name] = None
            continue
        kind, raw = _kind(column.dtype), out[name]
        patterned = any(check.name == "str_matches" for check in column.checks)
        if kind == "text" and not patterned:
            continue
        digits = raw.map(_foreign_digit, na_action="ignore")
        foreign = digits.notna()
        failures += [
            Failure(file, int(out.at[i, LINE]), name, str(raw[i]), digit_rule(digits[i])) for i in raw.index[foreign]
        ]
        if kind == "text":
            out[name] = raw.where(~foreign, None)
            continue
        raw = raw.where(~foreign, None)
        if kind == "date":
            written = raw.map(lambda v: bool(DATE.match(v)) if isinstance(v, str) else False)
            parsed = pd.to_datetime(raw.where(written), format="%Y-%m-%d", errors="coerce")
            late = parsed > LAST_DAY  # past what a datetime64[ns] holds: in the future, whatever today is
            failures += [Failure(file, int(out.at[i, LINE]), name, str(raw[i]), future_date()) for i in raw.index[late]]
            raw = raw.where(~late, None)
            parsed = parsed.where((parsed >= FIRST_DAY) & ~late).astype("datetime64[ns]")
            bad = raw.notna() & parsed.isna()
            failures += [Failure(file, int(out.at[i, LINE]), name, str(raw[i]), DATE_RULE) for i in raw.index[bad]]
            out[name] = parsed
            continue
        written = raw.map(lambda v: bool(NUMBER.match(v)) if isinstance(v, str) else False)
        parsed = pd.to_numeric(raw.where(written), errors="coerce").astype("float64")
        parsed = parsed.where(parsed.abs() != float("inf"))
        rule = f"must be {NUMBER_KINDS[kind]} ({NUMBER_HINT})"
        if kind == "i":
            huge = parsed.abs() > SAFE_INTEGER
            failures += [
                Failure(file, int(out.at[i, LINE]), name, str(raw[i]), range_rule(column)) for i in raw.index[huge]
            ]
            raw = raw.where(~huge, None)
            parsed = parsed.where(~huge)
            fractional = parsed.notna() & (parsed % 1 != 0)
            parsed = parsed.where(~fractional)
        bad = raw.notna() & parsed.isna()
        failures += [Failure(file, int(out.at[i, LINE]), name, str(raw[i]), rule) for i in raw.index[bad]]
        out[name] = parsed.astype("Int64") if kind == "i" else parsed
    return out, failures


def _foreign_digit(value) -> str | None:
    """The first digit of `value` that is not ASCII 0-9 (fullwidth, Arabic-Indic, Devanagari ...), or None."""
    if not isinstance(value, str) or value.isascii():
        return None
    return next((ch for ch in value if ch.isdigit() and not ch.isascii()), None)


def digit_rule(digit: str) -> str:
    return f"digits are ASCII 0-9 only (U+{ord(digit):04X} {unicodedata.name(digit, 'DIGIT')} is not)"


def range_rule(column) -> str:
    """A whole number's range in words, from the column's checks: 'must be ≥ 1950 and ≤ 2100'."""
    bounds = {
        "greater_than_or_equal_to": ("≥", "min_value"),
        "greater_than": (">", "min_value"),
        "less_than_or_equal_to": ("≤", "max_value"),
        "less_than": ("<", "max_value"),
    }
    words = [f"{bounds[c.name][0]} {c.statistics[bounds[c.name][1]]}" for c in column.checks if c.name in bounds]
    return "must be " + " and ".join(words) if words else f"a whole number within ±{SAFE_INTEGER:,}"


def check(
    frame: pd.DataFrame, raw: pd.DataFrame, model: type[pa.DataFrameModel], file: str, already: list[Failure]
) -> list[Failure]:
    """Run the pandera model lazily, then the rules every table shares (cell_rules); report each failure with its
    line and the value as written in the file, once per cell: skipping cells already reported by parse(), and
    the shared rules on cells the model's own, more specific rules reported."""
    missing = {f.column for f in already if f.value == MISSING}
    seen = {(f.line, f.column) for f in already}
    failures = []
    try:
        model.validate(frame.drop(columns=[LINE]), lazy=True)
        cases = ()
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.itertuples(index=False)
    for case in cases:  # type: ignore[var-annotated]  # pandas' itertuples rows
        failure = _describe(case, raw, frame[LINE], file)
        if failure and (failure.line, failure.column) not in seen and failure.column not in missing:
            failures.append(failure)
    seen |= {(f.line, f.column) for f in failures}
    return failures + [f for f in cell_rules(frame, raw, model, file) if (f.line, f.column) not in seen]


def shared_rules(model: type[pa.DataFrameModel]) -> list[tuple[str, str, str]]:
    """The rules every table shares, for each column of the model: (column, test, rule in words). test is
    'long', 'finite', 'future' or a pattern (TEXT_RULES); nothing in the future means after today (or this year,
    for a whole-number column named year or *_year)."""
    now, out = today(), []
    for name, column in model.to_schema().columns.items():
        kind = _kind(column.dtype)
        if name in FILE_LEVEL:
            continue
        if kind == "text" and "bool" not in str(column.dtype).lower():
            out += [(name, "long", LONG)] + [(name, pattern, rule) for pattern, rule in TEXT_RULES]
        elif kind == "f":
            out.append((name, "finite", FINITE))
        elif kind == "date":
            out.append((name, "future", future_date()))
        elif kind == "i" and (name == "year" or name.endswith("_year")):
            out.append((name, "future", f"a year not in the future (now {now.year})"))
    return out


def sql_rules(model: type[pa.DataFrameModel]) -> list[tuple[str, str, str]]:
    """shared_rules as SQL for DuckDB: (column, condition true on a failing row, rule in words)."""
    now, out = today(), []
    for name, test, rule in shared_rules(model):
        c = f'"{name}"'
        kind = _kind(model.to_schema().columns[name].dtype)
        if test == "long":
            condition = f"length({c}) > {MAX_TEXT}"
        elif test == "finite":
            condition = f"isinf({c})"
        elif test == "future":
            condition = f"{c} > DATE '{now:%Y-%m-%d}'" if kind == "date" else f"{c} > {now.year}"
        else:
            condition = f"regexp_matches({c}, '{test}')"  # no quote in any pattern of TEXT_RULES
        out.append((name, f"coalesce({condition}, false)", rule))
    return out


def cell_rules(frame: pd.DataFrame, raw: pd.DataFrame, model: type[pa.DataFrameModel], file: str) -> list[Failure]:
    """shared_rules on a typed frame: the first rule each cell breaks. A text column is converted once, and its
    patterns run one by one only where their union (SUSPECT) matches: most columns match nothing."""
    rules: dict[str, list[tuple[str, str]]] = {}
    for name, test, rule in shared_rules(model):
        if name in frame and frame[name].notna().any():
            rules.setdefault(name, []).append((test, rule))
    failures = []
    for name, tests in rules.items():
        values = frame[name]
        is_text = any(test not in ("finite", "future") for test, _ in tests)
        if is_text and not _may_break(values):
            continue
        text = _text(values) if is_text else None
        suspect = text is not None and bool(text.str.contains(SUSPECT, regex=True).fillna(False).any())
        failing = pd.Series(False, index=frame.index)
        for test, rule in tests:
            if test not in ("long", "finite", "future") and not suspect:
                continue
            bad = _breaks(values, test, text) & ~failing
            failures += _cells(frame, raw, name, file, bad, rule)
            failing |= bad
    return failures


def _may_break(values: pd.Series) -> bool:
    """Whether a text column may break a text rule: a cell longer than MAX_TEXT or matching SUSPECT. Plain Python,
    once per distinct value: quicker than converting the column for pandas' string methods (a curated file has a
    few hundred cells, a SIPRI TIV column few distinct ones), and most columns break nothing and need no more."""
    return any(isinstance(v, str) and (len(v) > MAX_TEXT or SUSPECT_RE.search(v)) for v in set(values.tolist()))


def _text(values: pd.Series) -> pd.Series:
    if values.dtype == object:  # text read by etl.readcsv; SIPRI's frames are typed str already
        values = values.map(lambda v: v if isinstance(v, str) else None)
    return values.astype("string[pyarrow]")


def _breaks(values: pd.Series, test: str, text: pd.Series | None = None) -> pd.Series:
    if test == "finite":
        return values.isin([float("inf"), float("-inf")])
    if test == "future":
        limit = pd.Timestamp(today()) if pd.api.types.is_datetime64_any_dtype(values) else today().year
        return (values > limit).fillna(False).astype(bool)
    text = _text(values) if text is None else text
    bad = text.str.len() > MAX_TEXT if test == "long" else text.str.contains(test, regex=True)
    return bad.fillna(False).astype(bool)


def _cells(frame: pd.DataFrame, raw: pd.DataFrame, name: str, file: str, bad: pd.Series, rule: str) -> list[Failure]:
    source = raw if name in raw else frame
    rows = frame.index[bad.to_numpy(dtype=bool)]
    return [Failure(file, int(frame.at[i, LINE]), name, _text_of(source.at[i, name]), rule) for i in rows]


def _describe(case, raw: pd.DataFrame, lines: pd.Series, file: str) -> Failure | None:
    check_name, column, index = str(case.check), case.column, case.index
    if check_name == "column_in_dataframe":
        return Failure(file, 1, str(case.failure_case), "(missing)", "required column is missing from the header")
    if check_name == "column_in_schema":
        return Failure(file, 1, str(case.failure_case), "(extra)", "column is not part of this file's schema")
    if check_name.startswith("dtype(") or str(case.failure_case).startswith(("TypeError(", "KeyError(")):
        return None  # follow-on of a parse failure or a missing column, already reported
    if index is None or pd.isna(index):
        return Failure(file, 0, str(column), str(case.failure_case), check_name)
    line = int(lines.loc[index])
    if check_name in ROW_RULES:
        column, rule = ROW_RULES[check_name]
        value = raw.at[index, column] if column in raw else None
        return Failure(file, line, column, _text_of(value), rule)
    if check_name == "not_nullable":
        return Failure(file, line, str(column), "", "required: must not be empty")
    if check_name in ("field_uniqueness", "multiple_fields_uniqueness"):
        return Failure(file, line, str(column), str(case.failure_case), "duplicate key: must be unique")
    value = raw.at[index, column] if column in raw else case.failure_case
    return Failure(file, line, str(column), _text_of(value), readable(check_name))


RULE_WORDS = [
    (r"^greater_than_or_equal_to\((.*)\)$", r"must be ≥ \1"),
    (r"^greater_than\((.*)\)$", r"must be > \1"),
    (r"^less_than_or_equal_to\((.*)\)$", r"must be ≤ \1"),
    (r"^less_than\((.*)\)$", r"must be < \1"),
    (r"^isin\((.*)\)$", r"must be one of \1"),
    (r"^str_matches\('(.*)'\)$", r"must match the pattern \1"),
    (r"^str_length\((.*)\)$", r"length must be within (min, max) = (\1)"),
]


def readable(check_name: str) -> str:
    """pandera's check name in words: greater_than(0) -> 'must be > 0'."""
    for pattern, words in RULE_WORDS:
        if re.match(pattern, check_name):
            return re.sub(pattern, words, check_name)
    return check_name


def _text_of(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def references(tables: dict, files: dict, rules: list[tuple[str, str, str, str]]) -> list[Failure]:
    """Each (table, column, target table, target column): every non-empty value exists in the target."""
    failures = []
    for table, column, target, key in rules:
        if table not in tables or target not in tables or column not in tables[table]:
            continue
        known = set(tables[target][key].dropna()) if key in tables[target] else set()
        frame = tables[table]
        bad = frame[column].notna() & ~frame[column].isin(known)
        rule = f"must exist in {target}.{key}"
        failures += [
            Failure(files[table], int(frame.at[i, LINE]), column, str(frame.at[i, column]), rule)
            for i in frame.index[bad]
        ]
    return failures
