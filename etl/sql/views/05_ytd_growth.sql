-- Like-for-like year-to-date growth: Jan–m of one year against Jan–m of the year before.
CREATE OR REPLACE VIEW v_ytd_growth AS
SELECT publisher, scope, year, month_to AS through_month, value_usd_m, base_value_usd_m, growth_pct,
       figure_id, base_figure_id, source_id, base_source_id
FROM v_growth
WHERE period_kind = 'ytd'
ORDER BY publisher, scope, year, through_month;
