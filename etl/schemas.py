"""pandera models of every curated file: types, ranges, allowed values, unique keys and row rules.

Types are parsed before these run (etl.validate.parse), so a bad cell is reported once, as what it is.
Cross-table references (a figure's source exists, a deal's platform exists) are in etl.sources.curated.REFERENCES.
"""

import pandas as pd
import pandera.pandas as pa
import pycountry
from pandera.typing import Series

ID = r"^[a-z0-9][a-z0-9_]*$"
SCOPES = ["goods", "goods_services", "survey"]
CONFIDENCE = ["H", "M", "L"]
DEAL_STATUSES = ["talks", "mou", "signed", "in_production", "delivering", "delivered", "stalled", "cancelled"]
EVENT_STATUSES = DEAL_STATUSES + ["reported", "confirmed"]
CATEGORIES = [
    "uav",
    "ucav",
    "combat_aircraft",
    "trainer_aircraft",
    "transport_aircraft",
    "helicopter",
    "armoured_vehicle",
    "warship",
    "missile",
    "artillery",
    "sensor",
    "upgrade",
    "other",
]
EVENT_TYPES = ["contract", "mou", "talks", "first_delivery", "delivery", "record", "ranking", "other"]
FIRM_METRICS = ["export_usd_m", "arms_revenue_usd_m", "defence_revenue_usd_m", "total_revenue_usd_m", "top100_rank"]
# What a published export figure counts: a calendar period (a month, a year-to-date, a quarter, a year), the
# twelve months ending with a month, or a running total "as of" a day (never drawn as a calendar period).
FIGURE_KINDS = ["period", "trailing_12m", "running_total"]
DESTINATION_TYPES = ["country", "group"]
DATE_PRECISIONS = ["day", "month", "year"]
BOOL = ["true", "false"]
YEAR = {"ge": 1950, "le": 2100}

Int = pd.Int64Dtype

# Row rules: check name -> (column the rule is reported on, what the rule says).
ROW_RULES = {
    "month_to_ge_month_from": ("month_to", "month_to ≥ month_from (a period ends after it starts)"),
    "trailing_12m_months": ("month_from", "a trailing_12m figure starts the month after month_to (12 months)"),
    "as_of_with_running_total": ("as_of", "as_of is given for a running_total (and only for it)"),
    "running_total_in_as_of_month": ("month_to", "a running_total runs from month 1 to the month of its as_of date"),
    "as_of_not_after_publication": ("as_of", "as_of ≤ published"),
    "destination_has_measure": ("value_usd_m", "a destination row needs a value_usd_m, share_pct or rank"),
    "period_not_after_publication": ("year", "the period ends no later than the month it was published"),
    "ytd_ge_published_months": ("value_usd_m", "a year-to-date total ≥ each published month it covers"),
    "retrieved_not_before_published": ("retrieved", "retrieved ≥ published"),
    "delivered_le_quantity": ("delivered", "delivered ≤ quantity ordered, where both are known"),
    "delivery_years_ge_order_year": ("delivery_years", "every delivery year ≥ order year"),
    "delivery_years_not_after_as_of": ("delivery_years", "no delivery year after the as_of date"),
    "order_year_not_after_as_of": ("order_year", "order year ≤ the year of as_of"),
    "value_has_currency": ("currency", "a value needs its currency"),
    "ordered_deal_has_year": ("order_year", "an order year is required unless the status is talks or mou"),
    "rank_is_whole": ("value", "a top100_rank is a whole number ≥ 1"),
    "edition_not_before_year": ("edition", "a list's edition is not before the year its figures refer to"),
}


class Model(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = True


def _period_end(df: pd.DataFrame) -> pd.Series:
    return df["year"].astype("float") * 12 + df["month_to"].astype("float")


def _published_month(df: pd.DataFrame) -> pd.Series:
    return df["published"].dt.year * 12 + df["published"].dt.month


class Source(Model):
    source_id: Series[str] = pa.Field(str_matches=ID, unique=True)
    publisher: Series[str]
    title: Series[str]
    url: Series[str] = pa.Field(str_matches=r"^https?://\S+$")
    published: Series[pa.DateTime]
    published_precision: Series[str] = pa.Field(isin=["day", "month"])
    retrieved: Series[pa.DateTime]
    language: Series[str] = pa.Field(str_matches=r"^[a-z]{2}$")
    quote: Series[str] = pa.Field(str_length={"max_value": 2000})

    @pa.dataframe_check
    def retrieved_not_before_published(cls, df):
        return (df["retrieved"].isna() | df["published"].isna() | (df["retrieved"] >= df["published"])).astype(bool)


class Publisher(Model):
    publisher_id: Series[str] = pa.Field(str_matches=ID, unique=True)
    name: Series[str]
    name_tr: Series[str]
    scope_note: Series[str]


class Period(Model):
    """A figure for months month_from..month_to of a year, by one publisher and scope."""

    publisher: Series[str]
    scope: Series[str] = pa.Field(isin=SCOPES)
    year: Series[Int] = pa.Field(**YEAR)
    month_from: Series[Int] = pa.Field(ge=1, le=12)
    month_to: Series[Int] = pa.Field(ge=1, le=12)
    source_id: Series[str]
    published: Series[pa.DateTime]
    confidence: Series[str] = pa.Field(isin=CONFIDENCE)
    note: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check
    def month_to_ge_month_from(cls, df):
        trailing = df["kind"] == "trailing_12m" if "kind" in df else False
        return trailing | (df["month_to"] >= df["month_from"])

    @pa.dataframe_check
    def period_not_after_publication(cls, df):
        return _period_end(df) <= _published_month(df)


class PeriodFigure(Period):
    """A period figure that says what it counts (FIGURE_KINDS)."""

    kind: Series[str] = pa.Field(isin=FIGURE_KINDS)

    @pa.dataframe_check
    def trailing_12m_months(cls, df):
        return (df["kind"] != "trailing_12m") | (df["month_from"] == df["month_to"] % 12 + 1)


class ExportFigure(PeriodFigure):
    figure_id: Series[str] = pa.Field(str_matches=r"^F[0-9]{3,}$", unique=True)
    as_of: Series[pa.DateTime] = pa.Field(nullable=True)  # the day a running_total refers to
    value_usd_m: Series[float] = pa.Field(gt=0, lt=1_000_000)

    class Config:
        unique = ["publisher", "scope", "year", "month_from", "month_to", "kind", "as_of", "published", "source_id"]

    @pa.dataframe_check
    def as_of_with_running_total(cls, df):
        return (df["kind"] == "running_total") == df["as_of"].notna()

    @pa.dataframe_check
    def running_total_in_as_of_month(cls, df):
        total = df["kind"] == "running_total"
        same = (df["month_from"] == 1) & (df["year"] == df["as_of"].dt.year) & (df["month_to"] == df["as_of"].dt.month)
        return (~total | same.fillna(False)).astype(bool)

    @pa.dataframe_check
    def as_of_not_after_publication(cls, df):
        return (df["as_of"].isna() | (df["as_of"] <= df["published"])).astype(bool)

    @pa.dataframe_check
    def ytd_ge_published_months(cls, df):
        periods = df[df["kind"] == "period"]
        months = periods[periods["month_from"] == periods["month_to"]]
        ytd = periods[(periods["month_from"] == 1) & (periods["month_to"] > 1)]
        pairs = ytd.reset_index().merge(months, on=["publisher", "scope", "year"], suffixes=("", "_m"))
        pairs = pairs[pairs["month_to_m"] <= pairs["month_to"]]
        bad = set(pairs.loc[pairs["value_usd_m"] < pairs["value_usd_m_m"], "index"])
        return pd.Series([i not in bad for i in df.index], index=df.index)


class GrowthQuote(PeriodFigure):
    quote_id: Series[str] = pa.Field(str_matches=r"^Q[0-9]{3,}$", unique=True)
    growth_pct: Series[float] = pa.Field(ge=-100, le=10_000)


class Firm(Model):
    firm_id: Series[str] = pa.Field(str_matches=ID, unique=True)
    name: Series[str]
    name_en: Series[str]
    aliases: Series[str] = pa.Field(nullable=True)
    country: Series[str] = pa.Field(str_matches=r"^[A-Z]{3}$")
    note: Series[str] = pa.Field(nullable=True)


class Platform(Model):
    platform_id: Series[str] = pa.Field(str_matches=ID, unique=True)
    name: Series[str]
    aliases: Series[str] = pa.Field(nullable=True)
    category: Series[str] = pa.Field(isin=CATEGORIES)
    firm_id: Series[str] = pa.Field(nullable=True)
    note: Series[str] = pa.Field(nullable=True)


class FirmFigure(Model):
    firm_id: Series[str]
    year: Series[Int] = pa.Field(**YEAR)  # the year the revenue or exports refer to
    metric: Series[str] = pa.Field(isin=FIRM_METRICS)
    value: Series[float] = pa.Field(gt=0, lt=1_000_000)
    publisher: Series[str]
    edition: Series[Int] = pa.Field(nullable=True, **YEAR)  # a ranked list's edition (SIPRI, Defense News)
    source_id: Series[str]
    published: Series[pa.DateTime]
    confidence: Series[str] = pa.Field(isin=CONFIDENCE)
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        unique = ["firm_id", "year", "metric", "publisher", "edition", "published", "source_id"]

    @pa.dataframe_check
    def edition_not_before_year(cls, df):
        return (df["edition"].isna() | (df["edition"] >= df["year"])).fillna(True).astype(bool)

    @pa.dataframe_check
    def rank_is_whole(cls, df):
        rank = df["metric"] == "top100_rank"
        return ~rank | ((df["value"] >= 1) & (df["value"] % 1 == 0))


class Deal(Model):
    deal_id: Series[str] = pa.Field(str_matches=r"^D[0-9]{4}$", unique=True)
    buyer: Series[str]
    platform_id: Series[str]
    firm_id: Series[str] = pa.Field(nullable=True)
    category: Series[str] = pa.Field(isin=CATEGORIES)
    order_year: Series[Int] = pa.Field(nullable=True, **YEAR)
    order_year_uncertain: Series[str] = pa.Field(isin=BOOL)
    quantity: Series[Int] = pa.Field(nullable=True, ge=1, le=1_000_000)
    quantity_uncertain: Series[str] = pa.Field(isin=BOOL)
    delivered: Series[Int] = pa.Field(nullable=True, ge=0, le=1_000_000)
    delivery_years: Series[str] = pa.Field(nullable=True, str_matches=r"^[0-9]{4}(;[0-9]{4})*$")
    as_of: Series[pa.DateTime]
    value: Series[float] = pa.Field(nullable=True, gt=0, lt=1_000_000_000)
    currency: Series[str] = pa.Field(nullable=True)
    value_usd_m: Series[float] = pa.Field(nullable=True, gt=0, lt=1_000_000)
    status: Series[str] = pa.Field(isin=DEAL_STATUSES)
    confidence: Series[str] = pa.Field(isin=CONFIDENCE)
    source_id: Series[str]
    note: Series[str] = pa.Field(nullable=True)

    @pa.check("currency", name="an ISO 4217 currency code (pycountry)")
    def currency_is_iso4217(cls, currency):
        return currency.isna() | currency.map(lambda c: pycountry.currencies.get(alpha_3=c) is not None)

    @pa.dataframe_check
    def delivered_le_quantity(cls, df):
        return df["delivered"].isna() | df["quantity"].isna() | (df["delivered"] <= df["quantity"]).fillna(True)

    @pa.dataframe_check
    def delivery_years_ge_order_year(cls, df):
        first = _years(df["delivery_years"]).map(min, na_action="ignore")
        return (first.isna() | df["order_year"].isna() | (first >= df["order_year"])).fillna(True)

    @pa.dataframe_check
    def delivery_years_not_after_as_of(cls, df):
        last = _years(df["delivery_years"]).map(max, na_action="ignore")
        return (last.isna() | (last <= df["as_of"].dt.year)).fillna(True)

    @pa.dataframe_check
    def order_year_not_after_as_of(cls, df):
        return (df["order_year"].isna() | (df["order_year"] <= df["as_of"].dt.year)).fillna(True)

    @pa.dataframe_check
    def value_has_currency(cls, df):
        return df["value"].isna() | df["currency"].notna()

    @pa.dataframe_check
    def ordered_deal_has_year(cls, df):
        return df["status"].isin(["talks", "mou"]) | df["order_year"].notna()


def _years(text: pd.Series) -> pd.Series:
    return text.map(lambda s: [int(y) for y in s.split(";")] if isinstance(s, str) else None).astype(object)


class Event(Model):
    event_id: Series[str] = pa.Field(str_matches=r"^E[0-9]{3,}$", unique=True)
    date: Series[pa.DateTime]
    type: Series[str] = pa.Field(isin=EVENT_TYPES)
    title: Series[str] = pa.Field(str_length={"max_value": 300})
    countries: Series[str] = pa.Field(nullable=True)
    platform_id: Series[str] = pa.Field(nullable=True)
    firm_id: Series[str] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=EVENT_STATUSES)
    source_id: Series[str]
    note: Series[str] = pa.Field(nullable=True)


class DestinationFigure(Period):
    """Exports to one destination (a country, or a group such as "EU, NATO and US") in US$ as published, or its
    share or rank where that is all the publisher gave."""

    destination_id: Series[str] = pa.Field(str_matches=r"^X[0-9]{3,}$", unique=True)
    destination: Series[str]
    destination_type: Series[str] = pa.Field(isin=DESTINATION_TYPES)
    value_usd_m: Series[float] = pa.Field(nullable=True, gt=0, lt=1_000_000)
    share_pct: Series[float] = pa.Field(nullable=True, gt=0, le=100)
    rank: Series[Int] = pa.Field(nullable=True, ge=1, le=300)

    class Config:
        unique = ["publisher", "scope", "year", "month_from", "month_to", "destination", "published", "source_id"]

    @pa.dataframe_check
    def destination_has_measure(cls, df):
        return (df["value_usd_m"].notna() | df["share_pct"].notna() | df["rank"].notna()).astype(bool)


class DealStep(Model):
    """One dated step of a deal's life (talks, MoU, signed, … delivered, stalled, cancelled), each with its source.
    Cross-file rules (the deal exists, no signed-or-later step before its order year, the deal's status is its latest
    step) are in etl.steps."""

    deal_id: Series[str] = pa.Field(str_matches=r"^D[0-9]{4}$")
    date: Series[pa.DateTime]
    date_precision: Series[str] = pa.Field(isin=DATE_PRECISIONS)
    status: Series[str] = pa.Field(isin=DEAL_STATUSES)
    source_id: Series[str]
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        unique = ["deal_id", "date", "status"]


# SIPRI exports (etl/sources/sipri_*.py): SIPRI's data, so only its format is checked, not its judgement.
SIPRI_STATUSES = ["New", "Second hand", "Second hand but modernized"]
SIPRI_YEAR = {"ge": 1900, "le": 2100}  # register orders go back to 1940 (deliveries from 1950)
TIV_DIRECTIONS = ["exports", "imports"]
CODE = r"^[A-Z]{3}$"


class SipriRegister(Model):
    vintage: Series[pa.DateTime] = pa.Field(nullable=True)  # missing: reported once, by sipri_file.vintage
    record_no: Series[Int] = pa.Field(ge=1, unique=True)
    recipient: Series[str]
    recipient_iso3: Series[str] = pa.Field(nullable=True, str_matches=CODE)  # unknown names: sipri_file
    supplier: Series[str]
    supplier_iso3: Series[str] = pa.Field(nullable=True, str_matches=CODE)
    order_year: Series[Int] = pa.Field(**SIPRI_YEAR)
    order_year_uncertain: Series[bool]
    quantity: Series[Int] = pa.Field(nullable=True, ge=0, le=10_000_000)
    quantity_uncertain: Series[bool]
    designation: Series[str]
    description: Series[str] = pa.Field(nullable=True)
    delivered: Series[Int] = pa.Field(nullable=True, ge=0, le=10_000_000)
    delivered_uncertain: Series[bool]
    delivery_years: Series[str] = pa.Field(nullable=True)  # each year parsed by sipri_register.deliveries
    status: Series[str] = pa.Field(isin=SIPRI_STATUSES)
    comments: Series[str] = pa.Field(nullable=True)
    tiv_per_unit: Series[float] = pa.Field(nullable=True, ge=0)
    tiv_total_order: Series[float] = pa.Field(nullable=True, ge=0)
    tiv_delivered: Series[float] = pa.Field(nullable=True, ge=0)
    source_file: Series[str]


class SipriTiv(Model):
    vintage: Series[pa.DateTime] = pa.Field(nullable=True)
    direction: Series[str] = pa.Field(isin=TIV_DIRECTIONS)
    country: Series[str]
    iso3: Series[str] = pa.Field(nullable=True, str_matches=CODE)
    year: Series[Int] = pa.Field(**SIPRI_YEAR)
    tiv: Series[float] = pa.Field(ge=0)
    below_half: Series[bool]
    source_file: Series[str]

    class Config:
        unique = ["country", "year"]
