"""Harmonise names after typing: countries to ISO3, aliases of firms and platforms to canonical ids."""

import pandas as pd

from etl.countries import fold, iso3_name, to_iso3
from etl.errors import Failure
from etl.readcsv import LINE

UNKNOWN_COUNTRY = "a country name known to pycountry (ISO 3166) or to etl/countries.py"


def _iso3(frame: pd.DataFrame, column: str, file: str, names: pd.Series) -> tuple[pd.Series, list[Failure]]:
    """ISO3 of each name in `names` (the column's cells that name a country); a name no table knows is a failure."""
    codes = names.map(lambda n: to_iso3(n) if isinstance(n, str) else None)
    bad = names.notna() & codes.isna()
    return codes, [
        Failure(file, int(frame.at[i, LINE]), column, frame.at[i, column], UNKNOWN_COUNTRY) for i in frame.index[bad]
    ]


def buyers(deals: pd.DataFrame, file: str) -> tuple[pd.Series, list[Failure]]:
    return _iso3(deals, "buyer", file, deals["buyer"])


def destinations(figures: pd.DataFrame, file: str) -> tuple[pd.Series, list[Failure]]:
    """ISO3 of each destination of type country (a group, such as "EU, NATO and US", has none)."""
    country = figures["destination_type"] == "country"
    return _iso3(figures, "destination", file, figures["destination"].where(country))


def country_lists(events: pd.DataFrame, file: str) -> tuple[pd.Series, list[Failure]]:
    failures, lists = [], []
    for i, text in events["countries"].items():
        names = [n.strip() for n in text.split(";") if n.strip()] if isinstance(text, str) else []
        codes = [to_iso3(n) for n in names]
        failures += [
            Failure(file, int(events.at[i, LINE]), "countries", n, UNKNOWN_COUNTRY)
            for n, c in zip(names, codes, strict=True)
            if not c
        ]
        lists.append(sorted({c for c in codes if c}))
    return pd.Series(lists, index=events.index, dtype=object), failures


def iso_codes(frame: pd.DataFrame, column: str, file: str) -> list[Failure]:
    bad = frame[column].notna() & frame[column].map(lambda c: iso3_name(c) is None if isinstance(c, str) else False)
    return [
        Failure(file, int(frame.at[i, LINE]), column, frame.at[i, column], "an ISO 3166 alpha-3 code")
        for i in frame.index[bad]
    ]


def aliases(frame: pd.DataFrame, kind: str, id_column: str, file: str) -> tuple[pd.DataFrame, list[Failure]]:
    """One row per (alias, id), the canonical name included; an alias may name only one entity."""
    rows = []
    for _, row in frame.iterrows():
        names = [row["name"]] + (
            [a.strip() for a in row["aliases"].split("|")] if isinstance(row["aliases"], str) else []
        )
        if "name_en" in frame:
            names.append(row["name_en"])
        for name in dict.fromkeys(n for n in names if n):
            rows.append((kind, row[id_column], name, alias_key(name), int(row[LINE])))
    table = pd.DataFrame(rows, columns=["entity_type", "entity_id", "alias", "alias_key", LINE])
    clash = table.groupby("alias_key")["entity_id"].transform("nunique") > 1
    failures = [
        Failure(
            file, int(r[LINE]), "aliases", r["alias"], f"an alias names one {kind} only (also used by another {kind})"
        )
        for _, r in table[clash].iterrows()
    ]
    return table.drop_duplicates(["entity_type", "entity_id", "alias_key"]).drop(columns=[LINE]), failures


def alias_key(name: str) -> str:
    return "".join(ch for ch in fold(name) if ch.isalnum())
