"""The hand-curated CSVs of data/raw: one spec per file (file, table, model), all read the same way."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from etl import schemas
from etl.readcsv import read_csv


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
