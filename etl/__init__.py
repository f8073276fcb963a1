"""ETL: builds the DuckDB warehouse from data/raw (and SIPRI exports). Nothing else writes the warehouse."""
