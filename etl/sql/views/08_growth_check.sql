-- Every quoted growth % against the growth computed from the published figures it relates to.
-- Tolerance: 1.5 percentage points, because totals are often published rounded (e.g. "$5.5 bn").
CREATE OR REPLACE VIEW v_growth_check AS
SELECT
    q.quote_id, q.publisher, q.scope, q.year, q.month_from, q.month_to, q.growth_pct AS quoted_pct,
    g.growth_pct AS computed_pct, round(q.growth_pct - g.growth_pct, 1) AS gap_pp,
    g.value_usd_m, g.base_value_usd_m,
    CASE
        WHEN g.growth_pct IS NULL THEN 'unverifiable'
        WHEN abs(q.growth_pct - g.growth_pct) <= 1.5 THEN 'consistent'
        ELSE 'inconsistent'
    END AS verdict,
    q.source_id, q.published
FROM growth_quotes AS q
LEFT JOIN v_growth AS g
    ON q.kind = 'period' AND g.publisher = q.publisher AND g.scope = q.scope AND g.year = q.year
    AND g.month_from = q.month_from AND g.month_to = q.month_to
ORDER BY q.year, q.month_from, q.month_to, q.publisher, q.quote_id;
