-- Every month from the first year with a published monthly figure to the last month any figure covers: which
-- publishers published that month's value, or "no published figure found". A month whose value only follows from
-- two year-to-date totals is still unpublished (`ytd_through_month` says whether Jan–month was published).
CREATE OR REPLACE VIEW v_monthly_coverage AS
WITH months AS (
    SELECT year(m)::SMALLINT AS year, month(m)::TINYINT AS month
    FROM range(
        (SELECT make_date(min(year), 1, 1) FROM v_latest_figures WHERE period_kind = 'month'),
        (SELECT max(make_date(year, month_to, 1)) FROM v_latest_figures) + INTERVAL 1 MONTH,
        INTERVAL 1 MONTH) AS t(m)
),
published AS (
    SELECT year, month_to AS month, string_agg(DISTINCT publisher, ', ' ORDER BY publisher) AS publishers,
           count(*) AS figures, min(figure_id) AS first_figure_id
    FROM v_latest_figures WHERE period_kind = 'month' GROUP BY ALL
),
ytd AS (
    SELECT DISTINCT year, month_to AS month FROM v_latest_figures WHERE period_kind IN ('ytd', 'year')
)
SELECT m.year, m.month, strftime(make_date(m.year, m.month, 1), '%b %Y') AS label,
       coalesce(p.figures, 0) AS figures, p.publishers, p.first_figure_id,
       CASE WHEN p.figures IS NULL THEN 'no published figure found' ELSE 'published' END AS status,
       y.month IS NOT NULL AS ytd_through_month
FROM months AS m
LEFT JOIN published AS p USING (year, month)
LEFT JOIN ytd AS y USING (year, month)
ORDER BY m.year, m.month;
