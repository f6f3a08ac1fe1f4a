"""DuckDB, and the only package that talks to it (lookups.py aside, see bc_pipeline_tests/test_warehouse_seam.py):
the table contract, record-to-row flattening, the staged upsert, sync state, deletes, the change feed, the
mapped schema's bookkeeping, and the reads the sync, the Dagster objects, the CLI and the lake make."""
