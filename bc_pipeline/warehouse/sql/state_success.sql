-- A successful window for one stream. Parameters: stream, high_water_mark, success_at, window_start,
-- window_end, run_id, rows, requests. The high-water mark never moves backwards; a NULL leaves a stored
-- value. last_success_at moves for a listing without a window (window_start NULL) or when the mark advances
-- (success_at is NULL for a window without a mark); a window re-sync that leaves the mark keeps it.
INSERT INTO bigcommerce._sync_state AS t
    (stream, high_water_mark, last_success_at, last_window_start, last_window_end, last_run_id, "rows", requests)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (stream) DO UPDATE SET
    high_water_mark   = CASE
                            WHEN excluded.high_water_mark IS NULL THEN t.high_water_mark
                            WHEN t.high_water_mark IS NULL THEN excluded.high_water_mark
                            ELSE greatest(t.high_water_mark, excluded.high_water_mark)
                        END,
    last_success_at   = CASE
                            WHEN excluded.last_window_start IS NULL THEN excluded.last_success_at
                            WHEN excluded.high_water_mark IS NULL THEN t.last_success_at
                            WHEN t.high_water_mark IS NULL OR excluded.high_water_mark > t.high_water_mark
                                THEN excluded.last_success_at
                            ELSE t.last_success_at
                        END,
    last_window_start = coalesce(excluded.last_window_start, t.last_window_start),
    last_window_end   = coalesce(excluded.last_window_end, t.last_window_end),
    last_run_id       = coalesce(excluded.last_run_id, t.last_run_id),
    "rows"            = coalesce(excluded."rows", t."rows"),
    requests          = coalesce(excluded.requests, t.requests);
