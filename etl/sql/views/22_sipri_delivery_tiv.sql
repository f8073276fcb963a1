-- TIV of each register deal's deliveries spread over its delivery years (latest register vintage). SIPRI's
-- register gives "TIV of delivered weapons" per deal, not per year, so this view splits it EVENLY over the
-- deal's listed years of delivery: exact for a deal delivered in one year (delivery_years = 1), an estimate
-- otherwise (SIPRI's own yearly figures weight the years by the units delivered in each, which the register
-- does not publish). Derived; the TIV tables (v_sipri_yearly) hold SIPRI's yearly figures per country.
CREATE OR REPLACE VIEW v_sipri_delivery_tiv AS
WITH deals AS (
    SELECT * FROM sipri_register WHERE vintage = (SELECT max(vintage) FROM sipri_register)
),
years AS (
    SELECT vintage, record_no, count(*) AS delivery_years FROM sipri_deliveries GROUP BY vintage, record_no
)
SELECT d.vintage, d.record_no, d.supplier_iso3, d.recipient_iso3, x.year, x.year_uncertain,
       d.tiv_delivered / y.delivery_years AS tiv, y.delivery_years, d.tiv_delivered,
       d.designation, d.platform_id
FROM deals AS d
JOIN sipri_deliveries AS x USING (vintage, record_no)
JOIN years AS y USING (vintage, record_no)
ORDER BY d.record_no, x.year;
