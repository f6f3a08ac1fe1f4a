-- The last error of one stream. Parameters: stream, message, at.
INSERT INTO bigcommerce._sync_state AS t (stream, last_error, last_error_at)
VALUES (?, ?, ?)
ON CONFLICT (stream) DO UPDATE SET
    last_error    = excluded.last_error,
    last_error_at = excluded.last_error_at;
