-- When each source's next release is due (`python -m etl due`, /quality): the latest period of each publisher of
-- totals (calendar periods, latest vintages) and when it was published, its usual cadence, the next period and
-- the day it is due (the last release's day moved on by one cadence: SSB's Feb 2026, published 3 Mar 2026, makes
-- Mar 2026 due on 3 Apr 2026); SIPRI's register and TIV tables by the latest vintage loaded (yearly, in spring:
-- SIPRI publishes its five-year trends each March). A rule of thumb for a maintainer, not a publisher's calendar.
CREATE OR REPLACE VIEW v_release_watch AS
WITH rules (publisher, cadence, months) AS (
    VALUES ('ssb', 'monthly, early in the next month', 1),
           ('tim', 'monthly, in the first days of the next month', 1),
           ('trade_ministry', 'monthly, with the foreign-trade figures', 1),
           ('sasad', 'yearly, a company survey', 12),
           ('ssi', 'yearly', 12)
),
latest AS (
    SELECT publisher, arg_max(year, year::INT * 10000 + month_to::INT * 100 + month_from) AS year,
           arg_max(month_from, year::INT * 10000 + month_to::INT * 100 + month_from) AS month_from,
           arg_max(month_to, year::INT * 10000 + month_to::INT * 100 + month_from) AS month_to,
           max(published) AS published
    FROM v_latest_figures GROUP BY publisher
),
totals AS (
    SELECT p.name AS source, l.publisher,
           CASE WHEN l.month_from = 1 AND l.month_to = 12 THEN CAST(l.year AS VARCHAR)
                WHEN l.month_from = l.month_to THEN strftime(make_date(l.year, l.month_to, 1), '%b %Y')
                ELSE strftime(make_date(l.year, l.month_from, 1), '%b') || '–'
                     || strftime(make_date(l.year, l.month_to, 1), '%b %Y') END AS latest_period,
           l.published, r.cadence,
           CASE WHEN r.months = 12 THEN CAST(l.year + 1 AS VARCHAR)
                ELSE strftime(make_date(l.year, l.month_to, 1) + INTERVAL 1 MONTH, '%b %Y') END AS next_period,
           CAST(l.published + to_months(r.months) AS DATE) AS due
    FROM latest AS l JOIN rules AS r USING (publisher) JOIN publishers AS p ON p.publisher_id = l.publisher
),
sipri AS (
    SELECT 'SIPRI ' || what AS source, 'sipri' AS publisher, 'the ' || year(v) || ' vintage' AS latest_period,
           CAST(v AS DATE) AS published, 'yearly, in spring (five-year trends each March)' AS cadence,
           'the ' || (year(v) + 1) || ' vintage' AS next_period, CAST(v + INTERVAL 12 MONTH AS DATE) AS due
    FROM (SELECT 'trade register' AS what, max(vintage) AS v FROM sipri_register
          UNION ALL SELECT 'TIV tables', max(vintage) FROM sipri_tiv)
    WHERE v IS NOT NULL
)
SELECT source, publisher, latest_period, published, cadence, next_period, due FROM totals
UNION ALL SELECT source, publisher, latest_period, published, cadence, next_period, due FROM sipri
ORDER BY due, source;
