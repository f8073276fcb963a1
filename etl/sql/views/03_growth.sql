-- Growth of every period against the same period a year earlier, like with like: same publisher, same scope,
-- same months (Jan–Nov 2025 against Jan–Nov 2024). Latest vintages on both sides. Derived, never published.
CREATE OR REPLACE VIEW v_growth AS
SELECT
    cur.publisher, cur.scope, cur.year, cur.month_from, cur.month_to, cur.period_kind,
    cur.value_usd_m, prev.value_usd_m AS base_value_usd_m,
    round(100 * (cur.value_usd_m / prev.value_usd_m - 1), 1) AS growth_pct,
    cur.figure_id, prev.figure_id AS base_figure_id,
    cur.source_id, prev.source_id AS base_source_id
FROM v_latest_figures AS cur
JOIN v_latest_figures AS prev
    ON prev.publisher = cur.publisher AND prev.scope = cur.scope
    AND prev.month_from = cur.month_from AND prev.month_to = cur.month_to
    AND prev.year = cur.year - 1
ORDER BY cur.publisher, cur.scope, cur.year, cur.month_from, cur.month_to;
