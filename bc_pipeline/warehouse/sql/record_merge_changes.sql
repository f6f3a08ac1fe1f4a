-- What a parent merge changes, before it writes: keys new to the table are 'created'; stored rows whose
-- copy differs in any column but _synced_at are 'updated', or 'deleted' when the copy is the first to carry
-- _deleted_at (an archived order). A re-read identical copy (the lookback) is no change.
INSERT INTO bigcommerce._changes (table_name, id, change, run_id, changed_at)
SELECT ?, CAST(w.id AS VARCHAR),
       CASE WHEN NOT w.existed THEN 'created'
            WHEN s._deleted_at IS NOT NULL AND t._deleted_at IS NULL THEN 'deleted'
            ELSE 'updated' END,
       getvariable('bc_run_id'), ?
FROM {written} AS w
JOIN {source} AS s ON s.{key} = w.id
LEFT JOIN {target} AS t ON t.{key} = w.id
WHERE NOT w.existed OR {distinct}
