-- Suppliers ranked by TIV delivered over every 5-year window, from the trade register (latest vintage) with each
-- deal's TIV spread over its delivery years (v_sipri_delivery_tiv; SIPRI's own TIV per year for a per-delivery
-- export): the ranking for years the TIV tables do not reach yet, or when only a register is loaded. Derived;
-- approximate where a deal straddles a window's edge. share_pct is of every supplier in the window. Summed as
-- decimals: a sum of doubles in parallel depends on the order of its terms, and two builds of the same data gave
-- totals 0.01 apart once rounded.
-- When the register loaded is the extract shipped in data/raw/sipri-extract (Türkiye's records only), the windows
-- are the totals shipped beside it (sipri_window_totals, of the same vintage), derived the same way from the full
-- register.
CREATE OR REPLACE VIEW v_sipri_register_exporters AS
WITH shipped AS (
    SELECT period_start, period_end, supplier_iso3, tiv FROM sipri_window_totals
    WHERE vintage = (SELECT CAST(max(vintage) AS DATE) FROM sipri_register)
),
sums AS (
    SELECT * FROM shipped
    UNION ALL
    SELECT w.period_start, w.period_end, t.supplier_iso3, sum(t.tiv::DECIMAL(38, 10))::DOUBLE AS tiv
    FROM v_sipri_register_windows AS w
    JOIN v_sipri_delivery_tiv AS t ON t.year BETWEEN w.period_start AND w.period_end
    WHERE NOT EXISTS (SELECT 1 FROM shipped)
    GROUP BY w.period_start, w.period_end, t.supplier_iso3
)
SELECT s.period_start, s.period_end, s.supplier_iso3, c.name AS supplier, round(s.tiv, 2) AS tiv,
       rank() OVER (PARTITION BY s.period_end ORDER BY s.tiv DESC) AS rank,
       round(100 * s.tiv / sum(s.tiv) OVER (PARTITION BY s.period_end), 2) AS share_pct
FROM sums AS s JOIN countries AS c ON c.iso3 = s.supplier_iso3
ORDER BY s.period_end, rank, s.supplier_iso3;
