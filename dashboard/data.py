"""Parameterised, read-only queries behind every chart and table. SQL text is constant; values are bound."""

from collections import Counter
from functools import lru_cache

import pandas as pd

from dashboard import cache, db
from dashboard.db import version
from dashboard.params import YEAR_MAX, YEAR_MIN, Known, Params

SOURCE_COLUMNS = """s.publisher AS source_publisher, s.title AS source_title, s.url AS source_url,
    strftime(s.published, '%Y-%m-%d') AS source_published, s.quote AS source_quote"""

DEAL_FILTER = """
    (CASE $status WHEN 'all' THEN true WHEN 'confirmed' THEN d.confirmed
                  ELSE list_contains($stages, d.status) END)
    AND (d.order_year IS NULL OR d.order_year BETWEEN $from AND $to)
    AND (len($country) = 0 OR list_contains($country, d.buyer_iso3))
    AND (len($firm) = 0 OR list_contains($firm, d.firm_id))
    AND (len($platform) = 0 OR list_contains($platform, d.platform_id))"""


def query(sql: str, params: dict | None = None) -> pd.DataFrame:
    """One read-only query with bound parameters ($name), its result cached per warehouse version
    (dashboard/cache.py), so a page, an embed and the API asking the same question share it."""
    key = (sql, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in (params or {}).items())))
    return cache.cached("query", key, lambda: db.run(sql, params))


def bind(p: Params, **extra) -> dict:
    start, end = p.years()
    values = {
        "from": start,
        "to": end,
        "status": p.status,
        "stages": list(p.stages),
        "country": list(p.country),
        "firm": list(p.firm),
        "platform": list(p.platform),
        "publisher": list(p.publisher),
    }
    return {**values, **extra}


def _sql(text: str) -> str:
    """Type the list parameters once, so empty lists bind as VARCHAR[]."""
    for name in ("country", "firm", "platform", "publisher", "stages"):
        text = text.replace(f"${name}", f"${name}::VARCHAR[]")
    return text


def run(text: str, p: Params, **extra) -> pd.DataFrame:
    sql = _sql(text)
    values = bind(p, **extra)
    return query(sql, {k: v for k, v in values.items() if f"${k}" in sql})


@lru_cache(maxsize=8)
def _meta(_version: str) -> dict:
    row = query("SELECT run_id, finished_at, data_as_of FROM etl_runs ORDER BY started_at DESC LIMIT 1")
    r = row.iloc[0]
    return {
        "run_id": r["run_id"],
        "finished_at": str(r["finished_at"])[:19],
        "data_as_of": str(r["data_as_of"])[:10] if pd.notna(r["data_as_of"]) else "unknown",
    }


def meta() -> dict:
    """The ETL run behind what is shown: run id, when it finished, newest publication date."""
    return _meta(version())


@lru_cache(maxsize=8)
def _known(_version: str) -> Known:
    def ids(sql):
        return frozenset(query(sql).iloc[:, 0])

    return Known(
        countries=ids("SELECT iso3 FROM countries"),
        firms=ids("SELECT firm_id FROM firms"),
        platforms=ids("SELECT platform_id FROM platforms"),
        publishers=ids("SELECT publisher_id FROM publishers"),
    )


def known() -> Known:
    return _known(version())


@lru_cache(maxsize=8)
def _source_titles(_version: str) -> dict:
    frame = query("SELECT source_id, title, url FROM sources")
    return {i: (t, u) for i, t, u in zip(frame["source_id"], frame["title"], frame["url"], strict=True)}


def source_titles() -> dict:
    """source_id -> (title, url) of every document, to name a source cited inside a note by its title."""
    return _source_titles(version())


@lru_cache(maxsize=8)
def _names(_version: str, kind: str) -> dict:
    sql = {
        "country": "SELECT iso3, name FROM countries WHERE kind = 'country' ORDER BY name",
        "place": "SELECT iso3, name FROM countries ORDER BY name",  # countries, regions and groups
        "firm": "SELECT firm_id, name FROM firms ORDER BY name",
        "platform": "SELECT platform_id, name FROM platforms ORDER BY name",
        "publisher": "SELECT publisher_id, name FROM publishers ORDER BY publisher_id",
    }[kind]
    frame = query(sql)
    return dict(zip(frame.iloc[:, 0], frame.iloc[:, 1], strict=True))


@lru_cache(maxsize=8)
def _search_terms(_version: str, kind: str) -> dict:
    if kind in ("firm", "platform"):
        frame = query(
            """SELECT entity_id, string_agg(alias || ' ' || alias_key, ' ' ORDER BY alias) AS terms
                         FROM aliases WHERE entity_type = $kind GROUP BY ALL""",
            {"kind": kind},
        )
        return dict(zip(frame["entity_id"], frame["terms"], strict=True))
    if kind == "country":  # ISO3 and the initials of a name of several words: ARE, UAE -> United Arab Emirates
        return {
            iso3: f"{iso3} {''.join(w[0] for w in name.split() if w[0].isupper())}"
            for iso3, name in names("country").items()
        }
    return {}


def search_terms(kind: str) -> dict:
    """id -> what a selector's search also matches besides the name: every alias of a firm or platform (Turkish and
    English spellings, abbreviations such as TAI, SIPRI designations, and their accent-folded forms), a country's
    ISO3 code and initials."""
    return _search_terms(version(), kind)


def names(kind: str) -> dict:
    """id -> display name for 'country', 'firm', 'platform' or 'publisher' ('place': any ISO3 code SIPRI uses)."""
    return _names(version(), kind)


def annual_totals(p: Params) -> pd.DataFrame:
    return run(
        f"""
        SELECT a.year, a.publisher, a.publisher_name, a.scope, a.value_usd_m, a.figure_id, a.published,
               a.confidence, a.revisions, {SOURCE_COLUMNS}
        FROM v_annual_totals AS a JOIN sources AS s USING (source_id)
        WHERE a.year BETWEEN $from AND $to AND (len($publisher) = 0 OR list_contains($publisher, a.publisher))
        ORDER BY a.publisher, a.scope, a.year""",
        p,
    )


def yoy_growth(p: Params) -> pd.DataFrame:
    return run(
        f"""
        SELECT g.year, g.publisher, g.scope, g.value_usd_m, g.base_value_usd_m, g.growth_pct, g.figure_id,
               g.base_figure_id, {SOURCE_COLUMNS}
        FROM v_growth AS g JOIN sources AS s USING (source_id)
        WHERE g.period_kind = 'year' AND g.year BETWEEN $from AND $to
          AND (len($publisher) = 0 OR list_contains($publisher, g.publisher))
        ORDER BY g.publisher, g.scope, g.year""",
        p,
    )


def monthly(p: Params) -> pd.DataFrame:
    return run(
        f"""
        SELECT m.year, m.month_from, m.month_to, m.period_kind, m.publisher, m.scope, m.value_usd_m,
               m.figure_id, m.confidence, m.revisions, {SOURCE_COLUMNS}
        FROM v_monthly AS m JOIN sources AS s USING (source_id)
        WHERE m.year BETWEEN $from AND $to AND (len($publisher) = 0 OR list_contains($publisher, m.publisher))
        ORDER BY m.publisher, m.year, m.month_to, m.month_from""",
        p,
    )


def ytd_growth(p: Params) -> pd.DataFrame:
    return run(
        """
        SELECT publisher, scope, year, through_month, value_usd_m, base_value_usd_m, growth_pct
        FROM v_ytd_growth WHERE year BETWEEN $from AND $to
          AND (len($publisher) = 0 OR list_contains($publisher, publisher))
        ORDER BY year, through_month""",
        p,
    )


def inconsistent_quotes() -> pd.DataFrame:
    """Quoted Jan–month growth rates that the published totals contradict (v_growth_check, beyond 1.5 points)."""
    return query("""SELECT publisher, scope, year, month_to, quoted_pct, computed_pct FROM v_growth_check
                    WHERE verdict = 'inconsistent' AND month_from = 1 ORDER BY year, month_to, publisher""")


def freshness() -> pd.DataFrame:
    """Per publisher of totals: its latest published period (calendar periods only) and when it was published."""
    return query("""
        SELECT publisher, arg_max(year, year::INT * 10000 + month_to::INT * 100 + month_from) AS year,
               arg_max(month_from, year::INT * 10000 + month_to::INT * 100 + month_from) AS month_from,
               arg_max(month_to, year::INT * 10000 + month_to::INT * 100 + month_from) AS month_to,
               strftime(max(published), '%Y-%m-%d') AS published
        FROM v_latest_figures GROUP BY publisher ORDER BY publisher""")


def ytd_table(p: Params) -> pd.DataFrame:
    """Every published Jan–month total in the selected years beside the same months a year earlier (same publisher
    and scope, latest vintages), the growth between them (derived) and the growth the publisher quoted, with the
    source of each side: a headline such as "$7.5 bn in Jan–Nov 2025, +30%" checked in one row."""
    return run(
        """
        WITH ytd AS (SELECT * FROM v_latest_figures WHERE period_kind = 'ytd')
        SELECT cur.year, cur.month_to AS through_month, cur.publisher, cur.scope, cur.value_usd_m,
               prev.value_usd_m AS base_value_usd_m,
               round(100 * (cur.value_usd_m / prev.value_usd_m - 1), 1) AS growth_pct,
               q.growth_pct AS quoted_pct, s.title AS source_title, s.url AS source_url,
               strftime(cur.published, '%Y-%m-%d') AS published, bs.title AS base_source_title,
               bs.url AS base_source_url
        FROM ytd AS cur
        LEFT JOIN ytd AS prev ON prev.publisher = cur.publisher AND prev.scope = cur.scope
            AND prev.month_to = cur.month_to AND prev.year = cur.year - 1
        LEFT JOIN sources AS s ON s.source_id = cur.source_id
        LEFT JOIN sources AS bs ON bs.source_id = prev.source_id
        LEFT JOIN (SELECT publisher, scope, year, month_to, any_value(growth_pct ORDER BY published DESC) AS growth_pct
                   FROM growth_quotes WHERE kind = 'period' AND month_from = 1 GROUP BY ALL) AS q
            ON q.publisher = cur.publisher AND q.scope = cur.scope AND q.year = cur.year AND q.month_to = cur.month_to
        WHERE cur.year BETWEEN $from AND $to AND (len($publisher) = 0 OR list_contains($publisher, cur.publisher))
        ORDER BY cur.year DESC, cur.month_to DESC, cur.publisher, cur.scope""",
        p,
    )


def cagr(p: Params) -> pd.DataFrame:
    return run(
        """
        SELECT publisher, scope, span, start_year, end_year, start_value_usd_m, end_value_usd_m, cagr_pct
        FROM v_cagr WHERE span = '5y' AND end_year <= $to
          AND (len($publisher) = 0 OR list_contains($publisher, publisher))
        ORDER BY end_year DESC, publisher""",
        p,
    )


def events(p: Params) -> pd.DataFrame:
    return run(
        f"""
        SELECT e.event_id, strftime(e.date, '%Y-%m-%d') AS date, year(e.date) AS year, e.type, e.title,
               array_to_string(e.countries, ', ') AS countries, e.platform_id, e.firm_id, e.status,
               e.status NOT IN ('talks', 'mou', 'reported', 'stalled', 'cancelled') AS confirmed, {SOURCE_COLUMNS}
        FROM events AS e JOIN sources AS s USING (source_id)
        WHERE year(e.date) BETWEEN $from AND $to
          AND ($status = 'all' OR list_contains($stages, e.status)
               OR e.status NOT IN ('talks', 'mou', 'reported'))
          AND (len($country) = 0 OR len(list_intersect($country, e.countries)) > 0)
          AND (len($platform) = 0 OR list_contains($platform, e.platform_id))
          AND (len($firm) = 0 OR list_contains($firm, e.firm_id))
        ORDER BY e.date, e.event_id""",
        p,
    )


def deals(p: Params) -> pd.DataFrame:
    return run(
        f"""
        SELECT d.deal_id, d.buyer_iso3, c.name AS buyer, d.platform_id, pl.name AS platform, d.firm_id,
               f.name AS firm, d.category, d.order_year, d.order_year_uncertain, d.quantity, d.quantity_uncertain,
               d.delivered, d.delivery_years, strftime(d.as_of, '%Y-%m-%d') AS as_of, d.value, d.currency,
               d.value_usd_m, d.value_usd_m_converted, d.fx_rate, strftime(d.fx_date, '%Y-%m-%d') AS fx_date,
               d.fx_basis, d.status, d.confirmed, d.confidence, d.note, d.source_id, {SOURCE_COLUMNS}
        FROM deals AS d
        JOIN countries AS c ON c.iso3 = d.buyer_iso3
        JOIN platforms AS pl USING (platform_id)
        LEFT JOIN firms AS f ON f.firm_id = d.firm_id
        JOIN sources AS s ON s.source_id = d.source_id
        WHERE {DEAL_FILTER}
        ORDER BY d.order_year DESC NULLS FIRST, c.name, pl.name, d.deal_id""",
        p,
    )


def recipients(p: Params) -> pd.DataFrame:
    """Per recipient country: curated deals, units ordered and delivered, US$ where published (confirmed or
    not); and, in rows of their own (deals = 0), SIPRI TIV delivered by Türkiye in the selected years."""
    return run(
        f"""
        WITH curated AS (
            SELECT d.buyer_iso3 AS iso3, d.confirmed, count(*) AS deals, sum(d.quantity)::BIGINT AS units,
                   count(*) FILTER (WHERE d.quantity IS NULL) AS deals_units_unknown,
                   sum(d.delivered)::BIGINT AS delivered, sum(d.value_usd_m) AS value_usd_m,
                   count(d.value_usd_m) AS deals_with_value, sum(d.value_usd_m_converted) AS value_usd_m_converted,
                   count(d.value_usd_m_converted) AS deals_converted, NULL::DOUBLE AS tiv,
                   string_agg(DISTINCT pl.name, ', ' ORDER BY pl.name) AS platforms
            FROM deals AS d JOIN platforms AS pl USING (platform_id)
            WHERE {DEAL_FILTER}
            GROUP BY ALL),
        sipri AS (
            SELECT t.recipient_iso3 AS iso3, true AS confirmed, 0 AS deals, NULL::BIGINT AS units,
                   0 AS deals_units_unknown, NULL::BIGINT AS delivered, NULL::DOUBLE AS value_usd_m,
                   0 AS deals_with_value, NULL::DOUBLE AS value_usd_m_converted, 0 AS deals_converted,
                   sum(t.tiv) AS tiv, NULL AS platforms
            FROM v_sipri_delivery_tiv AS t LEFT JOIN platforms AS pl USING (platform_id)
            WHERE t.supplier_iso3 = 'TUR' AND t.year BETWEEN $from AND $to
              AND (len($country) = 0 OR list_contains($country, t.recipient_iso3))
              AND (len($platform) = 0 OR list_contains($platform, t.platform_id))
              AND (len($firm) = 0 OR list_contains($firm, pl.firm_id))
            GROUP BY ALL)
        SELECT r.iso3, c.name AS country, r.* EXCLUDE (iso3)
        FROM (SELECT * FROM curated UNION ALL SELECT * FROM sipri) AS r JOIN countries AS c USING (iso3)
        WHERE c.kind = 'country'
        ORDER BY r.deals DESC, r.iso3, r.confirmed DESC, r.tiv""",
        p,
    )


def platform_matrix(p: Params) -> pd.DataFrame:
    return run(
        f"""
        SELECT pl.platform_id, pl.name AS platform, c.iso3, c.name AS country, count(*) AS deals,
               sum(d.quantity)::BIGINT AS units, sum(d.value_usd_m) AS value_usd_m,
               sum(d.value_usd_m_converted) AS value_usd_m_converted
        FROM deals AS d JOIN platforms AS pl USING (platform_id) JOIN countries AS c ON c.iso3 = d.buyer_iso3
        WHERE {DEAL_FILTER}
        GROUP BY ALL ORDER BY platform, country""",
        p,
    )


def deliveries(p: Params) -> pd.DataFrame:
    return run(
        f"""
        SELECT dd.year, pl.name AS platform, d.platform_id, count(*) AS deals_delivering
        FROM deal_deliveries AS dd JOIN deals AS d USING (deal_id) JOIN platforms AS pl USING (platform_id)
        WHERE {DEAL_FILTER} AND dd.year BETWEEN $from AND $to
        GROUP BY ALL ORDER BY dd.year, platform""",
        p,
    )


def status_mix(p: Params) -> pd.DataFrame:
    return run(
        f"""
        SELECT pl.name AS platform, d.platform_id, d.status, count(*) AS deals
        FROM deals AS d JOIN platforms AS pl USING (platform_id)
        WHERE {DEAL_FILTER}
        GROUP BY ALL ORDER BY platform, d.status""",
        p,
    )


def excluded_by_status(p: Params) -> int:
    """How many deals the status filter (confirmed by default, or the stages chosen) leaves out of the view."""
    if p.stages:
        frame = run(
            f"SELECT count(*) AS n FROM deals AS d WHERE {DEAL_FILTER} AND NOT list_contains($keep, d.status)",
            p,
            status="all",
            keep=list(p.stages),
        )
        return int(frame["n"].iloc[0])
    frame = run(f"SELECT count(*) AS n FROM deals AS d WHERE {DEAL_FILTER} AND NOT d.confirmed", p, status="all")
    return int(frame["n"].iloc[0])


def firm_figures(p: Params, metric: str, lists: tuple[str, ...] = ()) -> pd.DataFrame:
    """One figure per firm and year of `metric`, from the publishers in `lists` (all if empty; SIPRI's and Defense
    News' ranks are never mixed): an official body's before the firm's own statement before the press, then the
    latest vintage. Every other statement stays in firm_figures (and on the firm's page)."""
    return run(
        f"""
        SELECT ff.firm_id, f.name AS firm, ff.year, ff.metric, ff.value, ff.publisher, ff.edition, ff.confidence,
               ff.note, {SOURCE_COLUMNS}
        FROM firm_figures AS ff JOIN firms AS f USING (firm_id) JOIN sources AS s USING (source_id)
        WHERE ff.metric = $metric AND ff.year BETWEEN $from AND $to
          AND (len($firm) = 0 OR list_contains($firm, ff.firm_id))
          AND (len($lists::VARCHAR[]) = 0 OR list_contains($lists::VARCHAR[], ff.publisher))
        QUALIFY row_number() OVER (
            PARTITION BY ff.firm_id, ff.year, ff.metric
            ORDER BY list_position(['ssb', 'tim', 'sipri', 'defense_news', 'company', 'press'], ff.publisher),
                     ff.published DESC, ff.edition DESC NULLS LAST) = 1
        ORDER BY f.name, ff.year""",
        p,
        metric=metric,
        lists=list(lists),
    )


def firm_ranks(p: Params) -> pd.DataFrame:
    """Every rank of a Turkish firm in a Top 100 list, by the list's edition (SIPRI's and Defense News'), with the
    revenue the edition ranked it by; a rank restated in a later edition stays with that edition."""
    return run(
        f"""
        SELECT ff.firm_id, f.name AS firm, ff.publisher, ff.edition, ff.year, ff.value AS rank,
               rev.value AS revenue_usd_m, rev.metric AS revenue_metric, ff.confidence, ff.note, {SOURCE_COLUMNS}
        FROM firm_figures AS ff JOIN firms AS f USING (firm_id) JOIN sources AS s USING (source_id)
        LEFT JOIN firm_figures AS rev
            ON rev.firm_id = ff.firm_id AND rev.year = ff.year AND rev.publisher = ff.publisher
            AND rev.edition IS NOT DISTINCT FROM ff.edition
            AND rev.metric IN ('arms_revenue_usd_m', 'defence_revenue_usd_m')
        WHERE ff.metric = 'top100_rank' AND ff.edition IS NOT NULL AND ff.edition BETWEEN $from AND $to
          AND ff.edition = ff.year + 1  -- the edition's own ranking (both lists rank the year before the edition)
          AND (len($firm) = 0 OR list_contains($firm, ff.firm_id))
        QUALIFY row_number() OVER (PARTITION BY ff.firm_id, ff.publisher, ff.edition ORDER BY ff.published DESC) = 1
        ORDER BY ff.publisher, f.name, ff.edition""",
        p,
    )


def monthly_coverage(p: Params) -> pd.DataFrame:
    """Each month in the selected years from the first published monthly figure on, for the publishers in view
    (all when none is chosen): 'published', 'published by another body' (who, in `publishers`) or
    'no published figure found' (by anyone)."""
    return run(
        """
        WITH shown AS (
            SELECT year, month_to AS month, count(*) AS n FROM v_latest_figures
            WHERE period_kind = 'month' AND (len($publisher) = 0 OR list_contains($publisher, publisher))
            GROUP BY ALL)
        SELECT c.year, c.month, c.label, c.figures, c.publishers,
               CASE WHEN s.n IS NOT NULL THEN 'published'
                    WHEN c.figures > 0 THEN 'published by another body'
                    ELSE 'no published figure found' END AS status,
               c.ytd_through_month
        FROM v_monthly_coverage AS c LEFT JOIN shown AS s USING (year, month)
        WHERE c.year BETWEEN $from AND $to ORDER BY c.year, c.month""",
        p,
    )


def destinations(p: Params) -> pd.DataFrame:
    """Exports by destination as published (US$, or a share or rank), for the selected years and countries."""
    return run(
        f"""
        SELECT v.destination_id, v.year, v.month_from, v.month_to, v.period, v.publisher, v.scope,
               v.destination, v.destination_type, v.destination_iso3, v.destination_name, v.value_usd_m,
               v.share_pct, v.rank, v.confidence, v.note, {SOURCE_COLUMNS}
        FROM v_destinations AS v JOIN sources AS s USING (source_id)
        WHERE v.year BETWEEN $from AND $to
          AND (len($country) = 0 OR list_contains($country, v.destination_iso3))
          AND (len($publisher) = 0 OR list_contains($publisher, v.publisher))
        ORDER BY v.year, v.month_to, v.month_from, v.publisher, v.value_usd_m DESC NULLS LAST, v.rank NULLS LAST,
                 v.destination""",
        p,
    )


def deal_timeline(p: Params) -> pd.DataFrame:
    """The dated steps of the deals in view, whatever their status (a timeline shows talks and stalls too)."""
    return run(
        f"""
        SELECT t.deal_id, t.buyer_iso3, t.buyer, t.platform_id, t.platform, t.firm_id,
               strftime(t.date, '%Y-%m-%d') AS date, t.date_precision, t.status, t.step_no, t.is_latest, t.note,
               t.buyer || ' · ' || t.platform || ' (' || t.deal_id || ')' AS deal, {SOURCE_COLUMNS}
        FROM v_deal_timeline AS t JOIN deals AS d USING (deal_id) JOIN sources AS s ON s.source_id = t.source_id
        WHERE {DEAL_FILTER}
        ORDER BY t.buyer, t.platform, t.deal_id, t.step_no""",
        p,
        status="all",
    )


def sources_backing() -> pd.DataFrame:
    return query("""
        WITH backs AS (
            SELECT source_id, 'export figure' AS what FROM export_figures
            UNION ALL SELECT source_id, 'growth quote' FROM growth_quotes
            UNION ALL SELECT source_id, 'firm figure' FROM firm_figures
            UNION ALL SELECT source_id, 'deal' FROM deals
            UNION ALL SELECT source_id, 'event' FROM events
            UNION ALL SELECT source_id, 'destination figure' FROM destination_figures
            UNION ALL SELECT source_id, 'deal step' FROM deal_steps)
        SELECT s.source_id, s.publisher, s.title, s.url, strftime(s.published, '%Y-%m-%d') AS published,
               s.published_precision, s.language, s.quote,
               coalesce(string_agg(b.what || ' ×' || b.n, ', ' ORDER BY b.what), '') AS backs,
               coalesce(sum(b.n), 0)::BIGINT AS rows_backed
        FROM sources AS s
        LEFT JOIN (SELECT source_id, what, count(*) AS n FROM backs GROUP BY ALL) AS b USING (source_id)
        GROUP BY ALL ORDER BY rows_backed DESC, published DESC, s.source_id""")


def _has(table: str, column: str | None = None) -> bool:
    """Whether the warehouse has the table (and its column): one built before they existed has not."""
    found = query(
        """SELECT count(*) AS n FROM duckdb_columns() WHERE database_name = current_database()
           AND table_name = $table AND (len($column) = 0 OR column_name = $column)""",
        {"table": table, "column": column or ""},
    )
    return bool(found["n"].iloc[0])


def run_warnings() -> pd.DataFrame:
    """What the latest ETL run imported but said (parties new to etl/countries.py), one row each; none from a
    warehouse built before runs recorded warnings."""
    if not _has("etl_runs", "warnings"):
        return pd.DataFrame({"warning": pd.Series(dtype=str)})
    return query("""SELECT unnest(CAST(coalesce(warnings, '[]') AS VARCHAR[])) AS warning
                    FROM (SELECT warnings FROM etl_runs ORDER BY started_at DESC LIMIT 1)""")


def release_watch() -> pd.DataFrame:
    """Each source's latest period and when its next release is due (v_release_watch); none from a warehouse built
    before the view existed."""
    if not _has("v_release_watch"):
        return pd.DataFrame(
            {c: pd.Series(dtype=str) for c in ("source", "publisher", "latest_period", "published", "cadence",
                                                "next_period", "due")}
        )  # fmt: skip
    return query("""SELECT source, publisher, latest_period, strftime(published, '%Y-%m-%d') AS published, cadence,
                           next_period, strftime(due, '%Y-%m-%d') AS due FROM v_release_watch""")


CHANGE_COLUMNS = (
    "changed_at",
    "text",
    "change",
    "item",
    "key",
    "field",
    "old",
    "new",
    "vintage",
    "table_name",
    "run_id",
)


def changes(limit: int = 200) -> pd.DataFrame:
    """What the latest runs changed (etl_changes, newest first): figures added, revised (old -> new) or removed,
    deals and their steps, SIPRI vintages; none from a warehouse built before runs recorded changes."""
    if not _has("etl_changes"):
        return pd.DataFrame({c: pd.Series(dtype=str) for c in CHANGE_COLUMNS})
    return query(
        f"""SELECT {
            ", ".join(
                c if c != "changed_at" else "strftime(changed_at, '%Y-%m-%dT%H:%M:%SZ') AS changed_at"
                for c in CHANGE_COLUMNS
            )
        }
            FROM etl_changes ORDER BY etl_changes.changed_at DESC, table_name, key, field NULLS FIRST
            LIMIT $limit""",
        {"limit": limit},
    )


def quality() -> dict[str, pd.DataFrame]:
    return {
        "runs": query("""SELECT run_id, strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_utc, outcome,
                                strftime(data_as_of, '%Y-%m-%d') AS data_as_of, row_counts
                         FROM etl_runs ORDER BY started_at DESC LIMIT 10"""),
        "warnings": run_warnings(),
        "summary": query("SELECT area, measure, value FROM v_data_quality"),
        "growth_check": query("""SELECT g.quote_id, g.publisher, g.scope, g.year, g.month_from, g.month_to,
                                        g.quoted_pct, g.computed_pct, g.gap_pp, g.verdict, g.source_id,
                                        s.title AS source_title, s.url AS source_url
                                 FROM v_growth_check AS g JOIN sources AS s USING (source_id)
                                 ORDER BY g.verdict = 'inconsistent' DESC, g.verdict, g.year DESC, g.month_to DESC,
                                          g.quote_id"""),
        "coverage": query("""SELECT strftime(make_date(year, month, 1), '%Y-%m') AS month, status,
                                    ytd_through_month FROM v_monthly_coverage
                             WHERE status <> 'published' ORDER BY year, month"""),
        "other_figures": query("""SELECT o.figure_id, o.publisher, o.scope, o.label, o.value_usd_m,
                                         o.calendar_usd_m, o.calendar_basis,
                                         strftime(o.published, '%Y-%m-%d') AS published, o.source_id,
                                         s.title AS source_title, s.url AS source_url
                                  FROM v_other_figures AS o JOIN sources AS s USING (source_id)
                                  ORDER BY o.year, o.month_to, o.as_of, o.figure_id"""),
        "reconciliation": query("""SELECT year, month_from, month_to, publisher_a, scope_a, value_a_usd_m,
                                          publisher_b, scope_b, value_b_usd_m, difference_usd_m, ratio_b_to_a,
                                          scope_note FROM v_reconciliation ORDER BY year DESC, month_to DESC"""),
    }


def country_profile(iso3: str) -> pd.DataFrame:
    return query("SELECT iso3, name, kind FROM countries WHERE iso3 = $iso3", {"iso3": iso3})


def firm_profile(firm_id: str) -> pd.DataFrame:
    return query(
        "SELECT firm_id, name, name_en, aliases, country, note FROM firms WHERE firm_id = $id", {"id": firm_id}
    )


def platform_profile(platform_id: str) -> pd.DataFrame:
    return query(
        """SELECT pl.platform_id, pl.name, pl.aliases, pl.category, pl.firm_id, f.name AS firm, pl.note
                    FROM platforms AS pl LEFT JOIN firms AS f USING (firm_id) WHERE pl.platform_id = $id""",
        {"id": platform_id},
    )


def deal_sources(p: Params) -> pd.DataFrame:
    """The source of each deal in view: its publisher, publication date and URL; and the deal's order year."""
    return run(
        f"""
        SELECT s.publisher AS source_publisher, strftime(s.published, '%Y-%m-%d') AS source_published,
               s.url AS source_url, d.order_year
        FROM deals AS d JOIN sources AS s ON s.source_id = d.source_id
        WHERE {DEAL_FILTER} ORDER BY d.deal_id""",
        p,
    )


def deal_source_publishers(p: Params) -> dict:
    """Publishers of the sources behind the deals in view, with how many deals each backs."""
    return dict(Counter(deal_sources(p)["source_publisher"]))


@lru_cache(maxsize=8)
def _sipri_years(_version: str) -> tuple[int, int] | None:
    row = query(
        "SELECT min(year) AS a, max(year) AS b FROM v_sipri_yearly WHERE direction = 'exports' AND world_tiv > 0"
    ).iloc[0]
    return None if pd.isna(row["b"]) else (int(row["a"]), int(row["b"]))


def sipri_years() -> tuple[int, int] | None:
    """The first and last year of SIPRI's loaded TIV tables, or None when none is loaded."""
    return _sipri_years(version())


@lru_cache(maxsize=8)
def _per_delivery(_version: str) -> bool:
    if not _has("sipri_deals"):
        return False
    row = query("""SELECT count(*) AS n FROM sipri_deals
                   WHERE vintage = (SELECT max(vintage) FROM sipri_register)""")
    return bool(row["n"].iloc[0])


def sipri_per_delivery() -> bool:
    """Whether the newest register loaded is in SIPRI's per-delivery layout: its TIV is per delivery year, as SIPRI
    gives it, not each deal's TIV split evenly over its years."""
    return _per_delivery(version())


def sipri_last_year() -> int | None:
    """The last year of SIPRI's loaded TIV tables, or None when none is loaded."""
    years = sipri_years()
    return None if years is None else years[1]


@lru_cache(maxsize=8)
def _register_years(_version: str) -> tuple[int, int] | None:
    row = query("SELECT min(year) AS a, max(year) AS b FROM v_sipri_delivery_tiv").iloc[0]
    return None if pd.isna(row["b"]) else (int(row["a"]), int(row["b"]))


def register_years() -> tuple[int, int] | None:
    """The first and last delivery year of the newest SIPRI register loaded, or None when none is loaded."""
    return _register_years(version())


def sipri_span() -> tuple[int, int] | None:
    """The first and last year of every SIPRI source loaded: the TIV tables and the newest register together (SIPRI
    publishes the register first: a register downloaded in March 2025 reaches 2024, the TIV tables downloaded in
    October 2024 end in 2023)."""
    spans = [y for y in (sipri_years(), register_years()) if y]
    return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None


def sipri_basis(end: int) -> str:
    """What a ranking of exporters ending in `end` is drawn from: SIPRI's TIV tables where they reach that year
    (SIPRI's own yearly figures), else the newest register. One basis for a whole period, never the tables for some
    years and the register for others."""
    tables = sipri_years()
    return "tables" if tables and end <= tables[1] else "register"


def sipri_period(p: Params, years: tuple[int, int] | None = None) -> tuple[int, int]:
    """The years of a SIPRI comparison: from/to when given, else the latest five years with data (`years`: the
    first and last year of what the chart is drawn from; by default the TIV tables', or the register's where only
    a register is loaded)."""
    years = years or sipri_years() or register_years()
    if years is None:
        return p.years(2019, 2023)
    last = years[1]
    end = min(p.to or last, last)
    return (p.from_ or end - 4, end)


def sipri_exporters(p: Params) -> pd.DataFrame:
    """Every exporter's SIPRI TIV over the period, its rank and share of the world total (latest vintage): from the
    TIV tables where they reach the period's last year, else from the newest register (sipri_basis; the column
    `basis` says which)."""
    start, end = sipri_period(p, sipri_span())
    if sipri_basis(end) == "register":
        return _register_exporters(start, end)
    return _ranked(
        """SELECT iso3, sum(tiv) AS tiv FROM v_sipri_yearly
           WHERE direction = 'exports' AND year BETWEEN $start AND $end GROUP BY ALL""",
        "tables",
        start,
        end,
    )


def _ranked(period: str, basis: str, start: int, end: int) -> pd.DataFrame:
    """The exporters of `period` (a fixed SELECT of iso3, tiv over $start..$end) ranked by TIV, each with its share
    of the world total (their sum) and its name and kind."""
    return query(
        f"""
        WITH period AS ({period}),
        world AS (SELECT sum(tiv) AS world_tiv FROM period)
        SELECT $start AS period_start, $end AS period_end, p.iso3, c.name AS exporter, c.kind, p.tiv,
               rank() OVER (ORDER BY p.tiv DESC) AS rank, round(100 * p.tiv / w.world_tiv, 2) AS share_pct,
               w.world_tiv, 'SIPRI Arms Transfers Database' AS source_publisher, $basis AS basis
        FROM period AS p JOIN countries AS c USING (iso3), world AS w WHERE p.tiv > 0
        ORDER BY rank, p.iso3""",
        {"start": start, "end": end, "basis": basis},
    )


@lru_cache(maxsize=8)
def _extract(_version: str) -> bool:
    if not _has("sipri_window_totals"):
        return False
    row = query("""SELECT count(*) AS n FROM sipri_window_totals
                   WHERE vintage = (SELECT CAST(max(vintage) AS DATE) FROM sipri_register)""")
    return bool(row["n"].iloc[0])


def sipri_extract() -> bool:
    """Whether the register loaded is the extract shipped in data/raw/sipri-extract (Türkiye's records, with every
    exporter's 5-year totals beside them) rather than SIPRI's full register."""
    return _extract(version())


def _register_exporters(start: int, end: int) -> pd.DataFrame:
    """sipri_exporters from the newest register: each deal's TIV split over its delivery years (SIPRI's TIV per
    year in a per-delivery export), summed as decimals (v_sipri_register_exporters does the same for 5-year
    windows). From the extract, only its 5-year windows, as shipped."""
    if sipri_extract():
        return _ranked(
            """SELECT supplier_iso3 AS iso3, tiv FROM v_sipri_register_exporters
               WHERE period_start = $start AND period_end = $end""",
            "register extract",
            start,
            end,
        )
    return _ranked(
        """SELECT supplier_iso3 AS iso3, sum(tiv::DECIMAL(38, 10))::DOUBLE AS tiv FROM v_sipri_delivery_tiv
           WHERE year BETWEEN $start AND $end GROUP BY ALL""",
        "register",
        start,
        end,
    )


def sipri_trend(p: Params) -> pd.DataFrame:
    """Yearly SIPRI TIV of Türkiye and of the exporters named in `country`."""
    return query(
        """
        SELECT year, iso3, name AS exporter, tiv, below_half, share_pct,
               'SIPRI Arms Transfers Database' AS source_publisher
        FROM v_sipri_yearly
        WHERE direction = 'exports' AND year BETWEEN $from AND $to
          AND (iso3 = 'TUR' OR list_contains($country::VARCHAR[], iso3))
        ORDER BY iso3, year""",
        {"from": p.years(2000, 2100)[0], "to": p.years()[1], "country": list(p.country)},
    )


def sipri_recipients(p: Params) -> pd.DataFrame:
    """Türkiye's recipients by share of the TIV it delivered in the period (deal TIV split over its years), from
    the newest register: by default its last five years."""
    start, end = sipri_period(p, register_years())
    return query(
        """
        WITH period AS (
            SELECT recipient_iso3 AS iso3, sum(tiv) AS tiv, count(DISTINCT record_no) AS deals
            FROM v_sipri_delivery_tiv WHERE supplier_iso3 = 'TUR' AND year BETWEEN $start AND $end GROUP BY ALL)
        SELECT $start AS period_start, $end AS period_end, p.iso3, c.name AS recipient, c.kind, p.tiv, p.deals,
               round(100 * p.tiv / sum(p.tiv) OVER (), 1) AS share_pct,
               'SIPRI Arms Transfers Database' AS source_publisher
        FROM period AS p JOIN countries AS c USING (iso3)
        WHERE p.tiv > 0 ORDER BY p.tiv DESC, p.iso3""",
        {"start": start, "end": end},
    )


def sipri_reconciliation(p: Params) -> pd.DataFrame:
    return run(
        """
        SELECT r.buyer_iso3, c.name AS buyer, r.platform_id, coalesce(pl.name, r.platform_id) AS platform, r.pairing,
               r.deal_id, r.sipri_record_no,
               r.curated_order_year, r.sipri_order_year, r.curated_quantity, r.sipri_quantity,
               r.curated_delivered, r.sipri_delivered, r.match, r.curated_status, r.sipri_designation
        FROM v_sipri_reconciliation AS r JOIN countries AS c ON c.iso3 = r.buyer_iso3
        LEFT JOIN platforms AS pl ON pl.platform_id = r.platform_id
        WHERE (len($country) = 0 OR list_contains($country, r.buyer_iso3))
          AND (len($platform) = 0 OR list_contains($platform, r.platform_id))
        ORDER BY r.match, r.pairing, c.name, r.platform_id""",
        p,
    )


def deal_coverage(p: Params) -> dict:
    """How many deals of the selection have a US$ value: published in US$, or converted at ECB rates (apart)."""
    frame = run(
        f"""
        SELECT count(*) AS deals, count(d.value_usd_m) AS published,
               count(*) FILTER (WHERE d.value_usd_m IS NULL AND d.value_usd_m_converted IS NOT NULL) AS converted,
               sum(d.value_usd_m) AS usd_published, sum(d.value_usd_m_converted) AS usd_converted
        FROM deals AS d WHERE {DEAL_FILTER}""",
        p,
    )
    row = frame.iloc[0]
    return {
        "deals": int(row["deals"]),
        "published": int(row["published"]),
        "converted": int(row["converted"]),
        "usd_published": None if pd.isna(row["usd_published"]) else float(row["usd_published"]),
        "usd_converted": None if pd.isna(row["usd_converted"]) else float(row["usd_converted"]),
    }


def units_by_category(p: Params) -> pd.DataFrame:
    """Per platform category: deals, units ordered and delivered (on order = ordered − delivered over the deals where
    both are known), how many deals lack a quantity or a delivery count; never summed across categories."""
    return run(
        f"""
        SELECT d.category, count(*) AS deals, sum(d.quantity)::BIGINT AS ordered,
               sum(d.delivered)::BIGINT AS delivered,
               sum(CASE WHEN d.quantity IS NOT NULL AND d.delivered IS NOT NULL
                        THEN greatest(d.quantity - d.delivered, 0) END)::BIGINT AS on_order,
               count(*) FILTER (WHERE d.quantity IS NOT NULL AND d.delivered IS NULL) AS deals_delivery_unknown,
               count(*) FILTER (WHERE d.quantity IS NULL) AS deals_quantity_unknown,
               sum(d.delivered) FILTER (WHERE d.quantity IS NULL)::BIGINT AS delivered_quantity_unknown
        FROM deals AS d WHERE {DEAL_FILTER}
        GROUP BY d.category ORDER BY deals DESC, d.category""",
        p,
    )


def entity_tiv(kind: str, key: str, p: Params | None = None) -> dict:
    """SIPRI TIV of Türkiye's deliveries for an entity page (country: to it; platform: of it; firm: of its
    platforms) over the years of `p` kept inside the TIV tables' years, and the years it covers: `from` the first
    year summed (the entity's first delivery where `p` gives none), `to` the last (the tables' last year at most)."""
    p = p if p is not None else Params()
    where = {"country": "t.recipient_iso3 = $key", "platform": "t.platform_id = $key", "firm": "pl.firm_id = $key"}[
        kind
    ]
    years = sipri_years()
    first, last = years if years else (YEAR_MIN, YEAR_MAX)
    start, end = max(p.from_ or first, first), min(p.to or last, last)
    frame = query(
        f"""
        SELECT sum(t.tiv) AS tiv, min(t.year) AS first_year, max(t.year) AS last_year
        FROM v_sipri_delivery_tiv AS t LEFT JOIN platforms AS pl USING (platform_id)
        WHERE t.supplier_iso3 = 'TUR' AND {where} AND t.year BETWEEN $start AND $end""",
        {"key": key, "start": start, "end": end},
    )
    row = frame.iloc[0]
    if pd.isna(row["tiv"]):
        return {"tiv": None, "through": years[1] if years else None, "from": None, "to": None}
    return {
        "tiv": float(row["tiv"]),
        "through": years[1] if years else None,
        "from": start if p.from_ else int(row["first_year"]),
        "to": end,
    }
