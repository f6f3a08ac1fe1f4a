-- Mark rows deleted (never delete them); a row already marked keeps its first deletion time. The marked row
-- is stamped written now, so what follows raw writes by `_synced_at` (the mapped tables' refresh) sees it.
UPDATE {target}
SET _deleted_at = ?, _synced_at = now()
WHERE {column} IN (SELECT unnest(CAST(? AS BIGINT[])))
  AND _deleted_at IS NULL
