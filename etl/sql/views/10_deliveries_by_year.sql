-- Deals with deliveries in each year, per buyer and platform (SIPRI gives delivery years, not units per year).
CREATE OR REPLACE VIEW v_deliveries_by_year AS
SELECT dd.year, d.buyer_iso3, d.platform_id, d.firm_id, d.confirmed, count(*) AS deals_delivering
FROM deal_deliveries AS dd
JOIN deals AS d USING (deal_id)
GROUP BY ALL
ORDER BY dd.year, d.buyer_iso3, d.platform_id, d.firm_id, d.confirmed;
