-- Curated deals rolled up per recipient country, firm and platform and order year, split by `confirmed`
-- (sum both rows for status=all). Units and values are summed only where known, and counted separately.
CREATE OR REPLACE VIEW v_exports_by AS
SELECT
    CASE WHEN grouping(d.buyer_iso3) = 0 THEN 'country'
         WHEN grouping(d.firm_id) = 0 THEN 'firm' ELSE 'platform' END AS dimension,
    CASE WHEN grouping(d.buyer_iso3) = 0 THEN d.buyer_iso3
         WHEN grouping(d.firm_id) = 0 THEN d.firm_id ELSE d.platform_id END AS key,
    d.order_year, d.confirmed,
    count(*) AS deals,
    sum(d.quantity)::BIGINT AS units_ordered,
    count(*) FILTER (WHERE d.quantity IS NULL) AS deals_units_unknown,
    sum(d.delivered)::BIGINT AS units_delivered,
    sum(d.value_usd_m) AS value_usd_m,
    count(d.value_usd_m) AS deals_with_value_usd,
    sum(d.value_usd_m_converted) AS value_usd_m_converted,  -- other currencies at ECB rates: never added silently
    count(d.value_usd_m_converted) AS deals_with_converted_usd
FROM deals AS d
GROUP BY GROUPING SETS ((d.buyer_iso3, d.order_year, d.confirmed), (d.firm_id, d.order_year, d.confirmed),
                        (d.platform_id, d.order_year, d.confirmed))
ORDER BY dimension, key, order_year, confirmed;
