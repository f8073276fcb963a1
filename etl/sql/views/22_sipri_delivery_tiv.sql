-- TIV of each register deal's deliveries spread over its delivery years (latest register vintage). SIPRI's
-- register gives "TIV of delivered weapons" per deal, not per year, so this view splits it EVENLY over the
-- deal's listed years of delivery: exact for a deal delivered in one year (delivery_years = 1), an estimate
-- otherwise (SIPRI's own yearly figures weight the years by the units delivered in each, which the register
-- does not publish). Derived; the TIV tables (v_sipri_yearly) hold SIPRI's yearly figures per country.
-- The split is computed once, at load, into the table sipri_delivery_tiv (etl/sql/sipri.sql); this view keeps
-- the latest register vintage.
CREATE OR REPLACE VIEW v_sipri_delivery_tiv AS
SELECT vintage, record_no, supplier_iso3, recipient_iso3, year, year_uncertain, tiv, delivery_years, tiv_delivered,
       designation, platform_id
FROM sipri_delivery_tiv
WHERE vintage = (SELECT max(vintage) FROM sipri_register)
ORDER BY record_no, year;
