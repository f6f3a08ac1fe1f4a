-- Child rows to write: those listed on their own (their parent is not in this batch), and those embedded in
-- the copy of their parent that won the merge and was written. Children of a losing (older) copy are dropped
-- with it.
CREATE OR REPLACE TEMP TABLE {keep} AS
SELECT c.*
FROM {stage} AS c
WHERE c.{pkey} IS NULL
   OR c.{pkey} NOT IN (SELECT id FROM {parent_stage} WHERE id IS NOT NULL)
   OR EXISTS (
        SELECT 1
        FROM {parent_dedup} AS p
        JOIN {written} AS w ON w.id = p.id
        WHERE p.id = c.{pkey} AND p._vraw IS NOT DISTINCT FROM c._parent_version
   )
