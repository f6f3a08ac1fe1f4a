"""Dagster's SQLite run and schedule storages, opened without loading alembic and created in one transaction.

Why: every process that opens the local instance (each `bc-pipeline sync`, the webserver, the daemon, each
run worker) had Dagster load its ~90 migration scripts twice (once per storage, about 50 ms each) only to
learn that the databases are stamped; a new instance's first process also created both databases a statement
per transaction (an fsync each) and stamped them through alembic's command, 0.3-0.4 s of a first sync. These
classes open the same files through `sqlite_schema.prepare` (the event log does too): an existing database is
read for its revision, a new one is created in one transaction and then given Dagster's data migrations as
Dagster does (`migrate`, `optimize`). A database of an older layout (tables without a revision, or without
`instance_info`) is left to Dagster's own `from_local`. Everything else (tables, reads, writes, `dagster
instance migrate`) is Dagster's.

Configured in dagster.yaml as `run_storage` and `schedule_storage`; without `base_dir` they open
`history/runs.db` and `schedules/schedules.db` under the instance's folder, where Dagster's default keeps
them, so an existing instance keeps its runs and schedules.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

from dagster import Field, StringSource
from dagster._core.storage.runs.schema import RunStorageSqlMetadata
from dagster._core.storage.runs.sqlite import sqlite_run_storage as dagster_run_module
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.schema import ScheduleStorageSqlMetadata
from dagster._core.storage.schedules.sqlite import sqlite_schedule_storage as dagster_schedule_module
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sqlite import create_db_conn_string
from sqlalchemy import MetaData, create_engine
from sqlalchemy.pool import NullPool

from bc_pipeline.instance.sqlite_schema import Prepared, prepare


class _FastOpen:
    """What both storages share; the Dagster class they extend comes next in the MRO."""

    _dagster_class: Any
    _dagster_module: ModuleType
    _metadata: MetaData
    _folder: str    # under the instance's folder, as Dagster's default
    _database: str  # the file's name without .db
    _required: frozenset[str] = frozenset()

    def __init__(self, base_dir: str | None = None, inst_data: Any = None) -> None:
        self._config_inst_data = self._inst_data = inst_data
        if base_dir:
            self._open(base_dir)
        # else: opened by register_instance, the first thing an instance does with its storage, under the
        # instance's own folder (which is not always $DAGSTER_HOME: `DagsterInstance.from_config(path)`)

    @classmethod
    def config_type(cls) -> dict:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: dict) -> Any:
        return cls(inst_data=inst_data, **config_value)

    def register_instance(self, instance: Any) -> None:
        if not hasattr(self, "_conn_string"):
            self._open(os.path.join(instance.root_directory, self._folder))
        super().register_instance(instance)  # type: ignore[misc]

    def _open(self, base_dir: str) -> None:
        os.makedirs(base_dir, exist_ok=True)
        conn_string = create_db_conn_string(base_dir, self._database)
        engine = create_engine(conn_string, poolclass=NullPool)
        try:
            state = prepare(engine, self._metadata, self._dagster_module.__file__, self._required)
        finally:
            engine.dispose()
        if state is Prepared.OTHER:
            self._dagster_class.from_local(base_dir, inst_data=self._config_inst_data)
        self._dagster_class.__init__(self, conn_string, self._config_inst_data)
        if state is Prepared.CREATED:  # what Dagster's from_local does for a new database
            self.migrate()  # type: ignore[attr-defined]
            self.optimize()  # type: ignore[attr-defined]


class FastOpenSqliteRunStorage(_FastOpen, SqliteRunStorage):
    """SqliteRunStorage opened and created through sqlite_schema.prepare (see the module docstring)."""

    _dagster_class = SqliteRunStorage
    _dagster_module = dagster_run_module
    _metadata = RunStorageSqlMetadata
    _folder, _database = "history", "runs"
    _required = frozenset({"instance_info"})  # Dagster adds it to an older stamped database


class FastOpenSqliteScheduleStorage(_FastOpen, SqliteScheduleStorage):
    """SqliteScheduleStorage opened and created through sqlite_schema.prepare (see the module docstring)."""

    _dagster_class = SqliteScheduleStorage
    _dagster_module = dagster_schedule_module
    _metadata = ScheduleStorageSqlMetadata
    _folder, _database = "schedules", "schedules"
