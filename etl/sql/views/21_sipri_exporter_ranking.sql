-- Suppliers ranked by SIPRI TIV over every 5-year window (SIPRI compares 5-year periods, e.g. 2019-2023), from
-- the TIV exports table, latest vintage. share_pct is of the world: the sum of every supplier in the window.
-- A window ends in each year the table has data for (a year SIPRI has not filled yet ends none). Derived.
CREATE OR REPLACE VIEW v_sipri_exporter_ranking AS
WITH yearly AS (
    SELECT iso3, name, year, tiv FROM v_sipri_yearly WHERE direction = 'exports'
),
windows AS (
    SELECT DISTINCT year - 4 AS period_start, year AS period_end
    FROM yearly
    WHERE year - 4 >= (SELECT min(year) FROM yearly)
),
sums AS (
    SELECT w.period_start, w.period_end, y.iso3, any_value(y.name) AS name, sum(y.tiv) AS tiv
    FROM windows AS w
    JOIN yearly AS y ON y.year BETWEEN w.period_start AND w.period_end
    GROUP BY w.period_start, w.period_end, y.iso3
)
SELECT period_start, period_end, iso3 AS supplier_iso3, name AS supplier, tiv,
       rank() OVER (PARTITION BY period_end ORDER BY tiv DESC) AS rank,
       round(100 * tiv / sum(tiv) OVER (PARTITION BY period_end), 2) AS share_pct,
       sum(tiv) OVER (PARTITION BY period_end) AS world_tiv
FROM sums
ORDER BY period_end, rank, supplier_iso3;
