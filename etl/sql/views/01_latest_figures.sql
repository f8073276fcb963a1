-- The latest vintage of every published calendar-period figure: one row per publisher, scope and period.
-- Earlier vintages (revisions) stay in export_figures; `revisions` counts them. Trailing-12-month figures and
-- running totals "as of" a day are not calendar periods: they are in v_other_figures, never here.
CREATE OR REPLACE VIEW v_latest_figures AS
WITH ranked AS (
    SELECT
        f.*,
        row_number() OVER w AS vintage_rank,
        count(*) OVER (PARTITION BY publisher, scope, year, month_from, month_to) - 1 AS revisions
    FROM export_figures AS f
    WHERE kind = 'period'
    WINDOW w AS (PARTITION BY publisher, scope, year, month_from, month_to ORDER BY published DESC, figure_id DESC)
)
SELECT
    figure_id, publisher, scope, year, month_from, month_to,
    CASE
        WHEN month_from = 1 AND month_to = 12 THEN 'year'
        WHEN month_from = month_to THEN 'month'
        WHEN month_from = 1 THEN 'ytd'
        ELSE 'period'
    END AS period_kind,
    value_usd_m, source_id, published, confidence, note, revisions
FROM ranked
WHERE vintage_rank = 1
ORDER BY publisher, scope, year, month_from, month_to;
