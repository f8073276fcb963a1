-- Exports by destination in US$ as published (or the share or rank a publisher gave), latest vintage per publisher,
-- scope, period and destination, with the period in words. Never summed with deals, units or SIPRI TIV.
CREATE OR REPLACE VIEW v_destinations AS
SELECT
    d.destination_id, d.publisher, p.name AS publisher_name, d.scope, d.year, d.month_from, d.month_to,
    CASE WHEN d.month_from = 1 AND d.month_to = 12 THEN d.year::VARCHAR
         WHEN d.month_from = d.month_to THEN strftime(make_date(d.year, d.month_to, 1), '%b %Y')
         ELSE strftime(make_date(d.year, d.month_from, 1), '%b') || '–' || strftime(make_date(d.year, d.month_to, 1), '%b %Y')
    END AS period,
    d.destination, d.destination_type, d.destination_iso3, coalesce(c.name, d.destination) AS destination_name,
    d.value_usd_m, d.share_pct, d.rank, d.source_id, d.published, d.confidence, d.note
FROM destination_figures AS d
JOIN publishers AS p ON p.publisher_id = d.publisher
LEFT JOIN countries AS c ON c.iso3 = d.destination_iso3
QUALIFY row_number() OVER (
    PARTITION BY d.publisher, d.scope, d.year, d.month_from, d.month_to, d.destination
    ORDER BY d.published DESC, d.destination_id DESC) = 1
ORDER BY d.year, d.month_to, d.publisher, d.value_usd_m DESC NULLS LAST, d.rank NULLS LAST, d.destination;
