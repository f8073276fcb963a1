"""A pandera model's column checks as SQL, for tables too large to validate in pandas (the SIPRI register).

The model stays the one statement of the rules: each column's nullability, uniqueness and built-in checks
(ge, le, gt, lt, isin, str_matches, str_length) become SQL conditions that select the failing rows, reported
with the same rule text as etl.validate reports pandera's own failures. A check with no SQL translation
raises NotImplementedError, so a new rule in the model cannot be skipped silently.
"""

from dataclasses import dataclass

import pandera.pandas as pa

from etl.validate import readable

NOT_NULL = "required: must not be empty"
UNIQUE = "duplicate key: must be unique"


@dataclass(frozen=True)
class Rule:
    column: str
    failing: str  # SQL condition, true on a row that breaks the rule
    value: str  # SQL expression of the value reported
    rule: str  # the rule in words, as etl.validate words pandera's failures
    kind: str = "model"  # parse | model | shared: a model rule is skipped on a cell a parse rule reported


class ModelMismatch(RuntimeError):
    """A table's columns in etl/sql/*.sql differ from what the ETL writes into it: a contributor's change left the
    two apart. Nothing is published (the run stops before the swap)."""


def same_columns(con, table: str, written, where: str) -> None:
    """Raise ModelMismatch unless `table` (as created from etl/sql/) has exactly the columns `written` (what the
    insert selects, by name): a column declared on one side only would be left empty, or dropped, silently."""
    declared = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    missing, extra = sorted(set(declared) - set(written)), sorted(set(written) - set(declared))
    if missing or extra:
        said = [f"in the table but not written: {', '.join(missing)}"] if missing else []
        said += [f"written but not in the table: {', '.join(extra)}"] if extra else []
        raise ModelMismatch(
            f"{table.rsplit('.', 1)[-1]}: the columns of etl/sql/ and of {where} differ; " + "; ".join(said)
        )


def literal(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    raise NotImplementedError(f"no SQL literal for {value!r}")


def _condition(column: str, check: pa.Check) -> str:
    """SQL that is true where the check fails (NULLs pass: pandera ignores them in these checks)."""
    stats, c = check.statistics or {}, f'"{column}"'
    match check.name:
        case "greater_than_or_equal_to":
            return f"{c} < {literal(stats['min_value'])}"
        case "less_than_or_equal_to":
            return f"{c} > {literal(stats['max_value'])}"
        case "greater_than":
            return f"{c} <= {literal(stats['min_value'])}"
        case "less_than":
            return f"{c} >= {literal(stats['max_value'])}"
        case "isin":
            return f"{c} NOT IN ({', '.join(literal(v) for v in stats['allowed_values'])})"
        case "str_matches":  # re.match: anchored at the start only
            return f"NOT regexp_matches({c}, {literal('^(?:' + stats['pattern'] + ')')})"
        case "str_length":
            low, high = stats.get("min_value"), stats.get("max_value")
            parts = ([f"length({c}) < {int(low)}"] if low is not None else []) + (
                [f"length({c}) > {int(high)}"] if high is not None else []
            )
            return " OR ".join(parts) or "false"
    raise NotImplementedError(f"pandera check {check.name!r} on {column!r} has no SQL translation")


def rules(model: type[pa.DataFrameModel], values: dict[str, str] | None = None) -> list[Rule]:
    """Every per-row rule of the model's columns. `values` maps a column to the SQL of the value to report
    (the cell as written in the file); by default the column itself, as text."""
    schema, values = model.to_schema(), values or {}
    if schema.checks or schema.unique:
        raise NotImplementedError(f"{model.__name__}: dataframe-level checks have no SQL translation")
    out = []
    for name, column in schema.columns.items():
        value = values.get(name, f'CAST("{name}" AS VARCHAR)')
        if not column.nullable:
            out.append(Rule(name, f'"{name}" IS NULL', "''", NOT_NULL))
        out += [
            Rule(name, f"coalesce({_condition(name, check)}, false)", value, readable(check.error))
            for check in column.checks
        ]
    return out


def unique_columns(model: type[pa.DataFrameModel]) -> list[str]:
    return [name for name, column in model.to_schema().columns.items() if column.unique]


def failing_rows(relation: str, line: str, rules_: list[Rule], anywhere: str | None = None) -> str:
    """One scan of `relation`: (line, list of failures as {column, value, rule, kind}) for each row breaking a
    rule, in the order of `rules_`. `anywhere`: a cheaper condition true on every row that breaks a rule (and
    few others), to select the rows first; by default the rules' conditions joined by OR."""
    cells = ", ".join(
        f"CASE WHEN {r.failing} THEN {{'column': {literal(r.column)}, 'value': {r.value}, "
        f"'rule': {literal(r.rule)}, 'kind': {literal(r.kind)}}} END"
        for r in rules_
    )
    anywhere = anywhere or " OR ".join(f"({r.failing})" for r in rules_) or "false"
    return (
        f"SELECT {line} AS line, list_filter([{cells}], lambda f: f IS NOT NULL) AS failures "
        f"FROM {relation} WHERE {anywhere}"
    )


def duplicates(relation: str, line: str, column: str) -> str:
    """(line, value) of every row whose value in `column` occurs more than once."""
    return (
        f'SELECT {line} AS line, CAST("{column}" AS VARCHAR) AS value FROM {relation} WHERE "{column}" IN '
        f'(SELECT "{column}" FROM {relation} GROUP BY ALL HAVING count(*) > 1)'
    )
