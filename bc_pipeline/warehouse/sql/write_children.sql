-- Write child rows: remove the stored children of every written parent whose winning record carried the
-- complete set, and the stored copies of the rows being written; then insert them (one per key:
-- the newest, then the last in the batch).
{delete_complete}
DELETE FROM {target} WHERE {key} IN (SELECT k.{key} FROM ({keep}) AS k);
INSERT INTO {target} ({columns})
SELECT {columns} FROM ({keep}) AS k
{qualify}
