-- A parent merge none of whose written keys was stored: every written key is 'created' (no copy to compare).
INSERT INTO bigcommerce._changes (table_name, id, change, run_id, changed_at)
SELECT ?, CAST(id AS VARCHAR), 'created', getvariable('bc_run_id'), ?
FROM {written}
