"""bc_pipeline: keeps a BigCommerce store's data in DuckDB, with Dagster."""
