"""Turn text tables into typed, checked tables, collecting every failure (lazy) before anything is written."""

import re

import pandas as pd
import pandera.pandas as pa

from etl.errors import Failure
from etl.readcsv import LINE
from etl.schemas import ROW_RULES

NUMBER_KINDS = {"f": "a number", "i": "a whole number"}


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
    """Parse each column to its model type; a cell that does not parse is a failure and becomes empty."""
    failures: list[Failure] = []
    out = frame.copy()
    for name, column in model.to_schema().columns.items():
        if name not in out:
            continue
        kind, raw = _kind(column.dtype), out[name]
        if kind == "text":
            continue
        if kind == "date":
            parsed = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
            rule = "a date written YYYY-MM-DD"
        else:
            parsed = pd.to_numeric(raw, errors="coerce")
            parsed = parsed.where(parsed.abs() != float("inf"))
            rule = f"must be {NUMBER_KINDS[kind]}"
            if kind == "i":
                fractional = parsed.notna() & (parsed % 1 != 0)
                parsed = parsed.where(~fractional)
        bad = raw.notna() & parsed.isna()
        failures += [Failure(file, int(out.at[i, LINE]), name, str(raw[i]), rule) for i in raw.index[bad]]
        out[name] = parsed.astype("Int64") if kind == "i" else parsed
    return out, failures


def check(frame: pd.DataFrame, raw: pd.DataFrame, model: type[pa.DataFrameModel], file: str,
          already: list[Failure]) -> list[Failure]:
    """Run the pandera model lazily; report each failure with its line and the value as written in the file,
    skipping cells already reported by parse()."""
    seen = {(f.line, f.column) for f in already}
    lines = frame[LINE]
    try:
        model.validate(frame.drop(columns=[LINE]), lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    failures = []
    for case in cases.itertuples(index=False):
        failure = _describe(case, raw, lines, file)
        if failure and (failure.line, failure.column) not in seen:
            failures.append(failure)
    return failures


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
        return Failure(file, line, column, _text(value), rule)
    if check_name == "not_nullable":
        return Failure(file, line, str(column), "", "required: must not be empty")
    if check_name in ("field_uniqueness", "multiple_fields_uniqueness"):
        return Failure(file, line, str(column), str(case.failure_case), "duplicate key: must be unique")
    value = raw.at[index, column] if column in raw else case.failure_case
    return Failure(file, line, str(column), _text(value), readable(check_name))


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


def _text(value) -> str:
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
        failures += [
            Failure(files[table], int(frame.at[i, LINE]), column, str(frame.at[i, column]), f"must exist in {target}.{key}")
            for i in frame.index[bad]
        ]
    return failures
