"""SIPRI's per-delivery layout, as its current web app exports the trade register: one row per deal and year of
delivery, header `SIPRI AT Database ID,Supplier,Recipient,Designation,…,TIV delivery values,Local production`,
estimate flags written Yes/No.

Its rows map onto the register's tables: a deal (its SIPRI AT Database ID) is one sipri_register record, each row a
delivery year of it in sipri_delivery_tiv, with SIPRI's own TIV for that year (the classic register gives TIV per
deal only, split evenly over its years). What the classic layout lacks is kept in sipri_deals: SIPRI's deal id,
armament category, local production, SIPRI's estimate. What it has and this one does not (number ordered, comments,
TIV of the whole order) stays empty.
"""

import re

import pandas as pd

from etl import sqlcheck, validate
from etl.errors import Failure, InputError
from etl.harmonise import alias_key
from etl.schemas import SIPRI_STATUSES, SIPRI_YEAR
from etl.sources import sipri_file
from etl.sources.sipri_register import DELIVERY_TIV_COLUMNS, Outcome, Staged, register_columns, table_of

HEADER = [
    "SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description", "Armament category",
    "Order date", "Order date is estimate", "Numbers delivered", "Numbers delivered is estimate", "Delivery year",
    "Delivery year is estimate", "Status", "SIPRI estimate", "TIV deal unit", "TIV delivery values",
    "Local production",
]  # fmt: skip
FLAGS = ["Order date is estimate", "Numbers delivered is estimate", "Delivery year is estimate", "Local production"]
NUMBERS = ["SIPRI estimate", "TIV deal unit", "TIV delivery values"]
DEAL_COLUMNS = ["Supplier", "Recipient", "Designation", "Description", "Armament category", "Order date",
                "Order date is estimate", "Status", "SIPRI estimate", "TIV deal unit", "Local production"]  # fmt: skip
DEALS_COLUMNS = ("vintage", "record_no", "sipri_deal_id", "armament_category", "local_production", "sipri_estimate")
ID = re.compile(r"^[0-9]{1,9}$")
YEAR = re.compile(r"^[0-9]{4}$")
WHOLE = re.compile(r"^[0-9]{1,9}$")
NUMBER = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,6})?$")
YES_NO = {"Yes": True, "No": False}


def parse(export: sipri_file.Export, con, table: str, target: str | None = None):
    """(Staged, vintage, failures): the file's deals and delivery years checked cell by cell (file, line, column,
    value, rule) and staged in `con` as {table}_records, {table}_deliveries, {table}_deals, {table}_codes; with
    `target` and no failure, written into target's sipri_register, sipri_delivery_tiv and sipri_deals."""
    if sipri_file.header(export) != HEADER:
        raise InputError(f"{export.name}:{export.header + 1}: not SIPRI's per-delivery header; expected {HEADER}")
    vintage, failures = sipri_file.vintage(export)
    cells, lines = sipri_file.rows(export)
    wrong = [(line, len(row)) for row, line in zip(cells, lines, strict=True) if len(row) != len(HEADER)]
    if wrong:
        line, width = wrong[0]
        raise InputError(f"{export.name}:{line}: {width} fields; SIPRI's per-delivery header has {len(HEADER)}")
    if not cells:
        raise InputError(f"{export.name}: no rows after the header on line {export.header + 1}")
    rows = pd.DataFrame(cells, columns=HEADER).apply(lambda c: c.str.strip())
    rows["line"] = lines
    failures += _cells(rows, export.name)
    codes = {name: sipri_file.sipri_code(name) for name in set(rows["Supplier"]) | set(rows["Recipient"])}
    for column in ("Supplier", "Recipient"):
        for name in rows.loc[rows[column].map(lambda n: codes[n][0] is None), column].unique():
            first = rows.loc[rows[column] == name, "line"]
            failures += [Failure(export.name, int(line), column, name, codes[name][1]) for line in first]
    failures += _one_deal_one_description(rows, export.name)
    records, deliveries, deals = (
        _shaped(rows, codes, vintage, export.name)
        if not failures
        else (
            pd.DataFrame(columns=register_columns()),
            pd.DataFrame(columns=DELIVERY_TIV_COLUMNS),
            pd.DataFrame(columns=DEALS_COLUMNS),
        )
    )
    code_table = pd.DataFrame(
        {"name": list(codes), "iso3": [c for c, _ in codes.values()], "rule": [r for _, r in codes.values()]},
        dtype=object,
    )
    for suffix, frame in (("records", records), ("deliveries", deliveries), ("deals", deals), ("codes", code_table)):
        table_of(con, f"{table}_{suffix}", frame)
    written = None
    if target and not failures:
        for into, frame, columns in (
            ("sipri_register", "records", register_columns()),
            ("sipri_delivery_tiv", "deliveries", list(DELIVERY_TIV_COLUMNS)),
            ("sipri_deals", "deals", list(DEALS_COLUMNS)),
        ):
            sqlcheck.same_columns(con, f"{target}.{into}", columns, f"etl/sources/sipri_per_delivery.py ({frame})")
            con.execute(f"INSERT INTO {target}.{into} BY NAME SELECT {', '.join(columns)} FROM {table}_{frame}")
        written = target
    staged = Staged(
        export.name,
        vintage,
        f"{table}_records",
        f"{table}_deliveries",
        len(records),
        f"{table}_codes",
        written,
        len(deals),
        Outcome.CHECKED if written is None else Outcome.AFTER_CHECK,  # checked in pandas, then written
    )
    return staged, vintage, failures


def _cells(rows: pd.DataFrame, name: str) -> list[Failure]:
    """Every cell's own rule; each failing cell once."""
    rules = [
        ("SIPRI AT Database ID", lambda v: bool(ID.match(v)), "SIPRI's deal number: digits"),
        ("Designation", bool, sqlcheck.NOT_NULL),
        ("Order date", _year, f"a year from {SIPRI_YEAR['ge']} to {SIPRI_YEAR['le']}"),
        ("Delivery year", _year, f"a year from {SIPRI_YEAR['ge']} to {SIPRI_YEAR['le']}"),
        ("Numbers delivered", lambda v: not v or bool(WHOLE.match(v)), "a whole number, or empty"),
        ("Status", lambda v: v in SIPRI_STATUSES, f"one of {', '.join(SIPRI_STATUSES)}"),
    ]
    rules += [(flag, lambda v: v in YES_NO, "Yes or No") for flag in FLAGS]
    rules += [
        (column, lambda v: not v or bool(NUMBER.match(v)), "a number of at least 0, or empty") for column in NUMBERS
    ]
    failures = []
    for column, passes, rule in rules:
        bad = ~rows[column].map(passes)
        failures += [
            Failure(name, int(line), column, value, rule)
            for line, value in zip(rows.loc[bad, "line"], rows.loc[bad, column], strict=True)
        ]
    for column in HEADER:
        suspect = rows[column].map(lambda v: bool(validate.SUSPECT_RE.search(v)))
        for line, value in zip(rows.loc[suspect, "line"], rows.loc[suspect, column], strict=True):
            rule = next(text for pattern, text in validate.TEXT_RULES if re.search(pattern, value))
            failures.append(Failure(name, int(line), column, value, rule))
    return failures


def _year(value: str) -> bool:
    return bool(YEAR.match(value)) and SIPRI_YEAR["ge"] <= int(value) <= SIPRI_YEAR["le"]


def _one_deal_one_description(rows: pd.DataFrame, name: str) -> list[Failure]:
    """A deal's rows must agree on what the deal is (supplier, recipient, weapon, order, status, TIV per unit)."""
    failures = []
    for column in DEAL_COLUMNS:
        differing = rows.groupby("SIPRI AT Database ID")[column].transform("nunique") > 1
        for line, deal, value in zip(
            rows.loc[differing, "line"],
            rows.loc[differing, "SIPRI AT Database ID"],
            rows.loc[differing, column],
            strict=True,
        ):
            failures.append(
                Failure(name, int(line), column, value, f"the same for every row of deal {deal} (SIPRI AT Database ID)")
            )
    return failures


def _number(cells: pd.Series) -> pd.Series:
    """Checked cells as numbers, an empty cell as missing."""
    return pd.to_numeric(cells.where(cells != ""), errors="coerce")


def _shaped(rows: pd.DataFrame, codes: dict, vintage, name: str):
    """Deals (one per SIPRI AT Database ID, in the order of their first row) as register records, their delivery
    years as sipri_delivery_tiv rows with SIPRI's TIV of that year, and what only this layout has."""
    rows = rows.assign(
        delivered=_number(rows["Numbers delivered"]),
        tiv=_number(rows["TIV delivery values"]),
        year=rows["Delivery year"].astype(int),
        year_uncertain=rows["Delivery year is estimate"].map(YES_NO),
        delivered_uncertain=rows["Numbers delivered is estimate"].map(YES_NO),
    )
    first = rows.drop_duplicates("SIPRI AT Database ID")[[*HEADER, "line"]].reset_index(drop=True)
    first["record_no"] = range(1, len(first) + 1)
    per_deal = rows.groupby("SIPRI AT Database ID", sort=False).agg(
        delivered=("delivered", lambda s: s.sum(min_count=1)),
        tiv_delivered=("tiv", lambda s: s.sum(min_count=1)),
        delivered_uncertain=("delivered_uncertain", "any"),
        delivery_years=("year", lambda s: "; ".join(str(y) for y in sorted(set(s)))),
        years=("year", "nunique"),
    )
    deals = first.join(per_deal, on="SIPRI AT Database ID")
    keys = deals["Designation"].map(alias_key)
    supplier_iso3 = deals["Supplier"].map(lambda n: codes[n][0])
    records = pd.DataFrame(
        {
            "vintage": vintage,
            "record_no": deals["record_no"],
            "line": deals["line"],
            "recipient": deals["Recipient"],
            "recipient_iso3": deals["Recipient"].map(lambda n: codes[n][0]),
            "supplier": deals["Supplier"],
            "supplier_iso3": supplier_iso3,
            "order_year": deals["Order date"].astype(int),
            "order_year_uncertain": deals["Order date is estimate"].map(YES_NO),
            "quantity": pd.array([None] * len(deals), dtype="Int64"),
            "quantity_uncertain": False,
            "designation": deals["Designation"],
            "description": deals["Description"].where(deals["Description"] != ""),
            "delivered": pd.array(deals["delivered"], dtype="Int64"),
            "delivered_uncertain": deals["delivered_uncertain"],
            "delivery_years": deals["delivery_years"],
            "status": deals["Status"],
            "comments": None,
            "tiv_per_unit": _number(deals["TIV deal unit"]),
            "tiv_total_order": float("nan"),
            "tiv_delivered": deals["tiv_delivered"],
            "source_file": name,
            "designation_key": keys,
            "platform_id": None,  # linked in the warehouse (etl/sql/links/)
        }
    )[register_columns()]
    record_of = dict(zip(deals["SIPRI AT Database ID"], deals["record_no"], strict=True))
    years = rows.assign(record_no=rows["SIPRI AT Database ID"].map(record_of))
    years = years.merge(
        records[["record_no", "supplier_iso3", "recipient_iso3", "designation", "platform_id", "tiv_delivered"]],
        on="record_no",
    )
    years = years.merge(
        per_deal[["years"]].rename(columns={"years": "delivery_years"}),
        left_on="SIPRI AT Database ID",
        right_index=True,
    )
    deliveries = years.assign(vintage=vintage)[list(DELIVERY_TIV_COLUMNS)]
    extra = pd.DataFrame(
        {
            "vintage": vintage,
            "record_no": deals["record_no"],
            "sipri_deal_id": deals["SIPRI AT Database ID"].astype(int),
            "armament_category": deals["Armament category"].where(deals["Armament category"] != ""),
            "local_production": deals["Local production"].map(YES_NO),
            "sipri_estimate": _number(deals["SIPRI estimate"]),
        }
    )[list(DEALS_COLUMNS)]
    return records, deliveries, extra
