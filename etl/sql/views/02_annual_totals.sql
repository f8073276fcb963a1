-- Calendar-year totals per publisher and scope (latest vintage), with the source of each.
CREATE OR REPLACE VIEW v_annual_totals AS
SELECT
    l.publisher, p.name AS publisher_name, l.scope, l.year, l.value_usd_m,
    l.figure_id, l.source_id, s.title AS source_title, s.url AS source_url, l.published, l.confidence, l.revisions
FROM v_latest_figures AS l
JOIN publishers AS p ON p.publisher_id = l.publisher
JOIN sources AS s USING (source_id)
WHERE l.period_kind = 'year'
ORDER BY l.publisher, l.scope, l.year;
