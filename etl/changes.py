"""What changed in a run (issue 15, item 3): the new warehouse against the published one, recorded in etl_changes.

Figures added, revised (each value that differs: old -> new, with the figure's vintage, its `published` date) or
removed; deals added, removed or with a new status, and their status steps added or removed; SIPRI vintages
loaded or dropped. The published warehouse's own changes are copied over, so the table is the history of every
run (read by /quality, /api/v1/changes.json and /api/v1/changes.atom).
"""

import contextlib
from dataclasses import dataclass

import duckdb

PUBLISHED = "published"  # the catalog the published warehouse is attached as (etl.load._from_published)


@dataclass(frozen=True)
class Tracked:
    """A table whose rows are compared: its key, the columns a revision is told by, and its vintage column."""

    table: str
    what: str  # a row in words
    key: tuple[str, ...]
    values: tuple[str, ...]
    vintage: str | None = "published"


TRACKED = (
    Tracked("export_figures", "export figure", ("figure_id",), ("value_usd_m", "year", "month_from", "month_to")),
    Tracked("growth_quotes", "growth quote", ("quote_id",), ("growth_pct",)),
    Tracked("destination_figures", "destination figure", ("destination_id",), ("value_usd_m", "share_pct", "rank")),
    Tracked("firm_figures", "firm figure", ("firm_id", "year", "metric", "publisher", "source_id"), ("value",)),
    Tracked("deals", "deal", ("deal_id",), ("status", "quantity", "delivered", "value_usd_m"), "as_of"),
    Tracked("deal_steps", "deal step", ("deal_id", "date", "status"), (), "date"),
)
COLUMNS = ("run_id", "changed_at", "change", "table_name", "item", "key", "field", "old", "new", "vintage", "text")


def _key(alias: str, key: tuple[str, ...]) -> str:
    return " || '/' || ".join(f"CAST({alias}.{k} AS VARCHAR)" for k in key)


def _sql(t: Tracked) -> str:
    """The changes of one table as rows (change, key, field, old, new, vintage)."""
    on = " AND ".join(f"n.{k} = o.{k}" for k in t.key)
    vintage = lambda a: f"CAST({a}.{t.vintage} AS VARCHAR)" if t.vintage else "NULL"  # noqa: E731
    parts = [
        f"SELECT 'added', {_key('n', t.key)}, NULL, NULL, NULL, {vintage('n')} FROM {t.table} AS n "
        f"WHERE NOT EXISTS (SELECT 1 FROM {PUBLISHED}.{t.table} AS o WHERE {on})",
        f"SELECT 'removed', {_key('o', t.key)}, NULL, NULL, NULL, {vintage('o')} FROM {PUBLISHED}.{t.table} AS o "
        f"WHERE NOT EXISTS (SELECT 1 FROM {t.table} AS n WHERE {on})",
    ]
    parts += [
        f"SELECT 'revised', {_key('n', t.key)}, '{v}', CAST(o.{v} AS VARCHAR), CAST(n.{v} AS VARCHAR), "
        f"{vintage('n')} FROM {t.table} AS n JOIN {PUBLISHED}.{t.table} AS o ON {on} "
        f"WHERE n.{v} IS DISTINCT FROM o.{v}"
        for v in t.values
    ]
    return " UNION ALL ".join(parts)


def _sipri_vintages(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """SIPRI vintages loaded or dropped, per table (the register either layout, the TIV tables)."""
    found = []
    for table, what in (("sipri_register", "SIPRI register"), ("sipri_tiv", "SIPRI TIV tables")):
        new = {v for (v,) in con.execute(f"SELECT DISTINCT vintage FROM {table}").fetchall()}
        old = {v for (v,) in con.execute(f"SELECT DISTINCT vintage FROM {PUBLISHED}.{table}").fetchall()}
        found += [("added", table, what, str(v), None, None, None, str(v)) for v in sorted(new - old, key=str)]
        found += [("removed", table, what, str(v), None, None, None, str(v)) for v in sorted(old - new, key=str)]
    return found


def record(con: duckdb.DuckDBPyConnection, run_id: str, changed_at) -> list[tuple]:
    """Compare the warehouse being built (current catalog) with PUBLISHED (attached), insert what changed into
    etl_changes and return it; a table the published warehouse lacks (an older layout) is skipped."""
    found: list[tuple] = []
    for t in TRACKED:
        try:
            rows = con.execute(_sql(t) + " ORDER BY 1, 2, 3").fetchall()
        except duckdb.Error:
            continue
        found += [
            (change, t.table, t.what, key, field, old, new, vintage) for change, key, field, old, new, vintage in rows
        ]
    with contextlib.suppress(duckdb.Error):  # an older published file without the SIPRI tables
        found += _sipri_vintages(con)
    if found:
        con.executemany(
            f"INSERT INTO etl_changes ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            [(run_id, changed_at, change, table, what, key, field, old, new, vintage,
              sentence(change, what, key, field, old, new))
             for change, table, what, key, field, old, new, vintage in found],
        )  # fmt: skip
    return found


def copy_history(con: duckdb.DuckDBPyConnection) -> None:
    """The published warehouse's changes, kept in the new one (an older file without the table has none)."""
    with contextlib.suppress(duckdb.Error):
        con.execute(f"INSERT INTO etl_changes BY NAME SELECT * FROM {PUBLISHED}.etl_changes")


def sentence(change: str, what: str, key: str, field: str | None, old: str | None, new: str | None) -> str:
    """One change in words: 'export figure F002 revised: value_usd_m 10054.0 -> 10100.0'."""
    if change == "revised":
        return f"{what} {key} revised: {field} {old} -> {new}"
    return f"{what} {key} {change}"


def summary(found: list[tuple]) -> str | None:
    """The line `make etl` prints: counts by kind, then up to five changes in words."""
    if not found:
        return None
    counts: dict[str, int] = {}
    for change, _, what, *_ in found:
        counts[f"{what} {change}"] = counts.get(f"{what} {change}", 0) + 1
    head = ", ".join(f"{n} {label}" for label, n in counts.items())
    shown = "; ".join(sentence(c, w, k, f, o, n) for c, _, w, k, f, o, n, _ in found[:5])
    more = f"; and {len(found) - 5} more" if len(found) > 5 else ""
    return f"changes: {head} ({shown}{more})"
