-- Link SIPRI register rows to curated platforms, after every table is loaded: the designation, folded like an
-- alias (designation_key), equals a platform's alias_key. Only rows of Türkiye's exports (supplier TUR): the
-- curated platforms are Turkish, and SIPRI uses designations such as AIFV, Cobra or Pars for other
-- suppliers' weapons too. An alias names one platform only (checked by etl.harmonise.aliases).
-- Run before sipri_delivery_tiv is written from these rows: it takes their platform_id (etl/load.py).
UPDATE sipri_register AS r
SET platform_id = a.entity_id
FROM aliases AS a
WHERE a.entity_type = 'platform'
  AND a.alias_key = r.designation_key
  AND r.supplier_iso3 = 'TUR';
