-- Each delivery year of a linked record carries its record's platform_id (sipri_delivery_tiv is read by the
-- platform charts without a join to the register). (vintage, record_no) is unique in sipri_register.
UPDATE sipri_delivery_tiv SET platform_id = r.platform_id
FROM sipri_register AS r
WHERE r.platform_id IS NOT NULL AND r.vintage = sipri_delivery_tiv.vintage
  AND r.record_no = sipri_delivery_tiv.record_no
