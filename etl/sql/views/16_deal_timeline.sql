-- Every deal's dated steps in order, with the deal's buyer, platform and firm and each step's source; `step_no`
-- counts the deal's steps, `is_latest` marks the one that gives the deal its status
-- (steps of one day in the order of their stage, as etl.steps reads them).
CREATE OR REPLACE VIEW v_deal_timeline AS
SELECT
    st.deal_id, d.buyer_iso3, c.name AS buyer, d.platform_id, pl.name AS platform, d.firm_id, st.date,
    st.date_precision, st.status, st.note,
    row_number() OVER w AS step_no,
    row_number() OVER w = count(*) OVER (PARTITION BY st.deal_id) AS is_latest,
    st.source_id, s.publisher AS source_publisher, s.title AS source_title, s.url AS source_url
FROM deal_steps AS st
JOIN deals AS d USING (deal_id)
JOIN countries AS c ON c.iso3 = d.buyer_iso3
JOIN platforms AS pl ON pl.platform_id = d.platform_id
JOIN sources AS s ON s.source_id = st.source_id
WINDOW w AS (PARTITION BY st.deal_id ORDER BY st.date, list_position(
    ['talks', 'mou', 'signed', 'in_production', 'delivering', 'delivered', 'stalled', 'cancelled'], st.status))
ORDER BY st.deal_id, st.date, step_no;
