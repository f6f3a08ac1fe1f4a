-- The change feed: one row per top-level row a merge created, updated or deleted (see warehouse/changes.py).
-- `seq` orders the feed by commit (one writer per file): readers keep the last seq they saw.
CREATE SCHEMA IF NOT EXISTS bigcommerce;
CREATE SEQUENCE IF NOT EXISTS bigcommerce._changes_seq;
CREATE TABLE IF NOT EXISTS bigcommerce._changes (
    seq        BIGINT NOT NULL DEFAULT nextval('bigcommerce._changes_seq'),
    table_name VARCHAR NOT NULL,
    id         VARCHAR NOT NULL,
    change     VARCHAR NOT NULL,
    run_id     VARCHAR,
    changed_at TIMESTAMPTZ NOT NULL
);
