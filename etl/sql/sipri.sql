-- SIPRI Arms Transfers Database exports (etl/sources/sipri_*.py), run after schema.sql. Empty when no SIPRI
-- file was found. Several vintages may sit side by side: the views use the latest unless filtered.
-- TIV: SIPRI trend-indicator value, millions; SIPRI's volume unit, never money: never add it to US dollars.
-- The register's tables carry no PRIMARY KEY or REFERENCES: a register has millions of rows, and checking
-- each on insert took 40% of the load (1M records: 2.2 s -> 1.35 s). The importer guarantees both instead:
-- record_no is unique per file (checked), one file per vintage (checked), every code is added to countries.

-- sipri_register (one row per record, unique (vintage, record_no)) is created before this file, from its column
-- table in etl/sources/sipri_register.py (REGISTER), which also gives the importer its header check and SELECT.

-- One row per register record and year of delivery, each record's "TIV of delivered weapons" split evenly over
-- its delivery years (derived: what the view v_sipri_delivery_tiv explains). Written by the importer from the
-- parse of "Year(s) of delivery" (sipri_deliveries is its view of the parse alone), so that chart queries read
-- it instead of joining and counting millions of rows on every request (1M records: 120 ms -> 14 ms).
CREATE TABLE sipri_delivery_tiv (
    vintage TIMESTAMP NOT NULL,
    record_no INTEGER NOT NULL,
    supplier_iso3 VARCHAR NOT NULL,
    recipient_iso3 VARCHAR NOT NULL,
    year SMALLINT NOT NULL,              -- one of the record's Year(s) of delivery
    year_uncertain BOOLEAN NOT NULL,     -- written 2022? or (2022)
    tiv DOUBLE,                          -- tiv_delivered / delivery_years
    delivery_years BIGINT NOT NULL,      -- how many years the record lists
    tiv_delivered DOUBLE,
    designation VARCHAR NOT NULL,
    platform_id VARCHAR                  -- the record's (sipri_register.platform_id)
);                                       -- unique: (vintage, record_no, year)

-- Each record's years of delivery, one row each (the table above holds them: stored once), of the latest register
-- vintage only, as every view reads the register: two registers loaded side by side are never counted twice.
CREATE VIEW sipri_deliveries AS
SELECT vintage, record_no, year, year_uncertain FROM sipri_delivery_tiv
WHERE vintage = (SELECT max(vintage) FROM sipri_register);

-- What SIPRI's per-delivery layout gives beyond the classic register's columns, per record (one deal); empty for
-- classic registers (etl/sources/sipri_per_delivery.py).
CREATE TABLE sipri_deals (
    vintage TIMESTAMP NOT NULL,
    record_no INTEGER NOT NULL,          -- the record in sipri_register
    sipri_deal_id INTEGER NOT NULL,      -- SIPRI AT Database ID
    armament_category VARCHAR,           -- Aircraft, Missiles, Armoured vehicles, Engines, Sensors, Ships …
    local_production BOOLEAN NOT NULL,   -- Local production: Yes/No
    sipri_estimate DOUBLE                -- SIPRI estimate, as written
);                                       -- unique: (vintage, record_no), (vintage, sipri_deal_id)

CREATE TABLE sipri_tiv (
    vintage TIMESTAMP NOT NULL,
    direction VARCHAR NOT NULL,          -- exports (row = supplier) | imports (row = recipient)
    country VARCHAR NOT NULL,            -- as written by SIPRI
    iso3 VARCHAR NOT NULL REFERENCES countries,
    year SMALLINT NOT NULL,
    tiv DOUBLE NOT NULL,                 -- an empty cell (no deliveries) has no row
    below_half BOOLEAN NOT NULL,         -- SIPRI's "0": between 0 and 0.5 (tiv is 0)
    source_file VARCHAR NOT NULL,
    PRIMARY KEY (vintage, direction, country, year)
);

-- Every exporter's TIV per 5-year window as shipped in data/raw/sipri-extract/aggregates/ (etl/sources/sipri_extract.py)
-- beside Türkiye's records of the register: derived from SIPRI's full register of that vintage, so that /compare
-- ranks the exporters on a fresh clone. Empty when SIPRI's full files are loaded instead.
CREATE TABLE sipri_window_totals (
    vintage DATE NOT NULL,               -- the day of the register's "Data generated"
    period_start SMALLINT NOT NULL,
    period_end SMALLINT NOT NULL,
    supplier_iso3 VARCHAR NOT NULL,
    supplier VARCHAR NOT NULL,
    tiv DOUBLE NOT NULL,                 -- each deal's TIV over its delivery years, summed (v_sipri_register_exporters)
    source_file VARCHAR NOT NULL
);
