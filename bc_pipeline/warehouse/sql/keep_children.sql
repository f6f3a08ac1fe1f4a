-- Child rows to write (a SELECT used by write_children.sql): those listed on their own (their parent is not
-- in this batch), and those embedded in the copy of their parent that won the merge and was written. Children
-- of a losing (older) copy are dropped with it.
SELECT c.*
FROM {stage} AS c
LEFT JOIN (SELECT DISTINCT id FROM {parent_stage}) AS listed ON listed.id = c.{pkey}
LEFT JOIN (
    SELECT p.id, p._vraw FROM {parent_source} AS p SEMI JOIN {written} AS w ON w.id = p.id
) AS won ON won.id = c.{pkey}
WHERE listed.id IS NULL OR (won.id IS NOT NULL AND won._vraw IS NOT DISTINCT FROM c._parent_version)
