"""What is new: the rows of a table the change feed says were created after a point, published as a table.

`feed.new_<table>` (e.g. `feed.new_customers`) is replaced with the current rows of `bigcommerce.<table>`
whose ids the feed logged as `created` with a `seq` above `after_seq` (the previous publication's). The
Dagster assets new_customers, new_subscribers and new_abandoned_carts (defs/change_feed_assets.py) call
this after each sync, so a user's asset sensor sees one materialization per sync holding what it created.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from bc_pipeline.warehouse.changes import CHANGES_TABLE
from bc_pipeline.warehouse.contract import FEED_SCHEMA
from bc_pipeline.warehouse.schema import table as contract_table
from bc_pipeline.warehouse.sql import run
from bc_pipeline.warehouse.transaction import transaction


@dataclass(frozen=True)
class NewRows:
    table: str  # the published table, e.g. feed.new_customers
    ids: list  # the new rows' ids, in id order
    last_seq: int  # the feed position this publication covers (the next one starts after it)


def publish_new_rows(conn: duckdb.DuckDBPyConnection, source_table: str, after_seq: int) -> NewRows:
    """Replace feed.new_<source_table> with the rows created since `after_seq`, in one transaction."""
    t = contract_table(source_table)  # only contract names reach the SQL
    target = f"{FEED_SCHEMA}.new_{t.name}"
    (key,) = t.key
    with transaction(conn):
        run(conn, f"CREATE SCHEMA IF NOT EXISTS {FEED_SCHEMA}")
        newest = run(conn, f"SELECT max(seq) FROM {CHANGES_TABLE}")[0][0]
        if newest is None or after_seq > newest:  # a new (or emptied) DuckDB file: its feed starts again at 1
            after_seq = 0
        last = newest or 0
        created = (f"SELECT id FROM {CHANGES_TABLE} "
                   "WHERE table_name = ? AND change = 'created' AND seq > ? AND seq <= ?")
        run(conn, f'CREATE OR REPLACE TABLE {target} AS SELECT r.* FROM {t.qualified} AS r '
                  f'WHERE CAST(r."{key}" AS VARCHAR) IN ({created}) ORDER BY r."{key}"', [t.name, after_seq, last])
        ids = [r[0] for r in run(conn, f'SELECT "{key}" FROM {target} ORDER BY 1')]
    return NewRows(target, ids, int(last))
