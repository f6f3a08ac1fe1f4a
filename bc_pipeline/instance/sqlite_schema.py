"""A new SQLite database of the local Dagster instance, created in one transaction and opened without alembic.

Dagster creates a storage database with SQLAlchemy's `create_all`, in which each CREATE TABLE and CREATE INDEX
is its own transaction on SQLite (a commit, so an fsync, each: about 20 for the event log's schema), then
stamps it with alembic's `stamp` command, which loads Dagster's ~90 migration scripts to find their head;
opening an existing database, it loads them again only to learn that a revision is there. The SQLite event log
makes a new database for every run (0.15-0.25 s of each run), and every process that opens the instance
checked the run, schedule and index databases that way (about 50 ms each).

`prepare` does the same in one transaction and finds the head once per process: the database it leaves is
Dagster's (the same statements, compiled from Dagster's own table definitions, the same alembic revision,
WAL); a test compares the files. A database that exists but is not stamped (a layout from an old Dagster)
is left to Dagster's own code, which knows how to handle it; so is a creation that meets another process's
lock. Used by sqlite_event_log.py and sqlite_run_schedule_storage.py.
"""

from __future__ import annotations

import functools
import sqlite3
from enum import Enum

from sqlalchemy import MetaData
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.schema import CreateIndex, CreateTable

# What alembic's `stamp` creates (alembic.runtime.migration.MigrationContext._version).
ALEMBIC_VERSION_DDL = (
    "CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\t"
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)"
)


class Prepared(Enum):
    STAMPED = "stamped"    # had an alembic revision: nothing to do (Dagster's check concludes the same)
    CREATED = "created"    # was empty: created here
    OTHER = "other"        # tables without a revision: for Dagster's own code


def head_revision(alembic_dunder_file: str) -> str:
    """The head of Dagster's migration scripts, as Dagster's `get_alembic_config(__file__)` finds them for the
    storage module at `alembic_dunder_file` (the three SQLite storages share one script folder, loaded once
    per process: ~50 ms)."""
    from dagster._core.storage.sql import get_alembic_config

    return _head(get_alembic_config(alembic_dunder_file).get_main_option("script_location"))


@functools.cache
def _head(script_location: str) -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", script_location)
    head = ScriptDirectory.from_config(config).get_current_head()
    if not head:
        raise RuntimeError(f"Dagster's migration scripts at {script_location} have no single head")
    return head


@functools.cache
def _statements(metadata: MetaData, dialect: Dialect) -> tuple[str, ...]:
    out: list[str] = []
    for table in metadata.sorted_tables:
        out.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        out.extend(str(CreateIndex(index).compile(dialect=dialect)).strip()
                   for index in sorted(table.indexes, key=lambda i: i.name or ""))
    return tuple(out)


def prepare(engine: Engine, metadata: MetaData, alembic_dunder_file: str,
            required: frozenset[str] = frozenset()) -> Prepared:
    """Create `metadata`'s tables in the SQLite database of `engine` if it has none, stamped at the head
    revision, in one transaction (another process creating it at the same moment waits on the write lock
    and then finds it created). A stamped database without one of the `required` tables is OTHER."""
    raw = engine.raw_connection()
    try:
        return _prepare(raw.driver_connection, metadata, engine.dialect, alembic_dunder_file, required)
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        # Another process holds the file while it switches it to WAL (SQLite answers that at once, without
        # waiting): Dagster's own code creates it, retrying as it does for this race.
        return Prepared.OTHER
    finally:
        raw.close()


def _prepare(conn: sqlite3.Connection, metadata: MetaData, dialect: Dialect, alembic_dunder_file: str,
             required: frozenset[str]) -> Prepared:
    state = _state(conn, required)
    if state is Prepared.CREATED:
        statements, head = _statements(metadata, dialect), head_revision(alembic_dunder_file)
        conn.execute("PRAGMA journal_mode=WAL")
        isolation, conn.isolation_level = conn.isolation_level, None  # BEGIN and COMMIT are ours
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                state = _state(conn, required)
                if state is Prepared.CREATED:
                    for statement in statements:
                        conn.execute(statement)
                    conn.execute(ALEMBIC_VERSION_DDL)
                    conn.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (head,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.isolation_level = isolation
    return state


def _state(conn: sqlite3.Connection, required: frozenset[str]) -> Prepared:
    """STAMPED, OTHER, or CREATED meaning "empty, to be created"."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" in names and conn.execute("SELECT 1 FROM alembic_version LIMIT 1").fetchone():
        return Prepared.STAMPED if required <= names else Prepared.OTHER
    return Prepared.OTHER if names else Prepared.CREATED
