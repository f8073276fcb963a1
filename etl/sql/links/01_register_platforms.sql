-- Türkiye's SIPRI records linked to the curated platforms, once both are in the warehouse (etl/load.py write()):
-- a record whose designation, folded like an alias (designation_key), is a platform's alias gets its platform_id.
-- Türkiye's only: the curated platforms are Turkish, and SIPRI uses designations such as AIFV, Cobra or Pars for
-- other suppliers' weapons too. An alias names one platform only (etl.harmonise.aliases checks it).
UPDATE sipri_register SET platform_id = a.entity_id
FROM aliases AS a
WHERE a.entity_type = 'platform' AND a.alias_key = sipri_register.designation_key
  AND sipri_register.supplier_iso3 = 'TUR'
