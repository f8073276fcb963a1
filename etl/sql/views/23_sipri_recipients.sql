-- Each supplier's recipients over every 5-year window (as in v_sipri_exporter_ranking), by TIV delivered, from
-- the trade register (latest vintage) with each deal's TIV spread evenly over its delivery years
-- (v_sipri_delivery_tiv). Derived and approximate where a deal's deliveries straddle the window's edge:
-- deals_straddling counts those. share_pct: of the supplier's TIV in the window. Summed as decimals, exactly:
-- a sum of doubles in parallel depends on the order of its terms (two builds gave totals 0.01 apart).
CREATE OR REPLACE VIEW v_sipri_recipients AS
WITH per_deal AS (
    SELECT w.period_start, w.period_end, t.supplier_iso3, t.recipient_iso3, t.record_no,
           sum(t.tiv::DECIMAL(38, 10)) AS tiv, count(*) < any_value(t.delivery_years) AS straddles
    FROM v_sipri_register_windows AS w
    JOIN v_sipri_delivery_tiv AS t ON t.year BETWEEN w.period_start AND w.period_end
    GROUP BY w.period_start, w.period_end, t.supplier_iso3, t.recipient_iso3, t.record_no
),
per_recipient AS (
    SELECT period_start, period_end, supplier_iso3, recipient_iso3, sum(tiv)::DOUBLE AS tiv, count(*) AS deals,
           count(*) FILTER (WHERE straddles) AS deals_straddling
    FROM per_deal
    GROUP BY period_start, period_end, supplier_iso3, recipient_iso3
)
SELECT r.period_start, r.period_end, r.supplier_iso3, s.name AS supplier, r.recipient_iso3, c.name AS recipient,
       round(r.tiv, 2) AS tiv,
       rank() OVER (PARTITION BY r.supplier_iso3, r.period_end ORDER BY r.tiv DESC NULLS LAST) AS rank,
       round(100 * r.tiv / nullif(sum(r.tiv) OVER (PARTITION BY r.supplier_iso3, r.period_end), 0), 1) AS share_pct,
       r.deals, r.deals_straddling
FROM per_recipient AS r
LEFT JOIN countries AS s ON s.iso3 = r.supplier_iso3
LEFT JOIN countries AS c ON c.iso3 = r.recipient_iso3
ORDER BY r.supplier_iso3, r.period_end, rank, r.recipient_iso3;
