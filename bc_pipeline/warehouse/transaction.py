"""One transaction on a DuckDB connection, ended cleanly whatever goes wrong.

A COMMIT that fails (the disk is full, the file cannot be written) ends the transaction inside DuckDB: a
ROLLBACK after it raises "cannot rollback - no transaction is active", and that error then replaces the real
reason in every message (each stream's error repeated it). The rollback here never raises over the failure
that caused it: the original exception is the one that propagates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from bc_pipeline.warehouse.sql import run


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    run(conn, "BEGIN TRANSACTION")
    try:
        yield
        run(conn, "COMMIT")
    except BaseException:
        try:
            run(conn, "ROLLBACK")
        except duckdb.Error:  # DuckDB already ended it (a failed COMMIT); the cause is what matters
            pass
        raise
