-- Every 5-year window (SIPRI compares 5-year periods) that the newest register's delivery years fill: one row per
-- window, ending in each year from the fifth on. Shared by v_sipri_recipients and v_sipri_register_exporters.
CREATE OR REPLACE VIEW v_sipri_register_windows AS
WITH bounds AS (
    SELECT min(year) AS first_year, max(year) AS last_year FROM v_sipri_delivery_tiv
)
SELECT period_end - 4 AS period_start, period_end
FROM (SELECT unnest(range(first_year + 4, last_year + 1)) AS period_end FROM bounds);
