"""The hand-curated CSVs of data/raw: one spec per file (file, table, model, references), all read the same way;
the source SOURCE reads and checks them, harmonises names and codes, and shapes the deals' derived columns."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from etl import fx, harmonise, interrupt, schemas, sidecar, steps
from etl.readcsv import LINE, display, read_bytes, read_csv
from etl.sources import Extracted, Run, Source
from etl.validate import check, parse, references

CONFIRMED_STATUSES = ("signed", "in_production", "delivering", "delivered")


@dataclass(frozen=True)
class Curated:
    """A curated file, declared once: its file, its table, the pandera model its rows follow, and its references
    (column, target table, target column: every non-empty value must exist in the target)."""

    file: str
    table: str
    model: type[pa.DataFrameModel]
    references: tuple[tuple[str, str, str], ...] = ()


FILES = [
    Curated("sources.csv", "sources", schemas.Source),
    Curated("publishers.csv", "publishers", schemas.Publisher),
    Curated(
        "export_figures.csv",
        "export_figures",
        schemas.ExportFigure,
        references=(
            ("source_id", "sources", "source_id"),
            ("publisher", "publishers", "publisher_id"),
        ),
    ),
    Curated(
        "growth_quotes.csv",
        "growth_quotes",
        schemas.GrowthQuote,
        references=(
            ("source_id", "sources", "source_id"),
            ("publisher", "publishers", "publisher_id"),
        ),
    ),
    Curated("firms.csv", "firms", schemas.Firm),
    Curated("platforms.csv", "platforms", schemas.Platform, references=(("firm_id", "firms", "firm_id"),)),
    Curated(
        "firm_figures.csv",
        "firm_figures",
        schemas.FirmFigure,
        references=(
            ("firm_id", "firms", "firm_id"),
            ("source_id", "sources", "source_id"),
            ("publisher", "publishers", "publisher_id"),
        ),
    ),
    Curated(
        "deals.csv",
        "deals",
        schemas.Deal,
        references=(
            ("platform_id", "platforms", "platform_id"),
            ("firm_id", "firms", "firm_id"),
            ("source_id", "sources", "source_id"),
        ),
    ),
    Curated(
        "events.csv",
        "events",
        schemas.Event,
        references=(
            ("platform_id", "platforms", "platform_id"),
            ("firm_id", "firms", "firm_id"),
            ("source_id", "sources", "source_id"),
        ),
    ),
    Curated(
        "destination_figures.csv",
        "destination_figures",
        schemas.DestinationFigure,
        references=(
            ("source_id", "sources", "source_id"),
            ("publisher", "publishers", "publisher_id"),
        ),
    ),
    Curated(
        "deal_steps.csv",
        "deal_steps",
        schemas.DealStep,
        references=(
            ("deal_id", "deals", "deal_id"),
            ("source_id", "sources", "source_id"),
        ),
    ),
]
# (table, column, target table, target column), for etl.validate.references: from the declarations above
REFERENCES = [(spec.table, *reference) for spec in FILES for reference in spec.references]


def extract(path: Path, model: type[pa.DataFrameModel] | None = None) -> tuple[pd.DataFrame, list]:
    return read_csv(path, len(model.to_schema().columns) if model is not None else None)


def sha256(path: Path) -> str:
    return hashlib.sha256(read_bytes(path)).hexdigest()


def checked(path: Path, model: type[pa.DataFrameModel]) -> tuple[pd.DataFrame, str, list]:
    """A CSV read, typed and checked by its pandera model: the typed frame, the file as shown, every failure (file,
    line, column, value, rule)."""
    frame, failures = extract(path, model)
    name = display(path)
    typed, parse_failures = parse(frame, model, name)
    return typed, name, failures + parse_failures + check(typed, frame, model, name, parse_failures)


def extract_all(run: Run) -> Extracted:
    """Every curated file read, typed and checked (its model, then references across files, names and codes,
    the deal lifecycle), with its checksum and its sidecar's provenance."""
    out = Extracted()
    for spec in FILES:
        interrupt.check()
        path = run.raw_dir / spec.file
        typed, name, failures = checked(path, spec.model)
        out.failures += failures
        out.tables[spec.table], out.files[spec.table] = typed, name
        out.checksums[name] = sha256(path)
        provenance, failures = sidecar.read(path)
        out.failures += failures
        out.provenance.append(
            {"file": name, "sha256": out.checksums[name], "sidecar": display(sidecar.path_of(path)), **provenance}
        )
    out.failures += references(out.tables, out.files, REFERENCES)
    out.failures += _harmonise(out.tables, out.files)
    out.tables["raw_files"] = pd.DataFrame(out.provenance, columns=sidecar.COLUMNS)
    return out


def _harmonise(t: dict[str, pd.DataFrame], f: dict[str, str]) -> list:
    """Buyers, destinations and event countries as ISO codes; firm and platform aliases as the aliases table."""
    failures = []
    t["deals"]["buyer_iso3"], more = harmonise.buyers(t["deals"], f["deals"])
    failures += more
    t["events"]["countries"], more = harmonise.country_lists(t["events"], f["events"])
    failures += more
    t["destination_figures"]["destination_iso3"], more = harmonise.destinations(
        t["destination_figures"], f["destination_figures"]
    )
    failures += more
    failures += steps.check(t["deal_steps"], t["deals"], f["deal_steps"], f["deals"])
    failures += harmonise.iso_codes(t["firms"], "country", f["firms"])
    firm_aliases, more = harmonise.aliases(t["firms"], "firm", "firm_id", f["firms"])
    platform_aliases, most = harmonise.aliases(t["platforms"], "platform", "platform_id", f["platforms"])
    t["aliases"] = pd.concat([firm_aliases, platform_aliases], ignore_index=True)
    return failures + more + most


def shape(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The validated frames as the warehouse's tables: the line numbers dropped, the deals' derived columns (flags,
    supplier, confirmed, values converted to US$) and their delivery years, one row each."""
    t = {name: frame.drop(columns=[LINE], errors="ignore") for name, frame in tables.items() if name in SOURCE.tables}
    deals = t["deals"]
    for column in ("order_year_uncertain", "quantity_uncertain"):
        deals[column] = deals[column] == "true"
    deals["supplier_iso3"] = "TUR"
    deals["confirmed"] = deals["status"].isin(CONFIRMED_STATUSES) & (deals["confidence"] != "L")
    converted = _converted(deals, t["deal_steps"], t["sources"])
    deals[["value_usd_m_converted", "fx_rate", "fx_date", "fx_basis"]] = converted
    t["deal_deliveries"] = (
        deals[["deal_id", "delivery_years"]]
        .dropna()
        .assign(year=lambda d: d["delivery_years"].str.split(";"))
        .explode("year")
        .astype({"year": int})[["deal_id", "year"]]
        .drop_duplicates()
    )
    return t


def _converted(deals: pd.DataFrame, deal_steps: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """A value in another currency converted to US$ at the ECB rate of the day the deal was signed (its first signed
    step), or else of the day its source published the value."""
    signed = deal_steps[deal_steps["status"] == "signed"].groupby("deal_id")["date"].min()
    published = deals["source_id"].map(sources.set_index("source_id")["published"])
    on_signing = deals["deal_id"].map(signed)
    dates = on_signing.fillna(published)
    basis = pd.Series("source published", index=deals.index).where(on_signing.isna(), "signed step")
    return fx.convert(deals, dates, basis)


SOURCE = Source(
    name="curated files (data/raw)",
    tables=(*(spec.table for spec in FILES), "aliases", "deal_deliveries", "raw_files"),
    extract=extract_all,
    shape=shape,
)
