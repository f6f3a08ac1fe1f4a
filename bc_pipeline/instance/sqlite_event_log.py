"""Dagster's SQLite event log, with each database's connection kept open instead of opened per event.

Why: Dagster's `SqliteEventLogStorage` creates an engine, connects, commits and disconnects for every event it
stores, and an asset event is written twice (the run's database and the index). Closing the last connection
to a WAL database checkpoints it, and checkpoints and commits are fsyncs: profiled on a no-op
`bc-pipeline sync`, nearly all of the run's time went to `commit` and `close` of these short connections
(about 200 events, three to four connections each). This class keeps one pooled engine per database (at most
`MAX_OPEN_DATABASES` run databases, least recently used closed first), with `synchronous=NORMAL`, the setting
SQLite recommends for WAL: a commit survives the process being killed at any moment; only a power loss or
kernel crash can lose the last commits (never corrupt the file). The production instance (deploy/) uses
PostgreSQL and is not concerned.

A new database (each run's, the index) is created in one transaction instead of a statement per transaction
(sqlite_schema.py). What else changes nothing: the tables, the files (`<base_dir>/<run_id>.db` and
`index.db`), the schema migrations and every read are Dagster's. The UI follows a running run by watching its `.db` file for
changes; with the connection open, writes land in the `-wal` file until a checkpoint, so after each write to
a run's database its `.db` file's modification time is touched, which is what the watcher listens for.

Configured in dagster.yaml as `event_log_storage` (module `bc_pipeline.instance.sqlite_event_log`); its
`base_dir` defaults to `history/runs` under the instance's folder, where Dagster's default keeps the same files, so an existing
instance keeps its history.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from dagster import Field, StringSource
from dagster._core.storage.event_log.schema import SqlEventLogStorageMetadata
from dagster._core.storage.event_log.sqlite import sqlite_event_log as dagster_sqlite_event_log
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool, QueuePool

from bc_pipeline.instance.sqlite_schema import Prepared, prepare

MAX_OPEN_DATABASES = 8  # run databases kept open per process (a webserver reads many runs), plus the index


def _wal_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose databases stay connected between events (see the module docstring)."""

    def __init__(self, base_dir: str | None = None, inst_data: Any = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._present: set[tuple[str, str]] = set()  # (table, column or "") seen in the index database
        self._config_inst_data = inst_data
        if base_dir:
            super().__init__(base_dir, inst_data=inst_data)
        # else: opened by register_instance, the first thing an instance does with its storage, under the
        # instance's own folder (which is not always $DAGSTER_HOME: `DagsterInstance.from_config(path)`)

    def register_instance(self, instance: Any) -> None:
        if not hasattr(self, "_base_dir"):
            super().__init__(os.path.join(instance.root_directory, "history", "runs"), inst_data=self._config_inst_data)
        super().register_instance(instance)

    @classmethod
    def config_type(cls) -> dict:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: dict) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as conn:
                with conn.begin():
                    yield conn
            if shard != INDEX_SHARD_NAME:
                _touch(self.path_for_shard(shard))

    def has_table(self, table_name: str) -> bool:
        """Dagster's answer, remembered once it is yes: Dagster asks before every asset check event and every
        asset event's tags, each time with a new engine and connection (5% of a no-op sync). A table, once there,
        stays until a wipe or an upgrade, which forget the answers; a missing one is asked again each time."""
        return self._remembered((table_name, ""), partial(super().has_table, table_name))

    def _has_asset_key_col_on_connection(self, conn: Connection, column_name: str) -> bool:
        """As has_table: Dagster reflects the asset_keys table's columns for every asset event."""
        return self._remembered(("asset_keys", column_name),
                                partial(super()._has_asset_key_col_on_connection, conn, column_name))

    def _remembered(self, key: tuple[str, str], ask: Callable[[], bool]) -> bool:
        if key in self._present:
            return True
        present = bool(ask())
        if present:
            self._present.add(key)
        return present

    def _initdb(self, engine: Engine, for_index_shard: bool = False) -> None:
        """Dagster's creation of a database (each run's, and the index), in one transaction (sqlite_schema.py):
        a new run's database took 0.15-0.25 s of every run. A database from an older layout is Dagster's."""
        if prepare(engine, SqlEventLogStorageMetadata, dagster_sqlite_event_log.__file__) is Prepared.OTHER:
            super()._initdb(engine, for_index_shard)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        if shard not in self._initialized_dbs:  # Dagster's own creation and migration check, as it does it
            once = create_engine(self.conn_string_for_shard(shard), poolclass=NullPool,
                                 connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
            self._initdb(once)
            once.dispose()
            self._initialized_dbs.add(shard)
        engine = create_engine(
            self.conn_string_for_shard(shard),
            poolclass=QueuePool,
            pool_size=1,
            max_overflow=0,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        event.listen(engine, "connect", _wal_pragmas)
        self._engines[shard] = engine
        self._close_least_recent()
        return engine

    def _close_least_recent(self) -> None:
        runs = [shard for shard in self._engines if shard != INDEX_SHARD_NAME]
        for shard in runs[: max(0, len(runs) - MAX_OPEN_DATABASES)]:
            self._engines.pop(shard).dispose()

    def _close_all(self) -> None:
        self._present.clear()
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def wipe(self) -> None:
        self._close_all()
        super().wipe()

    def upgrade(self) -> None:
        self._close_all()
        super().upgrade()

    def dispose(self) -> None:
        self._close_all()
        super().dispose()


def _touch(path: str) -> None:
    try:
        os.utime(path)
    except FileNotFoundError:  # wiped meanwhile
        pass
