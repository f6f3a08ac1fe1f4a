"""What a file needs before anything writes to it, created in one place, once per connection that writes.

`ensure_schema` creates the schema, every contract table (and the columns a newer contract added), the sync
state, the change feed and the store record, if missing. `connect.writer_connection` calls it when it opens
the file for a writer (after refusing another store's file, so that file is left untouched), and
`connect.emptied_for` when it opens the file to reset it; nothing else does, so the code that writes
(`Warehouse.merge`, `mark_deleted`, the state writes) can count on the tables being there.
"""

from __future__ import annotations

from bc_pipeline.warehouse import changes, schema, state, store
from bc_pipeline.warehouse.errors import Connection


def ensure_schema(conn: Connection) -> None:
    """Create what is missing of the warehouse in this connection's file (idempotent)."""
    schema.create_tables(conn)
    state.create_state_tables(conn)
    changes.create_table(conn)
    store.create_store_table(conn)
