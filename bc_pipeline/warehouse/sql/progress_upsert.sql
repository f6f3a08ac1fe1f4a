-- A checkpoint of one shard of one window. Parameters: stream, window_start, window_end, shard,
-- resume_after, done.
INSERT INTO bigcommerce._sync_progress AS t (stream, window_start, window_end, shard, resume_after, done)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (stream, window_start, window_end, shard) DO UPDATE SET
    resume_after = excluded.resume_after,
    done         = excluded.done;
