-- One row per key from a staged batch: the newest version wins, and on a tie the one later in the batch.
CREATE OR REPLACE TEMP TABLE {dedup} AS
SELECT *
FROM {source}
QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY {order}) = 1
