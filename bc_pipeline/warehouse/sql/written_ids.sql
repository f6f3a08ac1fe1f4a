-- Keys of the staged rows the merge will write: new keys, and keys whose stored copy is not newer
-- ({newer}); `existed` marks those whose stored row is replaced.
CREATE OR REPLACE TEMP TABLE {written} AS
SELECT s.{key} AS id, t.{key} IS NOT NULL AS existed
FROM {source} AS s
LEFT JOIN {target} AS t ON t.{key} = s.{key}
WHERE t.{key} IS NULL OR ({newer})
