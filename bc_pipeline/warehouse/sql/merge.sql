-- Upsert staged rows on the key; an older copy never overwrites a newer one ({newer}).
MERGE INTO {target} AS t
USING {source} AS s
ON {on}
WHEN MATCHED AND ({newer}) THEN UPDATE SET {update_set}
WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({values})
