"""Canonical table layout of the store: the one place column names are spelled.

Every other module reads these names; nothing else writes DDL.
"""

from __future__ import annotations

from typing import Final

FLOW_COLUMNS: Final = (
    "year",
    "exporter",
    "importer",
    "product",
    "hs_revision",
    "value_usd",
    "quantity",
    "source",
    "reporter",
)

HS_REVISIONS: Final = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
# The year each revision came into force (WCO); customs report a year in the one in force.
HS_IN_FORCE_FROM: Final = {
    "HS92": 1988,
    "HS96": 1996,
    "HS02": 2002,
    "HS07": 2007,
    "HS12": 2012,
    "HS17": 2017,
    "HS22": 2022,
}

FACT_COLUMNS: Final = (
    "indicator",
    "country",
    "partner",
    "product",
    "year",
    "period",
    "value",
    "low",
    "high",
    "unit",
    "source",
    "locator",
    "quote",
    "url",
)

SCHEMA_VERSION: Final = 8

# Rebuild one dataset's pair sums from its flows ($dataset).
FLOW_PAIRS_SQL: Final = """
    DELETE FROM flow_pairs WHERE source = $dataset;
    INSERT INTO flow_pairs
    SELECT source, year, exporter, importer, reporter, sum(value_usd), count(*)
    FROM flows WHERE source = $dataset GROUP BY ALL;
"""

DDL: Final = """
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Goods trade, one row per (year, exporter, importer, product) and dataset: the
-- view `flows` (FLOW_COLUMNS) over one table per dataset (`flow_tables`), built by
-- `asymmetry.store.flow_tables`. value_usd is in US dollars (not thousands);
-- quantity in tonnes; reporter is the country whose customs declared the row (UN
-- Comtrade style data), NULL for reconciled datasets such as BACI.
CREATE TABLE IF NOT EXISTS flow_tables (
    dataset VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,  -- the dataset's table (`flow_tables.table_name`)
    hs_revision VARCHAR NOT NULL  -- one per dataset (a file is one revision)
);

-- flows summed by pair, kept in step with flows by every ingest (same
-- transaction): pair-level metrics (profile headline, coverage) read these few
-- rows instead of scanning every product line.
CREATE TABLE IF NOT EXISTS flow_pairs (
    source VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    exporter VARCHAR NOT NULL,
    importer VARCHAR NOT NULL,
    reporter VARCHAR,
    value_usd DOUBLE NOT NULL,
    n_rows BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS countries (
    iso3 VARCHAR PRIMARY KEY,
    iso_numeric INTEGER,
    name VARCHAR NOT NULL
);

-- Dataset-specific country codes seen (BACI 490 -> S19, Comtrade 842 -> USA).
CREATE TABLE IF NOT EXISTS country_codes (
    scheme VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    iso3 VARCHAR NOT NULL,
    name VARCHAR,
    PRIMARY KEY (scheme, code)
);

CREATE TABLE IF NOT EXISTS products (
    code VARCHAR NOT NULL,
    hs_revision VARCHAR NOT NULL,
    description VARCHAR,
    chapter VARCHAR NOT NULL,
    section VARCHAR,
    bec VARCHAR,
    PRIMARY KEY (code, hs_revision)
);

-- ICIO nodes: node = sector_index * n_countries + country_index (USD).
CREATE TABLE IF NOT EXISTS io_nodes (
    node SMALLINT PRIMARY KEY,
    country VARCHAR NOT NULL,
    sector VARCHAR NOT NULL,
    sector_name VARCHAR,
    output_usd DOUBLE NOT NULL,
    intermediate_share DOUBLE NOT NULL,
    value_added_usd DOUBLE NOT NULL
);

-- Intermediate-input flows only (no final demand): seller node -> buyer node, USD.
CREATE TABLE IF NOT EXISTS io_network (
    seller SMALLINT NOT NULL,
    buyer SMALLINT NOT NULL,
    value_usd DOUBLE NOT NULL
);

-- io_network summed over buyer sectors: what each seller node sells to each
-- country. All country-level ICIO metrics read this (320k rows, not 10M).
CREATE TABLE IF NOT EXISTS io_trade (
    seller_country VARCHAR NOT NULL,
    seller_sector VARCHAR NOT NULL,
    buyer_country VARCHAR NOT NULL,
    value_usd DOUBLE NOT NULL
);

CREATE OR REPLACE VIEW io_flows AS
SELECT s.country AS seller_country, s.sector AS seller_sector, s.sector_name AS seller_sector_name,
       b.country AS buyer_country, b.sector AS buyer_sector, b.sector_name AS buyer_sector_name,
       n.value_usd
FROM io_network n
JOIN io_nodes s ON s.node = n.seller
JOIN io_nodes b ON b.node = n.buyer;

CREATE TABLE IF NOT EXISTS facts (
    indicator VARCHAR NOT NULL,
    country VARCHAR,
    partner VARCHAR,
    product VARCHAR,
    year SMALLINT,
    period VARCHAR,
    value DOUBLE NOT NULL,
    low DOUBLE,
    high DOUBLE,
    unit VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    locator VARCHAR,
    quote VARCHAR,
    url VARCHAR,
    dataset VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS datasets (
    id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    rows_skipped BIGINT NOT NULL,
    ingested_at TIMESTAMP NOT NULL,
    tool_version VARCHAR NOT NULL,
    note VARCHAR,
    -- the options that shaped the rows (strict/lenient, HS revision, checks, code
    -- tables' sha256), as JSON: an unchanged file re-ingested with other options is
    -- loaded again, not reported unchanged
    options VARCHAR
);
"""

# Rebuilds io_trade from io_network (ICIO ingest, and migration from version 1).
IO_TRADE_SQL: Final = """
DELETE FROM io_trade;
INSERT INTO io_trade
SELECT s.country, s.sector, b.country, sum(n.value_usd)
FROM io_network n
JOIN io_nodes s ON s.node = n.seller
JOIN io_nodes b ON b.node = n.buyer
GROUP BY ALL;
"""

__all__ = [
    "DDL",
    "FACT_COLUMNS",
    "FLOW_COLUMNS",
    "HS_IN_FORCE_FROM",
    "HS_REVISIONS",
    "IO_TRADE_SQL",
    "SCHEMA_VERSION",
]
