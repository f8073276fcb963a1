"""pandera's checks pushed into DuckDB (etl/sqlcheck.py) find what pandera finds, worded as etl.validate words it."""

import duckdb
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from etl import sqlcheck
from etl.schemas import SipriRegister
from etl.validate import readable


class Tiny(pa.DataFrameModel):
    code: Series[str] = pa.Field(str_matches=r"^[A-Z]{3}$", unique=True)
    year: Series[pd.Int64Dtype] = pa.Field(ge=1950, le=2100)
    share: Series[float] = pa.Field(nullable=True, gt=0, lt=100)
    status: Series[str] = pa.Field(isin=["New", "Second hand"])
    note: Series[str] = pa.Field(nullable=True, str_length={"max_value": 5})


FRAME = pd.DataFrame(
    {
        "code": ["TUR", "tur", "PAK", "PAK"],
        "year": pd.array([2020, 1949, None, 2101], dtype="Int64"),
        "share": [50.0, 0.0, None, 100.0],
        "status": ["New", "new", "Second hand", "Old"],
        "note": ["ok", None, "too long", "fine"],
    }
)


def pandera_failures(frame: pd.DataFrame) -> set[tuple[int, str, str]]:
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        Tiny.validate(frame, lazy=True)
    out = set()
    for case in caught.value.failure_cases.itertuples(index=False):
        if case.check == "not_nullable":
            out.add((int(case.index), case.column, sqlcheck.NOT_NULL))
        elif case.check == "field_uniqueness":
            out.add((int(case.index), case.column, sqlcheck.UNIQUE))
        else:
            out.add((int(case.index), case.column, readable(case.check)))
    return out


def sql_failures(frame: pd.DataFrame) -> set[tuple[int, str, str]]:
    con = duckdb.connect()
    con.register("t", frame.assign(i=range(len(frame))))
    out = {
        (line, f["column"], f["rule"])
        for line, failures in con.execute(sqlcheck.failing_rows("t", "i", sqlcheck.rules(Tiny))).fetchall()
        for f in failures
    }
    for column in sqlcheck.unique_columns(Tiny):
        out |= {
            (line, column, sqlcheck.UNIQUE) for line, _ in con.execute(sqlcheck.duplicates("t", "i", column)).fetchall()
        }
    return out


def test_the_sql_rules_fail_the_same_cells_with_the_same_words_as_pandera():
    expected = pandera_failures(FRAME)
    assert expected == sql_failures(FRAME)
    assert (1, "year", "must be ≥ 1950") in expected and (2, "year", sqlcheck.NOT_NULL) in expected
    assert (3, "status", "must be one of ['New', 'Second hand']") in expected


def test_a_check_without_a_translation_is_an_error_not_a_silent_skip():
    class Custom(pa.DataFrameModel):
        name: Series[str] = pa.Field(str_startswith="A")

    with pytest.raises(NotImplementedError, match="str_startswith"):
        sqlcheck.rules(Custom)


def test_the_register_model_translates_whole():
    assert {r.column for r in sqlcheck.rules(SipriRegister)} >= {"order_year", "status", "tiv_per_unit", "recipient"}
