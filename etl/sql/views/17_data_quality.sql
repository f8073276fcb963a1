-- A data-quality summary: one row per (area, measure), a count each.
CREATE OR REPLACE VIEW v_data_quality AS
SELECT 'figures' AS area, 'confidence ' || confidence AS measure, count(*) AS value FROM export_figures GROUP BY ALL
UNION ALL SELECT 'figures', 'periods with revised figures', count(*) FROM v_latest_figures WHERE revisions > 0
UNION ALL SELECT 'figures', 'periods published by more than one body', count(*) FROM (
    SELECT year, month_from, month_to FROM v_latest_figures GROUP BY ALL HAVING count(DISTINCT publisher) > 1)
UNION ALL SELECT 'figures', 'kind ' || kind, count(*) FROM export_figures WHERE kind <> 'period' GROUP BY ALL
UNION ALL SELECT 'figures', 'months with no published monthly figure', count(*) FROM v_monthly_coverage
    WHERE status = 'no published figure found'
UNION ALL SELECT 'growth quotes', verdict, count(*) FROM v_growth_check GROUP BY ALL
UNION ALL SELECT 'deals', 'status ' || replace(status, '_', ' '), count(*) FROM deals GROUP BY ALL
UNION ALL SELECT 'deals', 'without a US$ value', count(*) FROM deals WHERE value_usd_m IS NULL
UNION ALL SELECT 'deals', 'value converted to US$ at ECB rates', count(*) FROM deals
    WHERE value_usd_m_converted IS NOT NULL
UNION ALL SELECT 'deals', 'with dated steps', count(DISTINCT deal_id) FROM deal_steps
UNION ALL SELECT 'destinations', 'rows by ' || p.name, count(*)
    FROM destination_figures AS d JOIN publishers AS p ON p.publisher_id = d.publisher GROUP BY ALL
UNION ALL SELECT 'deals', 'quantity unknown', count(*) FROM deals WHERE quantity IS NULL
UNION ALL SELECT 'deals', 'uncertain order year or quantity', count(*) FROM deals
    WHERE order_year_uncertain OR quantity_uncertain
UNION ALL SELECT 'sources', 'language ' || language, count(*) FROM sources GROUP BY ALL
UNION ALL SELECT 'sources', 'publication day approximate', count(*) FROM sources WHERE published_precision = 'month'
ORDER BY area, measure;
