-- The stored children of the written parents whose winning record carried their complete set.
DELETE FROM {target}
WHERE {pkey} IN (SELECT w.id FROM {written} AS w JOIN {parent_source} AS p ON p.id = w.id WHERE p.{flag});
