"""DuckDB, and the only package that talks to it (bc_pipeline_tests/warehouse/test_warehouse_seam.py): the table
contract, record-to-row flattening, the staged upsert, sync state, deletes, the change feed, the mapped
schema's SQL, and every read the other packages make of the file."""
