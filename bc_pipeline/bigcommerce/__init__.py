"""The API client: HTTP session, retries, rate limits, paging, the stream table, the scope check."""
