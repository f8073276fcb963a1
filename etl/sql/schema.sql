-- Tables of the warehouse, written by etl/load.py in this order (then sipri.sql's); views are in sql/views/, one per file.

CREATE TABLE publishers (
    publisher_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    name_tr VARCHAR NOT NULL,
    scope_note VARCHAR NOT NULL
);

CREATE TABLE sources (
    source_id VARCHAR PRIMARY KEY,
    publisher VARCHAR NOT NULL,          -- who wrote the page (outlet or body)
    title VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    published DATE NOT NULL,
    published_precision VARCHAR NOT NULL, -- day | month
    retrieved DATE NOT NULL,
    language VARCHAR NOT NULL,
    quote VARCHAR NOT NULL
);

CREATE TABLE export_figures (
    figure_id VARCHAR PRIMARY KEY,
    publisher VARCHAR NOT NULL REFERENCES publishers,
    scope VARCHAR NOT NULL,              -- goods | goods_services | survey
    year SMALLINT NOT NULL,
    month_from TINYINT NOT NULL,
    month_to TINYINT NOT NULL,
    kind VARCHAR NOT NULL,               -- period | trailing_12m (12 months ending month_to) | running_total
    as_of DATE,                          -- the day a running_total refers to
    value_usd_m DOUBLE NOT NULL,         -- US$ million, current
    source_id VARCHAR NOT NULL REFERENCES sources,
    published DATE NOT NULL,             -- vintage: when the publisher released the figure
    confidence VARCHAR NOT NULL,
    note VARCHAR
);

CREATE TABLE growth_quotes (
    quote_id VARCHAR PRIMARY KEY,
    publisher VARCHAR NOT NULL REFERENCES publishers,
    scope VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    month_from TINYINT NOT NULL,
    month_to TINYINT NOT NULL,
    kind VARCHAR NOT NULL,
    growth_pct DOUBLE NOT NULL,          -- as quoted, against the same period a year before
    source_id VARCHAR NOT NULL REFERENCES sources,
    published DATE NOT NULL,
    confidence VARCHAR NOT NULL,
    note VARCHAR
);

CREATE TABLE countries (
    iso3 VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL                -- country | former_country | organisation | non_state | unknown
);

CREATE TABLE firms (
    firm_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    aliases VARCHAR,
    country VARCHAR NOT NULL,
    note VARCHAR
);

CREATE TABLE platforms (
    platform_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    aliases VARCHAR,
    category VARCHAR NOT NULL,
    firm_id VARCHAR REFERENCES firms,
    note VARCHAR
);

CREATE TABLE aliases (
    entity_type VARCHAR NOT NULL,        -- firm | platform
    entity_id VARCHAR NOT NULL,
    alias VARCHAR NOT NULL,
    alias_key VARCHAR NOT NULL,          -- accent-folded, lower case, alphanumerics only
    PRIMARY KEY (entity_type, entity_id, alias_key)
);

CREATE TABLE firm_figures (
    firm_id VARCHAR NOT NULL REFERENCES firms,
    year SMALLINT NOT NULL,
    metric VARCHAR NOT NULL,             -- export_usd_m | arms_revenue_usd_m | defence_revenue_usd_m | total_revenue_usd_m | top100_rank
    value DOUBLE NOT NULL,
    publisher VARCHAR NOT NULL REFERENCES publishers,
    edition SMALLINT,                    -- a ranked list's edition year (its figures refer to `year`)
    source_id VARCHAR NOT NULL REFERENCES sources,
    published DATE NOT NULL,
    confidence VARCHAR NOT NULL,
    note VARCHAR
);

CREATE TABLE deals (
    deal_id VARCHAR PRIMARY KEY,
    buyer VARCHAR NOT NULL,              -- as written in the raw file
    buyer_iso3 VARCHAR NOT NULL REFERENCES countries,
    supplier_iso3 VARCHAR NOT NULL,      -- TUR for every curated deal
    platform_id VARCHAR NOT NULL REFERENCES platforms,
    firm_id VARCHAR REFERENCES firms,
    category VARCHAR NOT NULL,
    order_year SMALLINT,
    order_year_uncertain BOOLEAN NOT NULL,
    quantity INTEGER,
    quantity_uncertain BOOLEAN NOT NULL,
    delivered INTEGER,
    delivery_years VARCHAR,
    as_of DATE NOT NULL,
    value DOUBLE,
    currency VARCHAR,
    value_usd_m DOUBLE,                  -- as published in US$ only
    value_usd_m_converted DOUBLE,        -- value in another currency converted at fx_rate (never a published US$)
    fx_rate DOUBLE,                      -- US$ per unit of `currency`, ECB reference rates (EUR cross)
    fx_date DATE,                        -- the ECB business day of the rate
    fx_basis VARCHAR,                    -- which date the rate was taken for: 'signed step' | 'source published'
    status VARCHAR NOT NULL,
    confirmed BOOLEAN NOT NULL,          -- signed or later, not stalled/cancelled-before-signature rumours
    confidence VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL REFERENCES sources,
    note VARCHAR
);

CREATE TABLE deal_deliveries (
    deal_id VARCHAR NOT NULL REFERENCES deals,
    year SMALLINT NOT NULL,
    PRIMARY KEY (deal_id, year)
);

CREATE TABLE deal_steps (
    deal_id VARCHAR NOT NULL REFERENCES deals,
    date DATE NOT NULL,
    date_precision VARCHAR NOT NULL,     -- day | month | year
    status VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL REFERENCES sources,
    note VARCHAR,
    PRIMARY KEY (deal_id, date, status)
);

CREATE TABLE events (
    event_id VARCHAR PRIMARY KEY,
    date DATE NOT NULL,
    type VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    countries VARCHAR[] NOT NULL,        -- ISO3 codes
    platform_id VARCHAR REFERENCES platforms,
    firm_id VARCHAR REFERENCES firms,
    status VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL REFERENCES sources,
    note VARCHAR
);

CREATE TABLE destination_figures (
    destination_id VARCHAR PRIMARY KEY,
    publisher VARCHAR NOT NULL REFERENCES publishers,
    scope VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    month_from TINYINT NOT NULL,
    month_to TINYINT NOT NULL,
    destination VARCHAR NOT NULL,        -- as written in the raw file
    destination_type VARCHAR NOT NULL,   -- country | group
    destination_iso3 VARCHAR,            -- for a country
    value_usd_m DOUBLE,                  -- US$ million as published
    share_pct DOUBLE,                    -- share of the period's exports, as published
    rank SMALLINT,                       -- rank among destinations, as published
    source_id VARCHAR NOT NULL REFERENCES sources,
    published DATE NOT NULL,
    confidence VARCHAR NOT NULL,
    note VARCHAR
);

CREATE TABLE etl_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    outcome VARCHAR NOT NULL,
    raw_dir VARCHAR NOT NULL,
    sipri_dir VARCHAR,
    inputs JSON NOT NULL,                -- file -> sha256
    row_counts JSON NOT NULL,            -- table -> rows
    data_as_of DATE,                     -- newest publication date among the figures
    warnings JSON                        -- what the run imported but says: parties new to etl/countries.py
);

CREATE TABLE etl_changes (              -- what each run changed against the warehouse it replaced (etl/changes.py)
    run_id VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL,       -- when the run compared the two
    change VARCHAR NOT NULL,             -- added | revised | removed
    table_name VARCHAR NOT NULL,
    item VARCHAR NOT NULL,               -- the row in words: export figure, deal step, SIPRI register …
    key VARCHAR NOT NULL,                -- the row's key (figure_id; deal_id/date/status; a SIPRI vintage)
    field VARCHAR,                       -- the column revised
    old VARCHAR,
    new VARCHAR,
    vintage VARCHAR,                     -- the figure's publication date, a deal's as_of, a step's date, SIPRI's vintage
    text VARCHAR NOT NULL                -- the change in words (etl.changes.sentence)
);

CREATE TABLE raw_files (                 -- the provenance of each curated file, from its sidecar <file>.yml
    file VARCHAR PRIMARY KEY,            -- the CSV as the run was given it (data/raw/deals.csv)
    sha256 VARCHAR NOT NULL,             -- of the CSV's bytes as read by the run
    sidecar VARCHAR NOT NULL,            -- data/raw/deals.yml
    producer VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    licence VARCHAR NOT NULL,
    urls VARCHAR[] NOT NULL,             -- http(s) URLs, or one 'see …' text naming where the rows' URLs are
    retrieved VARCHAR NOT NULL,          -- as written: a date, or a text starting with one
    notes VARCHAR
);
