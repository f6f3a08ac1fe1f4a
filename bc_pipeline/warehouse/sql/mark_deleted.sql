-- Mark rows deleted (never delete them); a row already marked keeps its first deletion time.
UPDATE {target}
SET _deleted_at = ?
WHERE {column} IN (SELECT unnest(CAST(? AS BIGINT[])))
  AND _deleted_at IS NULL
