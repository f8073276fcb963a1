-- Compound annual growth between every pair of calendar-year totals of one publisher and scope,
-- five years apart or the whole span. Derived.
CREATE OR REPLACE VIEW v_cagr AS
WITH years AS (SELECT publisher, scope, year, value_usd_m FROM v_latest_figures WHERE period_kind = 'year'),
spans AS (
    SELECT a.publisher, a.scope, a.year AS start_year, b.year AS end_year,
           a.value_usd_m AS start_value_usd_m, b.value_usd_m AS end_value_usd_m,
           CASE WHEN b.year - a.year = 5 THEN '5y' ELSE 'full' END AS span
    FROM years AS a JOIN years AS b ON a.publisher = b.publisher AND a.scope = b.scope AND b.year > a.year
    WHERE b.year - a.year = 5
       OR (a.year = (SELECT min(year) FROM years AS y WHERE y.publisher = a.publisher AND y.scope = a.scope)
           AND b.year = (SELECT max(year) FROM years AS y WHERE y.publisher = a.publisher AND y.scope = a.scope))
)
SELECT publisher, scope, span, start_year, end_year, end_year - start_year AS years,
       start_value_usd_m, end_value_usd_m,
       round(100 * (pow(end_value_usd_m / start_value_usd_m, 1.0 / (end_year - start_year)) - 1), 1) AS cagr_pct
FROM spans
ORDER BY publisher, scope, end_year, span;
