-- Monthly and year-to-date figures (latest vintage) with their source, for the monthly/cumulative chart.
CREATE OR REPLACE VIEW v_monthly AS
SELECT l.publisher, l.scope, l.year, l.month_from, l.month_to, l.period_kind, l.value_usd_m,
       l.figure_id, l.source_id, s.title AS source_title, s.url AS source_url, l.published, l.confidence,
       l.revisions
FROM v_latest_figures AS l
JOIN sources AS s USING (source_id)
WHERE l.period_kind IN ('month', 'ytd')
ORDER BY l.publisher, l.scope, l.year, l.month_to, l.month_from;
