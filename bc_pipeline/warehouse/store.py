"""Which store a warehouse file holds: recorded with its first data, checked before every write.

A DuckDB file holds one store's data. Its store (hash, API base URL, label; never the token) is the one row
of `bigcommerce._store`. Every connection opened for writing is bound to the store it writes for
(`check_store`, then `claim_store`, called by `connect.writer_connection`) before anything is written:
* the file names another store: refused (WrongStoreError) with the way out (another BC_DUCKDB_PATH, or
  `bc-pipeline sync --reset-store`);
* the file names no store but holds rows (written before files recorded their store): it adopts this store
  and says so, once (a warning; from then on the file names its store);
* the file is new, or holds no rows: the store is claimed in the transaction of its first merge
  (Warehouse.merge applies `pending_claim`), so a file never holds data without naming its store, and a
  first sync that failed before any data (a wrong hash, say) does not tie the file to a store.

Two identities are the same store when their hashes match (case aside) and their API hosts match. The port
is not compared: the embedded emulator listens on a new ephemeral port at each start. The base URL stored is
the one of the file's first write.

`reset_store` empties the file (raw tables, sync state, mapped tables) and names the new store, in one
transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import duckdb

from bc_pipeline.config import store_label
from bc_pipeline.warehouse.contract import FEED_SCHEMA, MAPPED_SCHEMA, SCHEMA, check_identifier
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline.warehouse.sql import run
from bc_pipeline.warehouse.state import StateWrite
from bc_pipeline.warehouse.transaction import transaction

STORE_TABLE = f"{SCHEMA}._store"
_PENDING = "_store_claim"  # a temporary table of the connection: the store to claim with the first merge
_COLUMNS = "store_hash, api_url, label"
log = logging.getLogger("bc_pipeline.progress")


class WrongStoreError(RuntimeError):
    """The warehouse file holds another store's data; nothing was written."""


@dataclass(frozen=True)
class StoreIdentity:
    store_hash: str
    api_url: str
    label: str

    @classmethod
    def of(cls, store_hash: str, api_url: str) -> StoreIdentity:
        return cls(store_hash, api_url.rstrip("/"), store_label(store_hash))

    def same_store(self, other: StoreIdentity) -> bool:
        return (self.store_hash.lower(), _host(self.api_url)) == (other.store_hash.lower(), _host(other.api_url))

    def describe(self) -> str:
        return f"store {self.store_hash} at {self.api_url}"


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).lower()


def create_store_table(conn: duckdb.DuckDBPyConnection) -> None:
    run(conn, f"CREATE TABLE IF NOT EXISTS {STORE_TABLE} "
              "(store_hash VARCHAR NOT NULL, api_url VARCHAR NOT NULL, label VARCHAR NOT NULL)")


def read_store(conn: duckdb.DuckDBPyConnection) -> StoreIdentity | None:
    """The store the file names, or None (a new file, or one written before files named their store)."""
    present = run(conn, "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                        "AND schema_name = ? AND table_name = '_store'", [SCHEMA])[0][0]
    rows = run(conn, f"SELECT {_COLUMNS} FROM {STORE_TABLE} LIMIT 1") if present else []
    return StoreIdentity(*rows[0]) if rows else None


def holds_data(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether any raw table of the file has a row."""
    present = {r[0] for r in run(conn, "SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                       "current_database() AND schema_name = ?", [SCHEMA])}
    probes = [f"SELECT 1 FROM {t.qualified}" for name, t in TABLES.items() if name in present]
    return bool(probes) and bool(run(conn, f"SELECT EXISTS ({' UNION ALL '.join(probes)})")[0][0])


def refusal(path: object, held: StoreIdentity, wanted: StoreIdentity) -> str:
    """The one-line refusal: both stores and the ways out."""
    return (
        f"the warehouse {path} holds {held.describe()}, not {wanted.describe()}: "
        f"set BC_DUCKDB_PATH to another file (unset, each store gets data/<label>.duckdb), or run "
        f"`bc-pipeline sync --reset-store` to empty this file and sync {wanted.store_hash} into it"
    )


def check_store(conn: duckdb.DuckDBPyConnection, wanted: StoreIdentity, path: object) -> StoreIdentity | None:
    """Raise WrongStoreError if the file names another store; return the store it names (None if none)."""
    held = read_store(conn)
    if held is not None and not held.same_store(wanted):
        raise WrongStoreError(refusal(path, held, wanted))
    return held


def claim_store(conn: duckdb.DuckDBPyConnection, wanted: StoreIdentity, held: StoreIdentity | None,
                path: object) -> None:
    """Once check_store passed and the tables exist: adopt a file written before files named their store, or
    hold the claim for the first merge (see the module docstring); a file naming the store needs nothing."""
    if held is not None:
        return
    if holds_data(conn):
        _write(conn, wanted)
        log.warning(f"the warehouse {path} was written before files recorded their store: it now holds "
                    f"{wanted.describe()} (label {wanted.label})")
        return
    run(conn, f"CREATE OR REPLACE TEMP TABLE {_PENDING} AS SELECT ? AS store_hash, ? AS api_url, ? AS label",
        [wanted.store_hash, wanted.api_url, wanted.label])


def pending_claim(conn: duckdb.DuckDBPyConnection) -> list[StateWrite]:
    """The writes that name the store in a merge's transaction, if this connection still holds a claim."""
    held = run(conn, "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [_PENDING])[0][0]
    if not held:
        return []
    return [
        StateWrite(f"INSERT INTO {STORE_TABLE} SELECT {_COLUMNS} FROM temp.{_PENDING} "
                   f"WHERE NOT EXISTS (SELECT 1 FROM {STORE_TABLE})", ()),
        StateWrite(f"DROP TABLE temp.{_PENDING}", ()),
    ]


def reset_store(conn: duckdb.DuckDBPyConnection, wanted: StoreIdentity) -> None:
    """Empty the file (every table of the raw, mapped and feed schemas: data, sync state, change feed, refresh
    and publish marks) and name `wanted` as its store, in one transaction (the tables exist: see ensure.py)."""
    tables = run(conn, "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = "
                       "current_database() AND schema_name IN (?, ?, ?)", [SCHEMA, MAPPED_SCHEMA, FEED_SCHEMA])
    with transaction(conn):
        for schema, name in tables:  # the raw tables are filled again, the others rebuilt, by the next sync
            run(conn, f'DELETE FROM {schema}."{check_identifier(name)}"')
        run(conn, f"DELETE FROM {STORE_TABLE}")
        _write(conn, wanted)


def _write(conn: duckdb.DuckDBPyConnection, store: StoreIdentity) -> None:
    run(conn, f"INSERT INTO {STORE_TABLE} ({_COLUMNS}) VALUES (?, ?, ?)",
        [store.store_hash, store.api_url, store.label])
