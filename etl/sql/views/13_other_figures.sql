-- Figures that are not a calendar period: the twelve months ending with a month (trailing_12m) and running totals
-- "as of" a day (running_total). Kept, sourced and set beside what the calendar figures of the same publisher and
-- scope say of the same span, never drawn as a month or a year:
--   running total as of a day in month m   beside the published Jan–m total of that year (the year's total for m = 12);
--   12 months to month m of year Y         beside year Y-1 − (Jan–m of Y-1) + (Jan–m of Y), derived from three
--                                          published calendar figures (the year's total for m = 12), when all exist.
CREATE OR REPLACE VIEW v_other_figures AS
WITH cal AS (
    SELECT publisher, scope, year, month_to, value_usd_m, figure_id
    FROM v_latest_figures WHERE month_from = 1
),
other AS (
    SELECT f.*,
        CASE f.kind
            WHEN 'trailing_12m' THEN '12 months to ' || strftime(make_date(f.year, f.month_to, 1), '%b %Y')
            ELSE 'running total as of ' || strftime(f.as_of, '%d %b %Y')
        END AS label
    FROM export_figures AS f WHERE f.kind <> 'period'
)
SELECT
    o.figure_id, o.publisher, o.scope, o.kind, o.year, o.month_from, o.month_to, o.as_of, o.label, o.value_usd_m,
    CASE
        WHEN o.kind = 'running_total' OR o.month_to = 12 THEN ytd.value_usd_m
        ELSE prev_year.value_usd_m - prev_ytd.value_usd_m + ytd.value_usd_m
    END AS calendar_usd_m,
    CASE
        WHEN (o.kind = 'running_total' OR o.month_to = 12) AND ytd.value_usd_m IS NOT NULL
            THEN CASE WHEN o.month_to = 12 THEN 'year ' || o.year
                      ELSE 'Jan–' || strftime(make_date(o.year, o.month_to, 1), '%b %Y') END || ' (published)'
        WHEN prev_year.value_usd_m IS NOT NULL AND prev_ytd.value_usd_m IS NOT NULL AND ytd.value_usd_m IS NOT NULL
            THEN (o.year - 1) || ' − Jan–' || strftime(make_date(o.year, o.month_to, 1), '%b') || ' ' || (o.year - 1)
                 || ' + Jan–' || strftime(make_date(o.year, o.month_to, 1), '%b') || ' ' || o.year || ' (derived)'
    END AS calendar_basis,
    o.source_id, s.title AS source_title, s.url AS source_url, o.published, o.confidence, o.note
FROM other AS o
JOIN sources AS s USING (source_id)
LEFT JOIN cal AS ytd
    ON ytd.publisher = o.publisher AND ytd.scope = o.scope AND ytd.year = o.year AND ytd.month_to = o.month_to
LEFT JOIN cal AS prev_year
    ON prev_year.publisher = o.publisher AND prev_year.scope = o.scope AND prev_year.year = o.year - 1
    AND prev_year.month_to = 12
LEFT JOIN cal AS prev_ytd
    ON prev_ytd.publisher = o.publisher AND prev_ytd.scope = o.scope AND prev_ytd.year = o.year - 1
    AND prev_ytd.month_to = o.month_to
ORDER BY o.year, o.month_to, o.as_of, o.publisher, o.figure_id;
