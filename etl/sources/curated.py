"""The hand-curated CSVs of data/raw: one spec per file (file, table, model), all read the same way."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from etl import schemas
from etl.readcsv import read_csv


@dataclass(frozen=True)
class Curated:
    file: str
    table: str
    model: type[pa.DataFrameModel]


FILES = [
    Curated("sources.csv", "sources", schemas.Source),
    Curated("publishers.csv", "publishers", schemas.Publisher),
    Curated("export_figures.csv", "export_figures", schemas.ExportFigure),
    Curated("growth_quotes.csv", "growth_quotes", schemas.GrowthQuote),
    Curated("firms.csv", "firms", schemas.Firm),
    Curated("platforms.csv", "platforms", schemas.Platform),
    Curated("firm_figures.csv", "firm_figures", schemas.FirmFigure),
    Curated("deals.csv", "deals", schemas.Deal),
    Curated("events.csv", "events", schemas.Event),
    Curated("destination_figures.csv", "destination_figures", schemas.DestinationFigure),
    Curated("deal_steps.csv", "deal_steps", schemas.DealStep),
]

# (table, column, target table, target column): every non-empty value must exist in the target.
REFERENCES = [
    ("export_figures", "source_id", "sources", "source_id"),
    ("export_figures", "publisher", "publishers", "publisher_id"),
    ("growth_quotes", "source_id", "sources", "source_id"),
    ("growth_quotes", "publisher", "publishers", "publisher_id"),
    ("platforms", "firm_id", "firms", "firm_id"),
    ("firm_figures", "firm_id", "firms", "firm_id"),
    ("firm_figures", "source_id", "sources", "source_id"),
    ("firm_figures", "publisher", "publishers", "publisher_id"),
    ("deals", "platform_id", "platforms", "platform_id"),
    ("deals", "firm_id", "firms", "firm_id"),
    ("deals", "source_id", "sources", "source_id"),
    ("events", "platform_id", "platforms", "platform_id"),
    ("events", "firm_id", "firms", "firm_id"),
    ("events", "source_id", "sources", "source_id"),
    ("destination_figures", "source_id", "sources", "source_id"),
    ("destination_figures", "publisher", "publishers", "publisher_id"),
    ("deal_steps", "deal_id", "deals", "deal_id"),
    ("deal_steps", "source_id", "sources", "source_id"),
]


def extract(path: Path, model: type[pa.DataFrameModel] | None = None) -> tuple[pd.DataFrame, list]:
    return read_csv(path, len(model.to_schema().columns) if model is not None else None)
