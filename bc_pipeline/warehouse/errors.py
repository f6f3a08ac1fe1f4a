"""The database's connection type and exceptions, named once for the packages above the warehouse.

Only warehouse/ imports duckdb (bc_pipeline_tests/warehouse/test_warehouse_seam.py checks it): a caller that annotates a
connection or catches a database failure imports these names, so the engine behind the warehouse is named
in one place.
"""

from __future__ import annotations

import duckdb

Connection = duckdb.DuckDBPyConnection
DatabaseError = duckdb.Error  # any failure the database reports
DatabaseIOError = duckdb.IOException  # the file cannot be opened, read or written (held by another, disk full)
MissingTableError = duckdb.CatalogException  # a table the query names is not in the file (not synced yet)
# Failures no row can cause: the file, the disk, memory, the tables' shape or the transaction are at fault.
ENVIRONMENT_ERRORS: tuple[type[Exception], ...] = (
    duckdb.IOException, duckdb.CatalogException, duckdb.BinderException, duckdb.TransactionException,
    duckdb.OutOfMemoryException, duckdb.PermissionException,
)
