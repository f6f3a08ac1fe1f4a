"""The mapping file: BigCommerce's raw fields and order statuses -> the team's `mapped` tables.

load.py reads and validates a file (MappingError on refusal), compile.py turns an entity into DuckDB SQL,
rebuild.py runs it, suggest.py writes a file for a store, checks.py holds the checks' queries.
See docs/mapping.md."""
