-- Year-over-year growth of calendar-year totals (same publisher and scope).
CREATE OR REPLACE VIEW v_yoy_growth AS
SELECT publisher, scope, year, value_usd_m, base_value_usd_m, growth_pct, figure_id, base_figure_id
FROM v_growth
WHERE period_kind = 'year'
ORDER BY publisher, scope, year;
