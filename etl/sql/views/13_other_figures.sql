-- Figures that are not a calendar period: the twelve months ending with a month (trailing_12m) and running totals
-- "as of" a day (running_total). Kept, sourced and set beside the calendar figure they come closest to, never drawn
-- as a month or a year. `nearest_period_usd_m`: the latest published Jan–month total of the same publisher and
-- scope for the same year and month (a running total in December beside the year's total, for instance).
CREATE OR REPLACE VIEW v_other_figures AS
SELECT
    f.figure_id, f.publisher, f.scope, f.kind, f.year, f.month_from, f.month_to, f.as_of, f.value_usd_m,
    CASE f.kind
        WHEN 'trailing_12m' THEN '12 months to ' || strftime(make_date(f.year, f.month_to, 1), '%b %Y')
        ELSE 'running total as of ' || strftime(f.as_of, '%d %b %Y')
    END AS label,
    l.value_usd_m AS nearest_period_usd_m, l.figure_id AS nearest_figure_id,
    CASE WHEN l.month_to = 12 THEN 'calendar year' WHEN l.month_to IS NOT NULL THEN 'Jan–' || l.month_to END
        AS nearest_period,
    f.source_id, s.title AS source_title, s.url AS source_url, f.published, f.confidence, f.note
FROM export_figures AS f
JOIN sources AS s USING (source_id)
LEFT JOIN v_latest_figures AS l
    ON l.publisher = f.publisher AND l.year = f.year AND l.month_from = 1 AND l.month_to = f.month_to
    AND (l.scope = f.scope OR (f.kind = 'running_total' AND l.month_to = 12))
WHERE f.kind <> 'period'
QUALIFY row_number() OVER (PARTITION BY f.figure_id ORDER BY l.scope = f.scope DESC, l.published DESC) = 1
ORDER BY f.year, f.month_to, f.as_of, f.publisher, f.figure_id;
