-- Rows mark_deleted is about to mark (live rows among the ids), logged as 'deleted'.
INSERT INTO bigcommerce._changes (table_name, id, change, run_id, changed_at)
SELECT ?, CAST({key} AS VARCHAR), 'deleted', getvariable('bc_run_id'), ?
FROM {target}
WHERE {key} IN (SELECT unnest(CAST(? AS BIGINT[]))) AND _deleted_at IS NULL
