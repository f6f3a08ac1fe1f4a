"""Dagster instance plumbing that is ours: the SQLite event-log storage the local dagster.yaml names."""
