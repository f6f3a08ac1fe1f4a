-- A successful window for one stream. Parameters: stream, high_water_mark, at, window_start, window_end,
-- run_id, rows, requests. The high-water mark never moves backwards; a NULL leaves a stored value.
INSERT INTO bigcommerce._sync_state AS t
    (stream, high_water_mark, last_success_at, last_window_start, last_window_end, last_run_id, "rows", requests)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (stream) DO UPDATE SET
    high_water_mark   = CASE
                            WHEN excluded.high_water_mark IS NULL THEN t.high_water_mark
                            WHEN t.high_water_mark IS NULL THEN excluded.high_water_mark
                            ELSE greatest(t.high_water_mark, excluded.high_water_mark)
                        END,
    last_success_at   = excluded.last_success_at,
    last_window_start = coalesce(excluded.last_window_start, t.last_window_start),
    last_window_end   = coalesce(excluded.last_window_end, t.last_window_end),
    last_run_id       = coalesce(excluded.last_run_id, t.last_run_id),
    "rows"            = coalesce(excluded."rows", t."rows"),
    requests          = coalesce(excluded.requests, t.requests);
