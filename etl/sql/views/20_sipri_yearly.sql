-- SIPRI TIV per country and year from the TIV tables, latest vintage of each direction: exports per supplier,
-- imports per recipient. SIPRI rows sharing a code (North Yemen's two names) are summed. world_tiv is the sum
-- of all rows of the year (SIPRI's world row agrees within rounding: checked on import). TIV is SIPRI's
-- volume unit, millions, never money. below_half: every cell was SIPRI's "0" (between 0 and 0.5).
-- Materialized at load (the warehouse never changes after it): the dashboard asks for it on every SIPRI chart.
CREATE OR REPLACE TABLE sipri_yearly AS
WITH latest AS (
    SELECT direction, max(vintage) AS vintage FROM sipri_tiv GROUP BY direction
),
cells AS (
    SELECT t.* FROM sipri_tiv AS t JOIN latest USING (direction, vintage)
),
per_country AS (
    SELECT direction, iso3, year,
           string_agg(DISTINCT country, ' / ' ORDER BY country) AS sipri_name,
           sum(tiv) AS tiv, bool_and(below_half) AS below_half,
           any_value(vintage) AS vintage, any_value(source_file) AS source_file
    FROM cells
    GROUP BY direction, iso3, year
),
world AS (
    SELECT direction, year, sum(tiv) AS world_tiv FROM cells GROUP BY direction, year
)
SELECT p.direction, p.iso3, c.name, c.kind, p.sipri_name, p.year, p.tiv, p.below_half, w.world_tiv,
       round(100 * p.tiv / nullif(w.world_tiv, 0), 2) AS share_pct, p.vintage, p.source_file
FROM per_country AS p
JOIN world AS w USING (direction, year)
LEFT JOIN countries AS c ON c.iso3 = p.iso3;

CREATE OR REPLACE VIEW v_sipri_yearly AS
SELECT * FROM sipri_yearly
ORDER BY direction, iso3, year;
