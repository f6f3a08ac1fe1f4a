-- Mark rows deleted (never delete them); a row already marked keeps its first deletion time.
-- Marking is a write: _synced_at moves too, so whatever follows the rows written since a time (the mapped
-- tables' refresh, the lake's publish) sees the delete.
UPDATE {target}
SET _deleted_at = ?, _synced_at = ?
WHERE {column} IN (SELECT unnest(CAST(? AS BIGINT[])))
  AND _deleted_at IS NULL
