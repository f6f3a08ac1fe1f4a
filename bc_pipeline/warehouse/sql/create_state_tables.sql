-- Sync state: one row per stream, and crash-resume checkpoints per window shard.
CREATE SCHEMA IF NOT EXISTS bigcommerce;
CREATE TABLE IF NOT EXISTS bigcommerce._sync_state (
    stream            VARCHAR PRIMARY KEY,
    high_water_mark   TIMESTAMPTZ,
    last_success_at   TIMESTAMPTZ,
    last_window_start TIMESTAMPTZ,
    last_window_end   TIMESTAMPTZ,
    last_run_id       VARCHAR,
    last_error        VARCHAR,
    last_error_at     TIMESTAMPTZ,
    "rows"            BIGINT,
    requests          BIGINT
);
CREATE TABLE IF NOT EXISTS bigcommerce._sync_progress (
    stream       VARCHAR NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    window_end   TIMESTAMPTZ NOT NULL,
    shard        VARCHAR NOT NULL,
    resume_after VARCHAR,
    done         BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (stream, window_start, window_end, shard)
);
-- What the narrowed checks have covered (check_state.py): one row per table and check.
CREATE TABLE IF NOT EXISTS bigcommerce._check_state (
    table_name  VARCHAR NOT NULL,
    check_name  VARCHAR NOT NULL,
    checked_to  TIMESTAMPTZ,
    full_at     TIMESTAMPTZ,
    PRIMARY KEY (table_name, check_name)
);
