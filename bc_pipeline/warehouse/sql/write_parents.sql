-- Write the winning rows of a parent table: the stored copies they replace go first, then every written
-- row is inserted (a replaced row is deleted and inserted again: cheaper in DuckDB than MERGE's update).
DELETE FROM {target} WHERE {key} IN (SELECT id FROM {written} WHERE existed);
INSERT INTO {target} ({columns})
SELECT {columns} FROM {source}
{only_written}
