"""The dashboard: reads the warehouse, never writes it. Pages, embeds, API and static export share charts.py."""
