"""The mapping file: BigCommerce's raw fields and order statuses -> the team's `mapped` tables.

load.py reads and validates a file (MappingError on refusal), compile.py turns an entity into DuckDB SQL,
rebuild.py and refresh.py decide how to bring a mapped table up to date (warehouse/mapped.py runs the SQL),
suggest.py writes a file for a store, checks.py judges the mapped tables.
See docs/mapping.md."""
