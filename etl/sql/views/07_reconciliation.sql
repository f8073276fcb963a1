-- Publishers side by side for the same period: difference, ratio, and what separates their scopes.
CREATE OR REPLACE VIEW v_reconciliation AS
SELECT
    a.year, a.month_from, a.month_to, a.period_kind,
    a.publisher AS publisher_a, a.scope AS scope_a, a.value_usd_m AS value_a_usd_m, a.figure_id AS figure_a,
    b.publisher AS publisher_b, b.scope AS scope_b, b.value_usd_m AS value_b_usd_m, b.figure_id AS figure_b,
    round(b.value_usd_m - a.value_usd_m, 3) AS difference_usd_m,
    round(b.value_usd_m / a.value_usd_m, 4) AS ratio_b_to_a,
    -- in words: goods_services is 'goods + services' wherever a person reads it
    CASE WHEN a.scope = b.scope
         THEN 'same scope (' || replace(a.scope, 'goods_services', 'goods + services')
              || '): the gap is a revision or a different count'
         ELSE 'different scopes: ' || pa.name || ' = ' || replace(a.scope, 'goods_services', 'goods + services')
              || '; ' || pb.name || ' = ' || replace(b.scope, 'goods_services', 'goods + services') END AS scope_note
FROM v_latest_figures AS a
JOIN v_latest_figures AS b
    ON a.year = b.year AND a.month_from = b.month_from AND a.month_to = b.month_to
    AND (a.publisher < b.publisher OR (a.publisher = b.publisher AND a.scope < b.scope))
JOIN publishers AS pa ON pa.publisher_id = a.publisher
JOIN publishers AS pb ON pb.publisher_id = b.publisher
ORDER BY a.year, a.month_from, a.month_to, publisher_a, scope_a, publisher_b, scope_b;
