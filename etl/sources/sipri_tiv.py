"""SIPRI TIV tables: TIV of arms exports per supplier (first column `Exports by`) or imports per recipient
(`Recipient`), one column per year. Constants + extract(path), wide -> long (country, year, tiv).

An empty cell means no deliveries (no row); "0 " means between 0 and 0.5 million TIV (tiv 0, below_half). The
columns after the years ("1950-2024", Percentage, Sum total years, Percentage of total) and the last row
(Total world export/import) are checked against the years, within rounding, and not loaded: the views
compute totals and shares from the years.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.errors import Failure, InputError
from etl.readcsv import LINE
from etl.schemas import SipriTiv
from etl.sources import sipri_file
from etl.validate import check

SPAN = re.compile(r"^[0-9]{4}-[0-9]{4}$")  # the row total's column, named after the years: "1950-2024"
SUMMARY = ["Percentage", "Sum total years", "Percentage of total"]  # after the span column, in this order
TOTALS = ["Sum total years"]  # the span column is checked too; its name depends on the years
SHARES = {"Percentage": 0, "Percentage of total": 1}  # share column -> index of the total it is a share of
WORLD = re.compile(r"^Total world (export|import)s?$")
ROUNDING = 0.5  # every value is rounded to a whole million TIV: each cell is within 0.5 of its true value
VALUE = "a TIV value (millions) ≥ 0, '0 ' (between 0 and 0.5) or empty"
SHARE = "a percentage like '1.6%' or '36%'"
DUPLICATE = "one row per country (also on an earlier line)"


def extract(path: Path) -> tuple[pd.DataFrame, pd.Timestamp | None, list[Failure]]:
    """The table as long rows, its vintage, and every failure; InputError for a file that cannot be read."""
    export = sipri_file.read(path)
    if export.kind == "register":
        raise InputError(f"{export.name}: the SIPRI trade register, not a TIV table")
    return parse(export)


def parse(export: sipri_file.Export) -> tuple[pd.DataFrame, pd.Timestamp | None, list[Failure]]:
    vintage, failures = sipri_file.vintage(export)
    table, more = read_table(export)
    failures += more + duplicates(table, export.name) + checks(table, export.name)
    frame, more = long(table, vintage, export)
    failures += more
    failures += check(frame, frame.assign(tiv=frame["tiv"].astype(str)), SipriTiv, export.name, failures)
    return frame, vintage, failures


@dataclass
class Table:
    wide: pd.DataFrame  # the cells as written, one row per country and the world row last, with LINE
    years: list[str]
    totals: list[str]  # the span column ("1950-2024") and "Sum total years"
    amounts: pd.DataFrame  # years and totals as numbers (NaN: an empty cell)
    shares: pd.DataFrame  # the SHARES columns as numbers ("1.6%" -> 1.6)
    decimals: pd.DataFrame  # how many digits each share shows after the point


def read_table(export: sipri_file.Export) -> tuple[Table, list[Failure]]:
    """The table as text and numbers; a failure for each cell that is not a number or a share."""
    header = sipri_file.header(export)
    years, span = layout(header, export)
    wide, failures = read_wide(export, header)
    totals = [span] + TOTALS
    text = _stripped(wide[years + totals])
    amounts = _numbers(text)
    shares_text = _stripped(wide[list(SHARES)])
    digits = shares_text.apply(lambda column: column.str.removesuffix("%"))
    percent_sign = shares_text.apply(lambda column: column.str.endswith("%")).fillna(False).astype(bool)
    shares = digits.apply(pd.to_numeric, errors="coerce").where(percent_sign)
    decimals = digits.apply(lambda column: column.str.partition(".")[2].str.len())
    failures += _cells(wide, text.notna() & ~(amounts >= 0), export.name, VALUE) + _cells(
        wide, shares_text.notna() & shares.isna(), export.name, SHARE
    )
    return Table(wide, years, totals, amounts.where(amounts >= 0), shares, decimals), failures


def layout(header: list[str], export: sipri_file.Export) -> tuple[list[str], str]:
    """The year columns and the span column; InputError when the header is not a TIV table's."""
    years = []
    for column in header[1:]:
        if not re.fullmatch(r"[0-9]{4}", column):
            break
        years.append(column)
    rest = header[1 + len(years) :]
    if not years or len(rest) != 1 + len(SUMMARY) or not SPAN.match(rest[0]) or rest[1:] != SUMMARY:
        raise InputError(
            f"{export.name}:{export.header + 1}: not a SIPRI TIV table's header: expected "
            f"'{header[0]},<years>,<first>-<last>,{','.join(SUMMARY)}'"
        )
    return years, rest[0]


def read_wide(export: sipri_file.Export, header: list[str]) -> tuple[pd.DataFrame, list[Failure]]:
    """The rows as text with their lines; a row of the wrong width is a failure (and left out), a short last row
    or a missing world row a truncated file (InputError)."""
    rows, starts = sipri_file.rows(export)
    kept = [(row, start) for row, start in zip(rows, starts, strict=True) if any(cell.strip() for cell in row)]
    if kept and len(kept[-1][0]) < len(header):
        raise InputError(
            f"{export.name}:{kept[-1][1]}: truncated file: the last row has {len(kept[-1][0])} of the "
            f"header's {len(header)} fields"
        )
    if not kept or not WORLD.match(kept[-1][0][0].strip()):
        raise InputError(f"{export.name}: no 'Total world …' row at the end (truncated?)")
    rule = f"every row has the header's {len(header)} fields"
    failures = [
        Failure(export.name, start, "*", f"{len(row)} fields", rule) for row, start in kept if len(row) != len(header)
    ]
    kept = [(row, start) for row, start in kept if len(row) == len(header)]
    wide = pd.DataFrame([row for row, _ in kept], columns=header, dtype="str")
    wide[LINE] = [start for _, start in kept]
    return wide, failures


def duplicates(table: Table, name: str) -> list[Failure]:
    wide = table.wide
    first = wide.columns[0]
    return [
        Failure(name, int(wide.at[i, LINE]), first, wide.at[i, first], DUPLICATE)
        for i in wide.index[wide[first].duplicated()]
    ]


def checks(table: Table, name: str) -> list[Failure]:
    """The totals against the sum of each row's years, the world row against the sum of each column, the shares
    against the totals: all within rounding (ROUNDING for each cell added, and for the total itself)."""
    wide, amounts, years = table.wide, table.amounts, table.years
    year_sum, cells = amounts[years].sum(axis=1), amounts[years].notna().sum(axis=1)
    failures = []
    for column in table.totals:
        off = _off(amounts[column], year_sum, cells)
        failures += [
            Failure(
                name,
                int(wide.at[i, LINE]),
                column,
                wide.at[i, column],
                f"the row's total: the sum of its years within rounding (they add up to {year_sum[i]:g})",
            )
            for i in wide.index[off]
        ]
    countries = amounts.iloc[:-1]
    column_sum, column_cells = countries.sum(), countries.notna().sum()
    off = _off(amounts.iloc[-1], column_sum, column_cells)
    world = wide.index[-1]
    rule = "the world row: the sum of the column within rounding (the rows add up to {:g})"
    failures += [
        Failure(name, int(wide.at[world, LINE]), column, wide.at[world, column], rule.format(column_sum[column]))
        for column in off.index[off]
    ]
    return failures + _shares(table, name)


def _off(stated: pd.Series, computed: pd.Series, cells: pd.Series) -> pd.Series:
    """Stated and computed differ by more than rounding allows, or the stated value is missing."""
    return (stated - computed).abs().gt(ROUNDING * (cells + 1)) | (stated.isna() & (cells > 0))


def _shares(table: Table, name: str) -> list[Failure]:
    """Each share = 100 × the row's total / the world's, allowing for the rounding of both and of the share."""
    wide, failures = table.wide, []
    for column, which in SHARES.items():
        total = table.amounts[table.totals[which]]
        world, half_unit = total.iloc[-1], 0.5 * 10.0 ** -table.decimals[column]
        low = 100 * (total - ROUNDING).clip(lower=0) / (world + ROUNDING) - half_unit
        high = 100 * (total + ROUNDING) / (world - ROUNDING) + half_unit
        share = table.shares[column]
        off = share.notna() & ((share < low - 1e-9) | (share > high + 1e-9))
        rule = "the row's share of the world total within rounding (computed {:.2f}%)"
        failures += [
            Failure(name, int(wide.at[i, LINE]), column, wide.at[i, column], rule.format(100 * total[i] / world))
            for i in wide.index[off]
        ]
    return failures


def long(table: Table, vintage, export: sipri_file.Export) -> tuple[pd.DataFrame, list[Failure]]:
    """Wide -> long: one row per country and year with deliveries (an empty cell gives no row)."""
    wide, first = table.wide, table.wide.columns[0]
    countries = wide.iloc[:-1].drop_duplicates(first)
    iso3, failures = sipri_file.country_codes(countries[first], countries[LINE], export.name, first)
    cells = table.amounts.loc[countries.index, table.years].assign(
        country=countries[first], iso3=iso3, **{LINE: countries[LINE]}
    )
    frame = cells.melt(id_vars=["country", "iso3", LINE], var_name="year", value_name="tiv").dropna(subset=["tiv"])
    frame = frame.assign(
        vintage=vintage,
        direction=export.kind,
        year=frame["year"].astype(int),
        below_half=frame["tiv"] == 0,
        source_file=export.name,
    )
    frame = frame.sort_values([LINE, "year"]).reset_index(drop=True)
    return frame[list(SipriTiv.to_schema().columns) + [LINE]], failures


def _stripped(text: pd.DataFrame) -> pd.DataFrame:
    """Each cell stripped; an empty one None. One pass over the cells (a table has ~80 columns of ~250 rows: a
    pandas call per column cost more than the work)."""
    cells = [
        [cell.strip() or None if isinstance(cell, str) else None for cell in row]
        for row in text.itertuples(index=False)
    ]
    return pd.DataFrame(cells, index=text.index, columns=text.columns, dtype=object)


def _numbers(text: pd.DataFrame) -> pd.DataFrame:
    """The cells as float64 numbers (NaN: empty or not a number), as pandas.to_numeric reads them."""
    flat = pd.to_numeric(pd.Series(text.to_numpy(dtype=object).ravel()), errors="coerce")
    return pd.DataFrame(flat.to_numpy(dtype=float).reshape(text.shape), index=text.index, columns=text.columns)


def _cells(wide: pd.DataFrame, bad: pd.DataFrame, name: str, rule: str) -> list[Failure]:
    where = bad.stack()
    return [Failure(name, int(wide.at[i, LINE]), column, wide.at[i, column], rule) for i, column in where.index[where]]
