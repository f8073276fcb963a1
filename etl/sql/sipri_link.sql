-- Link SIPRI register rows to curated platforms, after every table is loaded: the designation, folded like an
-- alias (designation_key), equals a platform's alias_key. Only rows of Türkiye's exports (supplier TUR): the
-- curated platforms are Turkish, and SIPRI uses designations such as AIFV, Cobra or Pars for other
-- suppliers' weapons too. An alias names one platform only (checked by etl.harmonise.aliases).
-- sipri_delivery_tiv's rows take the platform of their record (Türkiye's rows only: the others have none).
UPDATE sipri_register AS r
SET platform_id = a.entity_id
FROM aliases AS a
WHERE a.entity_type = 'platform'
  AND a.alias_key = r.designation_key
  AND r.supplier_iso3 = 'TUR';

UPDATE sipri_delivery_tiv AS d
SET platform_id = r.platform_id
FROM sipri_register AS r
WHERE r.platform_id IS NOT NULL
  AND d.supplier_iso3 = 'TUR'
  AND d.vintage = r.vintage
  AND d.record_no = r.record_no;
