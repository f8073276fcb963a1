-- Curated deals beside the SIPRI register's rows of Türkiye's exports (supplier TUR, latest vintage) for the
-- same buyer and platform (SIPRI designations linked to platforms as the register is read,
-- etl/sources/sipri_register.py). Paired one to one:
-- first a deal and a SIPRI row with the same order year (in order of quantity), then what is left of the same
-- buyer and platform in order of order year (deals without an order year, e.g. talks, are not paired then);
-- the rest stands alone as 'curated only' or 'SIPRI only'. The *_match columns compare a pair (an unknown
-- equals only an unknown); match: paired with the same order year, quantity and delivered count.
CREATE OR REPLACE VIEW v_sipri_reconciliation AS
WITH sipri AS (
    SELECT * FROM sipri_register
    WHERE supplier_iso3 = 'TUR' AND platform_id IS NOT NULL
      AND vintage = (SELECT max(vintage) FROM sipri_register)
),
curated AS (
    SELECT * FROM deals WHERE supplier_iso3 = 'TUR'
),
same_year AS (
    SELECT d.deal_id, s.record_no
    FROM (SELECT *, row_number() OVER (PARTITION BY buyer_iso3, platform_id, order_year
                                      ORDER BY quantity NULLS LAST, deal_id) AS n FROM curated) AS d
    JOIN (SELECT *, row_number() OVER (PARTITION BY recipient_iso3, platform_id, order_year
                                      ORDER BY quantity NULLS LAST, record_no) AS n FROM sipri) AS s
      ON s.recipient_iso3 = d.buyer_iso3 AND s.platform_id = d.platform_id AND s.order_year = d.order_year
     AND s.n = d.n
),
other_year AS (
    SELECT d.deal_id, s.record_no
    FROM (SELECT *, row_number() OVER (PARTITION BY buyer_iso3, platform_id ORDER BY order_year, deal_id) AS n
          FROM curated
          WHERE order_year IS NOT NULL AND deal_id NOT IN (SELECT deal_id FROM same_year)) AS d
    JOIN (SELECT *, row_number() OVER (PARTITION BY recipient_iso3, platform_id ORDER BY order_year, record_no) AS n
          FROM sipri
          WHERE record_no NOT IN (SELECT record_no FROM same_year)) AS s
      ON s.recipient_iso3 = d.buyer_iso3 AND s.platform_id = d.platform_id AND s.n = d.n
),
pairs AS (
    SELECT deal_id, record_no, 'same order year' AS pairing FROM same_year
    UNION ALL
    SELECT deal_id, record_no, 'other order year' FROM other_year
),
side_by_side AS (
    SELECT c.deal_id, coalesce(p.record_no, s.record_no) AS record_no,
           coalesce(p.pairing, CASE WHEN c.deal_id IS NULL THEN 'SIPRI only' ELSE 'curated only' END) AS pairing
    FROM curated AS c
    LEFT JOIN pairs AS p USING (deal_id)
    FULL JOIN sipri AS s ON s.record_no = p.record_no
)
SELECT
    coalesce(d.buyer_iso3, s.recipient_iso3) AS buyer_iso3,
    coalesce(d.platform_id, s.platform_id) AS platform_id,
    x.pairing, d.deal_id, s.record_no AS sipri_record_no,
    d.order_year AS curated_order_year, s.order_year AS sipri_order_year, s.order_year_uncertain AS sipri_order_year_uncertain,
    d.quantity AS curated_quantity, s.quantity AS sipri_quantity, s.quantity_uncertain AS sipri_quantity_uncertain,
    d.delivered AS curated_delivered, s.delivered AS sipri_delivered, s.delivered_uncertain AS sipri_delivered_uncertain,
    d.delivery_years AS curated_delivery_years, s.delivery_years AS sipri_delivery_years,
    CASE WHEN x.pairing LIKE '% order year' THEN d.order_year IS NOT DISTINCT FROM s.order_year END AS order_year_match,
    CASE WHEN x.pairing LIKE '% order year' THEN d.quantity IS NOT DISTINCT FROM s.quantity END AS quantity_match,
    CASE WHEN x.pairing LIKE '% order year' THEN d.delivered IS NOT DISTINCT FROM s.delivered END AS delivered_match,
    coalesce(x.pairing LIKE '% order year' AND d.order_year IS NOT DISTINCT FROM s.order_year
             AND d.quantity IS NOT DISTINCT FROM s.quantity AND d.delivered IS NOT DISTINCT FROM s.delivered,
             false) AS match,
    d.status AS curated_status, d.confirmed AS curated_confirmed, d.as_of AS curated_as_of, d.source_id,
    s.designation AS sipri_designation, s.status AS sipri_status, s.vintage AS sipri_vintage
FROM side_by_side AS x
LEFT JOIN curated AS d USING (deal_id)
LEFT JOIN sipri AS s USING (record_no)
ORDER BY buyer_iso3, platform_id, coalesce(d.order_year, s.order_year), d.deal_id, s.record_no;
